"""Safety measures on one request's session: each use case does the work
(`measures.records`), records the access with the case's people and renders the answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy.orm import Session

from jikimi.bootstrap import Container
from jikimi.cases import break_glass, queries
from jikimi.core.access import Principal
from jikimi.http.audit import Audit, Auditor
from jikimi.http.deps import ContainerDep
from jikimi.http.sessions import ReadDb, WriteDb
from jikimi.measures import records, repo
from jikimi.measures.schemas import MeasureCreate, measure_json
from jikimi.measures.tables import SafetyMeasure

RESOURCE = "safety_measure"


class MeasureService:
    """A case's safety measures on one request's session."""

    def __init__(self, s: Session, c: Container, a: Auditor) -> None:
        self.s, self.c, self.a = s, c, a

    @property
    def _kinds(self) -> records.Kinds:
        kinds: records.Kinds = self.c.deps["measure_kinds"]
        return kinds

    def _json(self, m: SafetyMeasure, now: datetime) -> dict[str, Any]:
        return measure_json(m, repo.extensions_of(self.s, [m.id])[m.id], now)

    def _changed(self, action: str, m: SafetyMeasure) -> None:
        people = queries.case_subjects(self.s, [m.case_id])
        self.a.change(self.s, action, RESOURCE, m.id, people)

    def create(self, p: Principal, case_id: str, body: MeasureCreate) -> dict[str, Any]:
        """Put a measure in place; a window beyond its kind's limit is a 422 naming it."""
        now = self.c.clock.now()
        m = records.add_measure(
            self.s,
            p,
            self._kinds,
            case_id,
            body.kind.value,
            (body.starts_at, body.ends_at),
            (body.provider, body.serial, body.note),
            now,
        )
        self._changed("create", m)
        return self._json(m, now)

    def of_case(self, p: Principal, case_id: str) -> dict[str, Any]:
        """The case's measures, soonest starting first, each with its status now."""
        s, now = self.s, self.c.clock.now()
        rows = records.list_measures(s, p, case_id)
        extensions = repo.extensions_of(s, [m.id for m in rows])
        out = {"items": [measure_json(m, extensions[m.id], now) for m in rows]}
        flags = break_glass.case_flags(s, p, case_id)
        self.a.read(RESOURCE, case_id, queries.case_subjects(s, [case_id]), flags=flags)
        return out

    def extend(self, p: Principal, measure_id: str, ends_at: datetime) -> dict[str, Any]:
        """Move a measure's end within its kind's extension limits (its review moves too)."""
        now = self.c.clock.now()
        m = records.extend(self.s, p, self._kinds, measure_id, ends_at, now)
        self._changed("update", m)
        return self._json(m, now)

    def end(self, p: Principal, measure_id: str, reason: str) -> dict[str, Any]:
        """End a measure now (409 when it has ended already)."""
        now = self.c.clock.now()
        m = records.end(self.s, p, measure_id, reason, now)
        self._changed("update", m)
        return self._json(m, now)


async def measure_reader(s: ReadDb, c: ContainerDep, a: Audit) -> MeasureService:
    """Measures on a read-only session."""
    return MeasureService(s, c, a)


async def measure_writer(s: WriteDb, c: ContainerDep, a: Audit) -> MeasureService:
    """Measures on a session that commits before the answer."""
    return MeasureService(s, c, a)


MeasureReading = Annotated[MeasureService, Depends(measure_reader)]
MeasureWork = Annotated[MeasureService, Depends(measure_writer, scope="function")]
