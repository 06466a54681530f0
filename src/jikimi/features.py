"""Every feature Jikimi runs, in order: the app's routes, the bus's handlers, the worker's
inboxes and timers, the tables Alembic compares and the `jikimi` subcommands are collected
from this list. Adding a feature is a package with a `feature.py` and a line here.

The order is the order of route matching (the phones' routes first: they are called most)
and of the worker's inboxes (contacts first: a call or text to a victim is judged before
anything else).
"""

from __future__ import annotations

from sqlalchemy import MetaData

from jikimi.accounts.feature import FEATURE as ACCOUNTS
from jikimi.alerts.feature import FEATURE as ALERTS
from jikimi.audit.feature import FEATURE as AUDIT
from jikimi.bundle.feature import FEATURE as BUNDLE
from jikimi.cases.feature import FEATURE as CASES
from jikimi.contacts.feature import FEATURE as CONTACTS
from jikimi.core.feature import Feature
from jikimi.core.tables import Base
from jikimi.devices.feature import FEATURE as DEVICES
from jikimi.measures.feature import FEATURE as MEASURES
from jikimi.patrols.feature import FEATURE as PATROLS
from jikimi.proximity.feature import FEATURE as PROXIMITY
from jikimi.referrals.feature import FEATURE as REFERRALS
from jikimi.risk.feature import FEATURE as RISK
from jikimi.stats.feature import FEATURE as STATS
from jikimi.support.feature import FEATURE as SUPPORT
from jikimi.tasks.feature import FEATURE as TASKS
from jikimi.workspace.feature import FEATURE as WORKSPACE

FEATURES: tuple[Feature, ...] = (
    CONTACTS,
    DEVICES,
    PROXIMITY,
    ACCOUNTS,
    CASES,
    ALERTS,
    RISK,
    AUDIT,
    TASKS,
    MEASURES,
    REFERRALS,
    SUPPORT,
    BUNDLE,
    STATS,
    PATROLS,
    WORKSPACE,
)


def metadata() -> MetaData:
    """Every feature's tables on one metadata: what Alembic compares with the migrations
    (importing the features registered them)."""
    return Base.metadata
