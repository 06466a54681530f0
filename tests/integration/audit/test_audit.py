"""The access trail: every read or change of personal data recorded, chained, verifiable."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select, update
from typer.testing import CliRunner

from jikimi import schema as t
from jikimi.audit import trail as audit
from jikimi.bootstrap import Container
from jikimi.cli.main import app as cli
from jikimi.core.access import Role
from jikimi.core.tx import reading, transaction
from tests.factories import Factory, auth


def records(container: Container) -> list[t.AccessRecord]:
    """The whole trail, oldest first."""
    with reading(container.read_sessions) as s:
        rows = list(s.scalars(select(t.AccessRecord).order_by(t.AccessRecord.n)))
        s.expunge_all()  # keep them readable after the session closes
        return rows


def test_reading_a_case_is_recorded_with_who_whose_and_why(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """Account, source, whose data, action and purpose; the chain verifies."""
    w = factory.world()
    factory.contact(w.device_token, w.perpetrator_number)  # an alert: the dispatcher's reason
    dispatcher = factory.token(Role.DISPATCHER)
    r = client.get(
        f"/api/v1/cases/{w.case_id}",
        headers={**auth(dispatcher), "X-Jikimi-Purpose": quote("112 신고 2026-0042 출동")},
    )
    assert r.status_code == 200
    last = records(container)[-1]
    assert (last.action, last.resource, last.resource_id, last.role) == (
        "read",
        "case",
        w.case_id,
        "dispatcher",
    )
    assert set(last.subjects) == {w.victim_id, w.perpetrator_id}
    assert last.purpose == "112 신고 2026-0042 출동"
    assert last.source == "testclient"
    assert {rec.action for rec in records(container)} >= {"create", "read"}
    with reading(container.read_sessions) as s:
        verdict = audit.verify(s)
    assert verdict.ok
    assert verdict.checked == len(records(container))


def test_tampered_and_missing_records_are_found(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """An edited record and a deleted one are each named by `verify`."""
    w = factory.world()
    for _ in range(3):
        client.get(f"/api/v1/cases/{w.case_id}", headers=auth(w.officer))
    n = len(records(container))
    with transaction(container.sessions) as s:
        s.execute(
            update(t.AccessRecord).where(t.AccessRecord.n == n - 1).values(purpose="nothing to see")
        )
    with reading(container.read_sessions) as s:
        verdict = audit.verify(s)
    assert (verdict.ok, verdict.first_bad) == (False, n - 1)
    with transaction(container.sessions) as s:
        s.execute(delete(t.AccessRecord).where(t.AccessRecord.n == 2))
    with reading(container.read_sessions) as s:
        verdict = audit.verify(s)
    assert (verdict.ok, verdict.first_bad, verdict.reason) == (False, 2, "record 2 is missing")


def test_look_up_outside_ones_cases_is_flagged_to_the_supervisor(
    client: TestClient, factory: Factory
) -> None:
    """The 2022 case: an insider looks up someone outside the insider's own cases. 404, and
    flagged."""
    w = factory.world()
    snoop = factory.token(Role.OFFICER, name="snoop")
    assert client.get(f"/api/v1/people/{w.victim_id}", headers=auth(snoop)).status_code == 404
    supervisor = factory.token(Role.SUPERVISOR)
    flags = client.get("/api/v1/audit/flags", headers=auth(supervisor)).json()["items"]
    assert [(f["action"], f["resource_id"], f["flags"]) for f in flags] == [
        ("denied", w.victim_id, ["outside_caseload"])
    ]
    other = factory.token(Role.SUPERVISOR, agency="busan-haeundae")
    assert client.get("/api/v1/audit/flags", headers=auth(other)).json()["items"] == []


def test_bulk_look_ups_are_flagged(
    settings: object, factory: Factory, client: TestClient, container: Container
) -> None:
    """More distinct people in ten minutes than the limit: flagged."""
    container.settings.audit_bulk_limit = 4
    officer = factory.token(Role.OFFICER)
    for _ in range(3):
        factory.world(officer)  # two people each
    listed = client.get("/api/v1/alerts", headers=auth(officer))
    assert listed.status_code == 200
    people = [
        rec for rec in records(container) if rec.action == "create" and rec.resource == "person"
    ]
    for rec in people:
        client.get(f"/api/v1/people/{rec.resource_id}", headers=auth(officer))
    reads = [rec for rec in records(container) if rec.action == "read" and rec.resource == "person"]
    assert [bool(rec.flags) for rec in reads] == [False] * 4 + [True] * 2


def test_break_glass_opens_a_case_for_a_while_and_is_flagged(
    client: TestClient, factory: Factory
) -> None:
    """Same agency, typed reason: readable now and flagged; another agency: still 404."""
    w = factory.world()
    colleague = factory.token(Role.OFFICER, name="당직 경위")
    assert client.get(f"/api/v1/cases/{w.case_id}", headers=auth(colleague)).status_code == 404
    too_short = client.post(
        f"/api/v1/cases/{w.case_id}/break-glass", headers=auth(colleague), json={"reason": "급함"}
    )
    assert too_short.status_code == 422
    r = client.post(
        f"/api/v1/cases/{w.case_id}/break-glass",
        headers=auth(colleague),
        json={"reason": "야간 긴급 신고, 담당자 부재로 피해자 주소 확인"},
    )
    assert r.status_code == 201
    assert client.get(f"/api/v1/cases/{w.case_id}", headers=auth(colleague)).status_code == 200
    outsider = factory.token(Role.OFFICER, agency="busan-haeundae")
    r = client.post(
        f"/api/v1/cases/{w.case_id}/break-glass",
        headers=auth(outsider),
        json={"reason": "야간 긴급 신고, 담당자 부재로 피해자 주소 확인"},
    )
    assert r.status_code == 404
    flags = client.get("/api/v1/audit/flags", headers=auth(factory.token(Role.SUPERVISOR)))
    assert "break_glass" in {f for item in flags.json()["items"] for f in item["flags"]}


@pytest.mark.parametrize("command", [["audit", "verify"], ["audit", "export"]])
def test_cli_verify_and_export(
    command: list[str], factory: Factory, container: Container, database_url: str
) -> None:
    """`jikimi audit verify` says intact; `export` records itself before it writes."""
    factory.world()
    before = len(records(container))
    result = CliRunner().invoke(cli, command, env={"JIKIMI_DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    if command[1] == "verify":
        assert f"intact: {before} records" in result.output
    else:
        lines = [json.loads(x) for x in result.output.splitlines()]
        assert len(lines) == before + 1
        assert (lines[-1]["action"], lines[-1]["resource"]) == ("export", "audit_trail")


def test_appends_chain_on_whatever_head_the_database_holds(
    container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The head this process remembers is a hint: after an append that rolled back, one by
    another writer, or a remembered head that is not this database's, the next record
    still follows the real head, with no gap and no fork."""
    access = audit.Access("login_failed", "account")

    def append() -> None:
        with transaction(container.sessions) as s:
            audit.append(s, None, access, "10.0.0.1")

    append()
    with transaction(container.sessions) as s:
        audit.append(s, None, access, "10.0.0.1")
        s.rollback()  # the remembered head was never committed
    append()
    key = str(container.engine.url)
    head = audit._HEADS.get(key)  # PostgreSQL remembers none: it reads the head as it appends
    append()
    if head is not None:
        monkeypatch.setitem(audit._HEADS, key, head)  # another writer appended since
    append()
    if head is not None:
        monkeypatch.setitem(audit._HEADS, key, (head[0], "f" * 64))  # not this chain's record
    append()
    with reading(container.read_sessions) as s:
        verdict = audit.verify(s)
        assert (verdict.ok, verdict.checked) == (True, audit.count(s))
    assert [r.source for r in records(container)][-5:] == ["10.0.0.1"] * 5


def test_concurrent_appends_from_many_writers_make_one_chain(container: Container) -> None:
    """Writers appending at once, each in its own transaction (some rolled back): every
    committed record is in the chain once, with no gap and no fork."""
    writers, each = 6, 15
    start = threading.Barrier(writers)
    access = audit.Access("submit", "contact_events", "d1", ("p1",))

    def write(w: int) -> int:
        kept = 0
        start.wait()
        for i in range(each):
            with transaction(container.sessions) as s:
                audit.append(s, None, access, f"10.0.{w}.{i}")
                if i % 5 == 4:
                    s.rollback()
                    continue
                s.commit()
                kept += 1
        return kept

    with reading(container.read_sessions) as s:
        before = audit.count(s)
    with ThreadPoolExecutor(writers) as pool:
        kept = sum(pool.map(write, range(writers)))
    with reading(container.read_sessions) as s:
        verdict = audit.verify(s)
        assert (verdict.ok, verdict.checked) == (True, before + kept)
    sources = [r.source for r in records(container)][before:]
    assert len(set(sources)) == len(sources) == writers * each * 4 // 5
