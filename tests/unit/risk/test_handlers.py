"""Risk on the event path: a violation in an assessed case marks it for a re-score in the
alert's transaction; the re-score keeps the last answers and an override still at or
above the new tier; the tier sets the severity of the case's alerts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from jikimi.alerts.handlers import open_or_grow
from jikimi.alerts.rules import AlertKind, EscalationPolicy, Evidence, Severity
from jikimi.contacts.messages import JudgeContacts
from jikimi.contacts.rules import NumberSpan
from jikimi.core.bus import MessageBus
from jikimi.risk.messages import RescoreCases
from jikimi.risk.ports import RiskScorer
from jikimi.risk.rules import Assessment, Factor, History, Tier
from tests.unit.contacts.test_handlers import CASE, PERPETRATOR_NUMBER, POLICY, VICTIM, ban
from tests.unit.fakes import T0, FakeClock, FakeNotifier, FakeStore, fake_bus

HISTORY = History(contact_violations=4)


class StepScorer:
    """Scores by the number of violations in the history: 0 → low, 1–2 → high, more →
    very high; remembers what it was asked."""

    version = "step-1"

    def __init__(self) -> None:
        self.calls: list[tuple[dict[str, Any], str | None, History]] = []

    def score(
        self, answers: Mapping[str, bool | int | None], note: str | None, history: History
    ) -> Assessment:
        """The tier from the violation count."""
        self.calls.append((dict(answers), note, history))
        n = history.contact_violations + history.proximity_violations
        tier = Tier.LOW if n == 0 else Tier.HIGH if n < 3 else Tier.VERY_HIGH
        return Assessment(0.1 * n, tier, (Factor("violations", float(n)),), self.version)

    def card(self) -> dict[str, Any]:
        """Nothing to say."""
        return {}


def bus(store: FakeStore, scorer: RiskScorer | None = None) -> MessageBus:
    """A bus on the fakes, scoring with `scorer` (the checklist when None)."""
    clock = FakeClock(T0 + timedelta(minutes=5))
    given = {"scorer": scorer} if scorer is not None else {}
    return fake_bus(store, clock, FakeNotifier(), POLICY, **given)[0]


def world(store: FakeStore) -> None:
    """A case under a telecom ban."""
    store.add_case(CASE, VICTIM, (ban(),), (NumberSpan(PERPETRATOR_NUMBER),))


def test_a_violation_in_an_assessed_case_marks_it_for_a_rescore() -> None:
    """The mark commits with the alert; an unassessed case gets none."""
    store = FakeStore()
    world(store)
    store.receive(occurred_at=T0, number=PERPETRATOR_NUMBER, victim_id=VICTIM)
    bus(store).handle(JudgeContacts())
    assert store.state.rescore_due == {}
    store.assess(CASE, Tier.MEDIUM, answers={"threat_to_kill": True})
    store.receive(
        occurred_at=T0 + timedelta(minutes=1), number=PERPETRATOR_NUMBER, victim_id=VICTIM
    )
    bus(store).handle(JudgeContacts())
    assert list(store.state.rescore_due) == [CASE]


def test_the_rescore_uses_the_last_answers_and_note_and_the_history_now() -> None:
    """A new assessment with trigger rescore; the mark is gone."""
    store = FakeStore()
    world(store)
    store.assess(CASE, Tier.LOW, answers={"threat_to_kill": True})
    store.state.histories[CASE] = History(contact_violations=1)
    store.state.rescore_due[CASE] = T0
    scorer = StepScorer()
    bus(store, scorer).handle(RescoreCases())
    assert scorer.calls == [({"threat_to_kill": True}, "note", History(contact_violations=1))]
    latest = store.state.assessments[CASE][-1]
    assert (latest.tier, latest.answers, latest.note) == (
        Tier.HIGH,
        {"threat_to_kill": True},
        "note",
    )
    assert store.state.rescore_due == {}


def test_an_override_still_at_or_above_the_new_tier_is_kept() -> None:
    """Very high by the officer; the model now says high: still very high."""
    store = FakeStore()
    world(store)
    store.assess(CASE, Tier.LOW, override=Tier.VERY_HIGH)
    store.state.histories[CASE] = History(contact_violations=1)
    store.state.rescore_due[CASE] = T0
    bus(store, StepScorer()).handle(RescoreCases())
    latest = store.state.assessments[CASE][-1]
    assert latest.tier is Tier.HIGH
    assert latest.override is not None
    assert latest.override.tier is Tier.VERY_HIGH
    with store.uow() as uow:
        assert uow.cases.risk_tier(CASE) is Tier.VERY_HIGH


def test_an_override_below_the_new_tier_is_dropped() -> None:
    """Raised to high by the officer; the evidence alone now says very high."""
    store = FakeStore()
    world(store)
    store.assess(CASE, Tier.LOW, override=Tier.HIGH)
    store.state.histories[CASE] = HISTORY
    store.state.rescore_due[CASE] = T0
    bus(store, StepScorer()).handle(RescoreCases())
    latest = store.state.assessments[CASE][-1]
    assert (latest.tier, latest.override) == (Tier.VERY_HIGH, None)


def test_a_mark_without_an_assessment_is_cleared() -> None:
    """Nothing to re-score from: nothing written, no mark left to spin on."""
    store = FakeStore()
    world(store)
    store.state.rescore_due[CASE] = T0
    bus(store, StepScorer()).handle(RescoreCases())
    assert (store.state.rescore_due, store.state.assessments) == ({}, {})


def _raise(store: FakeStore, kind: AlertKind, minute: int = 0) -> Severity:
    uow = store.uow()
    with uow:
        at = T0 + timedelta(minutes=minute)
        evidence = Evidence(f"e{minute}", "call", PERPETRATOR_NUMBER, at, ["phone"])
        alert_id = open_or_grow(uow, CASE, kind, evidence, FakeClock(at), EscalationPolicy())
        uow.commit()
    return store.state.alerts[alert_id].severity


def test_the_effective_tier_sets_the_severity_of_new_alerts() -> None:
    """High raises a hidden-number contact from medium to high; a very-high override makes
    it critical."""
    store = FakeStore()
    assert _raise(store, AlertKind.HIDDEN_NUMBER_CONTACT) is Severity.MEDIUM
    store = FakeStore()
    world(store)
    store.assess(CASE, Tier.HIGH)
    assert _raise(store, AlertKind.HIDDEN_NUMBER_CONTACT) is Severity.HIGH
    store = FakeStore()
    world(store)
    store.assess(CASE, Tier.MEDIUM, override=Tier.VERY_HIGH)
    assert _raise(store, AlertKind.HIDDEN_NUMBER_CONTACT) is Severity.CRITICAL


def test_an_open_alert_rises_when_the_tier_rose_since_it_opened_and_never_falls() -> None:
    """It opened at medium; after a very-high assessment the next repeat makes it
    critical; a later low assessment does not lower it."""
    store = FakeStore()
    assert _raise(store, AlertKind.HIDDEN_NUMBER_CONTACT, 0) is Severity.MEDIUM
    store.assess(CASE, Tier.VERY_HIGH)
    assert _raise(store, AlertKind.HIDDEN_NUMBER_CONTACT, 1) is Severity.CRITICAL
    store.assess(CASE, Tier.LOW)
    assert _raise(store, AlertKind.HIDDEN_NUMBER_CONTACT, 2) is Severity.CRITICAL


def test_a_silent_anklet_does_not_trigger_a_rescore() -> None:
    """device_offline may be a flat battery: not the perpetrator's behaviour."""
    store = FakeStore()
    world(store)
    store.assess(CASE, Tier.MEDIUM)
    _raise(store, AlertKind.DEVICE_OFFLINE)
    assert store.state.rescore_due == {}
    _raise(store, AlertKind.DEVICE_TAMPER, 1)
    assert list(store.state.rescore_due) == [CASE]
