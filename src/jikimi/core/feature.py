"""What a feature package registers: its routes, message handlers, tables, inboxes, timers
and CLI commands. `jikimi.features` lists the features; the app, the bus, the worker,
Alembic and the `jikimi` command are built from that list, so adding a feature is a new
package with a `feature.py` and one line there.

Handlers take the command and a unit of work, then keyword-only dependencies by name
(`clock`, `policy`, the worker's `claims` for that inbox, ...): `inject` binds them once,
when the bus is built, so commands stay plain data.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

# handler(command, unit of work, **dependencies) -> ids of the alerts it changed
Handler = Callable[..., set[str]]


@dataclass(frozen=True)
class Inbox:
    """Durable work a worker drains batch after batch with `command(settings)`.

    `waiting`: a SQL boolean expression (an EXISTS) that says whether anything waits; the
    worker asks every inbox's at once, in one query. `ready`: for work that is in memory
    rather than in a table, a check whose dependencies are injected by name.
    `escalate_between`: escalate due alerts between this inbox's batches, so a flood
    cannot hold escalation back.
    """

    name: str
    command: Callable[[Any], Any]
    waiting: Any = None
    ready: Callable[..., bool] | None = None
    escalate_between: bool = False


@dataclass(frozen=True)
class Timer:
    """A command sent every `every_s(settings)` seconds by the worker (what it looks at
    lives in the database, so the timer is durable); `command` is given the settings."""

    every_s: Callable[[Any], float]
    command: Callable[[Any], Any]


@dataclass(frozen=True)
class Feature:
    """One capability's registrations (every part optional)."""

    name: str
    routers: Sequence[Any] = ()
    handlers: Mapping[type[Any], Handler] = field(default_factory=dict)
    # The handler that retries a failed batch item by item, where a feature has one.
    one_by_one: Mapping[type[Any], Handler] = field(default_factory=dict)
    tables: ModuleType | None = None
    inboxes: Sequence[Inbox] = ()
    timers: Sequence[Timer] = ()
    # `jikimi NAME ...`: (NAME, "module:attribute" of its typer app), imported only by the
    # `jikimi` command (the server never imports the CLI, nor what it imports: training)
    commands: Sequence[tuple[str, str]] = ()


class MissingDependency(LookupError):
    """A handler asks for a dependency the bootstrap does not provide."""


def inject(fn: Callable[..., Any], deps: Mapping[str, Any]) -> Callable[..., Any]:
    """`fn` with its keyword-only parameters bound from `deps` by name (all of them: a
    missing one fails when the bus is built, not when the first command arrives)."""
    wanted = [
        p.name
        for p in inspect.signature(fn).parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    ]
    missing = [n for n in wanted if n not in deps]
    if missing:
        raise MissingDependency(f"{fn.__qualname__} needs {', '.join(missing)}")
    return functools.partial(fn, **{n: deps[n] for n in wanted})
