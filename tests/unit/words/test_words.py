"""Names for codes, from data: agencies, order kinds with their statute, and phone numbers
as Koreans write them."""

from __future__ import annotations

import re

import pytest

from jikimi.cases.orders import load_pack
from jikimi.cases.words import agencies, flat, words
from jikimi.core.phones import display
from jikimi.workspace.labels import label

CODE = re.compile(r"\b[a-z]+(_[a-z0-9]+)+\b|\b[a-z]+\.[a-z]+\.\d+\b")


@pytest.mark.parametrize(
    ("e164", "shown"),
    [
        ("+821095070229", "010-9507-0229"),
        ("+821059001234", "010-5900-1234"),  # a new 010 block
        ("+8221234567", "02-123-4567"),  # Seoul landline
        ("+82212345678", "02-1234-5678"),
        ("+15105550100", "+1 510-555-0100"),  # foreign: with its country code
        ("not a number", "not a number"),
    ],
)
def test_numbers_are_shown_as_people_write_them(e164: str, shown: str) -> None:
    assert display(e164) == shown


def test_every_regional_agency_and_the_demo_stations_have_names() -> None:
    names = agencies("kr")
    assert len([a for a in names["ko"] if "-" not in a or a.startswith("gyeonggi-")]) == 18
    assert names["ko"]["seoul-mapo"] == "서울마포경찰서"
    assert names["en"]["seoul-mapo"] == "Mapo Police Station, Seoul"
    for station in ("busan-haeundae", "gangwon-chuncheon"):
        assert station in names["ko"]
    assert set(names["ko"]) == set(names["en"])


def test_every_order_kind_has_a_title_and_statute_in_both_languages() -> None:
    kinds = load_pack("kr").kinds
    named = words("kr")
    for lang in ("ko", "en"):
        assert set(named["order_kind"][lang]) == set(kinds)
        assert set(named["order_statute"][lang]) == set(kinds)
    for kind in kinds:
        english = named["order_kind"]["en"][kind] + " " + named["order_statute"]["en"][kind]
        assert not re.search(r"[가-힣]", english), kind  # really English
        assert CODE.search(english) is None
    assert named["order_statute"]["ko"]["stalking.provisional.3"] == "스토킹처벌법 §9 잠정조치 3"
    assert named["order_kind"]["en"]["stalking.provisional.3"] == "Telecom contact ban"


def test_the_workspace_names_agencies_and_shows_unknown_ones_as_they_are() -> None:
    assert label("seoul-mapo", "agency") == "서울마포경찰서"
    assert label("seoul-mapo", "agency", "en") == "Mapo Police Station, Seoul"
    assert label("gyeonggi-nowhere", "agency", "en") == "gyeonggi-nowhere"
    assert label("stalking.provisional.3", "order_kind") == "전기통신 접근금지"
    assert label("dv.temporary.1", "order_statute", "en").startswith("Domestic Violence")


def test_the_112_console_gets_the_names_keyed_as_i18n_keys_them() -> None:
    table = flat("kr")
    assert table["ko"]["agency.busan-haeundae"] == "부산해운대경찰서"
    assert (
        table["en"]["order_kind.dv.protection.2"] == "Victim protection order: 100 m distance ban"
    )
    assert set(table["ko"]) == set(table["en"])
