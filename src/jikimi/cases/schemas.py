"""Cases, orders, devices."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, StrictStr, field_validator

from jikimi.alerts.schemas import AlertRead
from jikimi.cases.orders import OrderWindow, StatutePack
from jikimi.cases.people_schemas import PersonRead, person_json
from jikimi.core.access import Principal, break_glass_reason
from jikimi.core.times import iso
from jikimi.http.schemas import Moment, Out, Strict

if TYPE_CHECKING:
    from jikimi.cases import caseload
    from jikimi.cases.queries import CaseRecord, OrderRecord

Relationship = Literal[
    "dating", "former_partner", "spouse", "former_spouse", "family", "acquaintance", "stranger"
]
Offense = Literal["stalking", "dating_violence", "domestic_violence", "sexual_violence", "other"]


class CaseCreate(Strict):
    """A new case."""

    victim_id: StrictStr = Field(max_length=64)
    perpetrator_id: StrictStr = Field(max_length=64)
    relationship: Relationship
    offense: Offense
    agency: StrictStr | None = Field(None, max_length=100)


class OrderCreate(Strict):
    """A protective order."""

    kind: StrictStr = Field(max_length=60)
    starts_at: Moment
    ends_at: Moment
    court_ref: StrictStr | None = Field(None, max_length=100)
    warn_m: int | None = Field(
        None,
        ge=100,
        le=20_000,
        description="approach bans: warning radius in metres (default JIKIMI_WARN_RADIUS_M)",
    )


class OrderExtend(Strict):
    """An extension to a new end."""

    ends_at: Moment
    court_ref: StrictStr | None = Field(None, max_length=100)


class OrderRevoke(Strict):
    """A revocation and why."""

    reason: StrictStr = Field(min_length=1, max_length=1000)


class ExtensionRead(Out):
    """One extension."""

    previous_ends_at: str
    ends_at: str
    court_ref: str | None
    at: str


class OrderRead(Out):
    """An order."""

    id: str
    case_id: str
    kind: str
    starts_at: str
    ends_at: str
    status: Literal["scheduled", "active", "expired", "revoked", "unknown"]
    no_contact: bool
    distance_m: int | None
    warn_m: int | None = None
    court_ref: str | None
    extensions: list[ExtensionRead]


class DeviceCreate(Strict):
    """A device to enrol (the victim's phone or smartwatch) or bind (anklet)."""

    kind: Literal["victim_phone", "smartwatch", "anklet"]
    serial: StrictStr | None = Field(None, min_length=1, max_length=100)


class DeviceCreated(Out):
    """The device; for a victim's phone or smartwatch, its `token` and `signing_key`,
    shown once, and the same as a URI and as a QR code (inline SVG) for it to scan."""

    id: str
    kind: str
    serial: str | None = None
    token: str | None = None
    signing_key: str | None = None
    enrolment_uri: str | None = None
    enrolment_qr_svg: str | None = None


class DeviceRead(Out):
    """A device of a case."""

    id: str
    kind: str
    serial: str | None
    last_seen_at: str | None


class CaseRead(Out):
    """A case with what is needed to act on it."""

    id: str
    victim_id: str
    perpetrator_id: str
    relationship: str
    offense: str
    agency: str
    victim: PersonRead
    perpetrator: PersonRead
    orders: list[OrderRead]
    devices: list[DeviceRead]
    open_alerts: list[AlertRead]
    risk: dict[str, object] | None


class BreakGlassCreate(Strict):
    """Why this case must be read now, outside one's caseload: at least ten characters
    once trimmed (runs of white space count as one)."""

    reason: StrictStr = Field(min_length=10, max_length=1000)

    @field_validator("reason")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        return break_glass_reason(value)


class HomeAddress(Out):
    """The victim's home, where a unit goes."""

    text: str
    lat: float | None
    lon: float | None


class OrderInForce(Out):
    """An order protecting the victim now."""

    kind: str
    title: str
    ends_at: str
    no_contact: bool
    distance_m: int | None


class CallerCase(Out):
    """A case found by the 112 look-up: what a dispatcher needs to send a unit."""

    id: str
    agency: str
    offense: str
    relationship: str
    opened_at: str
    victim_name: str
    victim_phones: list[str]
    perpetrator_name: str
    home_address: HomeAddress | None
    orders: list[OrderInForce]
    risk_tier: Literal["low", "medium", "high", "very_high"] | None
    open_alerts: int


class CallerCasePage(Out):
    """The cases whose victim holds the calling number (every one fits one page)."""

    items: list[CallerCase]
    next: str | None = None


def order_json(pack: StatutePack, record: OrderRecord, now: datetime) -> dict[str, Any]:
    """An order as `OrderRead` shows it: its conditions, status at `now` and extensions."""
    o = record.order
    kind = pack.kinds.get(o.kind)
    status = (
        OrderWindow(kind, o.starts_at, o.ends_at, o.revoked_at).status_at(now).value
        if kind
        else "unknown"
    )
    return {
        "id": o.id,
        "case_id": o.case_id,
        "kind": o.kind,
        "title": kind.title if kind else None,
        "statute": kind.statute if kind else None,
        "starts_at": iso(o.starts_at),
        "ends_at": iso(o.ends_at),
        "status": status,
        "no_contact": bool(kind and kind.no_contact),
        "distance_m": kind.distance_m if kind else None,
        "warn_m": (o.warn_m or None) if kind and kind.distance_m else None,
        "court_ref": o.court_ref,
        "revoked_at": iso(o.revoked_at),
        "extensions": [
            {
                "previous_ends_at": iso(e.previous_ends_at),
                "ends_at": iso(e.ends_at),
                "court_ref": e.court_ref,
                "at": iso(e.created_at),
            }
            for e in record.extensions
        ],
    }


def case_json(
    record: CaseRecord,
    open_alerts: list[dict[str, Any]],
    p: Principal,
    pack: StatutePack,
    now: datetime,
) -> dict[str, Any]:
    """A case as `CaseRead` shows it to `p`, with its open alerts as rendered."""
    case = record.case
    # A dispatcher gets what is needed to act now, not the person's history.
    full = p.role.value == "officer" or p.role.value == "supervisor"
    return {
        "id": case.id,
        "victim_id": case.victim_id,
        "perpetrator_id": case.perpetrator_id,
        "relationship": case.relationship,
        "offense": case.offense,
        "agency": case.agency,
        "created_at": iso(case.created_at),
        "victim": person_json(record.victim, full=full),
        "perpetrator": person_json(record.perpetrator, full=full),
        "orders": [order_json(pack, o, now) for o in record.orders],
        "devices": [
            {"id": d.id, "kind": d.kind, "serial": d.serial, "last_seen_at": iso(d.last_seen_at)}
            for d in record.devices
        ],
        "open_alerts": open_alerts,
        # The latest assessment, override applied in `effective_tier`.
        "risk": record.risk,
    }


class CaseSummary(Out):
    """A row of an officer's or supervisor's case list: the case and what is owed on it."""

    id: str
    agency: str
    offense: str
    relationship: str
    status: Literal["open", "closed"]
    opened_at: str
    officer_ids: list[str]
    victim_name: str | None
    perpetrator_name: str | None
    risk_tier: Literal["low", "medium", "high", "very_high"] | None
    open_alerts: int
    tasks_open: int
    tasks_overdue: int
    next_task_due_at: str | None
    next_order_end_at: str | None


class CaseSummaryPage(Out):
    """A page of the caller's cases, newest first."""

    items: list[CaseSummary]
    next: str | None


class AssignmentCreate(Strict):
    """An officer to assign; with `replace`, the officers assigned before are unassigned."""

    officer_id: StrictStr = Field(max_length=64)
    replace: bool = False


class CaseClose(Strict):
    """Why the case is closed."""

    reason: StrictStr = Field(min_length=1, max_length=1000)


def case_summary_json(row: caseload.CaseSummary) -> dict[str, Any]:
    """A case list's row as `CaseSummary` shows it."""
    c = row.case
    return {
        "id": c.id,
        "agency": c.agency,
        "offense": c.offense,
        "relationship": c.relationship,
        "status": "closed" if c.closed_at is not None else "open",
        "opened_at": iso(c.created_at),
        "officer_ids": row.officer_ids,
        "victim_name": row.victim_name,
        "perpetrator_name": row.perpetrator_name,
        "risk_tier": row.risk_tier,
        "open_alerts": row.open_alerts,
        "tasks_open": row.tasks_open,
        "tasks_overdue": row.tasks_overdue,
        "next_task_due_at": iso(row.next_task_due_at),
        "next_order_end_at": iso(row.next_order_end_at),
    }
