"""Builders for the referrals' tests: a centre with its counsellor, a consent, a referral,
through the public API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from jikimi.core.access import Role
from tests.factories import Factory, World, auth

CENTRE = "mapo-haebaragi"
OTHER_CENTRE = "busan-dasom"


@dataclass
class Referred:
    """A case, its centre's counsellor, the consent and the referral."""

    world: World
    counsellor: str
    consent_id: str | None
    referral: dict[str, Any]


def consent(
    factory: Factory,
    w: World,
    shares: list[str],
    centre: str = CENTRE,
    expires_at: datetime | None = None,
) -> dict[str, Any]:
    """The victim's consent for `centre`, as recorded by the case's officer."""
    expires = expires_at or datetime.now(UTC) + timedelta(days=90)
    body = {
        "recipient": centre,
        "purposes": ["counselling"],
        "shares": shares,
        "expires_at": expires.isoformat(),
        "method": "written",
    }
    out: dict[str, Any] = factory.post(f"/api/v1/cases/{w.case_id}/consents", w.officer, body)
    return out


def refer(client: TestClient, w: World, centre: str = CENTRE, override: str | None = None) -> Any:
    """The case's officer refers the case to `centre` (with `override`: its reason)."""
    body: dict[str, Any] = {"centre": centre, "reason": "스토킹 피해 심리상담 연계"}
    if override is not None:
        body["override"] = {"basis": "vital_interests", "reason": override}
    return client.post(f"/api/v1/cases/{w.case_id}/referrals", json=body, headers=auth(w.officer))


def referred(factory: Factory, shares: list[str], centre: str = CENTRE) -> Referred:
    """A case with a counsellor at `centre`, a consent sharing `shares`, and its referral."""
    counsellor = factory.token(Role.COUNSELLOR, centre)
    w = factory.world()
    c = consent(factory, w, shares, centre)
    r = refer(factory.client, w, centre)
    assert r.status_code == 201, r.text
    return Referred(w, counsellor, c["id"], r.json())


def read(client: TestClient, token: str, referral_id: str) -> Any:
    """The counsellor's GET of a referral."""
    return client.get(f"/api/v1/referrals/{referral_id}", headers=auth(token))


def referral_of(factory: Factory, w: World) -> tuple[str, str]:
    """(consent id, referral id) of a referral of `w`'s case to CENTRE, whose counsellor
    must exist already."""
    c = consent(factory, w, ["contact"])
    r = refer(factory.client, w)
    assert r.status_code == 201, r.text
    return c["id"], str(r.json()["id"])
