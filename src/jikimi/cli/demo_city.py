"""The demo's seeded city: twelve victims and perpetrators, their orders, phones and the
officers' risk questionnaires, created through the public API."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

AGENCY = "seoul-mapo"

# (victim, perpetrator, relationship, offense, order kind, days the order has run, home lat/lon)
CITY: list[tuple[str, str, str, str, str, int, float, float]] = [
    (
        "김지은",
        "박성훈",
        "former_partner",
        "stalking",
        "stalking.provisional.3",
        10,
        37.5563,
        126.9236,
    ),
    (
        "이수진",
        "최민수",
        "former_spouse",
        "domestic_violence",
        "dv.temporary.3",
        20,
        37.5509,
        126.9410,
    ),
    ("박하늘", "정우성", "dating", "dating_violence", "stalking.emergency.2", 3, 37.5612, 126.9080),
    (
        "최유나",
        "강도윤",
        "former_partner",
        "stalking",
        "stalking.provisional.3",
        60,
        37.5480,
        126.9135,
    ),
    (
        "정민지",
        "윤재혁",
        "spouse",
        "domestic_violence",
        "dv.emergency_temporary.3",
        0,
        37.5591,
        126.9327,
    ),
    (
        "강서연",
        "임태호",
        "former_partner",
        "stalking",
        "stalking.provisional.2",
        15,
        37.5537,
        126.9021,
    ),
    (
        "조은비",
        "한지훈",
        "former_spouse",
        "domestic_violence",
        "dv.protection.3",
        100,
        37.5666,
        126.9189,
    ),
    (
        "윤하은",
        "오세준",
        "acquaintance",
        "stalking",
        "stalking.provisional.3",
        80,
        37.5444,
        126.9512,
    ),
    (
        "장미래",
        "서동현",
        "dating",
        "dating_violence",
        "stalking.provisional.3",
        5,
        37.5620,
        126.9255,
    ),
    (
        "임소희",
        "신재원",
        "former_partner",
        "stalking",
        "stalking.emergency.2",
        40,
        37.5497,
        126.9240,
    ),
    ("한가을", "권혁진", "family", "domestic_violence", "dv.temporary.3", 30, 37.5571, 126.9123),
    ("오나래", "황보현", "stranger", "stalking", "stalking.provisional.3", 1, 37.5529, 126.9368),
]
MAX_DAYS = {
    "stalking.emergency.2": 28,
    "dv.emergency_temporary.3": 1,
    "dv.protection.3": 360,
    "dv.temporary.3": 59,
    "stalking.provisional.3": 89,
    "stalking.provisional.2": 89,
}


@dataclass
class SimCase:
    """What the simulator knows about one seeded case."""

    device_token: str
    device_key: str
    victim_number: str
    perpetrator_number: str
    iphone: bool
    case: dict[str, Any]  # id, offense, home lat/lon: what the moving city needs


def mobile_number(rng: random.Random) -> str:
    return f"010-{rng.randint(2000, 9999)}-{rng.randint(0, 9999):04d}"


NOTES = [
    "헤어진 뒤 매일 집 앞에서 기다리고 연락을 계속함. 피해자는 매우 불안해함.",
    "술을 마시면 폭언이 심해지고 목을 조른 적이 있다고 진술함.",
    "직장까지 찾아와 소란을 피움. 죽이겠다는 문자를 보낸 적 있음.",
    "최근 연락이 줄었으나 SNS로 위치를 확인하는 정황이 있음.",
]


def assessment(rng: random.Random) -> dict[str, Any]:
    """The officer's questionnaire for a demo case: some cases grave, most less so."""
    grave = rng.random() < 0.3
    yes = 0.6 if grave else 0.2
    answers: dict[str, Any] = {
        key: rng.random() < yes
        for key in (
            "threat_to_kill",
            "weapon_threat",
            "strangulation",
            "separation",
            "escalation",
            "jealousy_control",
            "substance_abuse",
            "prior_violence",
        )
    }
    answers["stalking_behaviours"] = rng.randint(3, 8) if grave else rng.randint(0, 3)
    answers["victim_fear"] = rng.randint(3, 5) if grave else rng.randint(1, 3)
    return {"answers": answers, "note": rng.choice(NOTES)}


def seed(http: httpx.Client, officer: str, rng: random.Random) -> list[SimCase]:
    """Create the city's people, cases, orders and phones through the API."""
    h = {"Authorization": f"Bearer {officer}"}
    now = datetime.now(UTC)
    cases = []
    for i, (victim, perp, rel, offense, kind, ran, lat, lon) in enumerate(CITY):
        vnum, pnum = mobile_number(rng), mobile_number(rng)
        v = http.post(
            "/api/v1/people",
            headers=h,
            json={
                "name": victim,
                "phones": [vnum],
                "addresses": [
                    {
                        "label": "home",
                        "text": f"서울 마포구 데모로 {i + 1}길",
                        "lat": lat,
                        "lon": lon,
                    }
                ],
            },
        ).json()
        p = http.post("/api/v1/people", headers=h, json={"name": perp, "phones": [pnum]}).json()
        c = http.post(
            "/api/v1/cases",
            headers=h,
            json={
                "victim_id": v["id"],
                "perpetrator_id": p["id"],
                "relationship": rel,
                "offense": offense,
            },
        ).json()
        start = now - timedelta(days=min(ran, MAX_DAYS[kind] - 1), hours=1)
        end = start + timedelta(days=MAX_DAYS[kind])
        http.post(
            f"/api/v1/cases/{c['id']}/orders",
            headers=h,
            json={
                "kind": kind,
                "starts_at": start.isoformat(),
                "ends_at": end.isoformat(),
                "court_ref": f"2026즈{1000 + i}",
            },
        ).raise_for_status()
        dev = http.post(
            f"/api/v1/cases/{c['id']}/devices", headers=h, json={"kind": "victim_phone"}
        ).json()
        http.post(
            f"/api/v1/cases/{c['id']}/risk-assessments", headers=h, json=assessment(rng)
        ).raise_for_status()
        info = {"id": c["id"], "offense": offense, "lat": lat, "lon": lon}
        cases.append(SimCase(dev["token"], dev["signing_key"], vnum, pnum, i % 4 == 3, info))
    return cases
