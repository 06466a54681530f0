"""The risk scorer the service uses: a shipped, versioned LightGBM model and its calibration.

`Scorer.load()` reads the artefact that ships in the package (`models/CURRENT` names it);
nothing happens at import time, and the Korean analyser is built on the first note (about
a second; call `warm()` at start-up to pay it then). `score()` turns the questionnaire,
the note and the case's history into a calibrated 90-day probability, a tier, and the
factors that drove it: SHAP contributions on the calibrated log-odds scale, so that the
intercept plus every contribution is the logit of the probability.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from jikimi.risk.features import FEATURES, feature_row, kiwi, monotone_vector
from jikimi.risk.rules import Assessment, Factor, History, tier_of, validate_answers

if TYPE_CHECKING:
    import lightgbm

__all__ = ["FACTOR_LABELS_KO", "MODELS_DIR", "Assessment", "Factor", "History", "Scorer"]

MODELS_DIR = Path(__file__).parent / "models"
TOP_FACTORS = 5
_NEGLIGIBLE = 0.01  # log-odds; smaller contributions are not worth an officer's attention

FACTOR_LABELS_KO: dict[str, str] = {
    "threat_to_kill": "살해 위협",
    "weapon_threat": "흉기 위협",
    "gun_access": "총기 접근 가능",
    "strangulation": "목 조름",
    "separation": "이별·별거",
    "escalation": "폭력의 심화",
    "jealousy_control": "집착·통제",
    "substance_abuse": "음주·약물 문제",
    "unemployed": "가해자 실직",
    "prior_violence": "과거 폭력",
    "children_in_home": "자녀 동거",
    "stepchild": "의붓자녀",
    "stalking_behaviours": "스토킹 행위 수",
    "victim_fear": "피해자 두려움",
    "answers_unknown": "모름 응답 수",
    "reports": "신고 이력",
    "contact_violations": "연락 금지 위반",
    "proximity_violations": "접근 금지 위반",
    "days_since_last_violation": "최근 위반 후 경과일",
    "order_extensions": "조치 연장",
    "device_tamper": "전자장치 훼손",
    "note_threat_to_kill": "상담 기록: 살해 위협",
    "note_weapon": "상담 기록: 흉기",
    "note_strangulation": "상담 기록: 목 조름",
    "note_suicide_threat": "상담 기록: 자살·자해 위협",
    "note_sexual_violence": "상담 기록: 성폭력",
    "note_pregnancy": "상담 기록: 임신",
    "note_stalking": "상담 기록: 스토킹 행위",
    "note_substance": "상담 기록: 음주·약물",
    "note_fear": "상담 기록: 피해자 두려움",
    "note_separation": "상담 기록: 이별·이혼",
    "note_escalation": "상담 기록: 폭력 심화",
}


class Scorer:
    """A loaded model: score cases, show its card."""

    def __init__(
        self, booster: lightgbm.Booster, a: float, b: float, card: dict[str, Any], version: str
    ) -> None:
        self._booster = booster
        self._a, self._b = a, b
        self._card = card
        self.version = version
        self._lock = threading.Lock()  # LightGBM's predict is not documented as thread-safe

    @classmethod
    def load(cls, path: Path | None = None) -> Scorer:
        """Load a version directory, or a models directory's CURRENT (default: the shipped)."""
        import lightgbm

        path = MODELS_DIR if path is None else path
        if not (path / "model.txt").exists():
            path = path / (path / "CURRENT").read_text(encoding="utf-8").strip()
        booster = lightgbm.Booster(model_str=(path / "model.txt").read_text(encoding="utf-8"))
        if booster.feature_name() != list(FEATURES):
            raise ValueError(f"{path}: the model's features are not this code's FEATURES")
        calibrator = json.loads((path / "calibrator.json").read_text(encoding="utf-8"))
        card = json.loads((path / "card.json").read_text(encoding="utf-8"))
        # The console's model page shows the artefact's plots, served from its directory.
        plots = sorted(p.name for p in path.glob("*.png"))
        card = {**card, "plots": plots, "plots_dir": str(path)} if plots else card
        return cls(booster, float(calibrator["a"]), float(calibrator["b"]), card, card["version"])

    def warm(self) -> None:
        """Build the Korean analyser and load its dictionary now rather than on the first
        note (several seconds on a slow machine: the first assessment after a start would
        wait for it)."""
        kiwi().tokenize("협박을 받았다")

    def score(
        self, answers: Mapping[str, bool | int | None], note: str | None, history: History
    ) -> Assessment:
        """Assess one case; an unknown key or a wrong type in `answers` is `Invalid`."""
        row = feature_row(validate_answers(answers), note, history)
        with self._lock:
            # One thread: waking an OpenMP team for one row costs more than the row (p99).
            contributions = self._booster.predict(row[None, :], pred_contrib=True, num_threads=1)[0]
        logit = self._a * float(np.sum(contributions)) + self._b
        probability = 1 / (1 + math.exp(-logit))
        scaled = self._a * np.asarray(contributions[:-1])
        order = np.argsort(-np.abs(scaled), kind="stable")[:TOP_FACTORS]
        factors = tuple(
            Factor(FEATURES[i], round(float(scaled[i]), 4))
            for i in order
            if abs(scaled[i]) >= _NEGLIGIBLE
        )
        return Assessment(round(probability, 6), tier_of(probability), factors, self.version)

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """Calibrated probabilities for many feature rows (evaluation and tests)."""
        margin = np.asarray(self._booster.predict(rows, raw_score=True))
        return np.asarray(1 / (1 + np.exp(-(self._a * margin + self._b))))

    def monotone_constraints(self) -> list[int]:
        """The constraints the model was trained under (`FEATURES` order)."""
        return monotone_vector()

    def card(self) -> dict[str, Any]:
        """The model card as data (the console shows it)."""
        return dict(self._card)
