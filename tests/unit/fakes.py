"""In-memory fakes of the engine's ports: a tiny transactional "database" in dicts.

Each unit of work copies the committed state on entry and writes it back only on
commit, so a handler that forgets to commit, or fails half-way, leaves nothing behind —
as the SQL unit of work does. Repositories hand out copies of alerts, so a change the
handler does not `save` is lost, as it would be with the real store.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType

from jikimi.alerts.rules import Alert, Evidence
from jikimi.bootstrap.wiring import message_bus
from jikimi.cases.orders import OrderWindow, load_pack
from jikimi.contacts.rules import CaseFacts, NumberSpan
from jikimi.core.bus import MessageBus
from jikimi.core.claims import Claims
from jikimi.features import FEATURES
from jikimi.ports import Override, PendingContact, StoredAssessment
from jikimi.proximity.memory import TrackMemory
from jikimi.proximity.rules import Rules
from jikimi.risk.rules import ChecklistScorer, History, Tier
from jikimi.tasks.rules import calendar_for, policy_from
from tests.unit.alerts.fakes import Change, FakeAlerts
from tests.unit.cases.fakes import FakeCases
from tests.unit.contacts.fakes import FakeContacts, PoisonError, StoredContact
from tests.unit.core.fakes import T0, FakeClock, FakeLocks, FakeNotifier
from tests.unit.risk.fakes import FakeRisk

__all__ = [
    "T0",
    "Change",
    "FakeClock",
    "FakeNotifier",
    "FakeStore",
    "PoisonError",
    "State",
    "StoredContact",
    "fake_bus",
]


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
