"""The accounts feature's registrations: sign-in and tokens, and `jikimi account`."""

from __future__ import annotations

from jikimi.accounts import routes, tables
from jikimi.core.feature import Feature

FEATURE = Feature(
    name="accounts",
    routers=(routes.router, routes.staff),
    tables=tables,
    commands=(("account", "jikimi.accounts.cli:app"),),
)
