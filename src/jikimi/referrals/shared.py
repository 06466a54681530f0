"""What a referral carries to its centre, read share by share: only the kinds of data the
consent names are read at all (nothing else of the case is opened and then dropped).

- `contact`: the victim's name and current phone numbers;
- `case_summary`: offense, relationship, the number of open alerts;
- `risk`: the latest risk tier (override applied), nothing of what drove it;
- `orders`: the kinds and end dates of the orders in force or scheduled.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jikimi.alerts.tables import AlertRow
from jikimi.cases.orders import OrderStatus, OrderWindow, StatutePack
from jikimi.cases.records import phones_of
from jikimi.cases.tables import Case, Order, Person
from jikimi.core.times import iso
from jikimi.referrals.rules import Share
from jikimi.risk.repo import effective_tier

NOTHING: dict[str, Any] = {
    "victim_name": None,
    "victim_phones": None,
    "offense": None,
    "relationship": None,
    "open_alerts": None,
    "risk_tier": None,
    "orders": None,
}


def victim_of(s: Session, case_id: str) -> str:
    """The id of the case's victim (the one person a disclosure is about)."""
    victim = s.scalar(select(Case.victim_id).where(Case.id == case_id))
    if victim is None:
        raise LookupError("a referral without its case")
    return victim


def facts(
    s: Session, pack: StatutePack, case_id: str, shares: Collection[Share], now: datetime
) -> dict[str, Any]:
    """The shared fields of a referral: each share's fields, the rest null."""
    out = dict(NOTHING)
    if not shares:
        return out
    case = s.get_one(Case, case_id)
    if Share.CONTACT in shares:
        victim = s.get_one(Person, case.victim_id)
        out["victim_name"] = victim.name
        out["victim_phones"] = [
            x.e164 for x in phones_of(s, victim.id) if x.valid_to is None or x.valid_to > now
        ]
    if Share.CASE_SUMMARY in shares:
        out["offense"], out["relationship"] = case.offense, case.relationship
        out["open_alerts"] = int(
            s.scalar(
                select(func.count())
                .select_from(AlertRow)
                .where(AlertRow.case_id == case.id, AlertRow.status != "resolved")
            )
            or 0
        )
    if Share.RISK in shares:
        tier = effective_tier(s, case.id)
        out["risk_tier"] = tier.value if tier is not None else None
    if Share.ORDERS in shares:
        out["orders"] = _orders(s, pack, case.id, now)
    return out


def _orders(s: Session, pack: StatutePack, case_id: str, now: datetime) -> list[dict[str, Any]]:
    kept = []
    for o in s.scalars(select(Order).where(Order.case_id == case_id).order_by(Order.ends_at)):
        kind = pack.kinds.get(o.kind)
        if kind is None:
            continue
        status = OrderWindow(kind, o.starts_at, o.ends_at, o.revoked_at).status_at(now)
        if status in (OrderStatus.ACTIVE, OrderStatus.SCHEDULED):
            kept.append({"kind": o.kind, "title": kind.title, "ends_at": iso(o.ends_at)})
    return kept
