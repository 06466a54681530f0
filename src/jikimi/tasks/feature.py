"""The tasks feature's registrations: the task routes, and the scheduling pass on a timer
(durable: it reads what is owed from the database each time)."""

from __future__ import annotations

from jikimi.core.feature import Feature, Timer
from jikimi.tasks import handlers, routes, tables
from jikimi.tasks.messages import PlanTasks

FEATURE = Feature(
    name="tasks",
    routers=(routes.router,),
    handlers={PlanTasks: handlers.plan_tasks},
    tables=tables,
    timers=(Timer(lambda settings: settings.task_plan_s, lambda settings: PlanTasks()),),
    commands=(("tasks", "jikimi.tasks.cli:app"),),
)
