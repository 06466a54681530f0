"""Reading the workspace's form values: times in Korean time, the questionnaire's
answers, the API's own bodies' rules."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jikimi.cases.schemas import OrderExtend
from jikimi.core.errors import Invalid
from jikimi.workspace.forms import RiskForm, answers, moment, optional, parsed

SEOUL = ZoneInfo("Asia/Seoul")


def test_a_datetime_local_value_is_korean_time() -> None:
    at = moment("due_at", "2026-03-01T09:00", SEOUL)
    assert at.astimezone(UTC) == datetime(2026, 3, 1, 0, 0, tzinfo=UTC)


def test_a_value_with_an_offset_keeps_it() -> None:
    at = moment("due_at", "2026-03-01T09:00+00:00", SEOUL)
    assert at == datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("value", ["", "tomorrow", "2026-13-01T09:00", "1850-01-01T00:00"])
def test_a_bad_time_is_refused_naming_the_field(value: str) -> None:
    with pytest.raises(Invalid, match=r"^due_at: "):
        moment("due_at", value, SEOUL)


@given(st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2099, 1, 1)))
def test_every_wall_clock_time_reads_back_as_itself(wall: datetime) -> None:
    wall = wall.replace(second=0, microsecond=0)
    at = moment("at", wall.strftime("%Y-%m-%dT%H:%M"), SEOUL)
    assert at.astimezone(SEOUL).replace(tzinfo=None) == wall


def test_the_questionnaire_keeps_what_is_known() -> None:
    form = RiskForm.model_validate(
        {
            "threat_to_kill": "yes",
            "gun_access": "no",
            "separation": "",
            "victim_fear": "3",
            "stalking_behaviours": "",
            "note": "x",
        }
    )
    assert answers(form) == {"threat_to_kill": True, "gun_access": False, "victim_fear": 3}


@pytest.mark.parametrize(
    "fields",
    [
        {"victim_fear": "6"},
        {"stalking_behaviours": "-1"},
        {"threat_to_kill": "maybe"},
        {"not_a_question": "yes"},
    ],
)
def test_the_questionnaire_refuses_what_the_schema_would(fields: dict[str, str]) -> None:
    with pytest.raises(Invalid):
        answers(RiskForm.model_validate(fields))


def test_an_api_body_refused_names_the_field_not_the_value() -> None:
    with pytest.raises(Invalid) as err:
        parsed(OrderExtend, ends_at="not a time", court_ref="김지은 사건")
    assert str(err.value).startswith("ends_at: ")
    assert "김지은" not in str(err.value)


def test_an_empty_field_is_none() -> None:
    assert optional("") is None
    assert optional("메모") == "메모"
