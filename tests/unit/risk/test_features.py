"""Features: unknown answers, the history, and cues in Korean notes (kiwipiepy)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from jikimi.risk.features import (
    FEATURES,
    INDEX,
    MONOTONE,
    NOTE_FEATURES,
    History,
    feature_matrix,
    feature_row,
    monotone_vector,
    note_cues,
    sentences,
)


@pytest.mark.parametrize(
    ("note", "cue"),
    [
        ("가해자가 목을 졸랐다고 진술함.", "note_strangulation"),
        ("다툼 중 목을 졸려 숨쉬기 어려웠다고 함.", "note_strangulation"),
        ("죽여버리겠다는 문자를 여러 차례 받음.", "note_threat_to_kill"),
        ("가해자가 칼을 들고 위협함.", "note_weapon"),
        ("헤어지면 자해하겠다고 말함.", "note_suicide_threat"),
        ("성관계를 강요당한 적이 있다고 진술.", "note_sexual_violence"),
        ("피해자는 현재 임신 중임.", "note_pregnancy"),
        ("퇴근길에 미행하고 따라다님.", "note_stalking"),
        ("술에 취하면 폭력적으로 변함.", "note_substance"),
        ("피해자는 보복이 무섭다고 말함.", "note_fear"),
        ("현재 이혼 소송 중임.", "note_separation"),
        ("최근 폭력이 점점 심해지고 있음.", "note_escalation"),
    ],
)
def test_a_korean_sentence_raises_its_cue(note: str, cue: str) -> None:
    assert note_cues(note)[cue] == 1.0


def test_morphemes_not_strings_a_neck_without_choking_is_no_strangulation() -> None:
    assert note_cues("목이 아프다고 함.")["note_strangulation"] == 0.0


@pytest.mark.parametrize(
    "note",
    [
        "목을 조른 적은 없다고 함.",
        "가해자는 흉기를 사용하지 않았다.",
        "죽이겠다는 말은 안 했다고 함.",
    ],
)
def test_a_denied_sign_is_not_a_cue(note: str) -> None:
    assert sum(note_cues(note).values()) == 0.0


def test_negation_stays_in_its_sentence() -> None:
    cues = note_cues("흉기는 사용하지 않았다고 함. 그러나 목을 졸랐다고 진술함.")
    assert cues["note_weapon"] == 0.0
    assert cues["note_strangulation"] == 1.0


def test_no_note_is_missing_not_zero() -> None:
    assert all(math.isnan(v) for v in note_cues(None).values())
    assert all(math.isnan(v) for v in note_cues("  ").values())


def test_sentences_split_at_stops_and_line_ends() -> None:
    assert sentences("하나. 둘!\n셋? ") == ["하나", "둘", "셋"]


def test_unknown_yes_no_lies_between_no_and_yes() -> None:
    row = feature_row({"strangulation": True, "weapon_threat": False}, None, History())
    assert row[INDEX["strangulation"]] == 1.0
    assert row[INDEX["weapon_threat"]] == 0.0
    assert row[INDEX["threat_to_kill"]] == 0.5
    assert math.isnan(row[INDEX["victim_fear"]])
    assert row[INDEX["answers_unknown"]] == 12


def test_history_features() -> None:
    history = History(reports=2, contact_violations=3, days_since_last_violation=4.5)
    row = feature_row({"victim_fear": 4, "stalking_behaviours": 0}, None, history)
    assert row[INDEX["reports"]] == 2
    assert row[INDEX["contact_violations"]] == 3
    assert row[INDEX["days_since_last_violation"]] == 4.5
    assert row[INDEX["victim_fear"]] == 4
    assert row[INDEX["stalking_behaviours"]] == 0
    assert math.isnan(feature_row({}, None, History())[INDEX["days_since_last_violation"]])


def test_a_batch_gives_the_rows_one_at_a_time_would() -> None:
    answers: list[dict[str, bool | int | None]] = [{"strangulation": True}, {}, {"victim_fear": 2}]
    notes = ["목을 졸랐다. 흉기는 없었다.", None, "집 앞에서 기다림. 피해자는 불안해함."]
    histories = [History(), History(reports=1), History(device_tamper=1)]
    batch = feature_matrix(answers, notes, histories)
    one_by_one = np.vstack(
        [feature_row(a, n, h) for a, n, h in zip(answers, notes, histories, strict=True)]
    )
    np.testing.assert_array_equal(batch, one_by_one)
    assert batch.shape == (3, len(FEATURES))


def test_strangulation_and_weapon_are_monotone_increasing() -> None:
    vector = monotone_vector()
    for name in ("strangulation", "weapon_threat", "threat_to_kill", "note_strangulation"):
        assert vector[INDEX[name]] == 1
    assert MONOTONE["days_since_last_violation"] == -1
    assert set(NOTE_FEATURES) <= set(FEATURES)
