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
    """The process can reach its database."""
    try:
        with c.read_engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:
        return problem(503, "the database is unreachable")
    return {"status": "ready"}
