"""`jikimi device`: the reference victim-phone client on the command line."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from jikimi.client.device import DeviceClient

app = typer.Typer(
    help="Play the victim's phone against a server (reference client).", no_args_is_help=True
)
DirOpt = Annotated[Path, typer.Option("--dir", help="the phone's data directory")]
DEFAULT_DIR = Path(".jikimi-device")


def _client(directory: Path) -> DeviceClient:
    cfg_file = directory / "config.json"
    if not cfg_file.exists():
        raise typer.BadParameter(f"not enrolled: run `jikimi device enrol --dir {directory}`")
    cfg = json.loads(cfg_file.read_text("utf-8"))
    return DeviceClient(cfg["server"], cfg["token"], directory, signing_key=cfg.get("signing_key"))


@app.command()
def enrol(
    server: Annotated[str, typer.Option(help="e.g. http://127.0.0.1:8000")],
    token: Annotated[str, typer.Option(help="the token the officer's enrolment showed")],
    signing_key: Annotated[str, typer.Option(help="the signing key shown with the token")],
    directory: DirOpt = DEFAULT_DIR,
) -> None:
    """Keep the server, device token and signing key (file mode 0600)."""
    directory.mkdir(parents=True, exist_ok=True)
    cfg_file = directory / "config.json"
    fd = os.open(cfg_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"server": server, "token": token, "signing_key": signing_key}, fh)
    client = _client(directory)
    client.flush()  # an empty or pending batch tells the server this phone is alive
    client.heartbeat()
    status = client.status()
    typer.echo(f"enrolled; monitoring is {status['monitoring']}: {status['message_en']}")


@app.command()
def contact(
    kind: Annotated[str, typer.Option(help="call|missed_call|sms|mms")],
    number: Annotated[str | None, typer.Option(help="the caller; omit for a hidden number")] = None,
    at: Annotated[str | None, typer.Option(help="RFC 3339 time (default now)")] = None,
    text: Annotated[str | None, typer.Option(help="message text")] = None,
    directory: DirOpt = DEFAULT_DIR,
) -> None:
    """Record a call or text on the spool, then try to send everything spooled."""
    client = _client(directory)
    when = datetime.fromisoformat(at) if at else None
    if when is not None and when.tzinfo is None:
        raise typer.BadParameter("give the time with its offset, e.g. +09:00")
    event_id = client.record(kind, number, when, text)
    result = client.flush()
    typer.echo(
        f"event {event_id}: sent {result.sent}, pending {result.pending}, "
        f"rejected {result.rejected}"
    )


@app.command()
def flush(directory: DirOpt = DEFAULT_DIR) -> None:
    """Send whatever is still spooled."""
    result = _client(directory).flush()
    typer.echo(f"sent {result.sent}, pending {result.pending}, rejected {result.rejected}")


@app.command()
def status(directory: DirOpt = DEFAULT_DIR) -> None:
    """Show what protects the victim now."""
    typer.echo(json.dumps(_client(directory).status(), ensure_ascii=False, indent=2))
