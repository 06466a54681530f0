"""Every disclosure to a centre is on the access trail with the consent it was made
under; a counsellor's concern reaches the case's officer as a task due within 24 hours;
a referral not accepted within 3 working days owes the officer a follow-up, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import select

from jikimi import schema as t
from jikimi.app import create_app
from jikimi.bootstrap import Container, build
from jikimi.core.access import Role
from jikimi.core.clock import FixedClock
from jikimi.core.settings import Settings
from jikimi.core.tx import reading
from jikimi.referrals.messages import PlanReferralFollowUps
from tests.factories import Factory, auth
from tests.integration.referrals.helpers import CENTRE, consent, read, refer, referred
from tests.integration.tasks.test_planner import tasks_of

SEOUL = ZoneInfo("Asia/Seoul")


def trail(c: Container) -> list[t.AccessRecord]:
    """The whole access trail, oldest first."""
    with reading(c.read_sessions) as s:
        rows = list(s.scalars(select(t.AccessRecord).order_by(t.AccessRecord.n)))
        s.expunge_all()
        return rows


def test_disclosures_are_on_the_trail_with_the_consent_id(
    client: TestClient, factory: Factory, container: Container
) -> None:
    x = referred(factory, ["contact"])
    rid = x.referral["id"]
    read(client, x.counsellor, rid)
    client.get("/api/v1/referrals", headers=auth(x.counsellor))
    records = trail(container)
    [recorded] = [r for r in records if (r.resource, r.action) == ("consent", "create")]
    assert recorded.resource_id == x.consent_id
    assert set(recorded.subjects) == {x.world.victim_id, x.world.perpetrator_id}
    disclosed = [r for r in records if r.resource == "referral" and r.role == "counsellor"]
    assert len(disclosed) == 2  # the referral's page and the list
    for r in disclosed:
        assert (r.action, r.resource_id, r.agency) == ("read", rid, CENTRE)
        assert r.purpose is not None
        assert r.purpose.startswith(f"consent {x.consent_id}")
        assert r.subjects == [x.world.victim_id]  # the perpetrator is never disclosed
    [sent] = [r for r in records if (r.resource, r.action) == ("referral", "create")]
    assert sent.purpose is not None
    assert sent.purpose.startswith(f"consent {x.consent_id}")
    # Withdrawn: the read is still recorded, but discloses no one.
    client.post(f"/api/v1/consents/{x.consent_id}/withdraw", headers=auth(x.world.officer))
    read(client, x.counsellor, rid)
    last = trail(container)[-1]
    assert (last.resource_id, last.subjects) == (rid, [])
    assert last.purpose is not None
    assert last.purpose.startswith("no disclosure")


def test_a_concern_owes_the_officer_a_task_due_within_24_hours(
    client: TestClient, factory: Factory, container: Container
) -> None:
    x = referred(factory, ["contact"])
    url = f"/api/v1/referrals/{x.referral['id']}/notes"
    contact = client.post(
        url, json={"kind": "contact", "text": "첫 상담 예약"}, headers=auth(x.counsellor)
    )
    assert (contact.status_code, contact.json()["task_id"]) == (201, None)
    before = datetime.now(UTC)
    r = client.post(
        url,
        json={"kind": "concern", "text": "가해자가 상담소 앞에서 기다림"},
        headers=auth(x.counsellor),
    )
    assert r.status_code == 201, r.text
    note = r.json()
    [task] = [k for k in tasks_of(container, x.world.case_id) if k.kind == "counsellor_concern"]
    assert note["task_id"] == task.id
    assert before + timedelta(hours=24) <= task.due_at <= datetime.now(UTC) + timedelta(hours=24)
    assert task.owner_id is not None
    assert task.status == "open"
    shown = client.get(
        "/api/v1/tasks", params={"case_id": x.world.case_id}, headers=auth(x.world.officer)
    ).json()["items"]
    [mine] = [k for k in shown if k["id"] == task.id]
    assert mine["reason"].endswith("가해자가 상담소 앞에서 기다림")
    # The officer reads the centre's notes on the case.
    items = client.get(
        f"/api/v1/cases/{x.world.case_id}/referrals", headers=auth(x.world.officer)
    ).json()["items"]
    assert [n["kind"] for n in items[0]["notes"]] == ["contact", "concern"]


def test_a_referral_not_accepted_in_3_working_days_owes_one_follow_up(
    settings: Settings,
) -> None:
    # Friday 2026-03-06 10:00 in Seoul: the third working day after is Wednesday 11th.
    sent = datetime(2026, 3, 6, 10, 0, tzinfo=SEOUL)
    clock = FixedClock(sent.astimezone(UTC))
    c = build(settings, clock=clock)
    with TestClient(create_app(c, run_worker=False)) as client:
        factory = Factory(client, c)
        factory.token(Role.COUNSELLOR, CENTRE)
        counsellor = factory.token(Role.COUNSELLOR, CENTRE)
        waiting = factory.world()
        consent(factory, waiting, ["contact"])
        refer(client, waiting)
        taken = factory.world()
        consent(factory, taken, ["contact"])
        taken_id = refer(client, taken).json()["id"]
        client.post(f"/api/v1/referrals/{taken_id}/accept", headers=auth(counsellor))

        def pass_at(at: datetime) -> list[str]:
            clock.at = at.astimezone(UTC)
            c.bus.handle(PlanReferralFollowUps())
            return [k.kind for k in tasks_of(c, waiting.case_id)]

        assert pass_at(datetime(2026, 3, 11, 9, 59, tzinfo=SEOUL)) == []
        assert pass_at(datetime(2026, 3, 11, 10, 0, tzinfo=SEOUL)) == ["referral_follow_up"]
        assert pass_at(datetime(2026, 3, 12, 10, 0, tzinfo=SEOUL)) == ["referral_follow_up"]
        [task] = tasks_of(c, waiting.case_id)
        # Due one working day after the deadline: Thursday 12th, 10:00 in Seoul.
        assert task.due_at == datetime(2026, 3, 12, 10, 0, tzinfo=SEOUL)
        assert task.owner_id is not None
        assert task.key.startswith("referral:follow_up:")
        assert tasks_of(c, taken.case_id) == []
    c.close()
