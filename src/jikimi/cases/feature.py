"""The cases feature's registrations: people, cases, orders, devices on a case, the
break-glass read and the 112 look-up."""

from __future__ import annotations

from jikimi.cases import people_routes, routes, tables
from jikimi.core.feature import Feature

FEATURE = Feature(name="cases", routers=(people_routes.router, routes.router), tables=tables)
