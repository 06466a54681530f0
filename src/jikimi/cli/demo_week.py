"""The demo's week of case work, created through the public API: orders ending this week,
an order revoked, a detention ended, an order that ended five days ago (its first
monitoring call overdue once the scheduling pass runs), a release on bail, the
officer's own task due today, safety measures in force, one of them ending in two
days, and, when a centre is given, the first victim's consent and her referral to it."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from jikimi.cli.demo_city import assessment, mobile_number

SEOUL = ZoneInfo("Asia/Seoul")
# The demo's counselling centre (its counsellor is a demo sign-in).
CENTRE = "mapo-haebaragi"


@dataclass(frozen=True)
class Story:
    """One case of the week: its people, its order (days from now; none for a release on
    bail) and what happens to it."""

    victim: str
    perpetrator: str
    relationship: str
    offense: str
    kind: str | None
    starts_days: float
    ends_days: float
    then: str = ""  # "revoke", "bail" or "own_task"
    # Safety measures: (kind, starts in days, ends in days) from now.
    measures: tuple[tuple[str, float, float], ...] = ()


WEEK: list[Story] = [
    Story(
        "문지아",
        "배준호",
        "former_partner",
        "stalking",
        "stalking.provisional.2",
        -80,
        2,
        "own_task",
        (("smartwatch", -20, 10), ("private_security", -12, 2)),
    ),
    Story(
        "송예린",
        "구민재",
        "spouse",
        "domestic_violence",
        "dv.temporary.3",
        -53,
        5,
        measures=(("home_cctv", -40, 50), ("emergency_112_registration", -53, 37)),
    ),
    Story(
        "백수아", "노정훈", "dating", "dating_violence", "stalking.provisional.3", -20, 60, "revoke"
    ),
    Story("남다은", "엄태성", "former_partner", "stalking", "stalking.provisional.4", -28, -1),
    Story("류채원", "진상우", "acquaintance", "stalking", "stalking.provisional.2", -60, -5),
    Story("홍서윤", "문태준", "former_spouse", "domestic_violence", None, 0, 0, "bail"),
]


def due_today(now: datetime) -> datetime:
    """A time later today in Seoul: 18:00, or an hour from now when that is later (before
    midnight)."""
    local = now.astimezone(SEOUL)
    evening = local.replace(hour=18, minute=0, second=0, microsecond=0)
    midnight = local.replace(hour=23, minute=59, second=0, microsecond=0)
    return max(evening, min(local + timedelta(hours=1), midnight))


def _post(http: httpx.Client, h: dict[str, str], path: str, body: dict[str, Any]) -> Any:
    r = http.post(path, headers=h, json=body)
    r.raise_for_status()
    return r.json()


def seed_week(
    http: httpx.Client,
    officer: str,
    rng: random.Random,
    now: datetime,
    centre: str | None = None,
) -> list[dict[str, Any]]:
    """Create the week's cases as `officer` (who is then assigned to them): their id, the
    victim's name and what happened; with `centre` (one with a counsellor), the first
    victim consents to share her contact, case summary and tier and is referred to it."""
    h = {"Authorization": f"Bearer {officer}"}
    made = []
    for i, story in enumerate(WEEK):
        v = _post(http, h, "/api/v1/people", {"name": story.victim, "phones": [mobile_number(rng)]})
        p = _post(
            http, h, "/api/v1/people", {"name": story.perpetrator, "phones": [mobile_number(rng)]}
        )
        case = _post(
            http,
            h,
            "/api/v1/cases",
            {
                "victim_id": v["id"],
                "perpetrator_id": p["id"],
                "relationship": story.relationship,
                "offense": story.offense,
            },
        )
        cid = case["id"]
        if story.kind is not None:
            order = _post(
                http,
                h,
                f"/api/v1/cases/{cid}/orders",
                {
                    "kind": story.kind,
                    "starts_at": (now + timedelta(days=story.starts_days)).isoformat(),
                    "ends_at": (now + timedelta(days=story.ends_days)).isoformat(),
                    "court_ref": f"2026즈{2000 + i}",
                },
            )
        _post(http, h, f"/api/v1/cases/{cid}/risk-assessments", assessment(rng))
        for kind, starts, ends in story.measures:
            _post(
                http,
                h,
                f"/api/v1/cases/{cid}/safety-measures",
                {
                    "kind": kind,
                    "starts_at": (now + timedelta(days=starts)).isoformat(),
                    "ends_at": (now + timedelta(days=ends)).isoformat(),
                    "provider": "마포구청" if kind == "smartwatch" else None,
                },
            )
        if story.then == "revoke":
            _post(
                http, h, f"/api/v1/orders/{order['id']}/revoke", {"reason": "법원 취소 결정 통지"}
            )
        elif story.then == "bail":
            decided = now - timedelta(days=1)
            _post(
                http,
                h,
                f"/api/v1/cases/{cid}/decisions",
                {
                    "kind": "released_on_bail",
                    "decided_at": decided.isoformat(),
                    "note": "보석 허가로 석방, 주거 제한 조건",
                },
            )
        elif story.then == "own_task":
            _post(
                http,
                h,
                f"/api/v1/cases/{cid}/tasks",
                {
                    "kind": "other",
                    "due_at": due_today(now).isoformat(),
                    "reason": "피해자와 연장 신청 여부 통화",
                },
            )
        made.append({"id": cid, "victim": story.victim, "then": story.then or story.kind})
    if centre is not None:
        refer(http, h, made[0]["id"], centre, now)
    return made


def refer(http: httpx.Client, h: dict[str, str], case_id: str, centre: str, now: datetime) -> None:
    """The victim's written consent for `centre` (90 days) and the case's referral to it."""
    consent = {
        "recipient": centre,
        "purposes": ["counselling"],
        "shares": ["contact", "case_summary", "risk"],
        "expires_at": (now + timedelta(days=90)).isoformat(),
        "method": "written",
    }
    _post(http, h, f"/api/v1/cases/{case_id}/consents", consent)
    body = {"centre": centre, "reason": "스토킹 피해 심리상담 및 동행 지원 연계"}
    _post(http, h, f"/api/v1/cases/{case_id}/referrals", body)
