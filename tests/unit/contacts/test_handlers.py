"""The event path through the message bus, on in-memory fakes of the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from jikimi.alerts.handlers import AlertNotFound
from jikimi.alerts.messages import AcknowledgeAlert, EscalateDueAlerts, ResolveAlert
from jikimi.alerts.rules import (
    Alert,
    AlertKind,
    AlertStateError,
    AlertStatus,
    EscalationPolicy,
    Outcome,
)
from jikimi.cases.orders import OrderWindow, load_pack
from jikimi.contacts.messages import JudgeContacts
from jikimi.contacts.rules import NumberSpan
from jikimi.core.bus import MessageBus
from tests.unit.fakes import T0, FakeClock, FakeNotifier, FakeStore, fake_bus

PACK = load_pack("kr")
BAN = PACK.get("stalking.provisional.3")
APPROACH_BAN = PACK.get("stalking.provisional.2")
VICTIM = "victim-1"
VICTIM_PHONE = "+821011112222"
PERPETRATOR_NUMBER = "+821023456789"
FORMER_NUMBER = "+821098765432"
STRANGER = "+821055554444"
CASE = "case-1"
MINUTE = timedelta(minutes=1)
POLICY = EscalationPolicy(period=MINUTE, max_level=3)


def ban(
    starts: datetime = T0 - timedelta(days=30),
    ends: datetime = T0 + timedelta(days=60),
    revoked: datetime | None = None,
) -> OrderWindow:
    """A telecom ban; by default in force for a month either side of T0."""
    return OrderWindow(BAN, starts, ends, revoked)


@dataclass
class Env:
    """A bus wired to fakes, and the fakes themselves."""

    store: FakeStore
    clock: FakeClock
    notifier: FakeNotifier
    bus: MessageBus

    def judge(self) -> set[str]:
        """Judge whatever waits in the inbox."""
        return self.bus.handle(JudgeContacts())

    def escalate(self) -> set[str]:
        """Run one escalation pass."""
        return self.bus.handle(EscalateDueAlerts())

    def only_alert(self, case_id: str = CASE) -> Alert:
        """The one alert of a case."""
        alerts = self.store.alerts_of(case_id)
        assert len(alerts) == 1, alerts
        return alerts[0]


@pytest.fixture
def env() -> Env:
    """One victim, one case with a telecom ban in force around T0."""
    store, clock, notifier = FakeStore(), FakeClock(T0), FakeNotifier()
    store.add_case(CASE, VICTIM, (ban(),), (NumberSpan(PERPETRATOR_NUMBER),))
    store.add_victim_phone(VICTIM, NumberSpan(VICTIM_PHONE))
    return Env(store, clock, notifier, fake_bus(store, clock, notifier, POLICY)[0])


def call(
    env: Env,
    number: str | None = PERPETRATOR_NUMBER,
    ago: timedelta = timedelta(seconds=5),
    kind: str = "call",
) -> str:
    """The victim's phone reports a contact `ago` before the clock's now."""
    return env.store.receive(
        occurred_at=env.clock.now() - ago, number=number, kind=kind, victim_id=VICTIM
    )


# --- contacts become alerts ----------------------------------------------------------


def test_a_call_from_the_perpetrators_number_during_a_ban_opens_an_alert(env: Env) -> None:
    event = call(env)
    changed = env.judge()
    alert = env.only_alert()
    assert changed == {alert.id}
    assert alert.kind is AlertKind.CONTACT_VIOLATION
    assert alert.status is AlertStatus.OPEN
    assert alert.count == 1
    assert alert.opened_at == T0
    assert alert.first_at == alert.last_at == T0 - timedelta(seconds=5)
    assert alert.next_escalation_at == T0 + MINUTE
    [evidence] = env.store.evidence_of(alert.id)
    assert (evidence.event_id, evidence.number, evidence.sources) == (
        event,
        PERPETRATOR_NUMBER,
        ["phone"],
    )
    assert env.store.actions_of(alert.id) == ["opened"]
    assert not env.store.has_pending()
    assert env.notifier.calls == 1


def test_repeats_while_unresolved_grow_one_alert(env: Env) -> None:
    call(env, ago=timedelta(seconds=30))
    call(env, ago=timedelta(seconds=20), kind="sms")
    env.judge()
    alert = env.only_alert()
    env.bus.handle(AcknowledgeAlert(alert.id, "dispatcher-kim"))
    env.clock.advance(minutes=5)
    call(env)  # after acknowledgement, still unresolved
    assert env.judge() == {alert.id}
    alert = env.only_alert()
    assert alert.count == 3
    assert alert.status is AlertStatus.ACKNOWLEDGED
    assert alert.first_at == T0 - timedelta(seconds=30)
    assert alert.last_at == T0 + timedelta(minutes=5) - timedelta(seconds=5)
    assert len(env.store.evidence_of(alert.id)) == 3  # every event is kept
    assert env.store.actions_of(alert.id) == ["opened", "grew", "acknowledged", "grew"]


def test_after_resolution_a_new_alert_opens(env: Env) -> None:
    call(env)
    env.judge()
    first = env.only_alert()
    env.bus.handle(ResolveAlert(first.id, "officer-lee", Outcome.DISPATCHED, "patrol sent"))
    env.clock.advance(hours=1)
    call(env)
    changed = env.judge()
    old, new = env.store.alerts_of(CASE)
    assert changed == {new.id}
    assert old.id == first.id
    assert (old.status, old.count, old.outcome) == (AlertStatus.RESOLVED, 1, Outcome.DISPATCHED)
    assert (new.status, new.count) == (AlertStatus.OPEN, 1)


def test_a_hidden_number_opens_a_hidden_number_contact(env: Env) -> None:
    call(env, number=None)
    call(env, number=PERPETRATOR_NUMBER)
    env.judge()
    by_kind = {a.kind: a for a in env.store.alerts_of(CASE)}
    assert set(by_kind) == {AlertKind.HIDDEN_NUMBER_CONTACT, AlertKind.CONTACT_VIOLATION}
    assert by_kind[AlertKind.HIDDEN_NUMBER_CONTACT].count == 1
    assert by_kind[AlertKind.CONTACT_VIOLATION].count == 1


def test_a_stranger_calling_is_not_an_alert_and_wakes_nobody(env: Env) -> None:
    call(env, number=STRANGER)
    assert env.judge() == set()
    assert env.store.alerts_of(CASE) == []
    assert not env.store.has_pending()
    assert env.notifier.calls == 0


def test_two_cases_of_one_victim_are_judged_each_on_its_own(env: Env) -> None:
    # The same man, a second case with only an approach ban; and a third man with a ban.
    env.store.add_case(
        "case-approach",
        VICTIM,
        (OrderWindow(APPROACH_BAN, T0 - timedelta(days=1), T0 + timedelta(days=60)),),
        (NumberSpan(PERPETRATOR_NUMBER),),
    )
    env.store.add_case("case-other-man", VICTIM, (ban(),), (NumberSpan(STRANGER),))
    call(env, number=PERPETRATOR_NUMBER)
    call(env, number=None)
    env.judge()
    assert {a.kind for a in env.store.alerts_of(CASE)} == {
        AlertKind.CONTACT_VIOLATION,
        AlertKind.HIDDEN_NUMBER_CONTACT,
    }
    assert env.store.alerts_of("case-approach") == []
    # It may be either perpetrator hiding the number: both cases with a ban hear of it.
    assert [a.kind for a in env.store.alerts_of("case-other-man")] == [
        AlertKind.HIDDEN_NUMBER_CONTACT
    ]


def test_another_victims_ban_does_not_cover_this_victim(env: Env) -> None:
    env.store.add_case("case-2", "victim-2", (), (NumberSpan(PERPETRATOR_NUMBER),))
    env.store.receive(occurred_at=T0, number=PERPETRATOR_NUMBER, victim_id="victim-2")
    assert env.judge() == set()
    assert env.store.alerts_of("case-2") == []


@pytest.mark.parametrize(
    "order",
    [
        ban(starts=T0 + timedelta(days=1)),  # starts later
        ban(revoked=T0 - timedelta(hours=1)),  # revoked before the call
        ban(starts=T0 - timedelta(days=90), ends=T0 - timedelta(days=1)),  # expired
    ],
    ids=["starts-later", "revoked-before", "expired"],
)
def test_an_order_not_in_force_at_the_events_time_does_not_match(
    env: Env, order: OrderWindow
) -> None:
    env.store.add_case(CASE, VICTIM, (order,), (NumberSpan(PERPETRATOR_NUMBER),))
    call(env, number=PERPETRATOR_NUMBER)
    call(env, number=None)
    assert env.judge() == set()
    assert env.store.alerts_of(CASE) == []
    assert not env.store.has_pending()
    assert env.notifier.calls == 0


def test_a_late_event_is_judged_by_the_order_in_force_when_it_happened(env: Env) -> None:
    # Revoked an hour ago; the phone was offline and reports a call from two hours ago.
    env.store.add_case(
        CASE, VICTIM, (ban(revoked=T0 - timedelta(hours=1)),), (NumberSpan(PERPETRATOR_NUMBER),)
    )
    call(env, ago=timedelta(hours=2))
    env.judge()
    alert = env.only_alert()
    assert alert.kind is AlertKind.CONTACT_VIOLATION
    assert alert.first_at == T0 - timedelta(hours=2)
    assert alert.opened_at == T0


def test_the_perpetrators_numbers_are_judged_at_the_events_time(env: Env) -> None:
    numbers = (
        NumberSpan(FORMER_NUMBER, valid_to=T0 - timedelta(days=10)),  # given up before the call
        NumberSpan(STRANGER, valid_from=T0 - timedelta(days=20), valid_to=T0 + timedelta(days=1)),
    )
    env.store.add_case(CASE, VICTIM, (ban(),), numbers)
    call(env, number=FORMER_NUMBER)
    env.judge()
    assert env.store.alerts_of(CASE) == []
    call(env, number=STRANGER)  # the perpetrator held it at the call's time
    env.judge()
    assert env.only_alert().kind is AlertKind.CONTACT_VIOLATION


def test_an_operator_report_finds_the_victim_by_a_number_held_at_the_time(env: Env) -> None:
    env.store.receive(
        occurred_at=T0, number=PERPETRATOR_NUMBER, source="operator", victim_number=VICTIM_PHONE
    )
    env.store.receive(
        occurred_at=T0, number=PERPETRATOR_NUMBER, source="operator", victim_number=STRANGER
    )
    env.judge()
    assert env.only_alert().kind is AlertKind.CONTACT_VIOLATION
    assert not env.store.has_pending()


def test_an_operator_report_for_a_number_the_victim_gave_up_is_no_one(env: Env) -> None:
    env.store.state.victim_phones[VICTIM] = [
        NumberSpan(VICTIM_PHONE, valid_to=T0 - timedelta(days=1))
    ]
    env.store.receive(
        occurred_at=T0, number=PERPETRATOR_NUMBER, source="operator", victim_number=VICTIM_PHONE
    )
    assert env.judge() == set()
    assert env.store.alerts_of(CASE) == []


# --- one call, reported by the phone and by the operator -----------------------------


def _operator(env: Env, at: datetime, kind: str = "missed_call") -> str:
    return env.store.receive(
        occurred_at=at,
        number=PERPETRATOR_NUMBER,
        kind=kind,
        source="operator",
        victim_number=VICTIM_PHONE,
    )


def test_the_operators_report_of_a_judged_call_adds_a_source_not_a_count(env: Env) -> None:
    phone = call(env, ago=timedelta(seconds=40))
    env.judge()
    alert = env.only_alert()
    env.clock.advance(minutes=2)
    operator = _operator(env, T0 - timedelta(seconds=10))  # same call, 30 s apart
    assert env.judge() == {alert.id}
    after = env.only_alert()
    assert after.count == 1
    [evidence] = env.store.evidence_of(alert.id)
    assert evidence.event_id == phone
    assert evidence.sources == ["phone", "operator"]
    assert env.store.actions_of(alert.id) == ["opened", "corroborated"]
    assert env.store.state.contacts[operator].corroborates == phone
    assert env.notifier.calls == 2


def test_both_reports_in_one_batch_are_still_one_contact(env: Env) -> None:
    call(env, ago=timedelta(seconds=40))
    _operator(env, T0 - timedelta(seconds=20), kind="call")
    env.judge()
    alert = env.only_alert()
    assert alert.count == 1
    [evidence] = env.store.evidence_of(alert.id)
    assert sorted(evidence.sources) == ["operator", "phone"]


def test_an_operator_report_of_another_call_grows_the_alert(env: Env) -> None:
    call(env, ago=timedelta(minutes=5))
    _operator(env, T0)  # five minutes later: a second call
    _operator(env, T0 - timedelta(minutes=5), kind="sms")  # same time, but a text
    env.judge()
    assert env.only_alert().count == 3


# --- escalation ----------------------------------------------------------------------


def _open_alert(env: Env) -> str:
    call(env)
    env.judge()
    env.notifier.calls = 0
    return env.only_alert().id


def test_an_unanswered_alert_rises_a_level_per_period(env: Env) -> None:
    alert_id = _open_alert(env)
    env.clock.advance(seconds=59)
    assert env.escalate() == set()
    assert env.only_alert().escalation_level == 0
    env.clock.advance(seconds=1)
    assert env.escalate() == {alert_id}
    assert env.only_alert().escalation_level == 1
    assert env.escalate() == set()  # once per period, not once per pass
    env.clock.advance(seconds=60)
    assert env.escalate() == {alert_id}
    assert env.only_alert().escalation_level == 2
    assert env.store.actions_of(alert_id) == ["opened", "escalated", "escalated"]
    assert [c.detail for c in env.store.state.changes if c.action == "escalated"] == [
        {"level": 1},
        {"level": 2},
    ]
    assert env.notifier.calls == 2


def test_acknowledging_stops_escalation(env: Env) -> None:
    alert_id = _open_alert(env)
    env.clock.advance(seconds=70)
    env.escalate()
    assert env.bus.handle(AcknowledgeAlert(alert_id, "dispatcher-kim")) == {alert_id}
    env.clock.advance(minutes=30)
    assert env.escalate() == set()
    alert = env.only_alert()
    assert (alert.escalation_level, alert.next_escalation_at) == (1, None)
    assert alert.acknowledged_by == "dispatcher-kim"


def test_escalation_is_capped_at_the_top_level(env: Env) -> None:
    alert_id = _open_alert(env)
    for _ in range(10):
        env.clock.advance(seconds=60)
        env.escalate()
    alert = env.only_alert()
    assert alert.escalation_level == POLICY.max_level
    assert alert.next_escalation_at is None
    assert env.store.actions_of(alert_id).count("escalated") == POLICY.max_level
    assert env.notifier.calls == POLICY.max_level


def test_escalation_catches_up_after_a_long_pause(env: Env) -> None:
    alert_id = _open_alert(env)
    env.clock.advance(seconds=150)  # the worker was down for two and a half periods
    assert env.escalate() == {alert_id}
    alert = env.only_alert()
    assert alert.escalation_level == 2
    assert alert.next_escalation_at == T0 + 3 * MINUTE
    assert env.store.actions_of(alert_id) == ["opened", "escalated"]


def test_a_resolved_alert_does_not_escalate(env: Env) -> None:
    alert_id = _open_alert(env)
    env.bus.handle(ResolveAlert(alert_id, "officer-lee", Outcome.FALSE_ALARM, None))
    env.clock.advance(minutes=10)
    assert env.escalate() == set()
    assert env.only_alert().escalation_level == 0


# --- acknowledging and resolving -----------------------------------------------------


def test_acknowledging_a_resolved_alert_is_refused(env: Env) -> None:
    alert_id = _open_alert(env)
    env.bus.handle(ResolveAlert(alert_id, "officer-lee", Outcome.DISPATCHED, None))
    env.notifier.calls = 0
    with pytest.raises(AlertStateError):
        env.bus.handle(AcknowledgeAlert(alert_id, "dispatcher-kim"))
    alert = env.only_alert()
    assert (alert.status, alert.acknowledged_by) == (AlertStatus.RESOLVED, "officer-lee")
    assert env.store.actions_of(alert_id) == ["opened", "resolved"]
    assert env.notifier.calls == 0


def test_resolving_twice_is_refused_and_keeps_the_first_outcome(env: Env) -> None:
    alert_id = _open_alert(env)
    env.bus.handle(ResolveAlert(alert_id, "officer-lee", Outcome.ARRESTED, None))
    with pytest.raises(AlertStateError):
        env.bus.handle(ResolveAlert(alert_id, "dispatcher-kim", Outcome.FALSE_ALARM, None))
    assert env.only_alert().outcome is Outcome.ARRESTED


@pytest.mark.parametrize(
    "cmd",
    [
        AcknowledgeAlert("no-such-alert", "dispatcher-kim"),
        ResolveAlert("no-such-alert", "dispatcher-kim", Outcome.OTHER, None),
    ],
)
def test_an_unknown_alert_is_not_found(env: Env, cmd: AcknowledgeAlert | ResolveAlert) -> None:
    with pytest.raises(AlertNotFound):
        env.bus.handle(cmd)
    assert env.notifier.calls == 0


def test_listeners_are_woken_only_when_something_changed(env: Env) -> None:
    assert env.judge() == set()  # nothing waiting
    assert env.escalate() == set()  # nothing due
    alert_id = _open_alert(env)
    assert env.bus.handle(AcknowledgeAlert(alert_id, "dispatcher-kim")) == {alert_id}
    assert env.notifier.calls == 1
    assert env.bus.handle(AcknowledgeAlert(alert_id, "officer-lee")) == set()
    assert env.notifier.calls == 1
    assert env.only_alert().acknowledged_by == "dispatcher-kim"
    assert env.store.actions_of(alert_id) == ["opened", "acknowledged"]


# --- one bad event does not hold up the rest -----------------------------------------


def test_a_poison_event_is_set_aside_and_the_rest_still_alert(env: Env) -> None:
    env.store.add_case("case-2", "victim-2", (ban(),), (NumberSpan(STRANGER),))
    first = call(env, ago=timedelta(seconds=30))
    poison = call(env, ago=timedelta(seconds=20))
    third = call(env, ago=timedelta(seconds=10))
    fourth = env.store.receive(occurred_at=T0, number=STRANGER, victim_id="victim-2")
    env.store.poison.add(poison)
    changed = env.judge()
    alert, other = env.only_alert(), env.only_alert("case-2")
    assert changed == {alert.id, other.id}
    # The failed batch left nothing behind: each good event counted exactly once.
    assert alert.count == 2
    assert [e.event_id for e in env.store.evidence_of(alert.id)] == [first, third]
    assert [e.event_id for e in env.store.evidence_of(other.id)] == [fourth]
    rows = env.store.state.contacts
    assert rows[poison].error == "PoisonError"
    assert rows[poison].processed_at == T0
    assert all(rows[e].error is None for e in (first, third, fourth))
    assert not env.store.has_pending()
    assert env.notifier.calls == 1


def test_a_poison_event_alone_changes_nothing_and_is_not_retried(env: Env) -> None:
    poison = call(env)
    env.store.poison.add(poison)
    assert env.judge() == set()
    assert env.notifier.calls == 0
    assert env.store.state.contacts[poison].error == "PoisonError"
    assert env.judge() == set()  # set aside: not picked up again


def test_an_event_cut_off_by_the_database_is_not_set_aside_but_judged_when_it_is_back(
    env: Env,
) -> None:
    first = call(env, ago=timedelta(seconds=30))
    poison = call(env, ago=timedelta(seconds=20))
    cut = call(env, ago=timedelta(seconds=10))
    env.store.poison.add(poison)
    env.store.cut_off.add(cut)  # the batch fails on the poison; then the connection drops
    with pytest.raises(ConnectionError):
        env.judge()
    rows = env.store.state.contacts
    assert rows[poison].error == "PoisonError"
    assert (rows[cut].processed_at, rows[cut].error) == (None, None)  # still waiting
    env.judge()
    assert [e.event_id for e in env.store.evidence_of(env.only_alert().id)] == [first, cut]


def test_a_batch_cut_off_by_the_database_is_left_whole_for_the_next_pass(env: Env) -> None:
    first, cut = call(env, ago=timedelta(seconds=20)), call(env, ago=timedelta(seconds=10))
    env.store.cut_off.add(cut)
    commits = env.store.commits
    with pytest.raises(ConnectionError):
        env.judge()
    assert env.store.commits == commits  # not retried event by event against a lost database
    env.judge()
    assert [e.event_id for e in env.store.evidence_of(env.only_alert().id)] == [first, cut]
