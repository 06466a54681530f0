"""Commands of the referrals feature the bus carries out: imperative names, plain data."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlanReferralFollowUps:
    """Write the `referral_follow_up` task each referral owes whose centre has not taken
    it up within 3 working days (at most `limit` per pass)."""

    limit: int = 500
