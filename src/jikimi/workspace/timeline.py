"""A case's timeline for the officer: its alerts and their changes, orders, decisions,
assessments and tasks done, newest first, from what the services answered."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jikimi.workspace.labels import label

ACTIONS = {
    "opened": "발생",
    "grew": "추가 발생",
    "escalated": "격상",
    "acknowledged": "확인",
    "resolved": "종결",
}


@dataclass(frozen=True)
class Entry:
    """One line of the timeline."""

    at: str
    what: str
    detail: str = ""


def _alerts(alerts: list[tuple[dict[str, Any], list[dict[str, Any]]]]) -> list[Entry]:
    out = []
    for alert, changes in alerts:
        kind = label(alert["kind"], "alert_kind")
        for change in changes:
            action = ACTIONS.get(change["action"], change["action"])
            out.append(Entry(change["at"], f"경보 {action}: {kind}", change.get("actor") or ""))
    return out


def _orders(orders: list[dict[str, Any]]) -> list[Entry]:
    out = []
    for o in orders:
        title = o.get("title") or o["kind"]
        out.append(Entry(o["starts_at"], f"조치 시작: {title}", o.get("court_ref") or ""))
        for e in o.get("extensions", []):
            out.append(Entry(e["at"], f"조치 연장: {title}", e.get("court_ref") or ""))
        if o.get("revoked_at"):
            out.append(Entry(o["revoked_at"], f"조치 취소: {title}"))
    return out


def entries(
    *,
    alerts: list[tuple[dict[str, Any], list[dict[str, Any]]]],
    orders: list[dict[str, Any]],
    decisions: list[dict[str, Any]],
    assessments: list[dict[str, Any]],
    tasks: list[dict[str, Any]],
) -> list[Entry]:
    """Everything that happened on the case, newest first."""
    out = _alerts(alerts) + _orders(orders)
    out += [Entry(d["decided_at"], f"결정: {label(d['kind'], 'decision')}") for d in decisions]
    out += [
        Entry(a["assessed_at"], f"위험성 평가: {label(a['effective_tier'], 'tier')}")
        for a in assessments
    ]
    out += [
        Entry(
            t["completed_at"],
            f"업무 완료: {label(t['kind'], 'task_kind')}",
            label(t["outcome"], "outcome"),
        )
        for t in tasks
        if t["status"] == "done" and t.get("completed_at")
    ]
    return sorted(out, key=lambda e: e.at, reverse=True)
