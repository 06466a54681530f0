"""The devices feature's registrations: the phone's status route, device-health events
and SOS presses judged in an inbox, and the look for silent anklets on a timer."""

from __future__ import annotations

from sqlalchemy import exists

from jikimi.core.feature import Feature, Inbox, Timer
from jikimi.core.tables import table_of
from jikimi.devices import handlers, routes, tables
from jikimi.devices.messages import CheckSilentDevices, JudgeDeviceEvents
from jikimi.devices.tables import DeviceEvent

_D = table_of(DeviceEvent).c

FEATURE = Feature(
    name="devices",
    routers=(routes.router,),
    handlers={
        JudgeDeviceEvents: handlers.judge_device_events,
        CheckSilentDevices: handlers.check_silent_devices,
    },
    tables=tables,
    inboxes=(
        Inbox(
            "device events",
            lambda settings: JudgeDeviceEvents(),
            waiting=exists().where(_D.processed_at.is_(None)),
        ),
    ),
    timers=(
        Timer(lambda settings: 5.0, lambda settings: CheckSilentDevices(settings.device_silence_s)),
    ),
)
