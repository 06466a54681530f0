"""The case page's safety measures (smartwatch, CCTV, private security …): the case's list,
putting one in place with its kind's limits shown first (from the jurisdiction pack),
extending and ending one; through the measures' service, as the JSON API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from jikimi.http.deps import ContainerDep, Officer, OfficerOrSupervisor
from jikimi.measures.rules import MeasureKind, SafetyMeasure, measures_from
from jikimi.measures.schemas import MeasureCreate
from jikimi.measures.service import MeasureReading, MeasureWork
from jikimi.workspace.forms import (
    MeasureExtendForm,
    MeasureForm,
    ReasonForm,
    moment,
    optional,
    parsed,
)
from jikimi.workspace.labels import DEFAULT_LANG, text
from jikimi.workspace.pages import Lang, changed, render
from jikimi.workspace.routes import PREFIX, who

router = APIRouter(prefix=PREFIX, include_in_schema=False)


def measure_limits(kind: MeasureKind, lang: str = DEFAULT_LANG) -> str:
    """A measure kind's limits in one line: its longest window and its extensions."""
    parts = [text(lang, "최대 {n}일", n=kind.max_days)]
    if kind.extension_days is None or kind.max_extensions == 0:
        parts.append(text(lang, "연장 불가"))
    elif kind.max_extensions is None:
        parts.append(text(lang, "연장 1회 {n}일 이내, 횟수 제한 없음", n=kind.extension_days))
    else:
        each = text(lang, " (1회 {n}일 이내)", n=kind.extension_days)
        parts.append(text(lang, "연장 {n}회", n=kind.max_extensions) + each)
    return " · ".join(parts)


def _kinds(c: ContainerDep) -> dict[SafetyMeasure, MeasureKind]:
    return measures_from(c.pack.safety_measures)


@router.get("/cases/{case_id}/measures", response_class=HTMLResponse)
def case_measures(
    case_id: str, p: OfficerOrSupervisor, work: MeasureReading, c: ContainerDep, lang: Lang
) -> HTMLResponse:
    """The case's safety measures (the read on the access trail, as the API's) and, for
    its officer, the form to put one in place."""
    items = work.of_case(p, case_id)["items"]
    kinds = _kinds(c)
    return render(
        "measures.html",
        lang,
        case_id=case_id,
        measures=items,
        kinds=[(k, measure_limits(k, lang)) for k in kinds.values()],
        kind_limits={str(k.kind): measure_limits(k, lang) for k in kinds.values()},
        **who(p),
    )


@router.get("/measure-kinds", response_class=HTMLResponse)
def measure_kind_limits(
    p: OfficerOrSupervisor,
    c: ContainerDep,
    lang: Lang,
    kind: Annotated[str, Query(max_length=60)] = "",
) -> HTMLResponse:
    """One measure kind's limits, shown as the officer picks it."""
    found = _kinds(c).get(SafetyMeasure(kind)) if kind in set(SafetyMeasure) else None
    limit = measure_limits(found, lang) if found else ""
    return render("measure_limit.html", lang, kind=found, limit=limit)


@router.post("/cases/{case_id}/measures", response_class=HTMLResponse)
def add_measure(
    case_id: str, body: MeasureForm, p: Officer, work: MeasureWork, lang: Lang
) -> HTMLResponse:
    """Put a measure in place; a window beyond its kind's limit is a 422 naming it."""
    tz = work.c.pack.tz
    measure = parsed(
        MeasureCreate,
        kind=body.kind,
        starts_at=moment("starts_at", body.starts_at, tz),
        ends_at=moment("ends_at", body.ends_at, tz),
        provider=optional(body.provider),
        serial=optional(body.serial),
        note=optional(body.note),
    )
    work.create(p, case_id, measure)
    return changed(lang, "안전조치를 등록했습니다.")


@router.post("/measures/{measure_id}/extensions", response_class=HTMLResponse)
def extend_measure(
    measure_id: str, body: MeasureExtendForm, p: Officer, work: MeasureWork, lang: Lang
) -> HTMLResponse:
    """Move a measure's end within its kind's extensions."""
    work.extend(p, measure_id, moment("ends_at", body.ends_at, work.c.pack.tz))
    return changed(lang, "안전조치를 연장했습니다.")


@router.post("/measures/{measure_id}/end", response_class=HTMLResponse)
def end_measure(
    measure_id: str, body: ReasonForm, p: Officer, work: MeasureWork, lang: Lang
) -> HTMLResponse:
    """End a measure now, with the reason."""
    work.end(p, measure_id, body.reason)
    return changed(lang, "안전조치를 종료했습니다.")
