"""Calls and texts reported by the victim's phone and, for iPhone users, by the telecom
operator: stored durably, judged in the same transaction."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from jikimi.bootstrap import Container
from jikimi.contacts.ingest import ContactIn, store_contacts
from jikimi.contacts.schemas import Accepted, CarrierBatch, ContactBatch
from jikimi.core.access import Principal
from jikimi.core.tx import transaction
from jikimi.http.audit import Auditor
from jikimi.http.deps import Device, Feed
from jikimi.http.signing import Signed, remember, remember_touching

router = APIRouter(prefix="/api/v1/feed", tags=["feed"])
phone_router = APIRouter(prefix="/api/v1/device", tags=["device"])


@router.post("/contacts", status_code=202, response_model=Accepted)
async def post_contacts(body: CarrierBatch, p: Feed, _: Signed, request: Request) -> dict[str, Any]:
    """Store the operator's events durably, keyed by the victim's number, and judge them in
    the same transaction; what cannot be judged here stays in the inbox for the worker."""
    # All of the request's database work in one hop to the thread pool. The container and
    # the auditor are not dependencies: each one FastAPI solves costs more than building them.
    c: Container = request.app.state.container
    return await run_in_threadpool(_ingest, body, p, c, Auditor(c, request), request)


def _ingest(
    body: CarrierBatch, p: Principal, c: Container, a: Auditor, request: Request
) -> dict[str, Any]:
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


@phone_router.post("/contacts", status_code=202, response_model=Accepted)
async def post_phone_contacts(
    body: ContactBatch, p: Device, _: Signed, request: Request
) -> dict[str, Any]:
    """Store the phone's events durably (committed before the 202) and judge them in the
    same transaction; what cannot be judged here stays in the inbox for the worker."""
    # All of the request's database work in one hop to the thread pool (the dependencies
    # above do no I/O when their caches hold the token and its key). The container and the
    # auditor are not dependencies: each one FastAPI solves costs more than building them.
    c: Container = request.app.state.container
    return await run_in_threadpool(_ingest_phone, body, p, c, Auditor(c, request), request)


def _ingest_phone(
    body: ContactBatch, p: Principal, c: Container, a: Auditor, request: Request
) -> dict[str, Any]:
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
