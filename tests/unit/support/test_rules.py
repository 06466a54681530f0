"""The support rules: the pack's limits, an application within its kind's limit, four eyes
by account, an approval within the application, payments between 0 and the approval."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jikimi.cases.orders import load_pack
from jikimi.support.rules import (
    MAX_KRW,
    FourEyesError,
    SupportKind,
    SupportLimit,
    SupportRuleError,
    check_application,
    check_approval,
    check_four_eyes,
    check_payment,
    limits_from,
)

LIMITS = limits_from(load_pack().support)


def test_the_pack_sets_every_kinds_limit_with_its_source() -> None:
    assert set(LIMITS) == set(SupportKind)
    assert LIMITS[SupportKind.LIVING].limit_krw == 1_500_000
    assert LIMITS[SupportKind.MEDICAL].limit_krw == 15_000_000
    for limit in LIMITS.values():
        assert limit.source.strip()
    policy = {k for k, v in LIMITS.items() if v.source.startswith("policy choice")}
    assert policy == {
        SupportKind.COUNSELLING,
        SupportKind.HOUSING,
        SupportKind.RELOCATION,
        SupportKind.OTHER,
    }


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("living", "must be a list"),
        ([{"kind": "lottery", "title": "t", "limit_krw": 1, "source": "s"}], "unknown kind"),
        ([{"kind": "living", "title": "t", "limit_krw": 1}], "living"),
        ([{"kind": "living", "title": "t", "limit_krw": 0, "source": "s"}], "> 0"),
        ([{"kind": "living", "title": "t", "limit_krw": True, "source": "s"}], "> 0"),
        ([{"kind": "living", "title": "t", "limit_krw": 1, "source": " "}], "source"),
        ([{"kind": "living", "title": "t", "limit_krw": 1, "source": "s", "x": 1}], "unknown key"),
        ([{"kind": "living", "title": "t", "limit_krw": 1, "source": "s"}], "no limit for"),
    ],
)
def test_a_broken_pack_is_refused_naming_what_is_wrong(raw: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        limits_from(raw)


def test_a_kind_listed_twice_is_refused() -> None:
    entry = {"kind": "living", "title": "t", "limit_krw": 1, "source": "s"}
    with pytest.raises(ValueError, match="appears twice"):
        limits_from([entry, entry])


@given(st.sampled_from(list(SupportKind)), st.integers(-MAX_KRW, MAX_KRW))
def test_an_application_is_allowed_exactly_up_to_its_kinds_limit(
    kind: SupportKind, amount: int
) -> None:
    limit = LIMITS[kind].limit_krw
    if 0 < amount <= limit:
        check_application(LIMITS, kind.value, amount)
    else:
        with pytest.raises(SupportRuleError):
            check_application(LIMITS, kind.value, amount)


def test_the_refusal_names_the_limit() -> None:
    with pytest.raises(SupportRuleError, match="relocation support is at most 2,000,000 KRW"):
        check_application(LIMITS, "relocation", 2_000_001)
    with pytest.raises(SupportRuleError, match="unknown support kind 'lottery'"):
        check_application(LIMITS, "lottery", 1)


def test_four_eyes_compares_accounts() -> None:
    check_four_eyes("account-a", "account-b")
    for decider in ("account-a", None):
        with pytest.raises(FourEyesError):
            check_four_eyes("account-a", decider)


@given(st.integers(1, MAX_KRW), st.one_of(st.none(), st.integers(-MAX_KRW, MAX_KRW)))
def test_an_approval_is_more_than_0_and_at_most_what_was_applied_for(
    applied: int, approved: int | None
) -> None:
    if approved is not None and 0 < approved <= applied:
        assert check_approval(applied, approved) == approved
    else:
        with pytest.raises(SupportRuleError):
            check_approval(applied, approved)


@given(
    st.integers(1, 10**9),
    st.data(),
    st.integers(-(10**9), 10**9),
    st.sampled_from([None, "", "  ", "중복 이체 회수"]),
)
def test_a_payment_keeps_the_paid_total_between_0_and_the_approval(
    approved: int, data: st.DataObject, amount: int, reason: str | None
) -> None:
    paid = data.draw(st.integers(0, approved))
    allowed = (
        amount != 0
        and 0 <= paid + amount <= approved
        and (amount > 0 or bool((reason or "").strip()))
    )
    if allowed:
        check_payment(approved, paid, amount, reason)
    else:
        with pytest.raises(SupportRuleError):
            check_payment(approved, paid, amount, reason)


def test_a_limit_is_a_whole_number_of_won() -> None:
    with pytest.raises(ValueError, match="whole number"):
        SupportLimit(SupportKind.OTHER, "t", 1.5, "s")  # type: ignore[arg-type]
