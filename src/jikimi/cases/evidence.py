"""A case's evidence bundle for a court: orders, every contact event, every alert and its
timeline, as one hash chain that `tools/verify_evidence.py` checks without Jikimi.

Each item is `{"n", "type", "data", "prev", "hash"}` with
`hash = sha256(prev + "\\n" + canonical JSON of {"n", "type", "data"})`; the bundle's
`head` is the last hash. Canonical JSON: keys sorted, no spaces, UTF-8.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from jikimi.alerts import queries as alert_queries
from jikimi.alerts.schemas import alert_json, timeline_json
from jikimi.alerts.tables import AlertEvidence, AlertRow
from jikimi.cases import queries
from jikimi.cases.orders import StatutePack
from jikimi.cases.people_schemas import person_json
from jikimi.cases.schemas import order_json
from jikimi.cases.tables import Case, Order, Person
from jikimi.contacts.tables import ContactEvent
from jikimi.core.times import iso

FORMAT = "jikimi-evidence/1"
GENESIS = "0" * 64
REDACTED = "[비공개 redacted]"


def canonical(obj: Any) -> bytes:
    """The bytes that are hashed."""
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def link(prev: str, n: int, kind: str, data: dict[str, Any]) -> str:
    """The hash of one item."""
    body = canonical({"n": n, "type": kind, "data": data})
    return hashlib.sha256(prev.encode() + b"\n" + body).hexdigest()


def _events(s: Session, case: Case) -> list[dict[str, Any]]:
    # Only what this case's alerts hold (and the other source's report of the same call):
    # the victim's calls from anyone else are none of the court's business.
    held = (
        select(AlertEvidence.event_id)
        .join(AlertRow, AlertRow.id == AlertEvidence.alert_id)
        .where(AlertRow.case_id == case.id)
    )
    q = (
        select(ContactEvent)
        .where(or_(ContactEvent.id.in_(held), ContactEvent.corroborates.in_(held)))
        .order_by(ContactEvent.occurred_at, ContactEvent.id)
    )
    return [
        {
            "id": e.id,
            "source": e.source,
            "kind": e.kind,
            "number": e.number,
            "reported_as": e.number_raw,
            "text": e.text,
            "occurred_at": iso(e.occurred_at),
            "received_at": iso(e.received_at),
            "corroborates": e.corroborates,
        }
        for e in s.scalars(q)
    ]


def case_item(s: Session, case: Case, *, redact_victim_addresses: bool = False) -> dict[str, Any]:
    """The `case` item: the case and its people as the officer sees them; with
    `redact_victim_addresses` the victim's addresses keep only their label."""
    victim, perp = s.get(Person, case.victim_id), s.get(Person, case.perpetrator_id)
    victim_json = person_json(queries.person_record(s, victim)) if victim else None
    if victim_json is not None and redact_victim_addresses:
        victim_json["addresses"] = [
            {"label": a["label"], "text": REDACTED, "lat": None, "lon": None}
            for a in victim_json["addresses"]
        ]
    return {
        "id": case.id,
        "agency": case.agency,
        "relationship": case.relationship,
        "offense": case.offense,
        "opened_at": iso(case.created_at),
        "victim": victim_json,
        "perpetrator": person_json(queries.person_record(s, perp)) if perp else None,
    }


def order_items(s: Session, pack: StatutePack, case: Case, now: datetime) -> list[dict[str, Any]]:
    """The case's orders, earliest first, with their status at `now`."""
    q = select(Order).where(Order.case_id == case.id).order_by(Order.starts_at, Order.id)
    return [order_json(pack, queries.order_record(s, o), now) for o in s.scalars(q)]


def event_items(s: Session, case: Case) -> list[dict[str, Any]]:
    """The calls and texts the case's alerts hold, as the phone and the carrier reported
    them, oldest first."""
    return _events(s, case)


def alert_items(s: Session, case: Case) -> list[dict[str, Any]]:
    """The case's alerts, oldest first, each with all its evidence and its timeline."""
    alerts = list(
        s.scalars(
            select(AlertRow)
            .where(AlertRow.case_id == case.id)
            .order_by(AlertRow.opened_at, AlertRow.id)
        )
    )
    out = alert_queries.with_evidence(s, [alert_json(r) for r in alerts])
    for alert in out:
        alert["timeline"] = timeline_json(alert_queries.changes(s, alert["id"]))
    return out


def chained(
    case_id: str,
    items: list[tuple[str, dict[str, Any]]],
    exported_at: datetime,
    exported_by: str,
    reason: str,
) -> dict[str, Any]:
    """`items` (type, data) as one `jikimi-evidence/1` document, hash-chained."""
    chain, prev = [], GENESIS
    for n, (kind, data) in enumerate(items, start=1):
        h = link(prev, n, kind, data)
        chain.append({"n": n, "type": kind, "data": data, "prev": prev, "hash": h})
        prev = h
    return {
        "format": FORMAT,
        "case_id": case_id,
        "exported_at": iso(exported_at),
        "exported_by": exported_by,
        "reason": reason,
        "items": chain,
        "head": prev,
        "count": len(chain),
    }


def bundle(
    s: Session, pack: StatutePack, case: Case, exported_by: str, reason: str
) -> dict[str, Any]:
    """The whole evidence of one case, chained."""
    now = datetime.now(UTC)
    items: list[tuple[str, dict[str, Any]]] = [("case", case_item(s, case))]
    items += [("order", o) for o in order_items(s, pack, case, now)]
    items += [("event", e) for e in _events(s, case)]
    items += [("alert", a) for a in alert_items(s, case)]
    return chained(case.id, items, now, exported_by, reason)
