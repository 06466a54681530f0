"""The support feature's registrations: its routes and tables, and `jikimi support`."""

from __future__ import annotations

from jikimi.core.feature import Feature
from jikimi.support import routes, tables

FEATURE = Feature(
    name="support",
    routers=(routes.router,),
    tables=tables,
    commands=(("support", "jikimi.support.cli:app"),),
)
