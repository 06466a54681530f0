"""Calls and texts from phones and the operator: stored and judged in one transaction,
the submission recorded in it; committed before the answer."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from jikimi.bootstrap import Container
from jikimi.contacts.ingest import ContactIn, store_contacts
from jikimi.contacts.schemas import CarrierBatch, ContactBatch
from jikimi.core.access import Principal
from jikimi.core.tx import transaction
from jikimi.http.audit import Auditor
from jikimi.http.signing import remember, remember_touching


def ingest_carrier(
    body: CarrierBatch, p: Principal, c: Container, a: Auditor, request: Request
) -> dict[str, Any]:
    """Store the operator's events, keyed by the victim's number, and judge them."""
    region = c.settings.default_region
    events = [
        ContactIn.reported(e.id, e.kind, e.number, e.occurred_at, e.text, region, e.victim_number)
        for e in body.events
    ]
    with transaction(c.sessions) as s:
        remember(request, s)
        stored = store_contacts(
            s, "carrier", f"feed:{p.account_id}", None, events, mark_judged=c.judges_on_ingest
        )
        changed = c.judge_stored(s, stored.pending, marked=stored.marked)
        # The victims are resolved by the engine from their numbers; the record says who
        # sent what.
        a.change(s, "submit", "contact_events", p.account_id, [])
        s.commit()  # durable before we answer
    c.after_ingest(changed)
    return {"accepted": stored.accepted, "duplicates": stored.duplicates}


def ingest_phone(
    body: ContactBatch, p: Principal, c: Container, a: Auditor, request: Request
) -> dict[str, Any]:
    """Store the phone's events, keyed by its owner, and judge them."""
    assert p.device_id is not None
    region = c.settings.default_region
    events = [
        ContactIn.reported(e.id, e.kind, e.number, e.occurred_at, e.text, region)
        for e in body.events
    ]
    with transaction(c.sessions) as s:
        person_id = remember_touching(request, s, p.device_id)
        assert person_id is not None
        stored = store_contacts(
            s, "phone", f"phone:{p.device_id}", person_id, events, mark_judged=c.judges_on_ingest
        )
        changed = c.judge_stored(s, stored.pending, marked=stored.marked)
        a.change(s, "submit", "contact_events", p.device_id, [person_id])
        s.commit()  # durable before we answer
    c.after_ingest(changed)
    return {"accepted": stored.accepted, "duplicates": stored.duplicates}
