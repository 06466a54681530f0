"""A case's positions for the map, from its zones and fixes (proximity/schemas.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from jikimi.ports import LoggedFix
from jikimi.proximity.rules.watch import Place
from jikimi.proximity.schemas import CasePositions, case_positions_json

AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
HOME = Place("a1", "home", 37.55, 126.92)


def _fix(device: str, lat: float) -> LoggedFix:
    return LoggedFix(1, device, AT, lat, 126.9, 8.0)


def test_no_ban_in_force_shows_no_zone_but_both_tracks() -> None:
    out = case_positions_json([HOME], _fix("p", 37.5), None, None, [_fix("a", 37.6)], [])
    CasePositions.model_validate(out)
    assert out["zones"] == []
    assert out["perpetrator"]["track"] == [
        {"lat": 37.6, "lon": 126.9, "accuracy_m": 8.0, "recorded_at": AT}
    ]
    assert out["victim"] == {"track": []}


def test_the_victims_fresh_fix_is_a_zone_with_the_bans_radius() -> None:
    victim = _fix("p", 37.5)
    out = case_positions_json([HOME], victim, 200.0, 500.0, [], [victim])
    CasePositions.model_validate(out)
    assert out["zones"] == [
        {
            "key": "a1",
            "label": "home",
            "lat": 37.55,
            "lon": 126.92,
            "radius_m": 200.0,
            "warn_m": 500.0,
        },
        {
            "key": "victim",
            "label": "victim",
            "lat": 37.5,
            "lon": 126.9,
            "radius_m": 200.0,
            "warn_m": 500.0,
        },
    ]
