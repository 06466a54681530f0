"""Making a case's evidence bundle on one request's session: need-to-know first, the
making recorded on the access trail, then the case gathered, rendered, hashed, signed."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy.orm import Session

from jikimi.bootstrap import Container
from jikimi.bundle import archive
from jikimi.bundle.gather import gather
from jikimi.bundle.rules import SEOUL
from jikimi.cases import queries, records
from jikimi.core.access import Principal
from jikimi.core.errors import ReadOnly
from jikimi.core.evidence_key import ALGORITHM, EvidenceKey
from jikimi.core.tx import reading
from jikimi.http.audit import Audit, Auditor
from jikimi.http.deps import ContainerDep
from jikimi.http.sessions import ReadDb

RESOURCE = "bundle"


class BundleService:
    """Evidence bundles and the key that signs them."""

    def __init__(self, s: Session, c: Container, a: Auditor) -> None:
        self.s, self.c, self.a = s, c, a

    @property
    def key(self) -> EvidenceKey:
        """The server's evidence key."""
        key: EvidenceKey = self.c.deps["evidence_key"]
        return key

    def public_key(self) -> dict[str, Any]:
        """What anyone may know of the evidence key."""
        key = self.key
        return {
            "algorithm": ALGORITHM,
            "key_id": key.key_id,
            "public_key_pem": key.public_pem.decode("ascii"),
        }

    def make(self, p: Principal, case_id: str) -> tuple[str, bytes]:
        """(file name, ZIP bytes) of the case's bundle; 404 for a case not the caller's,
        and no bundle through break-glass. The making is on the access trail before any
        of it is read."""
        s = self.s
        try:
            case = records.get_case(s, p, case_id, write=True)
        except ReadOnly:
            raise ReadOnly("case", case_id, "break-glass allows no evidence bundle") from None
        people = queries.case_subjects(s, [case.id])
        self.a.read(RESOURCE, case.id, people, action="export")
        now = self.c.clock.now()
        made_by = {
            "account_id": p.account_id,
            "name": p.label,
            "role": p.role.value,
            "agency": p.agency,
        }
        titles = {str(k): kind.title for k, kind in self.c.deps["measure_kinds"].items()}
        # A fresh snapshot, so the trail in the bundle ends with this bundle's own making.
        with reading(self.c.read_sessions) as fresh:
            f = gather(fresh, p, self.c.pack, case, now)
        data = archive.build(f, self.key, now, made_by, titles)
        stamp = now.astimezone(SEOUL).strftime("%Y%m%d-%H%M%S")
        return f"jikimi-bundle-{case.id}-{stamp}.zip", data


async def bundle_reader(s: ReadDb, c: ContainerDep, a: Audit) -> BundleService:
    """Bundles on a read-only session (the access record commits on its own)."""
    return BundleService(s, c, a)


BundleReading = Annotated[BundleService, Depends(bundle_reader)]
