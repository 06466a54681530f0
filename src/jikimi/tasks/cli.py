"""`jikimi tasks …`: run the scheduling pass by hand."""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(help="Tasks: the scheduling pass.", no_args_is_help=True)


@app.command()
def plan(
    limit: Annotated[int, typer.Option(help="at most this many of each kind per pass")] = 500,
    max_passes: Annotated[int, typer.Option(help="stop after this many passes")] = 10_000,
) -> None:
    """Run scheduling passes until nothing more is owed. The worker runs one pass every
    JIKIMI_TASK_PLAN_S; on a database that already holds many cases, run this once before
    the server starts, so every review and follow-up is written at once."""
    from jikimi.bootstrap import build
    from jikimi.core.tx import reading
    from jikimi.tasks import owed
    from jikimi.tasks.messages import PlanTasks

    c = build()
    policy = c.deps["follow_up_policy"]
    passes = 0
    try:
        while passes < max_passes:
            now = c.clock.now()
            with reading(c.read_sessions) as s:
                if not owed.anything_owed(s, now, owed.since(now, policy.period_days)):
                    break
            c.bus.handle(PlanTasks(limit))
            passes += 1
    finally:
        c.close()
    typer.echo(
        f"{passes} scheduling passes; nothing more is owed"
        if passes < max_passes
        else f"stopped after {passes} passes; more is owed"
    )
