"""The evidence bundle for the prosecutor (officer of the case, supervisor of its agency)
and the public key that checks its signature (any staff role)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response

from jikimi.bundle.schemas import EvidenceKeyRead
from jikimi.bundle.service import BundleReading
from jikimi.core.access import Principal, Role
from jikimi.http.deps import Allow, OfficerOrSupervisor

router = APIRouter(prefix="/api/v1", tags=["evidence"])

# The key is public; every signed-in staff role may read it (the API has no anonymous
# route but sign-in, and a court gets the key through the police, not from this server).
StaffAny = Annotated[
    Principal,
    Depends(Allow(Role.ADMIN, Role.OFFICER, Role.DISPATCHER, Role.SUPERVISOR, Role.ANALYST)),
]
ZIP = "application/zip"


@router.get(
    "/cases/{case_id}/bundle",
    response_class=Response,
    responses={200: {"content": {ZIP: {}}, "description": "the signed bundle (a ZIP)"}},
)
def case_bundle(case_id: str, p: OfficerOrSupervisor, work: BundleReading) -> Response:
    """The case's evidence bundle for the prosecutor: a ZIP with the signed manifest,
    case.pdf, the machine-readable evidence and access trail, the public key and
    verify.py. Making it is recorded on the access trail first; break-glass allows none."""
    name, data = work.make(p, case_id)
    return Response(
        data,
        media_type=ZIP,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/evidence-key", response_model=EvidenceKeyRead)
def evidence_key(p: StaffAny, work: BundleReading) -> dict[str, Any]:
    """The public key that signs evidence bundles, and its id."""
    return work.public_key()
