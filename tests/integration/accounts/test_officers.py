"""GET /api/v1/officers: a supervisor's list of whom to assign, the agency's officers by
name, id and name only."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from jikimi.accounts.tables import Account
from jikimi.audit import tables as t
from jikimi.bootstrap import Container
from jikimi.core.access import Role
from jikimi.core.tx import reading, transaction
from tests.factories import Factory, auth


def _account_of(container: Container, name: str) -> str:
    with reading(container.read_sessions) as s:
        account_id: str = s.scalars(select(Account.id).where(Account.name == name)).one()
        return account_id


def test_a_supervisor_lists_the_agencys_officers_only(
    client: TestClient, factory: Factory, container: Container
) -> None:
    factory.token(Role.OFFICER, name="이경사")
    factory.token(Role.OFFICER, name="김경위")
    factory.token(Role.OFFICER, "busan-haeundae", name="부산경찰")
    factory.token(Role.DISPATCHER, name="상황요원")
    factory.token(Role.SUPERVISOR, name="다른팀장")
    factory.token(Role.OFFICER, name="정직중")
    supervisor = factory.token(Role.SUPERVISOR)
    suspended = _account_of(container, "정직중")
    with transaction(container.sessions) as s:
        s.execute(
            update(Account).where(Account.id == suspended).values(suspended_at=datetime.now(UTC))
        )

    r = client.get("/api/v1/officers", headers=auth(supervisor))
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [o["name"] for o in items] == ["김경위", "이경사"]
    assert all(set(o) == {"id", "name"} for o in items)
    assert items[1]["id"] == _account_of(container, "이경사")
    with reading(container.read_sessions) as s:
        last = s.scalars(select(t.AccessRecord).order_by(t.AccessRecord.n.desc())).first()
        assert last is not None
        assert (last.action, last.resource, last.subjects) == ("read", "officers", [])


def test_only_a_supervisor_may_list_them(client: TestClient, factory: Factory) -> None:
    for role in (Role.OFFICER, Role.DISPATCHER, Role.ANALYST):
        r = client.get("/api/v1/officers", headers=auth(factory.token(role)))
        assert r.status_code == 403, role
    nowhere = factory.token(Role.SUPERVISOR, agency=None)
    assert client.get("/api/v1/officers", headers=auth(nowhere)).json() == {"items": []}
