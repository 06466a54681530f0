"""Handlers: each runs inside one unit of work and returns the ids of alerts it changed."""

from __future__ import annotations

import logging
import uuid

from jikimi.domain.alerts import (
    VIOLATION_KINDS,
    Alert,
    AlertKind,
    AlertStateError,
    EscalationPolicy,
    Evidence,
)
from jikimi.domain.contacts import Contact, judge_contact
from jikimi.engine.messages import (
    AcknowledgeAlert,
    EscalateDueAlerts,
    JudgeContacts,
    JudgeStoredContacts,
    ResolveAlert,
)
from jikimi.engine.ports import Clock, PendingContact, UnitOfWork

log = logging.getLogger(__name__)


class AlertNotFound(LookupError):
    """No such alert."""


class VictimsBusy(RuntimeError):
    """Another transaction holds the lock of a victim these events are of: judging them
    here would wait for it. They stay in the inbox, for the worker."""


def _victims_of(event: PendingContact, uow: UnitOfWork) -> list[str]:
    if event.victim_id is not None:
        return [event.victim_id]
    if event.victim_number is None:
        return []
    return uow.contacts.victims_by_number(event.victim_number, event.occurred_at)


def open_or_grow(
    uow: UnitOfWork,
    case_id: str,
    kind: AlertKind,
    evidence: Evidence,
    clock: Clock,
    policy: EscalationPolicy,
) -> str:
    """Open an alert of this kind for the case, or grow the unresolved one; keep the
    evidence either way. Returns the alert's id.

    The case's effective risk tier sets the severity (`severity_for`), and a violation in
    an assessed case marks it for a re-score in this same transaction.
    """
    now = clock.now()
    tier = uow.cases.risk_tier(case_id)
    alert = uow.alerts.find_unresolved(case_id, kind.value)
    if alert is None:
        alert = Alert.open(uuid.uuid4().hex, case_id, kind, evidence.occurred_at, now, policy, tier)
        uow.alerts.add(alert)
        uow.alerts.record_change(alert.id, now, "opened", None, {"event_id": evidence.event_id})
    else:
        alert.grow(evidence.occurred_at, tier)
        uow.alerts.save(alert)
        uow.alerts.record_change(alert.id, now, "grew", None, {"event_id": evidence.event_id})
    uow.alerts.add_evidence(alert.id, evidence)
    if tier is not None and kind in VIOLATION_KINDS:
        uow.risk.mark_rescore_due(case_id, now)
    return alert.id


def _raise_alert(
    uow: UnitOfWork,
    case_id: str,
    kind: AlertKind,
    event: PendingContact,
    clock: Clock,
    policy: EscalationPolicy,
) -> str:
    evidence = Evidence(event.id, event.kind, event.number, event.occurred_at, [event.source])
    return open_or_grow(uow, case_id, kind, evidence, clock, policy)


def _victims_by_event(events: list[PendingContact], uow: UnitOfWork) -> dict[str, list[str]]:
    """Each event's victims (none for a caller that is no phone number: not judged)."""
    return {e.id: [] if e.number is None and not e.hidden else _victims_of(e, uow) for e in events}


def judge_one(
    event: PendingContact,
    victims: list[str],
    uow: UnitOfWork,
    clock: Clock,
    policy: EscalationPolicy,
) -> set[str]:
    """Judge one contact against each of its victims' cases on its own; the caller holds
    those victims' locks (`uow.locks`)."""
    changed: set[str] = set()
    if event.number is None and not event.hidden:
        # Something was reported as the caller but it is no phone number: not him, and
        # not a hidden caller either (API.md: "no match").
        uow.contacts.mark_processed(event.id, clock.now(), None, event.victim_id)
        return changed
    contact = Contact(event.kind, event.number, event.occurred_at)
    same_as: str | None = None
    for victim_id in victims:
        same_as = uow.contacts.find_same_contact(event, victim_id)
        if same_as is not None:
            # Phone and operator reported one call: one piece of evidence, two sources.
            for alert_id in uow.alerts.corroborate(same_as, event.source):
                uow.alerts.record_change(
                    alert_id,
                    clock.now(),
                    "corroborated",
                    None,
                    {"event_id": event.id, "source": event.source},
                )
                changed.add(alert_id)
            continue
        for case in uow.cases.facts_for_victim(victim_id):
            kind = judge_contact(contact, case)
            if kind is not None:
                changed.add(_raise_alert(uow, case.case_id, kind, event, clock, policy))
    uow.contacts.mark_processed(
        event.id, clock.now(), same_as, victims[0] if len(victims) == 1 else None
    )
    return changed


def judge_contacts(
    cmd: JudgeContacts, uow: UnitOfWork, clock: Clock, policy: EscalationPolicy
) -> set[str]:
    """Judge a batch of waiting events in one transaction: claim them, take their
    victims' locks (all at once, in one order), judge the events of the victims held, and
    pass over the others (another transaction holds them: it may have stalled, and only
    its own victims wait for it)."""
    changed: set[str] = set()
    claims = cmd.claims
    with uow:
        ids = uow.contacts.pending_ids(cmd.limit, claims.passed_over)
        claims.claimed = len(ids)
        events = [e for e in map(uow.contacts.get_pending, ids) if e is not None]
        victims = _victims_by_event(events, uow)
        held = uow.locks.take(v for vs in victims.values() for v in vs)
        for event in events:
            if held.issuperset(victims[event.id]):
                changed |= judge_one(event, victims[event.id], uow, clock, policy)
            else:
                claims.passed_over.add(event.id)
        uow.commit()
    return changed


def judge_stored_contacts(
    cmd: JudgeStoredContacts, uow: UnitOfWork, clock: Clock, policy: EscalationPolicy
) -> set[str]:
    """Judge events in the transaction that stored them, so a 202 already carries the alert.

    The unit of work is part of the caller's transaction: on any failure it rolls back
    alone, and the events stay in the inbox for the worker to judge.
    """
    changed: set[str] = set()
    with uow:
        events = list(cmd.events)
        victims = _victims_by_event(events, uow)
        wanted = {v for vs in victims.values() for v in vs}
        if not uow.locks.take(wanted) >= wanted:
            raise VictimsBusy()  # a 202 does not wait for another judge (or a stalled one)
        for event in events:
            changed |= judge_one(event, victims[event.id], uow, clock, policy)
        uow.commit()
    return changed


def judge_contacts_one_by_one(
    cmd: JudgeContacts, uow: UnitOfWork, clock: Clock, policy: EscalationPolicy
) -> set[str]:
    """After a failed batch: judge each event alone and set aside the one that fails."""
    changed: set[str] = set()
    claims = cmd.claims
    with uow:
        ids = uow.contacts.pending_ids(cmd.limit, claims.passed_over)
    claims.claimed = len(ids)
    for event_id in ids:
        try:
            with uow:
                event = uow.contacts.get_pending(event_id)
                if event is not None:
                    victims = _victims_by_event([event], uow)[event_id]
                    if uow.locks.take(victims) >= set(victims):
                        changed |= judge_one(event, victims, uow, clock, policy)
                    else:
                        claims.passed_over.add(event_id)
                uow.commit()
        except Exception as exc:
            if uow.unavailable(exc):
                # The database went away, not a bad event: setting it aside would lose its
                # alert for good. It stays pending and is judged when the database is back.
                raise
            log.exception("contact event could not be judged; set aside", extra={"id": event_id})
            with uow:
                uow.contacts.mark_failed(event_id, clock.now(), type(exc).__name__)
                uow.commit()
    return changed


def escalate_due_alerts(
    cmd: EscalateDueAlerts, uow: UnitOfWork, clock: Clock, policy: EscalationPolicy
) -> set[str]:
    """Raise open alerts one level for each period they waited unacknowledged."""
    changed: set[str] = set()
    with uow:
        now = clock.now()
        for alert in uow.alerts.due_for_escalation(now, cmd.limit):
            if alert.escalate(now, policy):
                uow.alerts.save(alert)
                uow.alerts.record_change(
                    alert.id, now, "escalated", None, {"level": alert.escalation_level}
                )
                changed.add(alert.id)
            else:
                uow.alerts.save(alert)  # moves next_escalation_at on
        uow.commit()
    return changed


def acknowledge_alert(
    cmd: AcknowledgeAlert, uow: UnitOfWork, clock: Clock, policy: EscalationPolicy
) -> set[str]:
    """Acknowledge an alert; raises AlertNotFound or AlertStateError."""
    with uow:
        alert = uow.alerts.get(cmd.alert_id)
        if alert is None:
            raise AlertNotFound(cmd.alert_id)
        now = clock.now()
        if not alert.acknowledge(cmd.actor, now):
            return set()
        uow.alerts.save(alert)
        uow.alerts.record_change(alert.id, now, "acknowledged", cmd.actor, {})
        uow.commit()
    return {cmd.alert_id}


def resolve_alert(
    cmd: ResolveAlert, uow: UnitOfWork, clock: Clock, policy: EscalationPolicy
) -> set[str]:
    """Resolve an alert with its outcome; raises AlertNotFound or AlertStateError."""
    with uow:
        alert = uow.alerts.get(cmd.alert_id)
        if alert is None:
            raise AlertNotFound(cmd.alert_id)
        now = clock.now()
        alert.resolve(cmd.actor, cmd.outcome, cmd.note, now)
        uow.alerts.save(alert)
        uow.alerts.record_change(
            alert.id, now, "resolved", cmd.actor, {"outcome": cmd.outcome.value}
        )
        uow.commit()
    return {cmd.alert_id}


__all__ = [
    "AlertNotFound",
    "AlertStateError",
    "VictimsBusy",
    "acknowledge_alert",
    "escalate_due_alerts",
    "judge_contacts",
    "judge_contacts_one_by_one",
    "judge_stored_contacts",
    "resolve_alert",
]
