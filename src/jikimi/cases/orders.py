"""Protective-order kinds (held as data) and the statutory limits on their windows."""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo


class OrderStatus(StrEnum):
    """Where an order stands at a given instant."""

    SCHEDULED = "scheduled"
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


class OrderRuleError(ValueError):
    """A window or extension the statute does not allow; the message names the limit."""


@dataclass(frozen=True)
class OrderKind:
    """One kind of protective order and its statutory limits."""

    kind: str
    statute: str
    title: str
    title_en: str = ""  # the English beside the Korean (empty: the Korean is shown)
    statute_en: str = ""
    no_contact: bool = False
    distance_m: int | None = None
    electronic_monitoring: bool = False
    detention: bool = False
    removal: bool = False
    max_months: int | None = None
    max_hours: int | None = None
    max_extensions: int | None = None  # None: no limit on the count, only on the total
    extension_months: int | None = None
    total_max_months: int | None = None
    in_force_from: date | None = None


@dataclass(frozen=True)
class StatutePack:
    """The order kinds of one jurisdiction, and the time zone its calendar months use.

    The scheduling sections stay raw here so that cases depends on no later feature:
    `jikimi.tasks.rules` parses `holidays` and `follow_up`, `jikimi.measures.rules` parses
    `safety_measures`, `jikimi.support.rules` parses `support`, `jikimi.stats.rules`
    parses `caseload` and `jikimi.patrols.rules` parses `patrol`.
    """

    jurisdiction: str
    tz: ZoneInfo
    kinds: dict[str, OrderKind] = field(default_factory=dict)
    holidays: str | None = None
    follow_up: dict[str, Any] = field(default_factory=dict)
    safety_measures: tuple[dict[str, Any], ...] = ()
    support: tuple[dict[str, Any], ...] = ()
    caseload: dict[str, Any] = field(default_factory=dict)
    patrol: dict[str, Any] = field(default_factory=dict)

    def get(self, kind: str) -> OrderKind:
        """Return the kind or raise OrderRuleError naming the unknown kind."""
        try:
            return self.kinds[kind]
        except KeyError:
            raise OrderRuleError(f"unknown order kind {kind!r}") from None


def _kind_from(raw: dict[str, Any]) -> OrderKind:
    data = dict(raw)
    if data.get("in_force_from"):
        data["in_force_from"] = date.fromisoformat(data["in_force_from"])
    return OrderKind(**data)


def load_pack(name: str = "kr") -> StatutePack:
    """Load a jurisdiction's statute pack from the JSON shipped with the package."""
    text = resources.files("jikimi.cases").joinpath("packs", f"{name}.json").read_text("utf-8")
    raw = json.loads(text)
    kinds = {k["kind"]: _kind_from(k) for k in raw["kinds"]}
    return StatutePack(
        raw["jurisdiction"],
        ZoneInfo(raw["timezone"]),
        kinds,
        holidays=raw.get("holidays"),
        follow_up=raw.get("follow_up", {}),
        safety_measures=tuple(raw.get("safety_measures", ())),
        support=tuple(raw.get("support", ())),
        caseload=raw.get("caseload", {}),
        patrol=raw.get("patrol", {}),
    )


def add_months(day: date, months: int) -> date:
    """The same calendar date `months` later; the month's last day when it has no such date.

    Civil Act §160: a period in months ends on the day before the corresponding date, and
    on the last day of the month when there is no corresponding date. We allow the window
    to run through the corresponding date itself, as the design states.
    """
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_limit(start: datetime, months: int, tz: ZoneInfo) -> datetime:
    """The latest instant a window of `months` calendar months from `start` may end."""
    local = start.astimezone(tz).date()
    last_day = add_months(local, months)
    return datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=tz)


def check_window(kind: OrderKind, starts_at: datetime, ends_at: datetime, tz: ZoneInfo) -> None:
    """Raise OrderRuleError when the window breaks the kind's statute."""
    if ends_at <= starts_at:
        raise OrderRuleError("ends_at must be after starts_at")
    if kind.in_force_from and starts_at.astimezone(tz).date() < kind.in_force_from:
        raise OrderRuleError(
            f"{kind.kind} ({kind.statute}) is in force only from {kind.in_force_from.isoformat()}"
        )
    if kind.max_hours is not None and ends_at - starts_at > timedelta(hours=kind.max_hours):
        raise OrderRuleError(f"{kind.kind} lasts at most {kind.max_hours} hours ({kind.statute})")
    if kind.max_months is not None and ends_at > months_limit(starts_at, kind.max_months, tz):
        raise OrderRuleError(
            f"{kind.kind} lasts at most {kind.max_months} month(s) ({kind.statute})"
        )


def check_extension(
    kind: OrderKind,
    starts_at: datetime,
    current_end: datetime,
    new_end: datetime,
    extensions_so_far: int,
    tz: ZoneInfo,
) -> None:
    """Raise OrderRuleError when one more extension to `new_end` breaks the statute."""
    if kind.extension_months is None or kind.max_extensions == 0:
        raise OrderRuleError(f"{kind.kind} cannot be extended ({kind.statute})")
    if kind.max_extensions is not None and extensions_so_far >= kind.max_extensions:
        raise OrderRuleError(
            f"{kind.kind} allows at most {kind.max_extensions} extension(s) ({kind.statute})"
        )
    if new_end <= current_end:
        raise OrderRuleError("an extension must end after the order's current end")
    if new_end > months_limit(current_end, kind.extension_months, tz):
        raise OrderRuleError(
            f"each extension of {kind.kind} is at most {kind.extension_months} month(s)"
            f" ({kind.statute})"
        )
    if kind.total_max_months is not None and new_end > months_limit(
        starts_at, kind.total_max_months, tz
    ):
        raise OrderRuleError(
            f"{kind.kind} lasts at most {kind.total_max_months} months in all ({kind.statute})"
        )


@dataclass(frozen=True)
class OrderWindow:
    """The facts of one order needed to judge an event at some instant."""

    kind: OrderKind
    starts_at: datetime
    ends_at: datetime
    revoked_at: datetime | None = None

    def status_at(self, at: datetime) -> OrderStatus:
        """The order's status at `at`."""
        if self.revoked_at is not None and at >= self.revoked_at:
            return OrderStatus.REVOKED
        if at < self.starts_at:
            return OrderStatus.SCHEDULED
        if at < self.ends_at:
            return OrderStatus.ACTIVE
        return OrderStatus.EXPIRED

    def in_force_at(self, at: datetime) -> bool:
        """True when the order protects the victim at `at`."""
        return self.status_at(at) is OrderStatus.ACTIVE
