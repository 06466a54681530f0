"""Need-to-know: who may see a victim's case."""

from __future__ import annotations

import pytest

from jikimi.core.access import (
    STAFF_ROLES,
    Principal,
    Role,
    break_glass_reason,
    may_change_case,
    may_see_case,
    sees_whole_agency,
)
from jikimi.core.errors import Invalid

AGENCY = "seoul-mapo"


def who(role: Role, agency: str | None = AGENCY, name: str | None = None) -> Principal:
    """A caller of this role in this agency."""
    return Principal(
        role=role, token_id="0123456789abcdef", account_id="acc-1", name=name, agency=agency
    )


@pytest.mark.parametrize("role", [Role.DISPATCHER, Role.SUPERVISOR])
def test_dispatchers_and_supervisors_watch_their_agencys_whole_alert_queue(role: Role) -> None:
    assert sees_whole_agency(who(role))


@pytest.mark.parametrize("assigned", [True, False])
def test_a_supervisor_reads_and_changes_every_case_of_their_agency(assigned: bool) -> None:
    assert may_see_case(who(Role.SUPERVISOR), AGENCY, assigned)
    assert may_change_case(who(Role.SUPERVISOR), AGENCY, assigned)


@pytest.mark.parametrize("assigned", [True, False])
def test_a_dispatcher_reads_a_case_only_with_a_reason(assigned: bool) -> None:
    # The reason is an alert of the case or their own 112 look-up; an assignment is none.
    assert not may_see_case(who(Role.DISPATCHER), AGENCY, assigned)
    assert may_see_case(who(Role.DISPATCHER), AGENCY, assigned, dispatch_reason=True)
    assert not may_see_case(who(Role.DISPATCHER), "busan-haeundae", assigned, dispatch_reason=True)


def test_an_officer_sees_only_the_cases_assigned_to_them() -> None:
    assert may_see_case(who(Role.OFFICER), AGENCY, assigned=True)
    assert not may_see_case(who(Role.OFFICER), AGENCY, assigned=False)
    assert not sees_whole_agency(who(Role.OFFICER))


def test_a_break_glass_opens_a_case_to_read_never_to_change() -> None:
    officer = who(Role.OFFICER)
    assert may_see_case(officer, AGENCY, assigned=False, break_glass=True)
    assert not may_change_case(officer, AGENCY, assigned=False)
    assert may_change_case(officer, AGENCY, assigned=True)
    assert not may_see_case(officer, "busan-haeundae", assigned=False, break_glass=True)


@pytest.mark.parametrize(
    "typed",
    [" " * 12, "급함" + " " * 10, "a" + " " * 12 + "b", "\t\n\u3000" * 5, "123456789"],
)
def test_a_blank_or_short_break_glass_reason_is_invalid(typed: str) -> None:
    with pytest.raises(Invalid):
        break_glass_reason(typed)


def test_a_break_glass_reason_is_kept_trimmed_with_single_spaces() -> None:
    assert break_glass_reason("  야간 긴급   신고,\n담당자 부재  ") == "야간 긴급 신고, 담당자 부재"


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
