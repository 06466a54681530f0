"""Need-to-know: who may see a victim's case."""

from __future__ import annotations

import pytest

from jikimi.domain.access import (
    STAFF_ROLES,
    Principal,
    Role,
    may_see_case,
    sees_whole_agency,
)

AGENCY = "seoul-mapo"


def who(role: Role, agency: str | None = AGENCY, name: str | None = None) -> Principal:
    """A caller of this role in this agency."""
    return Principal(
        role=role, token_id="0123456789abcdef", account_id="acc-1", name=name, agency=agency
    )


@pytest.mark.parametrize("role", [Role.DISPATCHER, Role.SUPERVISOR])
@pytest.mark.parametrize("assigned", [True, False])
def test_dispatchers_and_supervisors_see_every_case_of_their_agency(
    role: Role, assigned: bool
) -> None:
    assert sees_whole_agency(who(role))
    assert may_see_case(who(role), AGENCY, assigned)


def test_an_officer_sees_only_the_cases_assigned_to_them() -> None:
    assert may_see_case(who(Role.OFFICER), AGENCY, assigned=True)
    assert not may_see_case(who(Role.OFFICER), AGENCY, assigned=False)
    assert not sees_whole_agency(who(Role.OFFICER))


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("assigned", [True, False])
def test_nobody_sees_another_agencys_case(role: Role, assigned: bool) -> None:
    assert not may_see_case(who(role), "busan-haeundae", assigned)


@pytest.mark.parametrize("role", list(Role))
def test_a_caller_without_an_agency_sees_no_case(role: Role) -> None:
    assert not may_see_case(who(role, agency=None), AGENCY, assigned=True)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.ANALYST, Role.FEED, Role.DEVICE])
@pytest.mark.parametrize("assigned", [True, False])
def test_admins_analysts_and_machines_read_no_case(role: Role, assigned: bool) -> None:
    # Least privilege: running the system or counting statistics is no need to know.
    assert not may_see_case(who(role), AGENCY, assigned)


def test_a_phone_is_not_staff() -> None:
    assert Role.DEVICE not in STAFF_ROLES
    assert set(STAFF_ROLES) == set(Role) - {Role.DEVICE}


def test_a_caller_is_named_in_the_timeline_by_name_or_role_and_token() -> None:
    assert who(Role.DISPATCHER, name="김민수").label == "김민수"
    assert who(Role.DISPATCHER).label == "dispatcher:01234567"
