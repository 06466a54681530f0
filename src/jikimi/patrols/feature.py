"""The patrols feature's registrations: the plan routes, the tables, and the pass that
records missed stops on the tasks' timer (durable: it reads what is due each time)."""

from __future__ import annotations

from jikimi.core.feature import Feature, Timer
from jikimi.patrols import handlers, routes, tables
from jikimi.patrols.messages import RecordMissedPatrols

FEATURE = Feature(
    name="patrols",
    routers=(routes.router,),
    handlers={RecordMissedPatrols: handlers.record_missed_patrols},
    tables=tables,
    timers=(Timer(lambda settings: settings.task_plan_s, lambda settings: RecordMissedPatrols()),),
)
