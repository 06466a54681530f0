"""The officer's workspace: HTML routes under /console/work (no tables, no handlers)."""

from __future__ import annotations

from jikimi.core.feature import Feature
from jikimi.workspace import (
    case_routes,
    measure_routes,
    model_routes,
    routes,
    stats_routes,
    support_routes,
)

FEATURE = Feature(
    name="workspace",
    routers=(
        routes.router,
        case_routes.router,
        measure_routes.router,
        support_routes.router,
        stats_routes.router,
        model_routes.router,
    ),
)
