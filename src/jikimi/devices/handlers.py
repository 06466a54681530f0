"""Device health and the panic button: tamper, signal, battery, silence, SOS."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from jikimi.alerts.handlers import open_or_grow
from jikimi.alerts.rules import AlertKind, EscalationPolicy, Evidence
from jikimi.core.claims import Claims
from jikimi.devices.messages import CheckSilentDevices, JudgeDeviceEvents
from jikimi.ports import Clock, PendingDeviceEvent, UnitOfWork

log = logging.getLogger(__name__)

RAISES = {
    "strap_tamper": AlertKind.DEVICE_TAMPER,
    "signal_lost": AlertKind.DEVICE_OFFLINE,
    "sos": AlertKind.SOS,
}


def _evidence(ev: PendingDeviceEvent) -> Evidence:
    detail = None
    if ev.fix is not None:
        lat, lon, acc = ev.fix
        detail = {"lat": lat, "lon": lon, "accuracy_m": acc}
    source = "phone" if ev.kind == "sos" else "feed"
    return Evidence(ev.id, ev.kind, None, ev.occurred_at, [source], detail)


def judge_device_events(
    cmd: JudgeDeviceEvents,
    uow: UnitOfWork,
    *,
    clock: Clock,
    policy: EscalationPolicy,
    claims: Claims,
) -> set[str]:
    """Tamper → device_tamper; signal lost → device_offline; SOS → sos (all with their
    evidence); battery and charging are remembered on the device; a restored signal is
    noted on the open device_offline alert. An event of a victim another transaction holds
    is passed over (`Claims`), as contacts are."""
    changed: set[str] = set()
    with uow:
        now = clock.now()
        events = uow.devices.pending_events(cmd.limit, claims.passed_over)
        claims.claimed = len(events)
        held = uow.locks.take(ev.victim_id for ev in events)
        for ev in events:
            if ev.victim_id not in held:
                claims.passed_over.add(ev.id)
                continue
            kind = RAISES.get(ev.kind)
            if kind is not None:
                changed.add(open_or_grow(uow, ev.case_id, kind, _evidence(ev), clock, policy))
            elif ev.kind == "battery_low":
                uow.devices.set_battery_low(ev.device_id, ev.occurred_at)
            elif ev.kind == "charging":
                uow.devices.set_battery_low(ev.device_id, None)
            elif ev.kind == "signal_restored":
                alert = uow.alerts.find_unresolved(ev.case_id, AlertKind.DEVICE_OFFLINE.value)
                if alert is not None:
                    detail: dict[str, object] = {"event_id": ev.id, "device_id": ev.device_id}
                    uow.alerts.record_change(alert.id, now, "signal_restored", None, detail)
                    changed.add(alert.id)
            uow.devices.mark_event_processed(ev.id, now)
        uow.commit()
    return changed


def check_silent_devices(
    cmd: CheckSilentDevices, uow: UnitOfWork, *, clock: Clock, policy: EscalationPolicy
) -> set[str]:
    """An anklet silent longer than allowed while its monitoring order is in force raises
    device_offline once per silence. When many fall silent at once and no anklet at all
    was heard, the feed itself is down: that is logged for operators instead of opening
    an alert per wearer (a storm no dispatcher could use). An anklet whose victim another
    transaction holds waits for the next look (it is not marked alerted)."""
    changed: set[str] = set()
    with uow:
        now = clock.now()
        silent = uow.devices.newly_silent(now, cmd.silence_s)
        if not silent:
            return changed
        window_start = now - timedelta(seconds=cmd.silence_s)
        if len(silent) >= cmd.feed_outage_at and not uow.devices.any_anklet_heard_since(
            window_start
        ):
            log.error("location feed silent: %d monitored anklets unheard", len(silent))
            return changed
        victims = uow.cases.victims_of({d.case_id for d in silent})
        held = uow.locks.take(victims.values())
        for d in silent:
            if victims.get(d.case_id) not in held:
                continue
            since = d.last_fix_at.isoformat() if d.last_fix_at else None
            evidence = Evidence(
                uuid.uuid4().hex,
                "silence",
                None,
                now,
                ["jikimi"],
                {"silent_since": since, "device_id": d.device_id},
            )
            changed.add(
                open_or_grow(uow, d.case_id, AlertKind.DEVICE_OFFLINE, evidence, clock, policy)
            )
            uow.devices.mark_offline_alerted(d.device_id, now)
        uow.commit()
    return changed
