"""The 112 look-up: a call comes in from a number, and the dispatcher finds the cases of
their agency whose victim holds that number now (Korea's 112 registration of protected
victims). Each case found is open to that dispatcher for CALLER_LOOKUP_OPENS_FOR."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from jikimi.alerts.tables import AlertRow
from jikimi.cases import records
from jikimi.cases.orders import OrderWindow, StatutePack
from jikimi.cases.tables import CallerLookup, Case, Order, Person, PersonPhone
from jikimi.core import sealing as crypto
from jikimi.core.access import CALLER_LOOKUP_OPENS_FOR, Principal
from jikimi.core.times import iso
from jikimi.risk.repo import latest_row

MAX_CASES = 50  # one number, one victim: a handful of cases at most


def find(s: Session, p: Principal, e164: str, now: datetime) -> list[Case]:
    """The cases of the caller's agency whose victim holds `e164` at `now`, newest first
    (a perpetrator's number finds nothing: the look-up is for protected victims)."""
    if p.agency is None:
        return []
    P = PersonPhone
    holders = select(P.person_id).where(
        P.e164_index == crypto.ring().index(e164),
        or_(P.valid_from.is_(None), P.valid_from <= now),
        or_(P.valid_to.is_(None), P.valid_to > now),
    )
    q = (
        select(Case)
        .where(Case.victim_id.in_(holders), Case.agency == p.agency)
        .order_by(Case.created_at.desc(), Case.id)
        .limit(MAX_CASES)
    )
    return list(s.scalars(q))


def held_by_another(s: Session, e164s: list[str], person_id: str, now: datetime) -> bool:
    """Whether another person holds one of these numbers at `now`: operators' reports are
    filed by the number, so a copy of a victim's number on a person of one's own would
    reach one's own case (flagged `shared_number`; it may also be her, recorded twice)."""
    if not e164s:
        return False
    P = PersonPhone
    ring = crypto.ring()
    q = select(P.id).where(
        P.e164_index.in_(sorted({ring.index(n) for n in e164s})),
        P.person_id != person_id,
        or_(P.valid_from.is_(None), P.valid_from <= now),
        or_(P.valid_to.is_(None), P.valid_to > now),
    )
    return s.scalars(q.limit(1)).first() is not None


def open_to(s: Session, p: Principal, cases: list[Case], now: datetime) -> None:
    """Open each case to this dispatcher for CALLER_LOOKUP_OPENS_FOR (the number itself
    is not kept)."""
    if p.account_id is None:
        return
    for case in cases:
        s.add(
            CallerLookup(
                account_id=p.account_id,
                case_id=case.id,
                looked_up_at=now,
                expires_at=now + CALLER_LOOKUP_OPENS_FOR,
            )
        )
    s.flush()


def summary_json(s: Session, pack: StatutePack, case: Case, now: datetime) -> dict[str, Any]:
    """What a dispatcher needs to send a unit: who the victim is, where the victim lives,
    which orders protect the victim now, how dangerous the case is (the tier, nothing of
    what drove it)."""
    victim = s.get(Person, case.victim_id)
    perpetrator = s.get(Person, case.perpetrator_id)
    if victim is None or perpetrator is None:
        raise LookupError("a case without its people")
    homes = [a for a in records.addresses_of(s, victim.id) if a.label == "home"]
    orders = []
    for o in s.scalars(select(Order).where(Order.case_id == case.id).order_by(Order.ends_at)):
        kind = pack.kinds.get(o.kind)
        if kind is None or not OrderWindow(kind, o.starts_at, o.ends_at, o.revoked_at).in_force_at(
            now
        ):
            continue
        orders.append(
            {
                "kind": o.kind,
                "title": kind.title,
                "ends_at": iso(o.ends_at),
                "no_contact": kind.no_contact,
                "distance_m": kind.distance_m,
            }
        )
    risk = latest_row(s, case.id)
    open_alerts = s.scalar(
        select(func.count())
        .select_from(AlertRow)
        .where(AlertRow.case_id == case.id, AlertRow.status != "resolved")
    )
    return {
        "id": case.id,
        "agency": case.agency,
        "offense": case.offense,
        "relationship": case.relationship,
        "opened_at": iso(case.created_at),
        "victim_name": victim.name,
        "victim_phones": [x.e164 for x in records.phones_of(s, victim.id) if x.valid_to is None],
        "perpetrator_name": perpetrator.name,
        "home_address": (
            {"text": homes[0].text, "lat": homes[0].lat, "lon": homes[0].lon} if homes else None
        ),
        "orders": orders,
        "risk_tier": (risk.override_tier or risk.tier) if risk else None,
        "open_alerts": int(open_alerts or 0),
    }
