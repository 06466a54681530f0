"""The engine's case repository over SQLAlchemy: a victim's cases, their orders, the
perpetrator's numbers and each case's risk tier. It never commits."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import String, Text, bindparam, cast, func, literal, null, select, union_all
from sqlalchemy.orm import Session

from jikimi.cases import tables as cases_tables
from jikimi.cases.orders import OrderWindow, StatutePack
from jikimi.cases.tables import Order, PersonPhone
from jikimi.contacts.rules import CaseFacts, NumberSpan
from jikimi.core import sealing as crypto
from jikimi.core.tables import UtcDateTime, table_of
from jikimi.risk.repo import effective_tier
from jikimi.risk.rules import Tier
from jikimi.risk.tables import RiskAssessmentRow

_C, _O, _P = table_of(cases_tables.Case).c, table_of(Order).c, table_of(PersonPhone).c
_R = table_of(RiskAssessmentRow).c
# The case's effective risk tier (override applied), as `effective_tier` reads it.
_TIER = (
    select(func.coalesce(_R.override_tier, _R.tier))
    .where(_R.case_id == _C.id)
    .order_by(_R.assessed_at.desc(), _R.id.desc())
    .limit(1)
    .scalar_subquery()
)
# A victim's cases in one round trip: a row per order ("o": kind, window, the case's tier)
# and a row per number of the perpetrator ("p": phone id, sealed number, validity).
FACT_PARTS = (
    select(
        literal("o").label("part"),
        _C.id.label("case_id"),
        _O.kind.label("ref"),
        cast(null(), Text()).label("sealed"),
        _O.starts_at.label("t1"),
        _O.ends_at.label("t2"),
        _O.revoked_at.label("t3"),
        _TIER.label("tier"),
    )
    .select_from(table_of(cases_tables.Case).outerjoin(table_of(Order), _O.case_id == _C.id))
    .where(_C.victim_id == bindparam("victim_id")),
    select(
        literal("p"),
        _C.id,
        _P.id,
        _P.e164,
        _P.valid_from,
        _P.valid_to,
        cast(null(), UtcDateTime()),
        cast(null(), String()),
    )
    .select_from(
        table_of(cases_tables.Case).join(table_of(PersonPhone), _P.person_id == _C.perpetrator_id)
    )
    .where(_C.victim_id == bindparam("victim_id")),
)
_CASE_FACTS = union_all(*FACT_PARTS)


class SqlCases:
    """Case facts for the rules."""

    def __init__(self, session: Session, pack: StatutePack) -> None:
        self.s, self.pack = session, pack
        self._facts: dict[str, list[CaseFacts]] = {}
        self._tiers: dict[str, Tier | None] = {}

    def facts_for_victim(self, victim_id: str) -> list[CaseFacts]:
        """Each case of this victim with its orders and the perpetrator's numbers (and,
        for `risk_tier`, each case's tier), in one query.

        Kept for the unit of work: a batch judges many events of the same victim.
        """
        if victim_id not in self._facts:
            self.remember(victim_id, self.s.execute(_CASE_FACTS, {"victim_id": victim_id}))
        return self._facts[victim_id]

    def knows(self, victim_id: str) -> bool:
        """Whether this victim's facts were read in this unit of work."""
        return victim_id in self._facts

    def remember(self, victim_id: str, rows: Iterable[Any]) -> None:
        """Keep the facts `_CASE_FACTS` read for this victim."""
        orders: dict[str, list[OrderWindow]] = {}
        numbers: dict[str, list[NumberSpan]] = {}
        ring = crypto.ring()
        for row, case_id, ref, sealed, t1, t2, t3, tier in rows:
            windows = orders.setdefault(case_id, [])
            spans = numbers.setdefault(case_id, [])
            if row == "o":
                self._tiers[case_id] = Tier(tier) if tier else None
                if ref is not None and ref in self.pack.kinds:
                    windows.append(OrderWindow(self.pack.get(ref), t1, t2, t3))
            else:
                # Opened as the model's attribute would (same associated data).
                e164 = ring.open(sealed, f"person_phones.e164:{ref}")
                assert e164 is not None
                spans.append(NumberSpan(e164, t1, t2))
        facts = [
            CaseFacts(case_id, tuple(windows), tuple(numbers[case_id]))
            for case_id, windows in sorted(orders.items())
        ]
        self._facts[victim_id] = facts

    def victims_of(self, case_ids: Collection[str]) -> dict[str, str]:
        """Case id → its victim's id."""
        if not case_ids:
            return {}
        q = select(_C.id, _C.victim_id).where(_C.id.in_(sorted(case_ids)))
        return {case_id: victim_id for case_id, victim_id in self.s.execute(q)}

    def risk_tier(self, case_id: str) -> Tier | None:
        """The latest assessment's effective tier (override applied), or None; read with
        the case's facts when they were read in this unit of work."""
        if case_id in self._tiers:
            return self._tiers[case_id]
        return effective_tier(self.s, case_id)
