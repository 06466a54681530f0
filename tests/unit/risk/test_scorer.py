"""The shipped artefact: loads from the package, scores, explains, carries its card."""

from __future__ import annotations

import math

import pytest

from jikimi.core.errors import Invalid
from jikimi.risk.features import FEATURES
from jikimi.risk.rules import QUESTIONNAIRE_KEYS, Tier, tier_of
from jikimi.risk.scorer import FACTOR_LABELS_KO, MODELS_DIR, Assessment, History, Scorer

ANSWERS: dict[str, bool | int | None] = {
    "threat_to_kill": True, "weapon_threat": False, "gun_access": False, "strangulation": True,
    "separation": True, "escalation": True, "stalking_behaviours": 3, "jealousy_control": True,
    "substance_abuse": False, "unemployed": False, "prior_violence": True,
    "children_in_home": False, "stepchild": False, "victim_fear": 4,
}  # fmt: skip
NOTE = "헤어진 뒤 집 앞에서 기다림. 가해자가 목을 졸랐다고 진술함. 피해자는 매우 두려워함."


def test_the_shipped_version_is_current(scorer: Scorer) -> None:
    current = (MODELS_DIR / "CURRENT").read_text(encoding="utf-8").strip()
    assert scorer.version == current
    assert Scorer.load(MODELS_DIR / current).version == current


def test_a_dangerous_case_scores_high_with_its_reasons(scorer: Scorer) -> None:
    result = scorer.score(ANSWERS, NOTE, History(contact_violations=2, days_since_last_violation=3))
    assert isinstance(result, Assessment)
    assert 0 < result.probability < 1
    assert result.tier is tier_of(result.probability)
    assert result.tier >= Tier.HIGH
    assert result.model_version == scorer.version
    names = [f.name for f in result.factors]
    assert "strangulation" in names
    assert all(name in FEATURES for name in names)
    assert len(result.factors) <= 5
    sizes = [abs(f.contribution) for f in result.factors]
    assert sizes == sorted(sizes, reverse=True)


def test_contributions_add_up_to_the_logit(scorer: Scorer) -> None:
    quiet = scorer.score(
        {k: False for k in QUESTIONNAIRE_KEYS if k not in ("victim_fear", "stalking_behaviours")},
        None,
        History(),
    )
    dangerous = scorer.score(ANSWERS, NOTE, History(contact_violations=2))
    assert quiet.probability < dangerous.probability
    logit = math.log(dangerous.probability / (1 - dangerous.probability))
    assert sum(f.contribution for f in dangerous.factors) < logit + 10  # same scale, sane size


def test_nothing_known_still_scores(scorer: Scorer) -> None:
    result = scorer.score({}, None, History())
    assert 0 < result.probability < 1


def test_bad_answers_are_invalid(scorer: Scorer) -> None:
    with pytest.raises(Invalid):
        scorer.score({"victim_fear": 9}, None, History())
    with pytest.raises(Invalid):
        scorer.score({"shouting": True}, None, History())


def test_the_card_describes_the_model(scorer: Scorer) -> None:
    card = scorer.card()
    assert card["version"] == scorer.version
    for name in ("lightgbm_calibrated", "checklist_grade", "checklist_count", "da_unit_weighted"):
        assert {"auc", "auc_lo", "auc_hi"} <= set(card["metrics"][name])
    assert {"sex", "age_band", "region"} <= set(card["groups"])
    assert card["known_limits"]
    assert (MODELS_DIR / scorer.version / "calibration.png").stat().st_size > 1000


def test_every_factor_has_a_korean_label() -> None:
    assert set(FACTOR_LABELS_KO) == set(FEATURES)
