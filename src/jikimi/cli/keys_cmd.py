"""`jikimi keys`: rotate the data-encryption key without stopping the service."""

from __future__ import annotations

import typer

app = typer.Typer(help="Data-encryption keys.", no_args_is_help=True)


@app.command()
def rotate() -> None:
    """Add a new active key and re-encrypt every sealed value under it."""
    from jikimi.bootstrap import build
    from jikimi.cli.rotation import reseal_all
    from jikimi.core import sealing as crypto

    c = build()
    try:
        ring = crypto.ring()
        if ring.path is None:
            raise typer.BadParameter("keys come from JIKIMI_KEYS: rotate them in their vault")
        kid = ring.rotate()
        typer.echo(f"new active key {kid}; re-encrypting …", err=True)
        n = reseal_all(c.sessions)
        typer.echo(f"re-encrypted {n} rows under {kid}", err=True)
    finally:
        c.close()


@app.command()
def status() -> None:
    """Show the active key and rows still sealed under older keys."""
    from jikimi.bootstrap import build
    from jikimi.cli.rotation import stale_counts
    from jikimi.core import sealing as crypto
    from jikimi.core.tx import reading

    c = build()
    try:
        with reading(c.read_sessions) as s:
            stale = stale_counts(s)
        ring = crypto.ring()
        typer.echo(
            f"active key {ring.active} of {sorted(ring.keys)}; "
            f"rows under older keys: {stale or 'none'}"
        )
    finally:
        c.close()
