"""In-memory fakes of the engine's ports: a tiny transactional "database" in dicts.

Each unit of work copies the committed state on entry and writes it back only on
commit, so a handler that forgets to commit, or fails half-way, leaves nothing behind —
as the SQL unit of work does. Repositories hand out copies of alerts, so a change the
handler does not `save` is lost, as it would be with the real store.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from types import TracebackType

from jikimi.alerts.rules import Alert, AlertStatus, Evidence
from jikimi.bootstrap.wiring import message_bus
from jikimi.cases.orders import OrderWindow, load_pack
from jikimi.contacts.rules import CaseFacts, Contact, NumberSpan, same_contact
from jikimi.core.bus import MessageBus
from jikimi.core.claims import Claims
from jikimi.features import FEATURES
from jikimi.ports import Override, PendingContact, StoredAssessment
from jikimi.proximity.memory import TrackMemory
from jikimi.proximity.rules import Rules
from jikimi.risk.rules import Assessment, ChecklistScorer, History, Tier
from jikimi.tasks.rules import calendar_for, policy_from

T0 = datetime(2026, 3, 1, 3, 0, tzinfo=UTC)


class FakeClock:
    """A clock that moves only when the test says."""

    def __init__(self, at: datetime = T0) -> None:
        self.at = at

    def now(self) -> datetime:
        """The held instant."""
        return self.at

    def advance(self, **delta: float) -> None:
        """Move forward by a timedelta's keyword arguments (seconds=, hours=, ...)."""
        self.at += timedelta(**delta)


class FakeNotifier:
    """Counts how often listeners were woken."""

    def __init__(self) -> None:
        self.calls = 0

    def alerts_changed(self) -> None:
        """Remember one wake-up."""
        self.calls += 1


class PoisonError(RuntimeError):
    """What the fake store raises for an event the test marked as poison."""


@dataclass
class StoredContact:
    """One row of the contact inbox."""

    event: PendingContact
    victim_id: str | None
    processed_at: datetime | None = None
    corroborates: str | None = None
    error: str | None = None


@dataclass
class Change:
    """One entry of an alert's timeline."""

    alert_id: str
    at: datetime
    action: str
    actor: str | None
    detail: dict[str, object]


@dataclass
class State:
    """Everything the fake store holds."""

    contacts: dict[str, StoredContact] = field(default_factory=dict)
    victim_phones: dict[str, list[NumberSpan]] = field(default_factory=dict)
    cases: dict[str, tuple[str, CaseFacts]] = field(default_factory=dict)
    alerts: dict[str, Alert] = field(default_factory=dict)
    evidence: list[tuple[str, Evidence]] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    # Risk: each case's assessments (oldest first), its history, the re-score marks.
    assessments: dict[str, list[StoredAssessment]] = field(default_factory=dict)
    histories: dict[str, History] = field(default_factory=dict)
    rescore_due: dict[str, datetime] = field(default_factory=dict)


class FakeContacts:
    """The contact inbox over `State.contacts` (insertion order is arrival order)."""

    def __init__(self, state: State, poison: set[str], cut_off: set[str]) -> None:
        self.state, self.poison, self.cut_off = state, poison, cut_off

    def pending_ids(self, limit: int, skip: Collection[str] = ()) -> list[str]:
        """Unjudged events but `skip`, oldest arrival first."""
        ids = [
            i
            for i, row in self.state.contacts.items()
            if row.processed_at is None and i not in skip
        ]
        return ids[:limit]

    def get_pending(self, event_id: str) -> PendingContact | None:
        """The event while it waits; raises for poison ids, and once for cut-off ids."""
        if event_id in self.poison:
            raise PoisonError(event_id)
        if event_id in self.cut_off:
            self.cut_off.discard(event_id)
            raise ConnectionError("the fake database dropped the connection")
        row = self.state.contacts.get(event_id)
        if row is None or row.processed_at is not None:
            return None
        return row.event

    def victims_by_number(self, e164: str, at: datetime) -> list[str]:
        """Victims of some case who held `e164` at `at`."""
        victims = {victim for victim, _ in self.state.cases.values()}
        return sorted(
            person
            for person, spans in self.state.victim_phones.items()
            if person in victims and any(s.e164 == e164 and s.valid_at(at) for s in spans)
        )

    def find_same_contact(self, event: PendingContact, victim_id: str) -> str | None:
        """A judged, uncorroborated event of the other source reporting the same contact."""
        mine = Contact(event.kind, event.number, event.occurred_at)
        found = [
            row.event
            for row in self.state.contacts.values()
            if row.event.source != event.source
            and row.victim_id == victim_id
            and row.processed_at is not None
            and row.corroborates is None
            and same_contact(mine, Contact(row.event.kind, row.event.number, row.event.occurred_at))
        ]
        found.sort(key=lambda e: e.occurred_at)
        return found[0].id if found else None

    def mark_processed(
        self, event_id: str, at: datetime, corroborates: str | None, victim_id: str | None
    ) -> None:
        """Judged; remember the victim an operator's event resolved to."""
        row = self.state.contacts[event_id]
        row.processed_at, row.corroborates = at, corroborates
        if row.victim_id is None and victim_id is not None:
            row.victim_id = victim_id

    def mark_failed(self, event_id: str, at: datetime, error: str) -> None:
        """Set the event aside."""
        row = self.state.contacts[event_id]
        row.processed_at, row.error = at, error


class FakeCases:
    """Case facts over `State.cases`."""

    def __init__(self, state: State) -> None:
        self.state = state

    def facts_for_victim(self, victim_id: str) -> list[CaseFacts]:
        """Every case of this victim."""
        return [facts for victim, facts in self.state.cases.values() if victim == victim_id]

    def victims_of(self, case_ids: Collection[str]) -> dict[str, str]:
        """Case id → its victim."""
        return {c: self.state.cases[c][0] for c in case_ids if c in self.state.cases}

    def risk_tier(self, case_id: str) -> Tier | None:
        """The latest assessment's effective tier."""
        done = self.state.assessments.get(case_id)
        if not done:
            return None
        latest = done[-1]
        return latest.override.tier if latest.override else latest.tier


class FakeRisk:
    """Assessments and re-score marks over `State`."""

    def __init__(self, state: State) -> None:
        self.state = state

    def mark_rescore_due(self, case_id: str, at: datetime) -> None:
        """Mark the case."""
        self.state.rescore_due[case_id] = at

    def rescore_due(self, limit: int, skip: Collection[str] = ()) -> list[str]:
        """Marked cases but `skip`, oldest mark first."""
        due = [c for c in self.state.rescore_due if c not in skip]
        return sorted(due, key=self.state.rescore_due.__getitem__)[:limit]

    def claim_rescores(self, case_ids: Collection[str]) -> list[str]:
        """Those still marked."""
        return [c for c in case_ids if c in self.state.rescore_due]

    def clear_rescore_due(self, case_id: str) -> None:
        """Unmark."""
        self.state.rescore_due.pop(case_id, None)

    def latest(self, case_id: str) -> StoredAssessment | None:
        """The latest assessment."""
        done = self.state.assessments.get(case_id)
        return done[-1] if done else None

    def history(self, case_id: str, now: datetime) -> History:
        """The history the test set."""
        return self.state.histories.get(case_id, History())

    def add(
        self,
        case_id: str,
        assessment: Assessment,
        source: StoredAssessment,
        at: datetime,
        override: Override | None,
    ) -> str:
        """Append a re-score."""
        done = self.state.assessments.setdefault(case_id, [])
        row = StoredAssessment(
            f"ra-{len(done) + 1}", case_id, assessment.tier, source.answers, source.note, override
        )
        done.append(row)
        return row.id


class FakeAlerts:
    """Alerts, evidence and timeline; one unresolved alert per (case, kind), as in SQL."""

    def __init__(self, state: State) -> None:
        self.state = state

    def _check_unique(self, alert: Alert) -> None:
        if alert.status is AlertStatus.RESOLVED:
            return
        for other in self.state.alerts.values():
            if (
                other.id != alert.id
                and other.case_id == alert.case_id
                and other.kind == alert.kind
                and other.status is not AlertStatus.RESOLVED
            ):
                raise AssertionError(f"two unresolved {alert.kind} alerts in {alert.case_id}")

    def get(self, alert_id: str) -> Alert | None:
        """A copy of one alert."""
        alert = self.state.alerts.get(alert_id)
        return replace(alert) if alert else None

    def find_unresolved(self, case_id: str, kind: str) -> Alert | None:
        """A copy of the open or acknowledged alert of this kind in this case."""
        for alert in self.state.alerts.values():
            if (
                alert.case_id == case_id
                and alert.kind.value == kind
                and alert.status is not AlertStatus.RESOLVED
            ):
                return replace(alert)
        return None

    def add(self, alert: Alert) -> None:
        """Store a new alert."""
        assert alert.id not in self.state.alerts
        self._check_unique(alert)
        self.state.alerts[alert.id] = replace(alert)

    def save(self, alert: Alert) -> None:
        """Write an alert's state back."""
        if alert.id not in self.state.alerts:
            raise LookupError(alert.id)
        self._check_unique(alert)
        self.state.alerts[alert.id] = replace(alert)

    def add_evidence(self, alert_id: str, evidence: Evidence) -> None:
        """Attach an event."""
        self.state.evidence.append((alert_id, copy.deepcopy(evidence)))

    def corroborate(self, event_id: str, source: str) -> list[str]:
        """Add a second source to every piece of evidence of `event_id`."""
        ids = []
        for alert_id, ev in self.state.evidence:
            if ev.event_id == event_id:
                if source not in ev.sources:
                    ev.sources.append(source)
                ids.append(alert_id)
        return ids

    def record_change(
        self, alert_id: str, at: datetime, action: str, actor: str | None, detail: dict[str, object]
    ) -> None:
        """Append to the timeline."""
        self.state.changes.append(Change(alert_id, at, action, actor, dict(detail)))

    def due_for_escalation(self, now: datetime, limit: int) -> list[Alert]:
        """Open alerts whose escalation time has come, earliest first."""
        due = [
            a
            for a in self.state.alerts.values()
            if a.status is AlertStatus.OPEN
            and a.next_escalation_at is not None
            and a.next_escalation_at <= now
        ]
        due.sort(key=lambda a: a.next_escalation_at or now)
        return [replace(a) for a in due[:limit]]


class FakeLocks:
    """Victims' locks: one thread, so only the victims the test says another transaction
    holds (`FakeStore.held_elsewhere`) are refused."""

    def __init__(self, store: FakeStore) -> None:
        self.store = store

    def take(self, victim_ids: Iterable[str], *, wait: bool = False) -> set[str]:
        """The victims asked for but those held elsewhere; each call is remembered."""
        ids = sorted(set(victim_ids))
        self.store.lock_calls.append(ids)
        return set(ids) - self.store.held_elsewhere


class FakeUnitOfWork:
    """One transaction over a FakeStore: a private copy, published only on commit."""

    contacts: FakeContacts
    cases: FakeCases
    alerts: FakeAlerts
    risk: FakeRisk
    locks: FakeLocks

    def __init__(self, store: FakeStore) -> None:
        self.store = store
        self._working: State | None = None

    def __enter__(self) -> FakeUnitOfWork:
        if self.store.down:
            raise ConnectionError("the fake database is down")
        self._working = copy.deepcopy(self.store.state)
        self.contacts = FakeContacts(self._working, self.store.poison, self.store.cut_off)
        self.cases = FakeCases(self._working)
        self.alerts = FakeAlerts(self._working)
        self.risk = FakeRisk(self._working)
        self.locks = FakeLocks(self.store)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._working = None

    def commit(self) -> None:
        """Publish this transaction's state."""
        assert self._working is not None, "commit outside a transaction"
        self.store.state = copy.deepcopy(self._working)
        self.store.commits += 1

    def rollback(self) -> None:
        """Start over from the committed state."""
        assert self._working is not None, "rollback outside a transaction"
        self.__enter__()

    def unavailable(self, exc: BaseException) -> bool:
        """The fake database was down or dropped the connection."""
        return isinstance(exc, ConnectionError)


_ids = itertools.count(1)


class FakeStore:
    """The committed state plus helpers that build a world the way ingest would."""

    def __init__(self) -> None:
        self.state = State()
        self.poison: set[str] = set()
        self.cut_off: set[str] = set()  # the connection drops while judging these, once
        self.down = False
        self.commits = 0
        self.held_elsewhere: set[str] = set()  # victims another transaction holds
        self.lock_calls: list[list[str]] = []  # each `take`, the victims in its order

    def uow(self) -> FakeUnitOfWork:
        """A fresh unit of work (what the bus's factory returns)."""
        return FakeUnitOfWork(self)

    def add_case(
        self,
        case_id: str,
        victim_id: str,
        orders: tuple[OrderWindow, ...] = (),
        perpetrator_numbers: tuple[NumberSpan, ...] = (),
    ) -> None:
        """A case with its orders and the perpetrator's numbers."""
        self.state.cases[case_id] = (victim_id, CaseFacts(case_id, orders, perpetrator_numbers))

    def assess(
        self,
        case_id: str,
        tier: Tier,
        override: Tier | None = None,
        answers: dict[str, bool | int | None] | None = None,
    ) -> None:
        """A committed assessment of the case (with an officer's override)."""
        done = self.state.assessments.setdefault(case_id, [])
        over = Override(override, "officer's judgement", "officer", T0) if override else None
        done.append(
            StoredAssessment(f"ra-{len(done) + 1}", case_id, tier, answers or {}, "note", over)
        )

    def add_victim_phone(self, victim_id: str, span: NumberSpan) -> None:
        """A number the victim holds (operator reports name the victim by it)."""
        self.state.victim_phones.setdefault(victim_id, []).append(span)

    def receive(
        self,
        *,
        occurred_at: datetime,
        number: str | None,
        kind: str = "call",
        source: str = "phone",
        victim_id: str | None = None,
        victim_number: str | None = None,
        event_id: str | None = None,
    ) -> str:
        """Store an event in the inbox, as ingest does; return its id."""
        eid = event_id or f"ev-{next(_ids)}"
        event = PendingContact(eid, source, victim_id, victim_number, kind, number, occurred_at)
        self.state.contacts[eid] = StoredContact(event, victim_id)
        return eid

    def has_pending(self) -> bool:
        """True while some event waits to be judged."""
        return any(row.processed_at is None for row in self.state.contacts.values())

    def alerts_of(self, case_id: str) -> list[Alert]:
        """The committed alerts of one case, oldest first."""
        return sorted(
            (a for a in self.state.alerts.values() if a.case_id == case_id),
            key=lambda a: a.opened_at,
        )

    def evidence_of(self, alert_id: str) -> list[Evidence]:
        """The committed evidence of one alert."""
        return [ev for aid, ev in self.state.evidence if aid == alert_id]

    def actions_of(self, alert_id: str) -> list[str]:
        """The committed timeline of one alert, as action names."""
        return [c.action for c in self.state.changes if c.alert_id == alert_id]


PACK = load_pack("kr")


def fake_bus(
    store: FakeStore, clock: object, notifier: FakeNotifier, policy: object, **deps: object
) -> tuple[MessageBus, dict[type[object], Claims]]:
    """Every feature's handlers over the fakes (as bootstrap wires them), and each
    command's claims; `deps` replaces or adds dependencies (a test's scorer)."""
    given = {
        "clock": clock,
        "policy": policy,
        "approach_rules": Rules(),
        "track_memory": TrackMemory(),
        "scorer": ChecklistScorer(),
        "pack": PACK,
        "follow_up_policy": policy_from(PACK.follow_up),
        "calendar": calendar_for(PACK.holidays, PACK.tz),
        **deps,
    }
    return message_bus(FEATURES, store.uow, notifier, given)
