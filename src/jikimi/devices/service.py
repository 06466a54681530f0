"""What the victim's phone is told, recorded in the access trail before it leaves."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy.orm import Session

from jikimi.bootstrap import Container
from jikimi.devices import queries
from jikimi.devices.schemas import device_status_json
from jikimi.devices.tables import Device
from jikimi.http.audit import Audit, Auditor
from jikimi.http.deps import ContainerDep
from jikimi.http.sessions import ReadDb


class DeviceService:
    """The phone's own reads, on one request's read-only session."""

    def __init__(self, s: Session, c: Container, a: Auditor) -> None:
        self.s, self.c, self.a = s, c, a

    def status(self, device_id: str) -> dict[str, Any]:
        """What protects the phone's owner now, whether reports flow, open alerts."""
        s = self.s
        stale = timedelta(seconds=self.c.settings.device_stale_s)
        phone = queries.phone_status(s, self.c.pack, device_id)
        out = device_status_json(phone, stale, queries.backlog_age(s))
        device = s.get(Device, device_id)
        self.a.read("device_status", device_id, [device.person_id] if device else [])
        return out


async def device_reader(s: ReadDb, c: ContainerDep, a: Audit) -> DeviceService:
    """The phone's reads on a read-only session."""
    return DeviceService(s, c, a)


DeviceReading = Annotated[DeviceService, Depends(device_reader)]
