"""The `jikimi` command: serve, migrate, tokens, the demo, the reference device client."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from jikimi.cli import device_cmd, keys_cmd
from jikimi.features import FEATURES

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

app = typer.Typer(
    help="Jikimi: police protection of victims of relationship crimes.", no_args_is_help=True
)
token_app = typer.Typer(help="Bearer tokens for staff and machines.", no_args_is_help=True)
app.add_typer(token_app, name="token")
app.add_typer(device_cmd.app, name="device")
app.add_typer(keys_cmd.app, name="keys")
for feature in FEATURES:
    for name, where in feature.commands:
        module, _, attribute = where.partition(":")
        app.add_typer(getattr(importlib.import_module(module), attribute), name=name)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8000,
) -> None:
    """Run the API, the console and the event worker in one process (with
    JIKIMI_WORKER=false, on PostgreSQL: the API alone, `jikimi worker` judges)."""
    import uvicorn

    from jikimi.app import create_app
    from jikimi.bootstrap import build
    from jikimi.bootstrap.warmup import RISK_MODEL
    from jikimi.cli.serving import allowed_settings, long_running, uvicorn_options

    container = build(allowed_settings())
    # The risk model's analyser loads holding the interpreter's lock for seconds: before
    # the port opens, so no request waits for it (the rest warms up behind /readyz).
    container.readiness.do([s for s in container.warm_up_steps() if s[0] == RISK_MODEL])
    server_app = create_app(container)
    long_running()
    uvicorn.run(server_app, host=host, port=port, **uvicorn_options(container.settings))


@app.command()
def worker() -> None:
    """Run only the event worker, beside API processes on PostgreSQL."""
    import signal
    import threading

    from jikimi.bootstrap import build
    from jikimi.cli.serving import allowed_settings, long_running

    container = build(allowed_settings(worker_only=True))
    long_running()
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    # Warm before judging: a pass must not stall, holding its victims' locks, while the
    # risk model's analyser loads (seconds, holding the interpreter's lock).
    container.readiness.run(container.warm_up_steps())
    # No live streams here; the listener wakes it at once for what API processes store.
    container.start_threads(worker=True, watcher=False)
    typer.echo("worker running; Ctrl-C stops", err=True)
    try:
        stopped.wait()
    except KeyboardInterrupt:
        pass
    finally:
        container.close()


@app.command()
def migrate() -> None:
    """Bring the database to the newest schema (any command that touches it does this too)."""
    from jikimi.bootstrap import build

    build().close()
    typer.echo("database is at the newest schema", err=True)


@token_app.command("create")
def token_create(
    role: Annotated[
        str, typer.Option(help="admin|officer|dispatcher|supervisor|analyst|feed|counsellor")
    ],
    name: Annotated[str | None, typer.Option(help="who holds it")] = None,
    agency: Annotated[str | None, typer.Option(help="agency, e.g. seoul-mapo")] = None,
    signing_key_file: Annotated[
        Path | None, typer.Option(help="feed only: where to write its request-signing key")
    ] = None,
) -> None:
    """Print one new token on stdout and nothing else (a feed's signing key goes to a file)."""
    from jikimi.accounts.tokens import create_signed_token, create_token
    from jikimi.bootstrap import build
    from jikimi.core.access import AGENCY_ROLES, STAFF_ROLES, Role
    from jikimi.core.tx import transaction

    try:
        r = Role(role)
    except ValueError:
        raise typer.BadParameter(f"unknown role {role!r}") from None
    if r not in STAFF_ROLES:
        raise typer.BadParameter("device tokens come only from enrolment")
    if r in AGENCY_ROLES and not agency:
        raise typer.BadParameter(f"a {role} belongs to an agency (a centre): give --agency")
    if r is Role.FEED and signing_key_file is None:
        raise typer.BadParameter("a feed signs its requests: give --signing-key-file")
    c = build()
    try:
        with transaction(c.sessions) as s:
            if r is Role.FEED:
                token, key = create_signed_token(s, r, name=name)
            else:
                token, key = create_token(s, r, name=name, agency=agency), None
    finally:
        c.close()
    if key is not None and signing_key_file is not None:
        fd = os.open(signing_key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(key + "\n")
    typer.echo(token)


@token_app.command("list")
def token_list() -> None:
    """Every token's id, role, holder and state (never the secret)."""
    import json

    from jikimi.accounts.tokens import list_tokens
    from jikimi.bootstrap import build
    from jikimi.core.tx import reading

    c = build()
    try:
        with reading(c.read_sessions) as s:
            for row in list_tokens(s):
                typer.echo(json.dumps(row, ensure_ascii=False))
    finally:
        c.close()


@token_app.command("revoke")
def token_revoke(token_id: Annotated[str, typer.Argument(help="the id from `token list`")]) -> None:
    """Revoke one token (it stops working within JIKIMI_AUTH_CACHE_S)."""
    from jikimi.accounts.tokens import revoke_token

    _change("token", token_id, revoke_token, "revoked")


@app.command("suspend")
def suspend(
    account_id: Annotated[str, typer.Argument(help="account_id from `token list`, or a login")],
) -> None:
    """Suspend an account: its tokens and console sessions stop working (within
    JIKIMI_AUTH_CACHE_S; an open live stream ends within seconds)."""
    from jikimi.accounts.tokens import suspend_account

    _change("account", account_id, suspend_account, "suspended")


def _change(what: str, key: str, change: Callable[[Session, str], bool], done: str) -> None:
    from jikimi.bootstrap import build
    from jikimi.core.tx import transaction

    c = build()
    try:
        with transaction(c.sessions) as s:
            found = change(s, key)
    finally:
        c.close()
    if not found:
        raise typer.BadParameter(f"no {what} {key!r}")
    typer.echo(f"{done} {key}", err=True)


@app.command()
def demo(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8000,
    rate: Annotated[float, typer.Option(help="simulated contact events per second")] = 1.0,
) -> None:
    """Seed a city, run the server and a simulator that keeps sending events (Ctrl-C stops)."""
    from jikimi.cli.demo import run_demo

    run_demo(host, port, rate)
