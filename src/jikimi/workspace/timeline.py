"""A case's timeline for the officer: its alerts and their changes, orders, decisions,
assessments and tasks done, newest first, from what the services answered, in the
reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jikimi.workspace.labels import DEFAULT_LANG, label, text


@dataclass(frozen=True)
class Entry:
    """One line of the timeline."""

    at: str
    what: str
    detail: str = ""


def _alerts(alerts: list[tuple[dict[str, Any], list[dict[str, Any]]]], lang: str) -> list[Entry]:
    out = []
    for alert, changes in alerts:
        kind = label(alert["kind"], "alert_kind", lang)
        for change in changes:
            action = label(change["action"], "alert_action", lang)
            what = text(lang, "경보 {action}: {kind}", action=action, kind=kind)
            out.append(Entry(change["at"], what, change.get("actor") or ""))
    return out


def _orders(orders: list[dict[str, Any]], lang: str) -> list[Entry]:
    out = []
    for o in orders:
        title = o.get("title") or o["kind"]
        started = text(lang, "조치 시작: {title}", title=title)
        out.append(Entry(o["starts_at"], started, o.get("court_ref") or ""))
        for e in o.get("extensions", []):
            extended = text(lang, "조치 연장: {title}", title=title)
            out.append(Entry(e["at"], extended, e.get("court_ref") or ""))
        if o.get("revoked_at"):
            out.append(Entry(o["revoked_at"], text(lang, "조치 취소: {title}", title=title)))
    return out


def entries(
    *,
    alerts: list[tuple[dict[str, Any], list[dict[str, Any]]]],
    orders: list[dict[str, Any]],
    decisions: list[dict[str, Any]],
    assessments: list[dict[str, Any]],
    tasks: list[dict[str, Any]],
    lang: str = DEFAULT_LANG,
) -> list[Entry]:
    """Everything that happened on the case, newest first."""
    out = _alerts(alerts, lang) + _orders(orders, lang)
    out += [
        Entry(
            d["decided_at"],
            text(lang, "결정: {kind}", kind=label(d["kind"], "decision", lang)),
        )
        for d in decisions
    ]
    out += [
        Entry(
            a["assessed_at"],
            text(lang, "위험성 평가: {tier}", tier=label(a["effective_tier"], "tier", lang)),
        )
        for a in assessments
    ]
    out += [
        Entry(
            t["completed_at"],
            text(lang, "업무 완료: {kind}", kind=label(t["kind"], "task_kind", lang)),
            label(t["outcome"], "outcome", lang),
        )
        for t in tasks
        if t["status"] == "done" and t.get("completed_at")
    ]
    return sorted(out, key=lambda e: e.at, reverse=True)
