"""`jikimi support`: verify the support ledger's hash chain."""

from __future__ import annotations

import typer

app = typer.Typer(help="Emergency support: the ledger.", no_args_is_help=True)


@app.command()
def verify() -> None:
    """Walk the ledger's hash chain; exit 1 and name the first changed or missing entry."""
    from jikimi.bootstrap import build
    from jikimi.core.tx import reading
    from jikimi.support import chain

    c = build()
    try:
        with reading(c.read_sessions) as s:
            verdict = chain.verify(s)
    finally:
        c.close()
    if verdict.ok:
        typer.echo(f"support ledger intact: {verdict.checked} entries")
        return
    where = f"entry {verdict.first_bad}" if verdict.first_bad is not None else "an entry"
    if verdict.entry_id:
        where += f" (id {verdict.entry_id})"
    typer.echo(
        f"support ledger BROKEN at {where}: {verdict.reason} "
        f"({verdict.checked} entries before it are intact)",
        err=True,
    )
    raise typer.Exit(1)
