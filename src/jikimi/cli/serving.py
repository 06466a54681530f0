"""How a long-running Jikimi process serves: which processes a database allows, uvicorn's
options and the collector."""

from __future__ import annotations

from typing import Any

import typer

from jikimi.core.db import is_sqlite
from jikimi.core.settings import Settings

_PG_HINT = "JIKIMI_DATABASE_URL=postgresql+psycopg://…"


def refusal(settings: Settings, *, worker_only: bool = False) -> str | None:
    """Why this long-running process may not start on the settings' database, or None.

    SQLite is the one-process deployment: `jikimi serve` judges what it stores in its
    own process. A separate `jikimi worker` (`worker_only`), or an API process that
    leaves the judging to one (`JIKIMI_WORKER=false`), needs PostgreSQL, which several
    processes share.
    """
    if not is_sqlite(settings.database_url):
        return None
    if worker_only:
        return (
            "`jikimi worker` runs beside API processes, and several processes need "
            f"PostgreSQL ({_PG_HINT}); on SQLite, `jikimi serve` judges in its own process"
        )
    if not settings.worker:
        return (
            "JIKIMI_WORKER=false leaves the judging to a separate `jikimi worker`, and "
            f"several processes need PostgreSQL ({_PG_HINT}); on SQLite, run `jikimi serve` "
            "with JIKIMI_WORKER unset: it judges in its own process"
        )
    return None


def allowed_settings(*, worker_only: bool = False) -> Settings:
    """The settings from the environment, unless this long-running process may not start
    on their database (`refusal`, said on stderr; exit status 2)."""
    settings = Settings()
    refused = refusal(settings, worker_only=worker_only)
    if refused is not None:
        typer.echo(f"refused: {refused}", err=True)
        raise typer.Exit(2)
    return settings


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """How uvicorn serves Jikimi: quiet (no access log: it would name people's requests),
    and a client's address from X-Forwarded-For only when a trusted proxy sends it (the
    login limit counts per address)."""
    proxies = settings.trusted_proxies
    return {
        "log_level": "warning",
        "access_log": False,
        "proxy_headers": bool(proxies),
        "forwarded_allow_ips": proxies or None,
    }


def long_running() -> None:
    """Tune the interpreter for a server. The garbage collector: what startup built
    (modules, the app, the model) lives for the process, so the collector stops walking
    it (gc.freeze), and collects young objects in larger steps (the judge allocates many
    short-lived objects per batch; with the defaults the collector took about a quarter
    of its CPU). The GIL's switch interval: below."""
    import gc
    import sys

    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 100)
    # A request thread that waits on the database (each statement and commit lets go of
    # the GIL) gets it back only when the thread holding it has run for the switch
    # interval. With the judge computing in the same process, 5 ms (the default) per
    # statement stretched the write lock's hold times into a queue of seconds;
    # bench/README.md (ingest) has the figures for 0.5 ms.
    sys.setswitchinterval(0.0005)
