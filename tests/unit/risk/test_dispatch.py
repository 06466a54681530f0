"""The dispatcher's risk words: coarse groups that name neither an answer nor a note cue."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

import jikimi.web
from jikimi.risk.dispatch import COARSE_FACTORS, coarse_factors, group_of
from jikimi.risk.features import FEATURES
from jikimi.risk.scorer import FACTOR_LABELS_KO


def test_every_feature_of_the_model_has_a_coarse_group() -> None:
    """A factor the model can name falls in a group a dispatcher may read; none is a
    feature's own name, and only the unknown fall to `other`."""
    for name in FEATURES:
        assert group_of(name) in COARSE_FACTORS
        assert group_of(name) != "other", name
    assert not set(COARSE_FACTORS) & set(FEATURES)
    assert not set(COARSE_FACTORS) & set(FACTOR_LABELS_KO)


def test_every_note_cue_is_a_consultation_concern() -> None:
    cues = [name for name in FEATURES if name.startswith("note_")]
    assert cues
    assert {group_of(name) for name in cues} == {"consultation_concerns"}


def test_an_unknown_factor_fails_closed_to_other() -> None:
    assert group_of("a_feature_added_later") == "other"


def test_groups_are_summed_shown_only_when_they_raise_the_risk_strongest_first() -> None:
    factors = [
        {"name": "strangulation", "contribution": 0.61},
        {"name": "note_suicide_threat", "contribution": 0.4},
        {"name": "prior_violence", "contribution": 0.2},
        {"name": "threat_to_kill", "contribution": -0.3},
        {"name": "note_sexual_violence", "contribution": 0.06},
    ]
    assert coarse_factors(factors) == [
        {"name": "severe_violence", "contribution": 0.8},
        {"name": "consultation_concerns", "contribution": 0.5},
    ]


@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "name": st.sampled_from([*FEATURES, "unknown"]),
                "contribution": st.floats(-5, 5, allow_nan=False),
            }
        ),
        max_size=12,
    )
)
def test_no_answer_or_cue_name_ever_comes_through(factors: list[dict[str, object]]) -> None:
    out = coarse_factors(factors)
    assert {f["name"] for f in out} <= set(COARSE_FACTORS)
    assert len({f["name"] for f in out}) == len(out)
    assert all(isinstance(f["contribution"], float) for f in out)


def test_the_console_names_every_group_in_both_languages() -> None:
    """The console shows a factor by its `factor.NAME` string: each coarse group has its
    Korean and English words there, the same as this table's."""
    i18n = (Path(jikimi.web.__file__).parent / "static" / "i18n.js").read_text("utf-8")
    for name, (korean, english) in COARSE_FACTORS.items():
        assert f'"factor.{name}": "{korean}",' in i18n
        assert f'"factor.{name}": "{english}",' in i18n
