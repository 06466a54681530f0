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


def bundle(
    s: Session, pack: StatutePack, case: Case, exported_by: str, reason: str
) -> dict[str, Any]:
    """The whole evidence of one case, chained."""
    victim, perp = s.get(Person, case.victim_id), s.get(Person, case.perpetrator_id)
    now = datetime.now(UTC)
    items: list[tuple[str, dict[str, Any]]] = [
        (
            "case",
            {
                "id": case.id,
                "agency": case.agency,
                "relationship": case.relationship,
                "offense": case.offense,
                "opened_at": iso(case.created_at),
                "victim": person_json(queries.person_record(s, victim)) if victim else None,
                "perpetrator": person_json(queries.person_record(s, perp)) if perp else None,
            },
        ),
    ]
    for o in s.scalars(select(Order).where(Order.case_id == case.id).order_by(Order.starts_at)):
        items.append(("order", order_json(pack, queries.order_record(s, o), now)))
    items += [("event", e) for e in _events(s, case)]
    alerts = list(
        s.scalars(select(AlertRow).where(AlertRow.case_id == case.id).order_by(AlertRow.opened_at))
    )
    for alert in alert_queries.with_evidence(s, [alert_json(r) for r in alerts]):
        alert["timeline"] = timeline_json(alert_queries.changes(s, alert["id"]))
        items.append(("alert", alert))
    chain, prev = [], GENESIS
    for n, (kind, data) in enumerate(items, start=1):
        h = link(prev, n, kind, data)
        chain.append({"n": n, "type": kind, "data": data, "prev": prev, "hash": h})
        prev = h
    return {
        "format": FORMAT,
        "case_id": case.id,
        "exported_at": iso(now),
        "exported_by": exported_by,
        "reason": reason,
        "items": chain,
        "head": prev,
        "count": len(chain),
    }
