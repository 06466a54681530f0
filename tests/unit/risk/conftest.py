"""The shipped scorer and a fresh synthetic sample, built once per test session."""

from __future__ import annotations

import numpy as np
import pytest

from jikimi.risk.dataset import Inputs, inputs
from jikimi.risk.features import feature_matrix
from jikimi.risk.scorer import Scorer
from jikimi.risk.synth import synthesize


@pytest.fixture(scope="session")
def scorer() -> Scorer:
    return Scorer.load()


@pytest.fixture(scope="session")
def fresh() -> Inputs:
    """Cases drawn with a seed no shipped model was trained or calibrated on."""
    return inputs(synthesize(30_000, seed=20_260_522))


@pytest.fixture(scope="session")
def fresh_x(fresh: Inputs) -> np.ndarray:
    """The fresh cases' features (notes tokenised once)."""
    return feature_matrix(fresh.answers, fresh.notes, fresh.histories)
