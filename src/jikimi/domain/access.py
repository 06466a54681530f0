"""Who may see what: roles and the need-to-know rule, as pure data."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """The roles a token can carry."""

    ADMIN = "admin"
    OFFICER = "officer"
    DISPATCHER = "dispatcher"
    SUPERVISOR = "supervisor"
    ANALYST = "analyst"
    FEED = "feed"
    DEVICE = "device"


STAFF_ROLES = (Role.ADMIN, Role.OFFICER, Role.DISPATCHER, Role.SUPERVISOR, Role.ANALYST, Role.FEED)


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


def sees_whole_agency(p: Principal) -> bool:
    """Dispatchers and supervisors see every case of their agency; officers only their own."""
    return p.role in (Role.DISPATCHER, Role.SUPERVISOR)


def may_see_case(p: Principal, case_agency: str, assigned: bool) -> bool:
    """The need-to-know rule for one case."""
    # Admins run the system; they read no one's case (least privilege).
    if p.agency != case_agency:
        return False
    if sees_whole_agency(p):
        return True
    return p.role is Role.OFFICER and assigned
