"""Re-scoring: a case whose history changed is assessed again with its last answers."""

from __future__ import annotations

import logging

from jikimi.core.claims import Claims
from jikimi.ports import Clock, UnitOfWork
from jikimi.risk.messages import RescoreCases
from jikimi.risk.ports import RiskScorer
from jikimi.risk.rules import may_override

log = logging.getLogger(__name__)


def rescore_cases(
    cmd: RescoreCases, uow: UnitOfWork, *, clock: Clock, scorer: RiskScorer, claims: Claims
) -> set[str]:
    """Write a `rescore` assessment for each case marked due, from its latest assessment's
    answers and note and its history now.

    The officer's override carries over while it is still at or above the new computed
    tier (it still raises or confirms it); once the evidence alone reaches past it, the
    override has done its work and the new assessment stands without it.
    """
    with uow:
        now = clock.now()
        due = uow.risk.rescore_due(cmd.limit, claims.passed_over)
        claims.claimed = len(due)
        # The victims' locks first, as every pass that writes a case takes them; then the
        # marked rows of the cases held (a case whose victim is busy waits for a later pass).
        victims = uow.cases.victims_of(due)
        held = uow.locks.take(victims.values())
        claims.passed_over.update(c for c in due if victims.get(c) not in held)
        for case_id in uow.risk.claim_rescores([c for c in due if victims.get(c) in held]):
            latest = uow.risk.latest(case_id)
            if latest is not None:
                history = uow.risk.history(case_id, now)
                result = scorer.score(latest.answers, latest.note, history)
                kept = latest.override
                if kept is not None and not may_override(result.tier, kept.tier):
                    kept = None
                uow.risk.add(case_id, result, latest, now, kept)
                log.info(
                    "case re-scored", extra={"case_id": case_id}
                )  # its tier stays in the database
            uow.risk.clear_rescore_due(case_id)
        uow.commit()
    return set()  # no alert changed
