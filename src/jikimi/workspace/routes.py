"""The workspace's shell and lists: my cases, my tasks (each naming its victim), the
supervisors' overdue tasks, completing a task and assigning an officer. Each route is
role-checked like the JSON API and calls the same services, so need-to-know, the 404s and
the access trail are the API's; it answers an HTML fragment for htmx instead of JSON."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, HTMLResponse

from jikimi.cases.caseload import CaseFilter
from jikimi.cases.service import CaseService, CaseWork
from jikimi.core.access import Principal, Role
from jikimi.core.errors import Invalid
from jikimi.http.deps import OfficerOrSupervisor, Supervisor
from jikimi.tasks.records import TaskFilter
from jikimi.tasks.rules import Outcome, TaskStatus
from jikimi.tasks.service import TaskReading, TaskWork
from jikimi.workspace.forms import AssignForm, CompleteForm, optional
from jikimi.workspace.pages import SEOUL, Lang, changed, render

SHELL = Path(__file__).resolve().parents[1] / "web" / "templates" / "work.html"
PREFIX = "/console/work"
UPCOMING_DAYS = 7

router = APIRouter(prefix=PREFIX, include_in_schema=False)
TIERS = ("low", "medium", "high", "very_high")


def who(p: Principal) -> dict[str, Any]:
    """What the templates need of the caller."""
    return {"supervisor": p.role is Role.SUPERVISOR, "officer": p.role is Role.OFFICER}


@router.get("")
def shell() -> FileResponse:
    """The workspace's page (public, like /console): it signs in with the console's token
    and loads each page into itself."""
    return FileResponse(SHELL, headers={"Cache-Control": "no-store"})


@router.get("/cases", response_class=HTMLResponse)
def my_cases(
    p: OfficerOrSupervisor,
    work: CaseWork,
    lang: Lang,
    q: Annotated[str | None, Query(max_length=100)] = None,
    tier: Annotated[str, Query(max_length=20)] = "",
    rows: bool = False,
) -> HTMLResponse:
    """My cases (an officer's; a supervisor's: the agency's), searched by name, phone
    number or the start of a case id, filtered by tier (empty: every tier). `rows`: the
    table alone."""
    if tier and tier not in TIERS:
        raise Invalid(f"tier: one of {', '.join(TIERS)}")
    wanted = CaseFilter(q=q or None, tier=tier or None)
    page = work.list_cases(p, wanted, 200, None)
    name = "case_rows.html" if rows else "cases.html"
    return render(name, lang, cases=page["items"], q=q or "", tier=tier or "", **who(p))


def _split(tasks: list[dict[str, Any]], now: datetime) -> dict[str, list[dict[str, Any]]]:
    """Overdue, due today (Korean date) and the week after."""
    today = now.astimezone(SEOUL).date()
    out: dict[str, list[dict[str, Any]]] = {"overdue": [], "today": [], "upcoming": []}
    for t in tasks:
        due = datetime.fromisoformat(t["due_at"])
        if t["overdue"]:
            out["overdue"].append(t)
        elif due.astimezone(SEOUL).date() == today:
            out["today"].append(t)
        else:
            out["upcoming"].append(t)
    return out


def victims(p: Principal, cases: CaseService, tasks: list[dict[str, Any]]) -> dict[str, str]:
    """The victim's name of each task's case, through the case list (so the names' read is
    on the access trail as the list's is); a case the caller may not list has none."""
    ids = tuple(sorted({t["case_id"] for t in tasks}))
    if not ids:
        return {}
    page = cases.list_cases(p, CaseFilter(status="all", ids=ids), len(ids), None)
    return {c["id"]: c["victim_name"] for c in page["items"] if c["victim_name"]}


@router.get("/tasks", response_class=HTMLResponse)
def my_tasks(
    p: OfficerOrSupervisor, work: TaskReading, cases: CaseWork, lang: Lang
) -> HTMLResponse:
    """My open tasks: overdue, today, and the next seven days, each with its outcome form
    and its victim; a supervisor also sees the agency's overdue tasks (escalated), polled."""
    now = work.c.clock.now()
    until = now + timedelta(days=UPCOMING_DAYS)
    wanted = TaskFilter(mine=True, status=TaskStatus.OPEN, due_before=until)
    items = work.page(p, wanted, 500, None)["items"]
    names = victims(p, cases, items)
    return render("tasks.html", lang, groups=_split(items, now), victims=names, **who(p))


@router.get("/tasks/escalated", response_class=HTMLResponse)
def escalated(p: Supervisor, work: TaskReading, cases: CaseWork, lang: Lang) -> HTMLResponse:
    """The agency's overdue tasks that escalated to the supervisors (the page asks again
    every minute)."""
    items = work.page(p, TaskFilter(mine=False, overdue=True), 500, None)["items"]
    names = victims(p, cases, items)
    return render("escalated.html", lang, tasks=items, victims=names, **who(p))


@router.post("/tasks/{task_id}/complete", response_class=HTMLResponse)
def complete_task(
    task_id: str, body: CompleteForm, p: OfficerOrSupervisor, work: TaskWork, lang: Lang
) -> HTMLResponse:
    """Record a task done; a monitoring call not reached schedules its retry."""
    try:
        outcome = Outcome(body.outcome)
    except ValueError:
        raise Invalid("outcome: choose how it went") from None
    work.complete(p, task_id, outcome, optional(body.note))
    return changed(lang, "업무를 완료로 기록했습니다.")


@router.post("/cases/{case_id}/assignments", response_class=HTMLResponse)
def assign(
    case_id: str, body: AssignForm, p: Supervisor, work: CaseWork, lang: Lang
) -> HTMLResponse:
    """Assign an officer of the agency to the case (with `replace`: instead of the others)."""
    work.assign(p, case_id, body.officer_id, replace=body.replace in ("on", "true", "yes"))
    return changed(lang, "담당 경찰관을 배정했습니다.")
