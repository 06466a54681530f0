"""Features: the questionnaire, the case's history and cues in the Korean consultation note.

One row per assessment, `FEATURES` in order, float64. Unknown yes/no answers are 0.5 —
between no (0) and yes (1) — so that the model's monotone constraints also hold when an
officer turns an unknown into a yes; unknown counts and a missing note are NaN, which
LightGBM routes on its own. Notes are split into morphemes by kiwipiepy, and a cue counts
when its lemmas appear in a sentence without a negation (없다, 않다, 안, 못).
"""

from __future__ import annotations

import math
import re
import threading
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from jikimi.risk.rules import BOOL_ITEMS, INT_ITEMS, QUESTIONNAIRE_KEYS, History

if TYPE_CHECKING:
    from kiwipiepy import Kiwi


HISTORY_FEATURES: tuple[str, ...] = (
    "reports",
    "contact_violations",
    "proximity_violations",
    "days_since_last_violation",
    "order_extensions",
    "device_tamper",
)

# cue → (lemmas any of which marks it, lemmas of which one must also be in the sentence)
NOTE_CUES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "note_threat_to_kill": (frozenset({"죽이", "살해", "살인"}), frozenset()),
    "note_weapon": (frozenset({"흉기", "칼", "망치", "둔기", "낫", "가위"}), frozenset()),
    "note_strangulation": (frozenset({"조르", "졸리", "조이"}), frozenset({"목"})),
    "note_suicide_threat": (frozenset({"자살", "자해"}), frozenset()),
    "note_sexual_violence": (frozenset({"성폭행", "강간", "성폭력", "강요"}), frozenset()),
    "note_pregnancy": (frozenset({"임신", "임산부"}), frozenset()),
    "note_stalking": (
        frozenset({"미행", "따라다니", "기다리", "찾아오", "잠복", "추적", "배회"}),
        frozenset(),
    ),
    "note_substance": (frozenset({"술", "음주", "만취", "취하", "마약", "약물"}), frozenset()),
    "note_fear": (frozenset({"무섭", "두렵", "불안", "공포", "겁"}), frozenset()),
    "note_separation": (frozenset({"헤어지", "이별", "이혼", "별거", "결별"}), frozenset()),
    "note_escalation": (frozenset({"점점", "심해지", "잦아지", "악화"}), frozenset()),
}
NOTE_FEATURES: tuple[str, ...] = tuple(NOTE_CUES)
_NEGATIONS = frozenset({("없", "VA"), ("않", "VX"), ("안", "MAG"), ("못", "MAG"), ("아니", "VCN")})
_SENTENCE_END = frozenset({"SF"})

FEATURES: tuple[str, ...] = (
    *BOOL_ITEMS,
    *INT_ITEMS,
    "answers_unknown",
    *HISTORY_FEATURES,
    *NOTE_FEATURES,
)
INDEX = {name: i for i, name in enumerate(FEATURES)}

# +1: the score may only rise with the feature. Every danger item, count and cue is
# constrained; recency falls with days since the last violation; the rest is free.
MONOTONE: dict[str, int] = {
    **dict.fromkeys(QUESTIONNAIRE_KEYS, 1),
    **dict.fromkeys(("reports", "contact_violations", "proximity_violations"), 1),
    **dict.fromkeys(("order_extensions", "device_tamper"), 1),
    "days_since_last_violation": -1,
    **dict.fromkeys(NOTE_FEATURES, 1),
}


def monotone_vector() -> list[int]:
    """LightGBM's `monotone_constraints`, in `FEATURES` order."""
    return [MONOTONE.get(name, 0) for name in FEATURES]


# kiwipiepy warns on `num_workers=0` that it once meant all cores. The filter is set once
# here, not by `warnings.catch_warnings()` around the call: that saves and restores the
# process's filters, so on the warm-up thread it could drop a filter another thread (FastAPI
# building a route) set meanwhile.
warnings.filterwarnings(
    "ignore", message="behavior of `num_workers=0` is changed", category=DeprecationWarning
)

_kiwi_lock = threading.Lock()
_kiwi: Kiwi | None = None


def kiwi() -> Kiwi:
    """The process's one Kiwi analyser (built on first use; about a second)."""
    global _kiwi
    with _kiwi_lock:
        if _kiwi is None:
            from kiwipiepy import Kiwi

            # 0 means one thread since kiwipiepy 0.21 (it warns that it used to mean all
            # cores): one case at a time has no thread pool to wake.
            _kiwi = Kiwi(num_workers=0)
        return _kiwi


def cues_of_tokens(tokens: Iterable[Any]) -> dict[str, float]:
    """Affirmed cues in one note's tokens (kiwipiepy `Token`s with `form` and `tag`)."""
    found = dict.fromkeys(NOTE_FEATURES, 0.0)
    for sentence in _sentences(tokens):
        lemmas = {form for form, _ in sentence}
        if any(pair in _NEGATIONS for pair in sentence):
            continue
        for name, (any_of, also) in NOTE_CUES.items():
            if lemmas & any_of and (not also or lemmas & also):
                found[name] = 1.0
    return found


def _sentences(tokens: Iterable[Any]) -> Iterator[list[tuple[str, str]]]:
    sentence: list[tuple[str, str]] = []
    for token in tokens:
        sentence.append((token.form, token.tag))
        if token.tag in _SENTENCE_END:
            yield sentence
            sentence = []
    if sentence:
        yield sentence


_SPLIT = re.compile(r"[.!?。\n]+")


def sentences(note: str) -> list[str]:
    """A note's sentences (split at . ! ? and line ends), stripped, empty ones dropped."""
    return [s.strip() for s in _SPLIT.split(note) if s.strip()]


def note_cues(note: str | None, analyser: Kiwi | None = None) -> dict[str, float]:
    """The cues of one note; NaN for every cue when there is no note."""
    if note is None or not note.strip():
        return dict.fromkeys(NOTE_FEATURES, math.nan)
    analyser = analyser or kiwi()
    found = dict.fromkeys(NOTE_FEATURES, 0.0)
    for sentence in sentences(note):
        for name, value in cues_of_tokens(analyser.tokenize(sentence)).items():
            found[name] = max(found[name], value)
    return found


def encode(
    answers: Mapping[str, bool | int | None], cues: Mapping[str, float], history: History
) -> np.ndarray:
    """One feature row (`FEATURES` order) from already extracted note cues."""
    row = np.empty(len(FEATURES), dtype=np.float64)
    unknown = 0
    for i, key in enumerate(BOOL_ITEMS):
        value = answers.get(key)
        if value is None:
            unknown += 1
            row[i] = 0.5
        else:
            row[i] = 1.0 if value else 0.0
    for key in INT_ITEMS:
        value = answers.get(key)
        unknown += value is None
        row[INDEX[key]] = math.nan if value is None else float(value)
    row[INDEX["answers_unknown"]] = unknown
    for key in HISTORY_FEATURES:
        value = getattr(history, key)
        row[INDEX[key]] = math.nan if value is None else float(value)
    for key in NOTE_FEATURES:
        row[INDEX[key]] = cues.get(key, math.nan)
    return row


def feature_row(
    answers: Mapping[str, bool | int | None],
    note: str | None,
    history: History,
    analyser: Kiwi | None = None,
) -> np.ndarray:
    """One assessment's features, the note tokenised on the spot."""
    return encode(answers, note_cues(note, analyser), history)


def feature_matrix(
    answers: Sequence[Mapping[str, bool | int | None]],
    notes: Sequence[str | None],
    histories: Sequence[History],
    workers: int = 0,
) -> np.ndarray:
    """Many assessments at once (training): notes tokenised in a batch over `workers`."""
    from kiwipiepy import Kiwi

    # Each distinct sentence is analysed once: notes repeat phrasings a lot.
    split = [sentences(note) if note else [] for note in notes]
    unique = sorted({s for parts in split for s in parts})
    if workers:
        tokenised: Iterable[Any] = Kiwi(num_workers=workers).tokenize(unique)
    else:  # the process's single-threaded analyser, one sentence at a time
        analyser = kiwi()
        tokenised = (analyser.tokenize(s) for s in unique)
    by_sentence = {s: cues_of_tokens(tokens) for s, tokens in zip(unique, tokenised, strict=True)}
    missing = dict.fromkeys(NOTE_FEATURES, math.nan)
    cues: list[dict[str, float]] = []
    for parts in split:
        if not parts:
            cues.append(missing)
            continue
        found = dict.fromkeys(NOTE_FEATURES, 0.0)
        for part in parts:
            for name, value in by_sentence[part].items():
                found[name] = max(found[name], value)
        cues.append(found)
    return np.vstack([encode(a, c, h) for a, c, h in zip(answers, cues, histories, strict=True)])
