"""The workspace's case page and what an officer records on it: orders (with their
statutory limits shown first), the victim's phone or smartwatch (its enrolment shown
once), the risk questionnaire, decisions and tasks, closing the case; a supervisor
assigns an officer from the agency's; each through the service the JSON API uses. Safety
measures have their own module (`measure_routes`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from jikimi.accounts.service import Accounts
from jikimi.alerts.service import AlertReading
from jikimi.cases.orders import OrderKind
from jikimi.cases.schemas import OrderCreate, OrderExtend
from jikimi.cases.service import CaseReading, CaseWork
from jikimi.core.errors import Invalid
from jikimi.http.deps import ContainerDep, Officer, OfficerOrSupervisor
from jikimi.risk.service import RiskReading, RiskWork
from jikimi.tasks.records import TaskFilter
from jikimi.tasks.rules import DecisionKind, TaskKind
from jikimi.tasks.service import TaskReading, TaskWork
from jikimi.workspace import timeline
from jikimi.workspace.forms import (
    DecisionForm,
    DeviceForm,
    ExtendForm,
    OrderForm,
    ReasonForm,
    RiskForm,
    TaskForm,
    answers,
    moment,
    optional,
    parsed,
)
from jikimi.workspace.labels import DEFAULT_LANG, text
from jikimi.workspace.pages import Lang, changed, render
from jikimi.workspace.routes import PREFIX, who

router = APIRouter(prefix=PREFIX, include_in_schema=False)
ALERTS_IN_TIMELINE = 10  # the newest alerts' changes; the 112 console has the rest
ENROLLED = ("victim_phone", "smartwatch")  # what the enrolment form offers (no anklet)


def limits(kind: OrderKind, lang: str = DEFAULT_LANG) -> str:
    """An order kind's statutory limits in one line, as the officer reads them."""
    parts = []
    if kind.max_hours:
        parts.append(text(lang, "최대 {n}시간", n=kind.max_hours))
    if kind.max_months:
        parts.append(text(lang, "최대 {n}개월", n=kind.max_months))
    if kind.max_extensions == 0:
        parts.append(text(lang, "연장 불가"))
    elif kind.max_extensions is None and kind.extension_months:
        months = kind.extension_months
        parts.append(text(lang, "연장 1회 {n}개월 이내, 횟수 제한 없음", n=months))
    elif kind.max_extensions:
        each = (
            text(lang, " (1회 {n}개월 이내)", n=kind.extension_months)
            if kind.extension_months
            else ""
        )
        parts.append(text(lang, "연장 {n}회", n=kind.max_extensions) + each)
    if kind.total_max_months:
        parts.append(text(lang, "총 {n}개월까지", n=kind.total_max_months))
    return " · ".join(parts) or text(lang, "법정 기간 제한 없음")


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(
    case_id: str,
    p: OfficerOrSupervisor,
    cases: CaseReading,
    risk: RiskReading,
    tasks: TaskReading,
    alerts: AlertReading,
    accounts: Accounts,
    lang: Lang,
) -> HTMLResponse:
    """A case: its people, orders, devices, risk, decisions, tasks and timeline (its safety
    measures load into their section from their own route); a supervisor also gets the
    agency's officers to assign."""
    case = cases.get_case(p, case_id)
    history = risk.history(p, case_id)["items"]
    task_items = tasks.page(p, TaskFilter(mine=False, case_id=case_id), 500, None)["items"]
    decisions = tasks.decisions(p, case_id)["items"]
    alert_items = alerts.page(p, None, case_id, ALERTS_IN_TIMELINE, None)["items"]
    changes = [(a, alerts.timeline(p, a["id"])) for a in alert_items]
    kinds = sorted(cases.c.pack.kinds.values(), key=lambda k: k.kind)
    entries = timeline.entries(
        alerts=changes,
        orders=case["orders"],
        decisions=decisions,
        assessments=history,
        tasks=task_items,
        lang=lang,
    )
    officers = accounts.officers(p)["items"] if who(p)["supervisor"] else []
    return render(
        "case.html",
        lang,
        case=case,
        history=history,
        tasks=task_items,
        open_tasks=[t for t in task_items if t["status"] == "open"],
        decisions=decisions,
        timeline=entries,
        kinds=[(k, limits(k, lang)) for k in kinds],
        kind_limits={k.kind: limits(k, lang) for k in kinds},
        decision_kinds=list(DecisionKind),
        task_kinds=list(TaskKind),
        device_kinds=ENROLLED,
        officers=officers,
        officer_names={o["id"]: o["name"] for o in officers},
        **who(p),
    )


@router.get("/order-kinds", response_class=HTMLResponse)
def order_kind_limits(
    p: OfficerOrSupervisor,
    c: ContainerDep,
    lang: Lang,
    kind: Annotated[str, Query(max_length=60)] = "",
) -> HTMLResponse:
    """The statutory limits of one order kind (from the jurisdiction pack), shown as the
    officer picks it."""
    found = c.pack.kinds.get(kind)
    limit = limits(found, lang) if found else ""
    return render("order_limit.html", lang, kind=found, limit=limit)


@router.post("/cases/{case_id}/orders", response_class=HTMLResponse)
def add_order(
    case_id: str, body: OrderForm, p: Officer, work: CaseWork, lang: Lang
) -> HTMLResponse:
    """Record an order; a window beyond the statute is a 422 naming the limit."""
    tz = work.c.pack.tz
    order = parsed(
        OrderCreate,
        kind=body.kind,
        starts_at=moment("starts_at", body.starts_at, tz),
        ends_at=moment("ends_at", body.ends_at, tz),
        court_ref=optional(body.court_ref),
    )
    work.create_order(p, case_id, order)
    return changed(lang, "조치를 등록했습니다.")


@router.post("/orders/{order_id}/extensions", response_class=HTMLResponse)
def extend_order(
    order_id: str, body: ExtendForm, p: Officer, work: CaseWork, lang: Lang
) -> HTMLResponse:
    """Extend an order within its statute."""
    ends_at = moment("ends_at", body.ends_at, work.c.pack.tz)
    extension = parsed(OrderExtend, ends_at=ends_at, court_ref=optional(body.court_ref))
    work.extend_order(p, order_id, extension)
    return changed(lang, "조치를 연장했습니다.")


@router.post("/orders/{order_id}/revoke", response_class=HTMLResponse)
def revoke_order(
    order_id: str, body: ReasonForm, p: Officer, work: CaseWork, lang: Lang
) -> HTMLResponse:
    """Revoke an order from now on."""
    work.revoke_order(p, order_id, body.reason)
    return changed(lang, "조치를 취소했습니다.")


@router.post("/cases/{case_id}/devices", response_class=HTMLResponse)
def enrol_device(
    case_id: str, body: DeviceForm, p: Officer, work: CaseWork, lang: Lang
) -> HTMLResponse:
    """Enrol the victim's phone or smartwatch (a watch speaks the phone's protocol): its
    code and token are shown here once, never again."""
    if body.kind not in ENROLLED:
        raise Invalid("kind: the victim's phone or smartwatch")
    device: dict[str, Any] = work.create_device(p, case_id, body.kind, None)
    qr = device.get("enrolment_qr_svg")
    return render("enrolled.html", lang, device=device, qr=qr)


@router.post("/cases/{case_id}/close", response_class=HTMLResponse)
def close_case(
    case_id: str, body: ReasonForm, p: Officer, work: CaseWork, lang: Lang
) -> HTMLResponse:
    """Close the case: a 409 says why not (an order in force or scheduled, follow-up owed
    to the victim, closed already)."""
    work.close(p, case_id, body.reason)
    return changed(lang, "사건을 종결했습니다.")


@router.post("/cases/{case_id}/risk-assessments", response_class=HTMLResponse)
def assess(case_id: str, body: RiskForm, p: Officer, work: RiskWork, lang: Lang) -> HTMLResponse:
    """Score the questionnaire and note."""
    work.assess(p, case_id, answers(body), optional(body.note))
    return changed(lang, "위험성 평가를 기록했습니다.")


@router.post("/cases/{case_id}/decisions", response_class=HTMLResponse)
def decide(
    case_id: str, body: DecisionForm, p: Officer, work: TaskWork, lang: Lang
) -> HTMLResponse:
    """Record a decision after which follow-up monitoring is owed."""
    try:
        kind = DecisionKind(body.kind)
    except ValueError:
        raise Invalid("kind: choose a decision") from None
    decided_at = moment("decided_at", body.decided_at, work.c.pack.tz)
    work.decide(p, case_id, kind, decided_at, optional(body.note))
    return changed(lang, "결정을 기록했습니다.")


@router.post("/cases/{case_id}/tasks", response_class=HTMLResponse)
def add_task(case_id: str, body: TaskForm, p: Officer, work: TaskWork, lang: Lang) -> HTMLResponse:
    """Add an officer's own task to the case."""
    try:
        kind = TaskKind(body.kind)
    except ValueError:
        raise Invalid("kind: choose a kind of task") from None
    due_at = moment("due_at", body.due_at, work.c.pack.tz)
    work.add(p, case_id, kind, due_at, optional(body.reason))
    return changed(lang, "업무를 추가했습니다.")
