"""Reading what the proximity watch needs to know about cases (domain.watch) and which
devices belong to whom."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from jikimi.cases.orders import OrderWindow, StatutePack
from jikimi.cases.tables import Address, Case, Order
from jikimi.devices import tables as devices_tables
from jikimi.proximity.rules.watch import Ban, CaseGeo, Place


def cases_geo(
    s: Session, pack: StatutePack, case_ids: Iterable[str], default_warn_m: float
) -> dict[str, CaseGeo]:
    """Everything about these cases the rules need, decrypted once."""
    ids = sorted(set(case_ids))
    if not ids:
        return {}
    cases = list(s.scalars(select(Case).where(Case.id.in_(ids))))
    orders: dict[str, list[Order]] = {c.id: [] for c in cases}
    for o in s.scalars(select(Order).where(Order.case_id.in_(ids))):
        orders[o.case_id].append(o)
    people = {c.victim_id for c in cases} | {c.perpetrator_id for c in cases}
    places: dict[str, list[Place]] = {}
    for a in s.scalars(select(Address).where(Address.person_id.in_(sorted(people)))):
        lat, lon = a.lat, a.lon
        if lat is not None and lon is not None:
            places.setdefault(a.person_id, []).append(Place(a.id, a.label or "place", lat, lon))
    devices: dict[str, list[devices_tables.Device]] = {}
    for d in s.scalars(
        select(devices_tables.Device).where(devices_tables.Device.person_id.in_(sorted(people)))
    ):
        devices.setdefault(d.person_id, []).append(d)
    out = {}
    for c in cases:
        bans, monitoring = [], []
        for o in orders[c.id]:
            if o.kind not in pack.kinds:
                continue
            kind = pack.get(o.kind)
            window = OrderWindow(kind, o.starts_at, o.ends_at, o.revoked_at)
            if kind.distance_m:
                bans.append(Ban(window, float(kind.distance_m), float(o.warn_m or default_warn_m)))
            if kind.electronic_monitoring:
                monitoring.append(window)
        out[c.id] = CaseGeo(
            c.id,
            c.agency,
            c.victim_id,
            c.perpetrator_id,
            tuple(bans),
            tuple(monitoring),
            tuple(places.get(c.victim_id, ())),
            tuple(d.id for d in devices.get(c.victim_id, ()) if d.kind == "victim_phone"),
            tuple(d.id for d in devices.get(c.perpetrator_id, ()) if d.kind == "anklet"),
        )
    return out


def cases_of_devices(s: Session, device_ids: Iterable[str]) -> dict[str, tuple[str, list[str]]]:
    """Device id → (kind, the cases it speaks for): an anklet for every case in which its
    wearer is the perpetrator, a phone for every case in which its owner is the victim."""
    ids = sorted(set(device_ids))
    if not ids:
        return {}
    devices = list(
        s.scalars(select(devices_tables.Device).where(devices_tables.Device.id.in_(ids)))
    )
    owners = sorted({d.person_id for d in devices})
    by_victim: dict[str, list[str]] = {}
    by_perpetrator: dict[str, list[str]] = {}
    q = select(Case.id, Case.victim_id, Case.perpetrator_id).where(
        or_(Case.victim_id.in_(owners), Case.perpetrator_id.in_(owners))
    )
    for case_id, victim_id, perpetrator_id in s.execute(q):
        by_victim.setdefault(victim_id, []).append(case_id)
        by_perpetrator.setdefault(perpetrator_id, []).append(case_id)
    out = {}
    for d in devices:
        cases = by_perpetrator if d.kind == "anklet" else by_victim
        out[d.id] = (d.kind, sorted(cases.get(d.person_id, [])))
    return out
