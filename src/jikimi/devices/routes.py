"""The victim's phone: what protects the victim now (the phone's contact reports are
the contacts feature's)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from jikimi.devices.schemas import DeviceStatus
from jikimi.devices.service import DeviceReading
from jikimi.http.deps import Device
from jikimi.http.signing import Signed

router = APIRouter(prefix="/api/v1/device", tags=["device"])


@router.get("/status", response_model=DeviceStatus)
def status(p: Device, _: Signed, work: DeviceReading) -> dict[str, Any]:
    """What protects her now, whether her reports reach the police, open alerts."""
    assert p.device_id is not None
    return work.status(p.device_id)
