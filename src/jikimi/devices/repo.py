"""The engine's view of devices: the device-event inbox and anklet silence."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from jikimi.cases.orders import OrderWindow, StatutePack
from jikimi.cases.tables import Case, Order
from jikimi.devices import tables as devices_tables
from jikimi.devices.tables import DeviceEvent
from jikimi.ports import PendingDeviceEvent, SilentDevice
from jikimi.proximity.positions import decode_fix


class SqlDevices:
    """Device events and health, in the unit of work's session."""

    def __init__(self, session: Session, pack: StatutePack) -> None:
        self.s, self.pack = session, pack

    def pending_events(self, limit: int, skip: Collection[str] = ()) -> list[PendingDeviceEvent]:
        """Oldest first but `skip`; on PostgreSQL claimed with SKIP LOCKED so workers
        share them (only the events' rows: the device and case rows are read, not locked)."""
        q = (
            select(DeviceEvent, devices_tables.Device.case_id, Case.victim_id)
            .join(devices_tables.Device, devices_tables.Device.id == DeviceEvent.device_id)
            .join(Case, Case.id == devices_tables.Device.case_id)
            .where(DeviceEvent.processed_at.is_(None))
            .order_by(DeviceEvent.received_at, DeviceEvent.id)
            .limit(limit)
        )
        if skip:
            q = q.where(DeviceEvent.id.not_in(list(skip)))
        if self.s.get_bind().dialect.name == "postgresql":
            q = q.with_for_update(of=DeviceEvent, skip_locked=True)
        out = []
        for ev, case_id, victim_id in self.s.execute(q):
            fix = ev.fix
            out.append(
                PendingDeviceEvent(
                    ev.id,
                    ev.device_id,
                    case_id,
                    victim_id,
                    ev.kind,
                    ev.occurred_at,
                    decode_fix(fix) if fix else None,
                )
            )
        return out

    def mark_event_processed(self, event_id: str, at: datetime) -> None:
        """Judged."""
        self.s.execute(
            update(DeviceEvent).where(DeviceEvent.id == event_id).values(processed_at=at)
        )

    def set_battery_low(self, device_id: str, at: datetime | None) -> None:
        """Low battery noted (or cleared when it charges)."""
        self.s.execute(
            update(devices_tables.Device)
            .where(devices_tables.Device.id == device_id)
            .values(battery_low_at=at)
        )

    def _monitored(self, case_ids: list[str], now: datetime) -> set[str]:
        """Cases with an electronic-monitoring order in force now."""
        out = set()
        for o in self.s.scalars(select(Order).where(Order.case_id.in_(case_ids))):
            if o.kind not in self.pack.kinds:
                continue
            kind = self.pack.get(o.kind)
            if kind.electronic_monitoring and OrderWindow(
                kind, o.starts_at, o.ends_at, o.revoked_at
            ).in_force_at(now):
                out.add(o.case_id)
        return out

    def newly_silent(self, now: datetime, silence_s: float) -> list[SilentDevice]:
        """Anklets unheard for `silence_s` (since their last fix, or since they were bound
        when they never reported), under monitoring, not yet alerted for this silence."""
        cutoff = now - timedelta(seconds=silence_s)
        q = select(devices_tables.Device).where(
            devices_tables.Device.kind == "anklet",
            (
                (devices_tables.Device.last_fix_at.is_(None))
                & (devices_tables.Device.created_at < cutoff)
            )
            | (devices_tables.Device.last_fix_at < cutoff),
            (devices_tables.Device.offline_alerted_for.is_(None))
            | (devices_tables.Device.offline_alerted_for < devices_tables.Device.last_fix_at),
        )
        devices = list(self.s.scalars(q))
        if not devices:
            return []
        monitored = self._monitored(sorted({d.case_id for d in devices}), now)
        return [
            SilentDevice(d.id, d.case_id, d.last_fix_at) for d in devices if d.case_id in monitored
        ]

    def mark_offline_alerted(self, device_id: str, at: datetime) -> None:
        """Alerted for this silence: a later fix is needed before the next one counts."""
        device = self.s.get(devices_tables.Device, device_id)
        if device is not None:
            device.offline_alerted_for = device.last_fix_at or device.created_at

    def any_anklet_heard_since(self, at: datetime) -> bool:
        """Any anklet with a fix recorded after `at`."""
        q = select(devices_tables.Device.id).where(
            devices_tables.Device.kind == "anklet", devices_tables.Device.last_fix_at > at
        )
        return self.s.scalars(q.limit(1)).first() is not None
