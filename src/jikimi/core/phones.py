"""Phone numbers: whatever a person types or a phone reports, judged as E.164."""

from __future__ import annotations

import phonenumbers


class InvalidPhoneNumber(ValueError):
    """A string that is not a phone number we can store."""


def _parse(raw: str, region: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None


def _candidates(raw: str, region: str) -> list[phonenumbers.PhoneNumber]:
    found: list[phonenumbers.PhoneNumber] = []
    first = _parse(raw, region)
    if first is not None:
        found.append(first)
    digits = "".join(ch for ch in raw if ch.isdigit())
    code = str(phonenumbers.country_code_for_region(region))
    # "82-10-1234-5678": a country code typed without the plus sign;
    # "0082-10-…": with the international prefix instead of it.
    if not raw.strip().startswith("+"):
        for prefix in (code, "00" + code):
            if digits.startswith(prefix) and len(digits) > len(prefix) + 7:
                again = _parse("+" + digits[len(prefix) - len(code) :], region)
                if again is not None:
                    found.append(again)
    return found


def _korean_mobile(number: phonenumbers.PhoneNumber) -> bool:
    # Every 010-XXXX-XXXX is a mobile number in Korea's numbering plan, but the metadata
    # lags behind new blocks (e.g. 010-59xx); a victim must be able to enrol such a number.
    return (
        number.country_code == 82
        and len(str(number.national_number)) == 10
        and str(number.national_number).startswith("10")
    )


def normalise(raw: str, region: str = "KR") -> str:
    """Return the E.164 form of a number a person would write; raise if it is not one."""
    if not isinstance(raw, str) or not raw.strip() or len(raw) > 40:
        raise InvalidPhoneNumber("empty or overlong phone number")
    for number in _candidates(raw, region):
        if phonenumbers.is_valid_number(number) or _korean_mobile(number):
            return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    raise InvalidPhoneNumber(f"not a valid phone number for region {region}")


def normalise_reported(raw: str | None, region: str = "KR") -> str | None:
    """E.164 of a number a phone or operator reported, or None when hidden or unparseable.

    Reported numbers are judged more leniently than typed ones (a possible number is
    enough), because the network, not a person, wrote them.
    """
    if raw is None or not raw.strip() or len(raw) > 40:
        return None
    for number in _candidates(raw, region):
        if phonenumbers.is_possible_number(number):
            return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    return None


def display(e164: str) -> str:
    """A stored E.164 number as people write it: Korean ones in the national format
    (010-1234-5678, 02-123-4567), others in the international one; the value itself when
    it does not parse."""
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return e164
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 82
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return str(phonenumbers.format_number(number, style))
