"""Liveness and readiness."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from jikimi.http.deps import ContainerDep
from jikimi.http.errors import problem

router = APIRouter(tags=["service"])


@router.get("/healthz")
def healthz() -> dict[str, Any]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", response_model=None)
def readyz(c: ContainerDep) -> dict[str, Any] | JSONResponse:
    """The process has warmed up (503 until then, with what is still warming) and can
    reach its database; `warm_up_s`: how long each warm-up step took."""
    readiness = c.readiness
    if not readiness.ready.is_set():
        return problem(503, "warming up", headers={"Retry-After": "1"}, warming=readiness.pending())
    try:
        with c.read_engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:
        return problem(503, "the database is unreachable", headers={"Retry-After": "2"})
    return {"status": "ready", "warm_up_s": readiness.warmed}
