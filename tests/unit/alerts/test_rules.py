"""Alerts: one per kind and case while unresolved, and a level per period unanswered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jikimi.alerts.rules import (
    DEFAULT_SEVERITY,
    SEVERITY_RANK,
    Alert,
    AlertKind,
    AlertStateError,
    AlertStatus,
    EscalationPolicy,
    Outcome,
    Severity,
    escalation_level,
    is_unresolved,
    next_escalation_at,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
POLICY = EscalationPolicy(period=MINUTE, max_level=3)


def opened(
    kind: AlertKind = AlertKind.CONTACT_VIOLATION, policy: EscalationPolicy = POLICY
) -> Alert:
    """An alert opened at NOW for a call ten seconds earlier."""
    return Alert.open("a-1", "case-1", kind, NOW - timedelta(seconds=10), NOW, policy)


# --- kinds and severities ------------------------------------------------------------


def test_every_kind_has_a_default_severity() -> None:
    assert set(DEFAULT_SEVERITY) == set(AlertKind)
    assert set(SEVERITY_RANK) == set(Severity)


def test_a_hidden_number_ranks_below_the_perpetrators_known_number() -> None:
    hidden = SEVERITY_RANK[DEFAULT_SEVERITY[AlertKind.HIDDEN_NUMBER_CONTACT]]
    known = SEVERITY_RANK[DEFAULT_SEVERITY[AlertKind.CONTACT_VIOLATION]]
    assert hidden < known


@pytest.mark.parametrize(
    "kind",
    [AlertKind.SOS, AlertKind.PROXIMITY_VIOLATION, AlertKind.ENCOUNTER, AlertKind.DEVICE_TAMPER],
)
def test_a_life_at_stake_is_critical(kind: AlertKind) -> None:
    assert DEFAULT_SEVERITY[kind] is Severity.CRITICAL


def test_only_resolved_alerts_are_resolved() -> None:
    assert is_unresolved(AlertStatus.OPEN)
    assert is_unresolved(AlertStatus.ACKNOWLEDGED)
    assert not is_unresolved(AlertStatus.RESOLVED)


def test_the_default_policy_rises_each_minute_to_level_three() -> None:
    assert EscalationPolicy() == EscalationPolicy(period=timedelta(seconds=60), max_level=3)


# --- opening and growing -------------------------------------------------------------


def test_a_new_alert_is_open_with_one_event_and_escalates_after_a_period() -> None:
    alert = opened()
    assert alert.status is AlertStatus.OPEN
    assert alert.count == 1
    assert alert.severity is Severity.HIGH
    assert alert.opened_at == NOW
    assert alert.first_at == alert.last_at == NOW - timedelta(seconds=10)
    assert alert.escalation_level == 0
    assert alert.next_escalation_at == NOW + MINUTE


def test_a_hidden_number_alert_opens_at_medium() -> None:
    assert opened(AlertKind.HIDDEN_NUMBER_CONTACT).severity is Severity.MEDIUM


def test_with_no_levels_to_rise_an_alert_never_escalates() -> None:
    assert opened(policy=EscalationPolicy(MINUTE, max_level=0)).next_escalation_at is None


def test_a_repeat_grows_the_count_and_widens_the_span() -> None:
    alert = opened()
    alert.grow(NOW + MINUTE)
    alert.grow(NOW - timedelta(hours=1))  # a late report of an earlier call
    assert alert.count == 3
    assert alert.first_at == NOW - timedelta(hours=1)
    assert alert.last_at == NOW + MINUTE


def test_an_acknowledged_alert_still_grows() -> None:
    alert = opened()
    alert.acknowledge("dispatcher-kim", NOW)
    alert.grow(NOW + MINUTE)
    assert alert.count == 2
    assert alert.status is AlertStatus.ACKNOWLEDGED


def test_a_resolved_alert_does_not_grow() -> None:
    alert = opened()
    alert.resolve("dispatcher-kim", Outcome.DISPATCHED, None, NOW)
    with pytest.raises(AlertStateError):
        alert.grow(NOW + MINUTE)
    assert alert.count == 1


# --- acknowledging and resolving -----------------------------------------------------


def test_acknowledging_records_who_and_when_and_stops_escalation() -> None:
    alert = opened()
    assert alert.acknowledge("dispatcher-kim", NOW + timedelta(seconds=20))
    assert alert.status is AlertStatus.ACKNOWLEDGED
    assert alert.acknowledged_by == "dispatcher-kim"
    assert alert.acknowledged_at == NOW + timedelta(seconds=20)
    assert alert.next_escalation_at is None
    assert not alert.escalate(NOW + 10 * MINUTE, POLICY)
    assert alert.escalation_level == 0


def test_acknowledging_twice_changes_nothing() -> None:
    alert = opened()
    alert.acknowledge("dispatcher-kim", NOW)
    assert not alert.acknowledge("officer-lee", NOW + MINUTE)
    assert (alert.acknowledged_by, alert.acknowledged_at) == ("dispatcher-kim", NOW)


def test_acknowledging_a_resolved_alert_is_refused() -> None:
    alert = opened()
    alert.resolve("dispatcher-kim", Outcome.FALSE_ALARM, "wrong number", NOW)
    with pytest.raises(AlertStateError, match="already resolved"):
        alert.acknowledge("officer-lee", NOW + MINUTE)
    assert alert.acknowledged_by == "dispatcher-kim"


def test_resolving_records_the_outcome() -> None:
    alert = opened()
    alert.acknowledge("dispatcher-kim", NOW)
    alert.resolve("officer-lee", Outcome.ARRESTED, "arrested at the door", NOW + MINUTE)
    assert alert.status is AlertStatus.RESOLVED
    assert (alert.resolved_by, alert.resolved_at) == ("officer-lee", NOW + MINUTE)
    assert (alert.outcome, alert.note) == (Outcome.ARRESTED, "arrested at the door")
    assert alert.acknowledged_by == "dispatcher-kim"  # who saw it first is kept


def test_resolving_an_unacknowledged_alert_counts_as_seeing_it() -> None:
    alert = opened()
    alert.resolve("dispatcher-kim", Outcome.DISPATCHED, None, NOW + MINUTE)
    assert (alert.acknowledged_by, alert.acknowledged_at) == ("dispatcher-kim", NOW + MINUTE)
    assert alert.next_escalation_at is None
    assert not alert.escalate(NOW + 10 * MINUTE, POLICY)


def test_resolving_twice_is_refused() -> None:
    alert = opened()
    alert.resolve("dispatcher-kim", Outcome.DISPATCHED, None, NOW)
    with pytest.raises(AlertStateError):
        alert.resolve("officer-lee", Outcome.OTHER, None, NOW + MINUTE)
    assert alert.resolved_by == "dispatcher-kim"


# --- escalation ----------------------------------------------------------------------


def test_an_open_alert_rises_one_level_per_period() -> None:
    alert = opened()
    assert not alert.escalate(NOW + MINUTE - timedelta(microseconds=1), POLICY)
    assert alert.escalation_level == 0
    assert alert.escalate(NOW + MINUTE, POLICY)
    assert alert.escalation_level == 1
    assert alert.next_escalation_at == NOW + 2 * MINUTE
    assert not alert.escalate(NOW + 90 * timedelta(seconds=1), POLICY)
    assert alert.escalate(NOW + 2 * MINUTE, POLICY)
    assert alert.escalation_level == 2


def test_escalation_stops_at_the_top_level() -> None:
    alert = opened()
    assert alert.escalate(NOW + 3 * MINUTE, POLICY)
    assert alert.escalation_level == 3
    assert alert.next_escalation_at is None
    assert not alert.escalate(NOW + 100 * MINUTE, POLICY)
    assert alert.escalation_level == 3


def test_after_a_long_pause_escalation_catches_up_at_once() -> None:
    alert = opened()
    assert alert.escalate(NOW + 2 * MINUTE + timedelta(seconds=30), POLICY)
    assert alert.escalation_level == 2
    assert alert.next_escalation_at == NOW + 3 * MINUTE


def test_a_due_alert_moves_its_next_time_on_when_the_policy_was_lengthened() -> None:
    alert = opened()  # due at NOW + 1 min under the old policy
    slower = EscalationPolicy(period=5 * MINUTE, max_level=3)
    assert not alert.escalate(NOW + MINUTE, slower)
    assert alert.escalation_level == 0
    assert alert.next_escalation_at == NOW + 5 * MINUTE


@pytest.mark.parametrize(
    ("elapsed", "level"),
    [
        (timedelta(0), 0),
        (timedelta(seconds=59), 0),
        (MINUTE, 1),
        (timedelta(seconds=119), 1),
        (2 * MINUTE, 2),
        (3 * MINUTE, 3),
        (timedelta(days=3), 3),
        (-MINUTE, 0),  # a clock behind the opening time never lowers or raises anything
    ],
)
def test_escalation_level_counts_full_periods(elapsed: timedelta, level: int) -> None:
    assert escalation_level(NOW, NOW + elapsed, MINUTE, 3) == level


def test_a_zero_period_never_escalates() -> None:
    assert escalation_level(NOW, NOW + timedelta(days=1), timedelta(0), 3) == 0


periods = st.timedeltas(timedelta(seconds=1), timedelta(hours=2))
offsets = st.timedeltas(-timedelta(hours=1), timedelta(days=2))


@given(periods, st.integers(0, 10), offsets, offsets)
def test_escalation_level_is_monotonic_and_capped(
    period: timedelta, max_level: int, a: timedelta, b: timedelta
) -> None:
    early, late = sorted((a, b))
    lo = escalation_level(NOW, NOW + early, period, max_level)
    hi = escalation_level(NOW, NOW + late, period, max_level)
    assert 0 <= lo <= hi <= max_level


@given(periods, st.integers(1, 10), st.timedeltas(timedelta(0), timedelta(days=2)))
def test_the_next_escalation_time_is_when_the_level_rises(
    period: timedelta, max_level: int, elapsed: timedelta
) -> None:
    level = escalation_level(NOW, NOW + elapsed, period, max_level)
    due = next_escalation_at(NOW, level, period, max_level)
    if level == max_level:
        assert due is None
        return
    assert due is not None
    assert due > NOW + elapsed
    assert escalation_level(NOW, due - timedelta(microseconds=1), period, max_level) == level
    assert escalation_level(NOW, due, period, max_level) == level + 1
