"""Read side of alerts: the queue, one alert, its evidence, its timeline (rows and records;
alerts/schemas.py renders them)."""

from __future__ import annotations

import base64
import json
from collections.abc import MutableMapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import Session

from jikimi.alerts.tables import AlertChange, AlertEvidence, AlertRow
from jikimi.cases.tables import Case
from jikimi.cases.visibility import visible_cases
from jikimi.core import sealing as crypto
from jikimi.core.access import Principal
from jikimi.core.errors import Invalid, ReadOnly
from jikimi.core.moments import within
from jikimi.core.phones import display
from jikimi.core.tables import table_of
from jikimi.core.times import iso

_EV = table_of(AlertEvidence).c
_EV_COLUMNS = (
    _EV.id,
    _EV.alert_id,
    _EV.event_id,
    _EV.kind,
    _EV.number,
    _EV.occurred_at,
    _EV.sources,
    _EV.detail,
)
_EVIDENCE = (
    select(*_EV_COLUMNS)
    .where(_EV.alert_id.in_(bindparam("ids", expanding=True)))
    .order_by(_EV.occurred_at)
)

# The latest `latest` pieces of each alert (by when they happened), oldest first, and how
# many the alert holds in all: one query, whatever the number of alerts.
_RANKED = select(
    *_EV_COLUMNS,
    func.row_number()
    .over(partition_by=_EV.alert_id, order_by=(_EV.occurred_at.desc(), _EV.id.desc()))
    .label("rank"),
    func.count().over(partition_by=_EV.alert_id).label("total"),
).where(_EV.alert_id.in_(bindparam("ids", expanding=True)))
_R = _RANKED.subquery().c
_LATEST_EVIDENCE = (
    select(_R.id, _R.alert_id, _R.event_id, _R.kind, _R.number, _R.occurred_at, _R.sources)
    .add_columns(_R.detail, _R.total)
    .where(_R.rank <= bindparam("latest"))
    .order_by(_R.occurred_at, _R.id)
)


Memo = MutableMapping[str, tuple[list[str], dict[str, Any]]]
"""Evidence already opened, by its id, with the sources it had (the one field that changes)."""


def with_evidence(
    s: Session,
    alerts: list[dict[str, Any]],
    latest: int | None = None,
    memo: Memo | None = None,
) -> list[dict[str, Any]]:
    """The alerts (`schemas.alert_json`'s fields) with their evidence added, in one query:
    all of it, or only the `latest` pieces; `evidence_total` says how many there are.

    A proximity alert grows by a fix every few seconds while the anklet stays inside, so the queue
    and the live stream (which re-send an alert on every change) carry only the latest
    pieces; `GET /alerts/{id}` carries all. A reader that renders the same alerts again
    and again (the live feed) passes a `memo` and opens each piece once.
    """
    if not alerts:
        return []
    evidence: dict[str, list[dict[str, Any]]] = {a["id"]: [] for a in alerts}
    totals: dict[str, int] = {}
    # Plain rows (no ORM objects): the live stream renders alerts on every change.
    ring = crypto.ring()
    if latest is None:
        rows: Any = s.execute(_EVIDENCE, {"ids": list(evidence)})
    else:
        rows = s.execute(_LATEST_EVIDENCE, {"ids": list(evidence), "latest": latest})
    for ev_id, alert_id, event_id, kind, number, occurred_at, sources, sealed, *total in rows:
        known = memo.get(ev_id) if memo is not None else None
        if known is not None and known[0] == sources:
            piece = known[1]
        else:
            detail = ring.open(sealed, f"alert_evidence.detail:{ev_id}")
            piece = {
                "event_id": event_id,
                "kind": kind,
                # Opened as the model's attribute would (same associated data).
                "number": (e164 := ring.open(number, f"alert_evidence.number:{ev_id}")),
                "number_display": display(e164) if e164 else None,
                "occurred_at": iso(occurred_at),
                "sources": sources,
            } | (json.loads(detail) if detail else {})
            if memo is not None:
                memo[ev_id] = (sources, piece)
        evidence[alert_id].append(piece)
        if total:
            totals[alert_id] = int(total[0])
    for a in alerts:
        a["evidence"] = evidence[a["id"]]
        a["evidence_total"] = totals.get(a["id"], len(a["evidence"]))
    return alerts


def _cursor_encode(r: AlertRow) -> str:
    raw = f"{r.opened_at.astimezone(UTC).isoformat()}|{r.id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _cursor_decode(cursor: str) -> tuple[datetime, str]:
    """The place a cursor names; anything but what `_cursor_encode` makes is a 422 (a naive
    or out-of-range time would fail inside the query, an id with a NUL in PostgreSQL)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        text, alert_id = raw.split("|", 1)
        at = datetime.fromisoformat(text)
    except ValueError as exc:  # binascii.Error and UnicodeDecodeError are ValueErrors
        raise Invalid("cursor is not one this server gave") from exc
    ours = 0 < len(alert_id) <= 64 and alert_id.isascii() and alert_id.isalnum()
    if not (ours and within(at)):
        raise Invalid("cursor is not one this server gave")
    return at, alert_id


def list_alerts(
    s: Session,
    p: Principal,
    status: str | None,
    case_id: str | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[AlertRow], str | None]:
    """Alerts the caller may see, newest first, a page at a time, and the cursor of the
    next page (None: the last)."""
    q = select(AlertRow).join(Case, Case.id == AlertRow.case_id).where(visible_cases(p))
    if status:
        q = q.where(AlertRow.status == status)
    if case_id:
        q = q.where(AlertRow.case_id == case_id)
    if cursor:
        at, alert_id = _cursor_decode(cursor)
        q = q.where(
            or_(
                AlertRow.opened_at < at,
                and_(AlertRow.opened_at == at, AlertRow.id < alert_id),
            )
        )
    rows = list(
        s.scalars(q.order_by(AlertRow.opened_at.desc(), AlertRow.id.desc()).limit(limit + 1))
    )
    nxt = _cursor_encode(rows[limit - 1]) if len(rows) > limit else None
    return rows[:limit], nxt


def visible_alert(
    s: Session, p: Principal, alert_id: str, *, write: bool = False
) -> AlertRow | None:
    """The alert if the caller may see its case (with `write`: may act on it; `ReadOnly`
    when the case is open to the caller only through a break-glass)."""
    q = select(AlertRow).join(Case, Case.id == AlertRow.case_id).where(AlertRow.id == alert_id)
    row = s.scalars(q.where(visible_cases(p, write=write))).first()
    if row is None and write and s.scalars(q.where(visible_cases(p))).first() is not None:
        raise ReadOnly("alert", alert_id)
    return row


def latest_seq(s: Session) -> int:
    """The newest timeline position."""
    return int(s.scalar(select(func.coalesce(func.max(AlertChange.seq), 0))) or 0)


def changes(s: Session, alert_id: str) -> list[AlertChange]:
    """Every change of one alert, oldest first."""
    q = select(AlertChange).where(AlertChange.alert_id == alert_id).order_by(AlertChange.seq)
    return list(s.scalars(q))
