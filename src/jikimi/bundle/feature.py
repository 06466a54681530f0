"""The bundle feature's registrations: its routes (it keeps no table of its own)."""

from __future__ import annotations

from jikimi.bundle import routes
from jikimi.core.feature import Feature

FEATURE = Feature(name="bundle", routers=(routes.router,))
