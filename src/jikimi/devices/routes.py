"""The victim's phone: contact reports and what protects the victim now."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from jikimi import schema as t
from jikimi.bootstrap import Container
from jikimi.contacts.ingest import ContactIn, store_contacts
from jikimi.contacts.schemas import Accepted, ContactBatch, DeviceStatus
from jikimi.core.access import Principal
from jikimi.core.tx import transaction
from jikimi.devices import views as device_views
from jikimi.http.audit import Audit, Auditor
from jikimi.http.deps import ContainerDep, Device, ReadDb
from jikimi.http.signing import Signed, remember_touching

router = APIRouter(prefix="/api/v1/device", tags=["device"])


@router.post("/contacts", status_code=202, response_model=Accepted)
async def post_contacts(
    body: ContactBatch, p: Device, _: Signed, request: Request
) -> dict[str, Any]:
    """Store the phone's events durably (committed before the 202) and judge them in the
    same transaction; what cannot be judged here stays in the inbox for the worker."""
    # All of the request's database work in one hop to the thread pool (the dependencies
    # above do no I/O when their caches hold the token and its key). The container and the
    # auditor are not dependencies: each one FastAPI solves costs more than building them.
    c: Container = request.app.state.container
    return await run_in_threadpool(_ingest, body, p, c, Auditor(c, request), request)


def _ingest(
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


@router.get("/status", response_model=DeviceStatus)
def status(p: Device, _: Signed, s: ReadDb, c: ContainerDep, a: Audit) -> dict[str, Any]:
    """What protects the victim now, whether the phone's reports reach the police, open
    alerts."""
    assert p.device_id is not None
    stale = timedelta(seconds=c.settings.device_stale_s)
    out = device_views.device_status(s, c.pack, p.device_id, stale, device_views.backlog_age(s))
    device = s.get(t.Device, p.device_id)
    a.read("device_status", p.device_id, [device.person_id] if device else [])
    return out
