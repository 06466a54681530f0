"""The risk feature's registrations: assessments and the model card, re-scoring in an
inbox, and `jikimi risk`."""

from __future__ import annotations

from jikimi.core.feature import Feature, Inbox
from jikimi.risk import handlers, routes, tables
from jikimi.risk.messages import RescoreCases
from jikimi.risk.repo import RESCORE_WAITING

FEATURE = Feature(
    name="risk",
    routers=(routes.router,),
    handlers={RescoreCases: handlers.rescore_cases},
    tables=tables,
    inboxes=(Inbox("rescores", lambda settings: RescoreCases(), waiting=RESCORE_WAITING),),
    commands=(("risk", "jikimi.risk.cli:app"),),
)
