"""Contact handlers: a batch of calls and texts judged against telecom bans, in the
worker or in the transaction that stored them. Each returns the ids of alerts it changed."""

from __future__ import annotations

import logging

from jikimi.alerts.handlers import open_or_grow
from jikimi.alerts.rules import AlertKind, EscalationPolicy, Evidence
from jikimi.contacts.messages import JudgeContacts, JudgeStoredContacts
from jikimi.contacts.rules import Contact, judge_contact
from jikimi.core.claims import Claims
from jikimi.ports import Clock, PendingContact, UnitOfWork

log = logging.getLogger(__name__)


class VictimsBusy(RuntimeError):
    """Another transaction holds the lock of a victim these events are of: judging them
    here would wait for it. They stay in the inbox, for the worker."""


def _victims_of(event: PendingContact, uow: UnitOfWork) -> list[str]:
    if event.victim_id is not None:
        return [event.victim_id]
    if event.victim_number is None:
        return []
    return uow.contacts.victims_by_number(event.victim_number, event.occurred_at)


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
        # Something was reported as the caller but it is no phone number: not the perpetrator, and
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
    cmd: JudgeContacts,
    uow: UnitOfWork,
    *,
    clock: Clock,
    policy: EscalationPolicy,
    claims: Claims,
) -> set[str]:
    """Judge a batch of waiting events in one transaction: claim them, take their
    victims' locks (all at once, in one order), judge the events of the victims held, and
    pass over the others (another transaction holds them: it may have stalled, and only
    its own victims wait for it)."""
    changed: set[str] = set()
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
    cmd: JudgeStoredContacts, uow: UnitOfWork, *, clock: Clock, policy: EscalationPolicy
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
    cmd: JudgeContacts,
    uow: UnitOfWork,
    *,
    clock: Clock,
    policy: EscalationPolicy,
    claims: Claims,
) -> set[str]:
    """After a failed batch: judge each event alone and set aside the one that fails."""
    changed: set[str] = set()
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
