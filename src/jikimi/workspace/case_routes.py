"""The workspace's case page and what an officer records on it: orders (with their
statutory limits shown first), the victim's phone (its enrolment shown once), the risk
questionnaire, decisions and tasks; each through the service the JSON API uses."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

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
from jikimi.workspace.pages import changed, render
from jikimi.workspace.routes import PREFIX, who

router = APIRouter(prefix=PREFIX, include_in_schema=False)
ALERTS_IN_TIMELINE = 10  # the newest alerts' changes; the 112 console has the rest
MEASURES = f"{PREFIX}/cases/{{case_id}}/measures"  # filled by the safety-measures feature


def limits(kind: OrderKind) -> str:
    """An order kind's statutory limits in one line, as the officer reads them."""
    parts = []
    if kind.max_hours:
        parts.append(f"최대 {kind.max_hours}시간")
    if kind.max_months:
        parts.append(f"최대 {kind.max_months}개월")
    if kind.max_extensions == 0:
        parts.append("연장 불가")
    elif kind.max_extensions is None and kind.extension_months:
        parts.append(f"연장 1회 {kind.extension_months}개월 이내, 횟수 제한 없음")
    elif kind.max_extensions:
        each = f" (1회 {kind.extension_months}개월 이내)" if kind.extension_months else ""
        parts.append(f"연장 {kind.max_extensions}회{each}")
    if kind.total_max_months:
        parts.append(f"총 {kind.total_max_months}개월까지")
    return " · ".join(parts) or "법정 기간 제한 없음"


def _has_route(request: Request, path: str) -> bool:
    return any(getattr(r, "path", None) == path for r in request.app.routes)


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(
    case_id: str,
    request: Request,
    p: OfficerOrSupervisor,
    cases: CaseReading,
    risk: RiskReading,
    tasks: TaskReading,
    alerts: AlertReading,
) -> HTMLResponse:
    """A case: its people, orders, devices, risk, decisions, tasks and timeline."""
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
    )
    return render(
        "case.html",
        case=case,
        history=history,
        tasks=task_items,
        open_tasks=[t for t in task_items if t["status"] == "open"],
        decisions=decisions,
        timeline=entries,
        kinds=[(k, limits(k)) for k in kinds],
        kind_limits={k.kind: limits(k) for k in kinds},
        decision_kinds=list(DecisionKind),
        task_kinds=list(TaskKind),
        measures=_has_route(request, MEASURES),
        **who(p),
    )


@router.get("/order-kinds", response_class=HTMLResponse)
def order_kind_limits(
    p: OfficerOrSupervisor,
    c: ContainerDep,
    kind: Annotated[str, Query(max_length=60)] = "",
) -> HTMLResponse:
    """The statutory limits of one order kind (from the jurisdiction pack), shown as the
    officer picks it."""
    found = c.pack.kinds.get(kind)
    return render("order_limit.html", kind=found, limit=limits(found) if found else "")


@router.post("/cases/{case_id}/orders", response_class=HTMLResponse)
def add_order(case_id: str, body: OrderForm, p: Officer, work: CaseWork) -> HTMLResponse:
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
    return changed("조치를 등록했습니다.")


@router.post("/orders/{order_id}/extensions", response_class=HTMLResponse)
def extend_order(order_id: str, body: ExtendForm, p: Officer, work: CaseWork) -> HTMLResponse:
    """Extend an order within its statute."""
    ends_at = moment("ends_at", body.ends_at, work.c.pack.tz)
    extension = parsed(OrderExtend, ends_at=ends_at, court_ref=optional(body.court_ref))
    work.extend_order(p, order_id, extension)
    return changed("조치를 연장했습니다.")


@router.post("/orders/{order_id}/revoke", response_class=HTMLResponse)
def revoke_order(order_id: str, body: ReasonForm, p: Officer, work: CaseWork) -> HTMLResponse:
    """Revoke an order from now on."""
    work.revoke_order(p, order_id, body.reason)
    return changed("조치를 취소했습니다.")


@router.post("/cases/{case_id}/devices", response_class=HTMLResponse)
def enrol_phone(case_id: str, p: Officer, work: CaseWork) -> HTMLResponse:
    """Enrol the victim's phone: its code and token are shown here once, never again."""
    device: dict[str, Any] = work.create_device(p, case_id, "victim_phone", None)
    return render("enrolled.html", device=device, qr=device.get("enrolment_qr_svg"))


@router.post("/cases/{case_id}/risk-assessments", response_class=HTMLResponse)
def assess(case_id: str, body: RiskForm, p: Officer, work: RiskWork) -> HTMLResponse:
    """Score the questionnaire and note."""
    work.assess(p, case_id, answers(body), optional(body.note))
    return changed("위험성 평가를 기록했습니다.")


@router.post("/cases/{case_id}/decisions", response_class=HTMLResponse)
def decide(case_id: str, body: DecisionForm, p: Officer, work: TaskWork) -> HTMLResponse:
    """Record a decision after which follow-up monitoring is owed."""
    try:
        kind = DecisionKind(body.kind)
    except ValueError:
        raise Invalid("kind: choose a decision") from None
    decided_at = moment("decided_at", body.decided_at, work.c.pack.tz)
    work.decide(p, case_id, kind, decided_at, optional(body.note))
    return changed("결정을 기록했습니다.")


@router.post("/cases/{case_id}/tasks", response_class=HTMLResponse)
def add_task(case_id: str, body: TaskForm, p: Officer, work: TaskWork) -> HTMLResponse:
    """Add an officer's own task to the case."""
    try:
        kind = TaskKind(body.kind)
    except ValueError:
        raise Invalid("kind: choose a kind of task") from None
    due_at = moment("due_at", body.due_at, work.c.pack.tz)
    work.add(p, case_id, kind, due_at, optional(body.reason))
    return changed("업무를 추가했습니다.")
