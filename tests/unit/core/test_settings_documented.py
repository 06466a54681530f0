"""Every JIKIMI_* setting is documented in the README, and the README names no phantom one."""

from __future__ import annotations

import re
from pathlib import Path

from jikimi.core.settings import Settings

README = Path(__file__).resolve().parents[3] / "README.md"


def test_readme_documents_every_setting_and_only_real_ones() -> None:
    """A police IT officer configures from the README; it must match the code."""
    text = README.read_text("utf-8")
    real = {f"JIKIMI_{name.upper()}" for name in Settings.model_fields}
    mentioned = set(re.findall(r"JIKIMI_[A-Z_]+[A-Z]", text)) - {"JIKIMI_TEST_DATABASE_URL"}
    assert real - mentioned == set(), "settings missing from the README"
    assert mentioned - real == set(), "README names settings that do not exist"
