"""Emergency support through HTTP: applied for within the pack's limits, decided once by a
supervisor, paid up to the approval, listed on the case, each change and read on the
access trail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from jikimi import schema as t
from jikimi.bootstrap import Container
from jikimi.core.access import Role
from jikimi.core.tx import reading
from tests.factories import Factory, auth
from tests.integration.support.helpers import account_of, apply, approved, decide, pay


def test_an_officer_applies_a_supervisor_approves_and_payments_follow(
    client: TestClient, factory: Factory, container: Container
) -> None:
    w = factory.world()
    supervisor = factory.token(Role.SUPERVISOR)
    r = apply(client, w.officer, w.case_id, 1_200_000, "living", "실직으로 생계 곤란")
    assert r.status_code == 201, r.text
    a = r.json()
    assert (a["status"], a["kind"], a["amount_krw"]) == ("pending", "living", 1_200_000)
    assert a["applied_by"] == account_of(client, w.officer)
    assert (a["reason"], a["paid_krw"], a["entries"], a["decided_by"]) == (
        "실직으로 생계 곤란",
        0,
        [],
        None,
    )

    r = decide(client, supervisor, a["id"], amount=1_000_000, reason="3개월 중 2개월분")
    assert r.status_code == 200, r.text
    d = r.json()
    assert (d["status"], d["approved_krw"], d["decision_reason"]) == (
        "approved",
        1_000_000,
        "3개월 중 2개월분",
    )
    assert d["decided_by"] == account_of(client, supervisor)
    assert decide(client, supervisor, a["id"], amount=1_000_000).status_code == 409

    first = pay(client, w.officer, a["id"], 600_000, reference="농협 이체 0001")
    assert first.status_code == 201, first.text
    e = first.json()
    assert (e["amount_krw"], e["kind"], e["case_id"], e["reference"]) == (
        600_000,
        "living",
        w.case_id,
        "농협 이체 0001",
    )
    second = pay(client, supervisor, a["id"], 400_000)
    assert second.status_code == 201, second.text
    assert second.json()["prev_hash"] == e["hash"]

    r = client.get(f"/api/v1/cases/{w.case_id}/support-applications", headers=auth(w.officer))
    assert r.status_code == 200, r.text
    [listed] = r.json()["items"]
    assert (listed["paid_krw"], [x["amount_krw"] for x in listed["entries"]]) == (
        1_000_000,
        [600_000, 400_000],
    )
    with reading(container.read_sessions) as s:
        trail = list(
            s.execute(
                select(t.AccessRecord.action, t.AccessRecord.resource).where(
                    t.AccessRecord.resource.in_(["support_application", "support_payment"])
                )
            )
        )
    assert [tuple(x) for x in trail] == [
        ("create", "support_application"),
        ("update", "support_application"),
        ("create", "support_payment"),
        ("create", "support_payment"),
        ("read", "support_application"),
    ]


def test_an_amount_above_the_kinds_limit_is_a_422_naming_it(
    client: TestClient, factory: Factory
) -> None:
    w = factory.world()
    over = apply(client, w.officer, w.case_id, 1_500_001, "living")
    assert over.status_code == 422
    assert over.headers["content-type"] == "application/problem+json"
    assert "living support is at most 1,500,000 KRW" in over.json()["detail"]
    assert apply(client, w.officer, w.case_id, 1_500_000, "living").status_code == 201
    medical = apply(client, w.officer, w.case_id, 15_000_001, "medical")
    assert "medical support is at most 15,000,000 KRW" in medical.json()["detail"]
    for amount in (0, -5, 1.5, "100000", True, 10**13):
        assert apply(client, w.officer, w.case_id, amount).status_code == 422, amount  # type: ignore[arg-type]
    assert apply(client, w.officer, w.case_id, 100, "lottery").status_code == 422
    assert apply(client, w.officer, w.case_id, 100, reason="").status_code == 422
    r = client.get(f"/api/v1/cases/{w.case_id}/support-applications", headers=auth(w.officer))
    assert len(r.json()["items"]) == 1  # the refused ones changed nothing


def test_a_decision_is_within_what_was_applied_for(client: TestClient, factory: Factory) -> None:
    w = factory.world()
    supervisor = factory.token(Role.SUPERVISOR)
    a = apply(client, w.officer, w.case_id, 300_000, "other").json()
    assert decide(client, supervisor, a["id"], amount=300_001).status_code == 422
    assert decide(client, supervisor, a["id"]).status_code == 422  # approve without amount
    refuse_with_amount = decide(client, supervisor, a["id"], approve=False, amount=1)
    assert refuse_with_amount.status_code == 422
    r = decide(client, supervisor, a["id"], approve=False, reason="다른 지원으로 충족")
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["approved_krw"]) == ("refused", None)
    assert decide(client, supervisor, a["id"], amount=100).status_code == 409


def test_payments_never_exceed_the_approval_and_corrections_are_new_entries(
    client: TestClient, factory: Factory
) -> None:
    w = factory.world()
    supervisor = factory.token(Role.SUPERVISOR)
    a = approved(client, w.officer, supervisor, w.case_id, 500_000)
    assert pay(client, w.officer, a["id"], 500_000).status_code == 201
    beyond = pay(client, w.officer, a["id"], 1)
    assert beyond.status_code == 422
    assert "beyond the 500,000 KRW approved" in beyond.json()["detail"]
    no_reason = pay(client, w.officer, a["id"], -100_000)
    assert no_reason.status_code == 422
    assert "needs its reason" in no_reason.json()["detail"]
    fix = pay(client, w.officer, a["id"], -100_000, reason="중복 이체 회수", reference=None)
    assert fix.status_code == 201, fix.text
    assert (fix.json()["amount_krw"], fix.json()["reason"]) == (-100_000, "중복 이체 회수")
    assert pay(client, w.officer, a["id"], -400_001, reason="과다 회수").status_code == 422
    assert pay(client, w.officer, a["id"], 100_001).status_code == 422
    assert pay(client, w.officer, a["id"], 100_000).status_code == 201
    assert pay(client, w.officer, a["id"], 0).status_code == 422
    later = datetime.now(UTC) + timedelta(days=1)
    assert pay(client, w.officer, a["id"], -1, reason="x", paid_at=later).status_code == 422
    r = client.get(f"/api/v1/cases/{w.case_id}/support-applications", headers=auth(w.officer))
    [listed] = r.json()["items"]
    assert [e["amount_krw"] for e in listed["entries"]] == [500_000, -100_000, 100_000]
    assert listed["paid_krw"] == 500_000


def test_an_application_not_approved_is_not_paid(client: TestClient, factory: Factory) -> None:
    w = factory.world()
    supervisor = factory.token(Role.SUPERVISOR)
    pending = apply(client, w.officer, w.case_id, 200_000).json()
    r = pay(client, w.officer, pending["id"], 100_000)
    assert (r.status_code, r.json()["detail"]) == (
        409,
        "the application is pending: only an approved one is paid",
    )
    decide(client, supervisor, pending["id"], approve=False)
    assert pay(client, w.officer, pending["id"], 100_000).status_code == 409


def test_the_ledger_lists_what_the_caller_may_see_with_totals(
    client: TestClient, factory: Factory
) -> None:
    mine, colleague = factory.world(), factory.world()
    supervisor = factory.token(Role.SUPERVISOR)
    busan_officer = factory.token(Role.OFFICER, "busan-haeundae")
    busan = factory.world(busan_officer)
    busan_supervisor = factory.token(Role.SUPERVISOR, "busan-haeundae")
    day = datetime(2026, 3, 2, 10, tzinfo=UTC)
    living = approved(client, mine.officer, supervisor, mine.case_id, 1_000_000)
    medical = approved(client, mine.officer, supervisor, mine.case_id, 2_000_000, "medical")
    other = approved(client, colleague.officer, supervisor, colleague.case_id, 300_000)
    far = approved(client, busan_officer, busan_supervisor, busan.case_id, 700_000)
    pay(client, mine.officer, living["id"], 600_000, paid_at=day)
    pay(client, mine.officer, living["id"], -100_000, reason="회수", paid_at=day + timedelta(1))
    pay(client, mine.officer, medical["id"], 50_000, paid_at=day + timedelta(days=40))
    pay(client, colleague.officer, other["id"], 300_000, paid_at=day)
    pay(client, busan_officer, far["id"], 700_000, paid_at=day)

    def ledger(token: str, **params: str) -> dict[str, object]:
        r = client.get("/api/v1/support/ledger", params=params, headers=auth(token))
        assert r.status_code == 200, r.text
        out: dict[str, object] = r.json()
        return out

    agency = ledger(supervisor)
    assert agency["totals"] == {
        "paid_krw": 850_000,
        "by_kind": {
            "living": 800_000,
            "medical": 50_000,
            "housing": 0,
            "relocation": 0,
            "counselling": 0,
            "other": 0,
        },
        "by_case": {mine.case_id: 550_000, colleague.case_id: 300_000},
        "by_agency": {"seoul-mapo": 850_000},
    }
    march = ledger(
        supervisor, **{"from": "2026-03-01T00:00:00+09:00", "to": "2026-04-01T00:00:00+09:00"}
    )
    assert march["totals"]["paid_krw"] == 800_000  # type: ignore[index]  # not the April one
    own = ledger(mine.officer)
    assert {e["case_id"] for e in own["items"]} == {mine.case_id}  # type: ignore[attr-defined]
    assert own["totals"]["paid_krw"] == 550_000  # type: ignore[index]
    assert ledger(busan_supervisor)["totals"]["by_agency"] == {"busan-haeundae": 700_000}  # type: ignore[index]
    bad = client.get(
        "/api/v1/support/ledger", params={"from": "yesterday"}, headers=auth(supervisor)
    )
    assert bad.status_code == 422
