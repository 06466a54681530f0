"""Case tables on disk (CSV, or Parquet when pyarrow is installed) and their model inputs.

Offline only. A table is columns by name; unknown answers and missing notes are empty.
"""

from __future__ import annotations

import csv
import gzip
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np

from jikimi.risk.features import HISTORY_FEATURES
from jikimi.risk.rules import BOOL_ITEMS, INT_ITEMS, QUESTIONNAIRE_KEYS, ChecklistHistory, History

Columns = dict[str, list[Any]]
GROUPS = ("sex", "age_band", "region")
_BOOL_COLUMNS = (*BOOL_ITEMS, "reoffended_90d")
_INT_COLUMNS = (*INT_ITEMS, *(h for h in HISTORY_FEATURES if h != "days_since_last_violation"))
_FLOAT_COLUMNS = ("days_since_last_violation", "logodds_signs")


def write_table(cols: Mapping[str, Sequence[Any]], path: Path) -> None:
    """Write columns to `path` (.csv, .csv.gz or .parquet)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".parquet":
        import pyarrow as pa  # type: ignore[import-not-found,unused-ignore]
        import pyarrow.parquet as pq  # type: ignore[import-not-found,unused-ignore]

        pq.write_table(pa.table({k: list(v) for k, v in cols.items()}), path)
        return
    names = list(cols)
    with _open(path, "w") as out:
        writer = csv.writer(out)
        writer.writerow(names)
        for row in zip(*(cols[n] for n in names), strict=True):
            writer.writerow(
                ["" if v is None else int(v) if isinstance(v, bool) else v for v in row]
            )


def read_table(path: Path) -> Columns:
    """Read a table written by `write_table` back into typed columns."""
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return {k: list(v) for k, v in pq.read_table(path).to_pydict().items()}
    with _open(path, "r") as src:
        reader = csv.reader(src)
        names = next(reader)
        raw: list[list[str]] = [[] for _ in names]
        for row in reader:
            for column, value in zip(raw, row, strict=True):
                column.append(value)
    cols: Columns = {}
    for name, values in zip(names, raw, strict=True):
        cols[name] = [_parse(name, v) for v in values]
    return cols


def _parse(name: str, value: str) -> Any:
    if value == "":
        return None
    if name in _BOOL_COLUMNS:
        return value in ("1", "True", "true")
    if name in _INT_COLUMNS:
        return int(value)
    if name in _FLOAT_COLUMNS:
        return float(value)
    return value


def _open(path: Path, mode: str) -> IO[str]:
    if path.name.endswith(".gz"):
        return gzip.open(path, mode + "t", encoding="utf-8", newline="")  # type: ignore[return-value]  # text mode yields a TextIOWrapper
    return path.open(mode, encoding="utf-8", newline="")


@dataclass(frozen=True)
class Inputs:
    """What the scorer sees for each case, plus the outcome and the groups."""

    answers: list[dict[str, bool | int | None]]
    notes: list[str | None]
    histories: list[History]
    outcome: np.ndarray
    groups: dict[str, list[str]]

    def take(self, index: np.ndarray) -> Inputs:
        """The cases at `index`."""
        return Inputs(
            answers=[self.answers[i] for i in index],
            notes=[self.notes[i] for i in index],
            histories=[self.histories[i] for i in index],
            outcome=self.outcome[index],
            groups={k: [v[i] for i in index] for k, v in self.groups.items()},
        )

    def checklist_histories(self) -> list[ChecklistHistory]:
        """The history items of the police checklist."""
        return [
            ChecklistHistory(
                reports=h.reports,
                violations=h.contact_violations + h.proximity_violations,
                device_tamper=h.device_tamper,
            )
            for h in self.histories
        ]


def inputs(cols: Columns) -> Inputs:
    """A table's columns as scorer inputs."""
    n = len(cols["reoffended_90d"])
    answers = [{k: cols[k][i] for k in QUESTIONNAIRE_KEYS if k in cols} for i in range(n)]
    histories = []
    for i in range(n):
        days = cols["days_since_last_violation"][i]
        values = {k: cols[k][i] or 0 for k in HISTORY_FEATURES if k != "days_since_last_violation"}
        histories.append(
            History(
                **values,
                days_since_last_violation=None if days is None or math.isnan(days) else days,
            )
        )
    notes = [note or None for note in cols["note"]]
    return Inputs(
        answers=answers,
        notes=notes,
        histories=histories,
        outcome=np.asarray(cols["reoffended_90d"], dtype=bool),
        groups={g: [str(v) for v in cols[g]] for g in GROUPS if g in cols},
    )
