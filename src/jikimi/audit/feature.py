"""The audit feature's registrations: the access trail's routes, and `jikimi audit`."""

from __future__ import annotations

from jikimi.audit import routes, tables
from jikimi.core.feature import Feature

FEATURE = Feature(
    name="audit",
    routers=(routes.router,),
    tables=tables,
    commands=(("audit", "jikimi.audit.cli:app"),),
)
