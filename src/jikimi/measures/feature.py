"""The measures feature's registrations: the safety-measure routes and tables (the review
before a measure ends is written by the tasks feature's scheduling pass)."""

from __future__ import annotations

from jikimi.core.feature import Feature
from jikimi.measures import routes, tables

FEATURE = Feature(name="measures", routers=(routes.router,), tables=tables)
