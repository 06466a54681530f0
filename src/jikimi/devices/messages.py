"""Commands of the devices feature the bus carries out: imperative names, plain data."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class JudgeDeviceEvents:
    """Turn waiting device-health events and SOS presses into alerts."""

    limit: int = 200


@dataclass(frozen=True)
class CheckSilentDevices:
    """Raise device_offline for monitored anklets that stopped reporting."""

    silence_s: float = 600.0
    feed_outage_at: int = 20  # this many silent at once and none heard: the feed is down
