"""Every command the bus carries out, for the worker that sends them."""

from __future__ import annotations

from jikimi.alerts.messages import AcknowledgeAlert, EscalateDueAlerts, ResolveAlert
from jikimi.contacts.messages import JudgeContacts, JudgeStoredContacts
from jikimi.devices.messages import CheckSilentDevices, JudgeDeviceEvents
from jikimi.proximity.messages import JudgePositions, SaveTrackStates
from jikimi.risk.messages import RescoreCases

# What a worker's inboxes run, batch after batch: each says what it claimed.
InboxCommand = JudgeContacts | JudgeDeviceEvents | JudgePositions | SaveTrackStates | RescoreCases

Command = (
    JudgeContacts
    | JudgeStoredContacts
    | EscalateDueAlerts
    | AcknowledgeAlert
    | ResolveAlert
    | JudgeDeviceEvents
    | CheckSilentDevices
    | JudgePositions
    | SaveTrackStates
    | RescoreCases
)
