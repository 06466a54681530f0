"""How a long-running Jikimi process serves: uvicorn's options and the collector."""

from __future__ import annotations

from typing import Any

from jikimi.config import Settings


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
    """A server's garbage collector: what startup built (modules, the app, the model)
    lives for the process, so the collector stops walking it (gc.freeze), and collects
    young objects in larger steps. The judge allocates many short-lived objects per
    batch; with the defaults the collector took about a quarter of its CPU."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 100)
