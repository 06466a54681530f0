"""The workspace: the officers' HTML routes under /console/work and the counselling centres'
under /console/centre (no tables, no handlers)."""

from __future__ import annotations

from jikimi.core.feature import Feature
from jikimi.workspace import (
    case_routes,
    centre_routes,
    measure_routes,
    model_routes,
    patrol_routes,
    referral_routes,
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
        referral_routes.router,
        centre_routes.router,
        support_routes.router,
        stats_routes.router,
        patrol_routes.router,
        model_routes.router,
    ),
)
