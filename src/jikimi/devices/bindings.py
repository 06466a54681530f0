"""An anklet's serial bound to a case's perpetrator: one case at a time, and a refusal
that says nothing of where the serial is held.

The refusal is the same 409 whether the serial is held by another case of the officer's
own agency or by another agency's case, naming neither; an attempt on another agency's
serial is also put on the trail, flagged `anklet_held_elsewhere`, for the officer's
supervisor (docs/security.md, "Errors that tell ids apart").
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jikimi.cases.tables import Case
from jikimi.core.errors import Conflict, FlaggedConflict
from jikimi.devices.tables import Device

UNAVAILABLE = "this anklet cannot be bound: it is not available"
HELD_ELSEWHERE = "anklet_held_elsewhere"


def bind_anklet(s: Session, case: Case, serial: str) -> Device:
    """Bind `serial` to the case's perpetrator, or refuse (409) when a case holds it."""
    device = Device(
        case_id=case.id,
        person_id=case.perpetrator_id,
        kind="anklet",
        serial=serial,
        created_at=datetime.now(UTC),
    )
    # The serial's unique key decides, so two officers binding one serial at once get
    # one binding and one 409 (a check before the insert would let both through to it).
    try:
        with s.begin_nested():
            s.add(device)
    except IntegrityError:
        holder = s.execute(
            select(Device.id, Case.agency)
            .join(Case, Case.id == Device.case_id)
            .where(Device.serial == serial)
        ).first()
        if holder is None:
            raise
        if holder.agency != case.agency:
            raise FlaggedConflict(
                UNAVAILABLE, flag=HELD_ELSEWHERE, resource="anklet", resource_id=holder.id
            ) from None
        raise Conflict(UNAVAILABLE) from None
    return device
