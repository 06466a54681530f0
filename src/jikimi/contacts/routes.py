"""Calls and texts reported by the victim's phone and, for iPhone users, by the telecom
operator: stored durably, judged in the same transaction."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from jikimi.bootstrap import Container
from jikimi.contacts import service
from jikimi.contacts.schemas import Accepted, CarrierBatch, ContactBatch
from jikimi.http.audit import Auditor
from jikimi.http.deps import Device, Feed
from jikimi.http.signing import Signed

router = APIRouter(prefix="/api/v1/feed", tags=["feed"])
phone_router = APIRouter(prefix="/api/v1/device", tags=["device"])


@router.post("/contacts", status_code=202, response_model=Accepted)
async def post_contacts(body: CarrierBatch, p: Feed, _: Signed, request: Request) -> dict[str, Any]:
    """Store the operator's events durably, keyed by the victim's number, and judge them in
    the same transaction; what cannot be judged here stays in the inbox for the worker."""
    # All of the request's database work in one hop to the thread pool. The container and
    # the auditor are not dependencies: each one FastAPI solves costs more than building them.
    c: Container = request.app.state.container
    return await run_in_threadpool(service.ingest_carrier, body, p, c, Auditor(c, request), request)


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
    return await run_in_threadpool(service.ingest_phone, body, p, c, Auditor(c, request), request)
