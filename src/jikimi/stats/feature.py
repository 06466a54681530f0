"""The stats feature's registrations: its routes (it has no tables of its own)."""

from __future__ import annotations

from jikimi.core.feature import Feature
from jikimi.stats import routes

FEATURE = Feature(name="stats", routers=(routes.router,))
