"""How a long-running Jikimi process serves: uvicorn's options and the collector."""

from __future__ import annotations

from typing import Any

from jikimi.core.settings import Settings


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
