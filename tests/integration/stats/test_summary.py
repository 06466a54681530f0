"""Statistics through HTTP: counts by whole month or year without a single name or phone
number, in JSON and CSV; 1 to 4 given as "<5"; a supervisor's of its agency only."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import phonenumbers
from fastapi.testclient import TestClient

from jikimi.bootstrap import Container
from jikimi.core.access import Role
from tests.factories import Factory, auth
from tests.integration.stats.seed import GANGWON, SEOUL
from tests.integration.support.helpers import approved, pay

URL = "/api/v1/stats/summary"
# Names and numbers as an officer typed them, each format people and phones use.
PEOPLE = [
    ("김지은", "010-3141-5926"),
    ("박가해", "01027182818"),
    ("이서연", "+82 10 1618 0339"),
    ("최민준", "82-10-1414-2135"),
    ("정하은", "02-312-3456"),
    ("강도윤", "010 5772 1566"),
]


def spellings(typed: str) -> set[str]:
    """Every way the number could be written back: as typed, E.164, national with and
    without separators, international."""
    n = phonenumbers.parse(typed, "KR")
    fmt = phonenumbers.PhoneNumberFormat
    out = {typed, phonenumbers.format_number(n, fmt.E164)}
    out.add(phonenumbers.format_number(n, fmt.NATIONAL))
    out.add(phonenumbers.format_number(n, fmt.INTERNATIONAL))
    out.add(re.sub(r"\D", "", phonenumbers.format_number(n, fmt.NATIONAL)))
    out.add(phonenumbers.format_number(n, fmt.E164).lstrip("+"))
    return out


def seed(factory: Factory, container: Container) -> dict[str, Any]:
    """In Seoul: 3 stalking cases among the six named people, 6 dating-violence cases, a
    no-contact order and an alert on one, a smartwatch, a task done on time and one
    late; in Gangwon: 2 stalking cases."""
    officer = factory.token(Role.OFFICER, SEOUL)
    people = [factory.person(officer, name, [phone])["id"] for name, phone in PEOPLE]
    stalking = []
    for offense, n in (("stalking", 3), ("dating_violence", 6)):
        for i in range(n):
            body = {
                "victim_id": people[(2 * i) % 6],
                "perpetrator_id": people[(2 * i + 1) % 6],
                "relationship": "former_partner",
                "offense": offense,
            }
            case_id = factory.post("/api/v1/cases", officer, body)["id"]
            if offense == "stalking":
                stalking.append(case_id)
    w = factory.world(officer, starts_at=datetime.now(UTC) - timedelta(minutes=5))
    factory.contact(w.device_token, w.perpetrator_number)
    container.worker.run_once()
    now = datetime.now(UTC)
    factory.post(
        f"/api/v1/cases/{stalking[0]}/safety-measures",
        officer,
        {
            "kind": "smartwatch",
            "starts_at": now.isoformat(),
            "ends_at": (now + timedelta(days=5)).isoformat(),
            "serial": "SW-000777",
            "note": "김지은 씨 자택 앞 전달",
        },
    )
    for due in (now + timedelta(days=2), now - timedelta(hours=1)):
        task = factory.post(
            f"/api/v1/cases/{stalking[1]}/tasks",
            officer,
            {"kind": "other", "due_at": due.isoformat(), "reason": "박가해 재접근 여부 확인"},
        )
        factory.post(
            f"/api/v1/tasks/{task['id']}/complete",
            officer,
            {"outcome": "done", "note": "이서연 씨와 통화"},
            status=200,
        )
    busan = factory.token(Role.OFFICER, GANGWON)
    for _ in range(2):
        factory.world(busan, starts_at=now - timedelta(minutes=5))
    return {"world": w}


def this_month(body: dict[str, Any]) -> dict[str, Any]:
    """The period that holds now (the data was made now)."""
    now = datetime.now(UTC)
    (period,) = [
        p
        for p in body["periods"]
        if datetime.fromisoformat(p["starts_at"]) <= now < datetime.fromisoformat(p["ends_at"])
    ]
    return period


def test_the_nations_counts_hold_no_name_or_number(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """An analyst's summary, JSON and CSV: every seeded name and number, in every format
    it could be written, is absent; the small counts are "<5" and 0 stays 0."""
    seeded = seed(factory, container)
    analyst = factory.token(Role.ANALYST, None)
    r = client.get(URL, headers=auth(analyst))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["group"] == "month"
    assert body["agency"] is None
    assert len(body["periods"]) == 12
    assert body["suppressed_below"] == 5
    now = this_month(body)
    # Seoul: 3 stalking + 6 dating violence + the world's stalking; Gangwon: 2 stalking.
    assert now["cases_opened_by_offense"] == {
        "stalking": 6,
        "dating_violence": 6,
        "domestic_violence": 0,
        "sexual_violence": 0,
        "other": 0,
    }
    assert now["orders_by_kind"]["stalking.provisional.3"] == "<5"
    assert now["orders_by_kind"]["dv.temporary.1"] == 0
    assert now["alerts_by_kind"]["contact_violation"] == "<5"
    assert now["alerts_by_kind"]["sos"] == 0
    assert now["safety_measures_by_kind"]["smartwatch"] == "<5"
    assert now["tasks_done"] == {"on_time": "<5", "late": "<5"}
    assert now["support_paid_krw"] is None
    csv_text = client.get(URL, headers=auth(analyst), params={"format": "csv"})
    assert csv_text.status_code == 200
    assert csv_text.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(csv_text.text)))
    assert list(rows[0]) == ["period", "starts_at", "ends_at", "measure", "category", "count"]
    mine = {(x["measure"], x["category"]): x["count"] for x in rows if x["period"] == now["period"]}
    assert mine[("cases_opened_by_offense", "stalking")] == "6"
    assert mine[("tasks_done", "late")] == "<5"
    assert mine[("support_paid_krw", "")] == ""
    w = seeded["world"]
    secrets = {name for name, _ in PEOPLE} | {"SW-000777", "자택", "통화", "재접근"}
    for _, typed in PEOPLE:
        secrets |= spellings(typed)
    secrets |= spellings(w.victim_number) | spellings(w.perpetrator_number)
    secrets |= {w.victim_id, w.perpetrator_id, w.case_id}
    for text in (r.text, csv_text.text):
        found = [s for s in secrets if s in text]
        assert found == []


def test_a_supervisor_counts_its_agency_and_a_year_is_one_period(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """Gangwon's supervisor sees Gangwon's 2 stalking cases only; grouped by year, this
    year is one period."""
    seed(factory, container)
    boss = factory.token(Role.SUPERVISOR, GANGWON)
    year = datetime.now(UTC).year
    r = client.get(
        URL,
        headers=auth(boss),
        params={
            "from": f"{year}-01-01T00:00:00+09:00",
            "to": f"{year}-12-31T00:00:00+09:00",
            "group": "year",
        },
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["agency"] == GANGWON
    assert [p["period"] for p in body["periods"]] == [str(year)]
    assert body["from"] == f"{year - 1}-12-31T15:00:00Z"
    assert body["periods"][0]["cases_opened_by_offense"]["stalking"] == "<5"
    assert body["periods"][0]["cases_opened_by_offense"]["dating_violence"] == 0


def test_bad_windows_and_roles_are_refused(client: TestClient, factory: Factory) -> None:
    """A naive or reversed window, an unknown grouping or format: a 422 that changes
    nothing; officers and dispatchers: 403."""
    analyst = factory.token(Role.ANALYST, None)
    for params in (
        {"from": "2026-01-01T00:00:00"},
        {"from": "2026-03-01T00:00:00+09:00", "to": "2026-02-01T00:00:00+09:00"},
        {"from": "2001-01-01T00:00:00+09:00", "to": "2026-01-01T00:00:00+09:00"},
        {"group": "week"},
        {"format": "xml"},
        {"from": "yesterday"},
    ):
        r = client.get(URL, headers=auth(analyst), params=params)
        assert r.status_code == 422, (params, r.text)
        assert r.headers["content-type"] == "application/problem+json"
    for role in (Role.OFFICER, Role.DISPATCHER, Role.FEED):
        assert client.get(URL, headers=auth(factory.token(role, SEOUL))).status_code == 403
    for role in (Role.ANALYST, Role.ADMIN, Role.SUPERVISOR):
        assert client.get(URL, headers=auth(factory.token(role, SEOUL))).status_code == 200


def test_support_paid_is_the_ledgers_sum_and_withheld_under_five_payments(
    client: TestClient, factory: Factory
) -> None:
    """Four payments in the month: null (one victim's support could be read off it); a
    fifth and a correction: the ledger's sum, corrections included, in JSON and CSV."""
    w = factory.world()
    supervisor = factory.token(Role.SUPERVISOR)
    analyst = factory.token(Role.ANALYST, None)
    application = approved(client, w.officer, supervisor, w.case_id, 1_000_000)
    for _ in range(4):
        assert pay(client, w.officer, application["id"], 100_000).status_code == 201
    assert this_month(client.get(URL, headers=auth(analyst)).json())["support_paid_krw"] is None

    assert pay(client, w.officer, application["id"], 100_000).status_code == 201
    r = pay(client, w.officer, application["id"], -30_000, reason="이중 이체 정정")
    assert r.status_code == 201, r.text
    body = client.get(URL, headers=auth(analyst)).json()
    assert this_month(body)["support_paid_krw"] == 470_000
    rows = csv.DictReader(
        io.StringIO(client.get(URL, headers=auth(analyst), params={"format": "csv"}).text)
    )
    paid = [x["count"] for x in rows if x["measure"] == "support_paid_krw"]
    assert paid[-1] == "470000"
