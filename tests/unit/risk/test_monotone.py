"""Adding strangulation or a weapon threat never lowers the score."""

from __future__ import annotations

import numpy as np
import pytest

from jikimi.risk.features import INDEX
from jikimi.risk.scorer import History, Scorer

ITEMS = ("strangulation", "weapon_threat", "threat_to_kill", "gun_access")


@pytest.mark.parametrize("item", ITEMS)
def test_no_unknown_yes_order_on_thousands_of_cases(
    scorer: Scorer, fresh_x: np.ndarray, item: str
) -> None:
    x = fresh_x[:5000].copy()
    scores = []
    for value in (0.0, 0.5, 1.0):  # no, unknown, yes
        x[:, INDEX[item]] = value
        scores.append(scorer.probabilities(x))
    assert np.all(scores[1] >= scores[0])
    assert np.all(scores[2] >= scores[1])
    assert np.mean(scores[2] > scores[0]) > 0.5  # and it usually matters


@pytest.mark.parametrize("item", ["strangulation", "weapon_threat"])
@pytest.mark.parametrize("before", [None, False])
def test_through_the_scorer(scorer: Scorer, item: str, before: bool | None) -> None:
    histories = [History(), History(contact_violations=4, days_since_last_violation=1.0)]
    for answers in ({}, {"threat_to_kill": True, "victim_fear": 5}, {"gun_access": False}):
        for history in histories:
            for note in (None, "목을 졸랐다고 함.", "흉기는 없었다고 함."):
                low = scorer.score({**answers, item: before}, note, history)
                high = scorer.score({**answers, item: True}, note, history)
                assert high.probability >= low.probability
                assert high.tier >= low.tier


def test_a_note_mentioning_strangulation_never_lowers_it(scorer: Scorer) -> None:
    plain = scorer.score({}, "피해자와 상담함.", History())
    choked = scorer.score({}, "피해자와 상담함. 가해자가 목을 졸랐다고 함.", History())
    assert choked.probability >= plain.probability
