"""Phone numbers: every way a Korean number is written is one E.164 number."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jikimi.core.phones import InvalidPhoneNumber, normalise, normalise_reported

E164 = re.compile(r"^\+[1-9]\d{1,16}$")

# The eight subscriber digits of a Korean mobile number 010-XXXX-XXXX. libphonenumber's
# Korean plan holds 010-5970 to 010-5999 unassigned, so a typed one is refused.
UNASSIGNED = range(5970, 6000)
subscriber = st.tuples(
    st.integers(0, 9999).filter(lambda m: m not in UNASSIGNED), st.integers(0, 9999)
)

RENDERINGS = (
    "010-{a}-{b}",
    "010{a}{b}",
    "010 {a} {b}",
    "010.{a}.{b}",
    "(010) {a}-{b}",
    "  010-{a}-{b}  ",
    "+82 10 {a} {b}",
    "+82-10-{a}-{b}",
    "+8210{a}{b}",
    "+82 010 {a} {b}",
    "+82 (0)10 {a} {b}",
    "82-10-{a}-{b}",
    "82 10 {a} {b}",
    "8210{a}{b}",
    "82-010-{a}-{b}",
)


@given(subscriber, st.sampled_from(RENDERINGS))
def test_every_rendering_of_a_mobile_number_is_the_same_e164(
    digits: tuple[int, int], rendering: str
) -> None:
    a, b = f"{digits[0]:04d}", f"{digits[1]:04d}"
    raw = rendering.format(a=a, b=b)
    expected = f"+8210{a}{b}"
    assert normalise(raw) == expected
    assert normalise_reported(raw) == expected


@given(subscriber)
def test_normalise_is_idempotent(digits: tuple[int, int]) -> None:
    once = normalise(f"010-{digits[0]:04d}-{digits[1]:04d}")
    assert normalise(once) == once
    assert normalise_reported(once) == once


@given(st.text(max_size=60))
def test_garbage_never_crashes_normalise(raw: str) -> None:
    try:
        result = normalise(raw)
    except InvalidPhoneNumber:
        return
    assert E164.match(result), result


@given(st.one_of(st.none(), st.text(max_size=60), st.text(alphabet="+-() .0123456789")))
def test_garbage_never_crashes_normalise_reported(raw: str | None) -> None:
    result = normalise_reported(raw)
    assert result is None or E164.match(result), result


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("02-123-4567", "KR", "+8221234567"),  # Seoul landline
        ("070-1234-5678", "KR", "+827012345678"),  # internet phone
        ("+1 650 253 0000", "KR", "+16502530000"),  # a foreign number with its country code
        ("(650) 253-0000", "US", "+16502530000"),  # read in another region
        ("０１０-２３４５-６７８９", "KR", "+821023456789"),  # full-width digits from an IME
    ],
)
def test_other_numbers_normalise_to_e164(raw: str, region: str, expected: str) -> None:
    assert normalise(raw, region) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "abc",
        "1234",
        "112",  # an emergency short code is not a number a person holds
        "010-2345",
        "+82 10",
        "010-2345-6789" + " " * 30,  # longer than anything we store
        "+999 1234 5678",  # no such country code
    ],
)
def test_invalid_typed_numbers_are_refused(raw: str) -> None:
    with pytest.raises(InvalidPhoneNumber):
        normalise(raw)


def test_invalid_phone_number_is_a_value_error() -> None:
    # The API turns ValueErrors into 422; a typed number must not become a 500.
    assert issubclass(InvalidPhoneNumber, ValueError)


@pytest.mark.parametrize("raw", [None, "", "  ", "Unknown", "anonymous", "비공개", "+82 10"])
def test_hidden_or_unreadable_reported_numbers_are_none(raw: str | None) -> None:
    assert normalise_reported(raw) is None


@given(st.sampled_from(UNASSIGNED), st.integers(0, 9999), st.sampled_from(RENDERINGS))
def test_mobile_blocks_newer_than_the_metadata_are_still_enrolled(
    middle: int, last: int, rendering: str
) -> None:
    # libphonenumber does not know every 010 block yet; a victim must be able to enrol such
    # a number.
    a, b = f"{middle:04d}", f"{last:04d}"
    raw = rendering.format(a=a, b=b)
    assert normalise(raw) == f"+8210{a}{b}"
    assert normalise_reported(raw) == f"+8210{a}{b}"


@pytest.mark.parametrize("raw", ["0082-10-1234-5678", "0082 10 1234 5678", "00821012345678"])
def test_international_prefix_instead_of_plus(raw: str) -> None:
    assert normalise(raw) == "+821012345678"


def test_reported_numbers_are_judged_leniently() -> None:
    # The network wrote it: a possible number is enough, though a person could not enrol it.
    with pytest.raises(InvalidPhoneNumber):
        normalise("099-1234-5678")
    assert normalise_reported("099-1234-5678") == "+829912345678"
