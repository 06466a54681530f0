"""A jurisdiction pack's list with one entry per kind (safety measures' limits, support
limits): read the same way for every feature that keeps one, so a typo in the pack stops
the server at start with the section and key named, never at a request."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any, TypeVar

K = TypeVar("K", bound=StrEnum)
T = TypeVar("T")


def one_per_kind(
    section: str,
    raw: object,
    kinds: type[K],
    fields: set[str],
    make: Callable[..., T],
    missing: str,
) -> dict[K, T]:
    """`raw` (the pack's `section`) as {kind: make(**entry)}: every kind of `kinds` exactly
    once, only `fields`; else ValueError naming the section (`missing` begins the message
    for kinds without an entry)."""
    if not isinstance(raw, list | tuple):
        raise ValueError(f"{section} must be a list")
    out: dict[K, T] = {}
    for entry in raw:
        if not isinstance(entry, Mapping):
            raise ValueError(f"each of {section} must be an object")
        unknown = sorted(set(entry) - fields)
        if unknown:
            raise ValueError(f"{section}: unknown key(s) {', '.join(unknown)}")
        name: Any = entry.get("kind")
        if name not in set(kinds):
            raise ValueError(f"{section}: unknown kind {name!r}")
        kind = kinds(name)
        if kind in out:
            raise ValueError(f"{section}: {kind} appears twice")
        try:
            out[kind] = make(**{**entry, "kind": kind})
        except TypeError as exc:  # a missing key
            raise ValueError(f"{section}: {kind}: {exc}") from None
    absent = sorted(set(kinds) - set(out))
    if absent:
        raise ValueError(f"{section}: {missing} {', '.join(absent)}")
    return out
