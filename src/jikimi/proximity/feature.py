"""The proximity feature's registrations: the location feed and positions routes, the
position log judged in an inbox, and the tracks' snapshot written behind it."""

from __future__ import annotations

from sqlalchemy import exists, func, select

from jikimi.core.feature import Feature, Inbox
from jikimi.core.tables import table_of
from jikimi.proximity import handlers, positions, routes, tables
from jikimi.proximity.memory import TrackMemory
from jikimi.proximity.messages import JudgePositions, SaveTrackStates
from jikimi.proximity.tables import EngineCursor, Position

_P, _K = table_of(Position).c, table_of(EngineCursor).c
_JUDGED = (
    select(func.coalesce(func.max(_K.position), 0))
    .where(_K.name == positions.CURSOR)
    .scalar_subquery()
)


def _snapshot_due(*, track_memory: TrackMemory) -> bool:
    return track_memory.checkpoint_due()


FEATURE = Feature(
    name="proximity",
    routers=(routes.router,),
    handlers={
        JudgePositions: handlers.judge_positions,
        SaveTrackStates: handlers.save_track_states,
    },
    tables=tables,
    inboxes=(
        # Positions logged after the judge's place (the newest seq is the index's last).
        Inbox(
            "positions",
            lambda settings: JudgePositions(),
            waiting=exists().where(_P.seq > _JUDGED),
        ),
        # After the batches' alerts are told: a part of the tracks' snapshot.
        Inbox("track states", lambda settings: SaveTrackStates(), ready=_snapshot_due),
    ),
)
