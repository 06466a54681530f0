"""A fake of the cases' port: case facts in a dict."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from jikimi.contacts.rules import CaseFacts
from jikimi.risk.rules import Tier

if TYPE_CHECKING:
    from tests.unit.fakes import State


class FakeCases:
    """Case facts over `State.cases`."""

    def __init__(self, state: State) -> None:
        self.state = state

    def facts_for_victim(self, victim_id: str) -> list[CaseFacts]:
        """Every case of this victim."""
        return [facts for victim, facts in self.state.cases.values() if victim == victim_id]

    def victims_of(self, case_ids: Collection[str]) -> dict[str, str]:
        """Case id → its victim."""
        return {c: self.state.cases[c][0] for c in case_ids if c in self.state.cases}

    def risk_tier(self, case_id: str) -> Tier | None:
        """The latest assessment's effective tier."""
        done = self.state.assessments.get(case_id)
        if not done:
            return None
        latest = done[-1]
        return latest.override.tier if latest.override else latest.tier
