"""The workspace's words: every Korean text the pages write has its English, the codes'
names in both languages, and a language nobody asked for is Korean."""

from __future__ import annotations

import re
from pathlib import Path

from jikimi.measures.rules import MeasureKind, SafetyMeasure
from jikimi.workspace import labels
from jikimi.workspace.english import LABELS_EN, TEXT_EN
from jikimi.workspace.labels import LABELS, label, lang_of, text
from jikimi.workspace.measure_routes import measure_limits

PACKAGE = Path(labels.__file__).parent
IN_TEMPLATES = re.compile(r"""\bt\(\s*(["'])(.*?)\1""")
IN_CODE = re.compile(r"""(?:text|changed)\(\s*lang,\s*"(.*?)\"""")


def messages() -> set[str]:
    """Every Korean text the templates (`t("…")`) and routes (`text(lang, "…")`) write."""
    found = {
        m.group(2)
        for f in PACKAGE.glob("templates/*.html")
        for m in IN_TEMPLATES.finditer(f.read_text())
    }
    found |= {m.group(1) for f in PACKAGE.glob("*.py") for m in IN_CODE.finditer(f.read_text())}
    return found


def test_every_text_has_its_english() -> None:
    found = messages()
    assert len(found) > 100, "the scan found too few texts"
    assert sorted(found - set(TEXT_EN)) == []
    assert sorted(set(TEXT_EN) - found) == [], "English for a text no page writes"
    for korean, english in TEXT_EN.items():
        holes = set(re.findall(r"\{(\w+)\}", korean))
        assert set(re.findall(r"\{(\w+)\}", english)) == holes, korean


def test_every_code_has_its_english() -> None:
    for group, names in LABELS.items():
        assert set(LABELS_EN.get(group, {})) == set(names), group


def test_words_in_either_language() -> None:
    assert label("very_high", "tier") == "매우 높음"
    assert label("very_high", "tier", "en") == "very high"
    assert label("smartwatch", "measure_kind", "en") == "Smartwatch"
    assert label("new_kind", "tier", "en") == "new_kind"
    assert text("ko", "기한 {at}", at="2026-03-01") == "기한 2026-03-01"
    assert text("en", "기한 {at}", at="2026-03-01") == "due 2026-03-01"
    assert text("en", "not in the catalogue") == "not in the catalogue"
    assert (lang_of("en"), lang_of("ko"), lang_of("fr"), lang_of(None)) == ("en", "ko", "ko", "ko")


def test_measure_limits_in_words() -> None:
    watch = MeasureKind(SafetyMeasure.SMARTWATCH, "t", 30, None, 30)
    assert measure_limits(watch) == "최대 30일 · 연장 1회 30일 이내, 횟수 제한 없음"
    guard = MeasureKind(SafetyMeasure.PRIVATE_SECURITY, "t", 14, 1, 14)
    assert measure_limits(guard) == "최대 14일 · 연장 1회 (1회 14일 이내)"
    assert measure_limits(guard, "en") == "at most 14 days · 1 extension(s) (up to 14 days each)"
    escort = MeasureKind(SafetyMeasure.ESCORT, "t", 3, 0, None)
    assert measure_limits(escort) == "최대 3일 · 연장 불가"
