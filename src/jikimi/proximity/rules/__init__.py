"""Proximity watch: distances, zone membership with GPS accuracy, hysteresis and early
warning for an approach ban, judged in vectorised micro-batches. Pure: numpy only."""

from jikimi.proximity.rules.geometry import (
    Level,
    classify,
    distance_m,
    levels,
    nearest_fresh_fix,
    offsets_m,
    sanitise_accuracy,
)
from jikimi.proximity.rules.judging import evaluate
from jikimi.proximity.rules.model import (
    Episode,
    EpisodeLevel,
    Fix,
    Key,
    PairBatch,
    Rules,
    TrackState,
    ZoneEvent,
    ZoneRole,
)
from jikimi.proximity.rules.motion import eta_s, fit_velocity

__all__ = [
    "Episode",
    "EpisodeLevel",
    "Fix",
    "Key",
    "Level",
    "PairBatch",
    "Rules",
    "TrackState",
    "ZoneEvent",
    "ZoneRole",
    "classify",
    "distance_m",
    "eta_s",
    "evaluate",
    "fit_velocity",
    "levels",
    "nearest_fresh_fix",
    "offsets_m",
    "sanitise_accuracy",
]
