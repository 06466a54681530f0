"""The referrals feature's registrations: the consent and referral routes, their tables,
and the follow-up pass on the tasks' timer period (durable: it reads what waits from the
database each time)."""

from __future__ import annotations

from jikimi.core.feature import Feature, Timer
from jikimi.referrals import handlers, routes, tables
from jikimi.referrals.messages import PlanReferralFollowUps

FEATURE = Feature(
    name="referrals",
    routers=(routes.router,),
    handlers={PlanReferralFollowUps: handlers.plan_referral_follow_ups},
    tables=tables,
    timers=(
        Timer(lambda settings: settings.task_plan_s, lambda settings: PlanReferralFollowUps()),
    ),
)
