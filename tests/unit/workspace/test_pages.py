"""The workspace's rendering: escaping, Korean time, numbers as people write them, the
statutory limits in words."""

from __future__ import annotations

import base64

from jikimi.cases.orders import OrderKind
from jikimi.workspace.case_routes import limits
from jikimi.workspace.labels import label, outcomes_for
from jikimi.workspace.pages import ENV, kst, local_input, phone, short, svg_data_uri


def test_templates_escape_what_they_are_given() -> None:
    html = ENV.from_string("<td>{{ name }}</td>").render(name='<script>alert("x")</script>')
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_times_are_korean_wall_clock_time() -> None:
    assert kst("2026-03-01T15:30:00Z") == "2026-03-02 00:30"
    assert kst(None) == "—"
    assert local_input("2026-03-01T15:30:00Z") == "2026-03-02T00:30"


def test_numbers_read_as_people_write_them() -> None:
    assert phone("+821012345678") == "010-1234-5678"
    assert phone("+14155550123").startswith("+1 ")
    assert phone("not a number") == "not a number"


def test_small_things() -> None:
    assert short("0123456789abcdef") == "01234567"
    assert label("very_high", "tier") == "매우 높음"
    assert label("new_kind", "tier") == "new_kind"
    assert [o.value for o in outcomes_for("monitoring_call")] == [
        "reached",
        "not_reached",
        "concern",
    ]
    assert [o.value for o in outcomes_for("other")] == ["done", "concern"]
    uri = svg_data_uri("<svg></svg>")
    assert base64.b64decode(uri.split(",", 1)[1]) == b"<svg></svg>"
    assert svg_data_uri(None) == ""


def test_limits_in_words() -> None:
    three = OrderKind(
        "k", "스토킹처벌법 §9", "t", max_months=3, max_extensions=2, extension_months=3
    )
    assert limits(three) == "최대 3개월 · 연장 2회 (1회 3개월 이내)"
    emergency = OrderKind("e", "s", "t", max_hours=48, max_extensions=0)
    assert limits(emergency) == "최대 48시간 · 연장 불가"
    assert limits(OrderKind("x", "s", "t")) == "법정 기간 제한 없음"
