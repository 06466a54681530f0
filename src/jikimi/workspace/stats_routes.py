"""The caseload page (officers' loads as a chart, the suggested moves with a button that
assigns through the cases' service; agencies compared for analysts) and the statistics
page (counts by month or year, as tables and charts); through the stats service, as the
JSON API, so the scope, the 404s and the access trail are the API's."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse

from jikimi.accounts.service import Accounts
from jikimi.core.access import Principal, Role
from jikimi.core.errors import Invalid
from jikimi.http.deps import Allow
from jikimi.stats.counting import SUPPRESSED, Group, Measure
from jikimi.stats.service import StatsReading
from jikimi.workspace.labels import label, text
from jikimi.workspace.pages import SEOUL, Lang, render
from jikimi.workspace.routes import PREFIX, who

router = APIRouter(prefix=PREFIX, include_in_schema=False)

StatsReader = Annotated[Principal, Depends(Allow(Role.SUPERVISOR, Role.ANALYST, Role.ADMIN))]
# The label group of each measure's categories (order kinds are named by the pack).
GROUPS = {
    Measure.CASES_OPENED: "offense",
    Measure.ALERTS: "alert_kind",
    Measure.SAFETY_MEASURES: "measure_kind",
    Measure.TASKS_DONE: "timeliness",
}


def titles(lang: str) -> dict[Measure, str]:
    """Each measure's title on the page."""
    return {
        Measure.CASES_OPENED: text(lang, "범죄 유형별 신규 사건"),
        Measure.ORDERS: text(lang, "조치 종류별 건수"),
        Measure.ALERTS: text(lang, "경보 종류별 건수"),
        Measure.SAFETY_MEASURES: text(lang, "안전조치 종류별 건수"),
        Measure.TASKS_DONE: text(lang, "기한 내 / 기한 후 완료 업무"),
    }


CHARTED = (Measure.CASES_OPENED, Measure.ALERTS, Measure.TASKS_DONE)


def category(code: str, group: str, lang: str) -> str:
    """A category's name on the page: on time or late, or the code's label."""
    if group == "timeliness":
        return text(lang, "기한 내") if code == "on_time" else text(lang, "기한 후")
    return label(code, group, lang) if group else code


def move_reason(m: dict[str, Any], names: dict[str, str], lang: str) -> str:
    """A suggested move's reason for people, in the page's language."""
    return text(
        lang,
        "{a} {x}점 → {x2}점, {b} {y}점 → {y2}점 (이 사건 {p}점)",
        a=names.get(m["from_officer_id"], m["from_officer_id"][:8]),
        b=names.get(m["to_officer_id"], m["to_officer_id"][:8]),
        x=m["from_load"],
        y=m["to_load"],
        p=m["points"],
        x2=m["from_load"] - m["points"],
        y2=m["to_load"] + m["points"],
    )


@router.get("/stats/caseload", response_class=HTMLResponse)
def caseload_page(
    p: StatsReader, work: StatsReading, accounts: Accounts, lang: Lang
) -> HTMLResponse:
    """A supervisor's team: loads as a bar chart, the moves with an apply button; an
    analyst's or admin's: agencies compared by cases per officer."""
    body = work.caseload(p, None)
    supervisor = p.role is Role.SUPERVISOR
    names = {o["id"]: o["name"] for o in accounts.officers(p)["items"]} if supervisor else {}

    def named(officer_id: str) -> str:
        return names.get(officer_id) or officer_id[:8]

    officers = body["officers"]
    chart = {
        "type": "bar",
        "labels": [named(o["officer_id"]) for o in officers],
        "datasets": [
            {"label": text(lang, "업무량 (점)"), "data": [o["weighted_load"] for o in officers]},
            {"label": text(lang, "진행 중 사건"), "data": [o["open_cases"] for o in officers]},
        ],
    }
    agencies = body["agencies"]
    average = body["national_cases_per_officer"]
    compared = {
        "type": "bar",
        "labels": [a["agency"] for a in agencies],
        "datasets": [
            {
                "label": text(lang, "경찰관 1인당 사건"),
                "data": [a["cases_per_officer"] for a in agencies],
            },
            {
                "label": text(lang, "전국 평균"),
                "data": [average for _ in agencies],
                "type": "line",
            },
        ],
    }
    moves = [{**m, "words": move_reason(m, names, lang)} for m in body["suggestions"]]
    return render(
        "caseload.html",
        lang,
        agencies=agencies,
        officers=officers,
        moves=moves,
        average=average,
        chart=chart,
        compared=compared,
        named=named,
        **who(p),
    )


def _month(name: str, value: str) -> datetime | None:
    """A `<input type="month">` value (YYYY-MM) as the first instant of that month in
    Korea; None for none."""
    if not value:
        return None
    try:
        year, month = (int(x) for x in value.split("-"))
        return datetime(year, month, 1, tzinfo=SEOUL)
    except ValueError:
        raise Invalid(f"{name}: a month as YYYY-MM") from None


def _month_of(at: str, *, before: bool = False) -> str:
    """An RFC 3339 instant's Korean month as YYYY-MM (with `before`: the month before it
    ends, for a window's exclusive end)."""
    local = datetime.fromisoformat(at).astimezone(SEOUL)
    if before:
        local -= timedelta(days=1)
    return local.strftime("%Y-%m")


def _after(month: datetime) -> datetime:
    return month.replace(year=month.year + (month.month == 12), month=month.month % 12 + 1)


def _chart(periods: list[dict[str, Any]], measure: Measure, lang: str) -> dict[str, Any]:
    """A stacked bar chart of one measure by period; a suppressed cell is not drawn."""
    categories = list(periods[0][measure.value]) if periods else []
    group = GROUPS.get(measure, "")
    return {
        "type": "bar",
        "stacked": True,
        "labels": [p["period"] for p in periods],
        "datasets": [
            {
                "label": category(c, group, lang),
                "data": [
                    None if p[measure.value].get(c) == SUPPRESSED else p[measure.value].get(c)
                    for p in periods
                ],
            }
            for c in categories
            if any(p[measure.value].get(c) for p in periods)
        ],
    }


@router.get("/stats/summary", response_class=HTMLResponse)
def statistics_page(
    p: StatsReader,
    work: StatsReading,
    lang: Lang,
    from_month: Annotated[str, Query(max_length=7)] = "",
    to_month: Annotated[str, Query(max_length=7)] = "",
    group: Group = Group.MONTH,
) -> HTMLResponse:
    """Counts by month or year as tables, and three of them as charts."""
    start, last = _month("from_month", from_month), _month("to_month", to_month)
    end = _after(last) if last else None
    body = work.summary(p, start, end, group)
    periods = body["periods"]
    tables = [
        (
            measure,
            titles(lang)[measure],
            GROUPS.get(measure, ""),
            list(periods[0][measure.value]) if periods else [],
        )
        for measure in Measure
    ]
    charts = [(titles(lang)[m], _chart(periods, m, lang)) for m in CHARTED]
    return render(
        "statistics.html",
        lang,
        body=body,
        periods=periods,
        tables=tables,
        charts=charts,
        from_month=from_month or _month_of(body["from"]),
        to_month=to_month or _month_of(body["to"], before=True),
        category=category,
        group=group.value,
        **who(p),
    )
