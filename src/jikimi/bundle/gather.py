"""What a bundle holds of one case, read in the caller's session: the evidence export's
items (the case with the victim's addresses redacted, orders, events, alerts), the risk
history, the safety measures and the case's access trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from jikimi.audit import trail
from jikimi.cases import evidence
from jikimi.cases.orders import StatutePack
from jikimi.cases.tables import Case, Person
from jikimi.core.access import Principal
from jikimi.measures import records as measure_records
from jikimi.measures import repo as measure_repo
from jikimi.measures.schemas import measure_json
from jikimi.risk import records as risk_records

# Free text that may say where the victim lives or what she told a counsellor: the
# bundle carries the facts, not these notes.
RISK_WITHHELD = ("answers", "note")
MEASURE_WITHHELD = ("note",)


@dataclass(frozen=True)
class CaseFile:
    """One case's evidence, as the bundle's files and its PDF show it."""

    case: dict[str, Any]
    orders: list[dict[str, Any]]
    events: list[dict[str, Any]]
    alerts: list[dict[str, Any]]
    risk: list[dict[str, Any]]
    measures: list[dict[str, Any]]
    access: list[dict[str, Any]]


def _without(item: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in keys}


def risk_history(s: Session, p: Principal, case_id: str) -> list[dict[str, Any]]:
    """Every assessment of the case, oldest first, without the answers and the note."""
    rows = reversed(risk_records.history(s, p, case_id))
    return [_without(risk_records.risk_json(r, full=True), RISK_WITHHELD) for r in rows]


def measures(s: Session, p: Principal, case_id: str, now: datetime) -> list[dict[str, Any]]:
    """The case's safety measures, soonest starting first, without their notes."""
    rows = measure_records.list_measures(s, p, case_id)
    extensions = measure_repo.extensions_of(s, [m.id for m in rows])
    return [_without(measure_json(m, extensions[m.id], now), MEASURE_WITHHELD) for m in rows]


def access_trail(s: Session, case: Case) -> list[dict[str, Any]]:
    """The access records about the case and its two people, from the earliest of their
    records' creation on."""
    people = [case.victim_id, case.perpetrator_id]
    created = [case.created_at]
    created += [person.created_at for pid in people if (person := s.get(Person, pid))]
    return trail.of_case(s, case.id, people, min(created))


def victim_addresses(s: Session, case: Case) -> list[str]:
    """The texts of the victim's addresses (what must appear nowhere in the bundle)."""
    victim = evidence.case_item(s, case)["victim"] or {"addresses": []}
    return [a["text"] for a in victim["addresses"] if a["text"]]


def scrub(value: Any, secrets: list[str]) -> Any:
    """`value` with every occurrence of a secret in its strings replaced by the redaction
    mark: an officer's note may quote the victim's address."""
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, evidence.REDACTED)
        return value
    if isinstance(value, list):
        return [scrub(v, secrets) for v in value]
    if isinstance(value, dict):
        return {k: scrub(v, secrets) for k, v in value.items()}
    return value


def gather(s: Session, p: Principal, pack: StatutePack, case: Case, now: datetime) -> CaseFile:
    """Everything the bundle holds of `case` (one the caller may export), with the
    victim's addresses redacted wherever they appear."""
    secrets = sorted(set(victim_addresses(s, case)), key=len, reverse=True)
    return CaseFile(
        case=scrub(evidence.case_item(s, case, redact_victim_addresses=True), secrets),
        orders=scrub(evidence.order_items(s, pack, case, now), secrets),
        events=scrub(evidence.event_items(s, case), secrets),
        alerts=scrub(evidence.alert_items(s, case), secrets),
        risk=scrub(risk_history(s, p, case.id), secrets),
        measures=scrub(measures(s, p, case.id, now), secrets),
        access=access_trail(s, case),
    )
