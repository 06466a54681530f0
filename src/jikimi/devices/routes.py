"""The victim's phone: what protects the victim now (the phone's contact reports are
the contacts feature's)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter

from jikimi.devices import tables as devices_tables
from jikimi.devices import views as device_views
from jikimi.devices.schemas import DeviceStatus
from jikimi.http.audit import Audit
from jikimi.http.deps import ContainerDep, Device, ReadDb
from jikimi.http.signing import Signed

router = APIRouter(prefix="/api/v1/device", tags=["device"])


@router.get("/status", response_model=DeviceStatus)
def status(p: Device, _: Signed, s: ReadDb, c: ContainerDep, a: Audit) -> dict[str, Any]:
    """What protects her now, whether her reports reach the police, open alerts."""
    assert p.device_id is not None
    stale = timedelta(seconds=c.settings.device_stale_s)
    out = device_views.device_status(s, c.pack, p.device_id, stale, device_views.backlog_age(s))
    device = s.get(devices_tables.Device, p.device_id)
    a.read("device_status", p.device_id, [device.person_id] if device else [])
    return out
