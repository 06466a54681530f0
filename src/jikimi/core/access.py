"""Who may see what: roles and the need-to-know rule, as pure data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from jikimi.core.errors import Invalid


class Role(StrEnum):
    """The roles a token can carry."""

    ADMIN = "admin"
    OFFICER = "officer"
    DISPATCHER = "dispatcher"
    SUPERVISOR = "supervisor"
    ANALYST = "analyst"
    FEED = "feed"
    DEVICE = "device"
    COUNSELLOR = "counsellor"  # a counselling centre's staff; the agency is the centre


STAFF_ROLES = (
    Role.ADMIN,
    Role.OFFICER,
    Role.DISPATCHER,
    Role.SUPERVISOR,
    Role.ANALYST,
    Role.FEED,
    Role.COUNSELLOR,
)
# Roles that belong to an agency (a counsellor's is its centre).
AGENCY_ROLES = (Role.OFFICER, Role.DISPATCHER, Role.SUPERVISOR, Role.COUNSELLOR)


@dataclass(frozen=True)
class Principal:
    """The authenticated caller."""

    role: Role
    token_id: str
    account_id: str | None = None
    name: str | None = None
    agency: str | None = None
    device_id: str | None = None
    session: bool = False  # a person logged in to the console (not a machine token)

    @property
    def label(self) -> str:
        """How the caller is named in an alert's timeline."""
        return self.name or f"{self.role.value}:{self.token_id[:8]}"


# A dispatcher reads a case only while the system can see a reason for it (need-to-know):
# an alert of the case open, or resolved no longer ago than this (the unit sent may still
# need the address), or a 112 look-up by the calling number within CALLER_LOOKUP_OPENS_FOR.
DISPATCH_AFTER_RESOLVED = timedelta(hours=24)
CALLER_LOOKUP_OPENS_FOR = timedelta(hours=1)
# The positions a dispatcher sees: where people are now, not where they went all day.
DISPATCH_TRACK = timedelta(hours=1)
BREAK_GLASS_REASON_MIN = 10


def sees_whole_agency(p: Principal) -> bool:
    """Dispatchers and supervisors watch their whole agency's alert queue (an alert is
    itself a dispatcher's reason to read its case); officers only their own cases'."""
    return p.role in (Role.DISPATCHER, Role.SUPERVISOR)


def may_see_case(
    p: Principal,
    case_agency: str,
    assigned: bool,
    *,
    dispatch_reason: bool = False,
    break_glass: bool = False,
) -> bool:
    """The need-to-know rule for reading one case.

    Supervisors read their agency's cases; officers those assigned to them, or one they
    hold an unexpired break-glass on; dispatchers only with a reason the system can see
    (an alert of the case, or their own 112 look-up; `dispatch_reason`).
    """
    # Admins run the system; they read no one's case (least privilege).
    if p.agency != case_agency:
        return False
    if p.role is Role.SUPERVISOR:
        return True
    if p.role is Role.DISPATCHER:
        return dispatch_reason
    return p.role is Role.OFFICER and (assigned or break_glass)


def may_change_case(
    p: Principal, case_agency: str, assigned: bool, *, dispatch_reason: bool = False
) -> bool:
    """The rule for writing to a case, its orders, devices, risk and people: as reading,
    but a break-glass gives none (it is an emergency read, nothing more)."""
    return may_see_case(p, case_agency, assigned, dispatch_reason=dispatch_reason)


def break_glass_reason(text: str) -> str:
    """The reason as kept: trimmed, each run of white space one space; `Invalid` when
    fewer than BREAK_GLASS_REASON_MIN characters remain (twelve spaces are no reason)."""
    reason = " ".join(text.split())
    if len(reason) < BREAK_GLASS_REASON_MIN:
        raise Invalid(
            f"the reason must be at least {BREAK_GLASS_REASON_MIN} characters long, not "
            "counting leading, trailing or repeated spaces"
        )
    return reason
