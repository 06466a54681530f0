"""`jikimi audit`: verify the access trail's hash chain, export it (the export is audited)."""

from __future__ import annotations

import getpass
import json
import sys
from datetime import datetime
from typing import Annotated

import typer

app = typer.Typer(help="The access trail: verify and export.", no_args_is_help=True)


@app.command()
def verify() -> None:
    """Walk the hash chain; exit 1 and name the first broken or missing record."""
    from jikimi.audit import trail as audit
    from jikimi.bootstrap import build
    from jikimi.core.tx import reading

    c = build()
    try:
        with reading(c.read_sessions) as s:
            verdict = audit.verify(s)
    finally:
        c.close()
    if verdict.ok:
        typer.echo(f"audit trail intact: {verdict.checked} records")
        return
    typer.echo(
        f"audit trail BROKEN at record {verdict.first_bad}: {verdict.reason} "
        f"({verdict.checked} records before it are intact)",
        err=True,
    )
    raise typer.Exit(1)


@app.command()
def export(
    since: Annotated[str | None, typer.Option(help="RFC 3339; default: everything")] = None,
    reason: Annotated[str, typer.Option(help="why the trail is exported (recorded)")] = "review",
) -> None:
    """Write the records as JSON lines on stdout; the export itself is recorded first."""
    from jikimi.audit import trail as audit
    from jikimi.bootstrap import build
    from jikimi.core.access import Principal, Role
    from jikimi.core.tx import reading, transaction

    when = datetime.fromisoformat(since) if since else None
    if when is not None and when.tzinfo is None:
        raise typer.BadParameter("give --since with its UTC offset")
    c = build()
    try:
        operator = Principal(Role.ADMIN, token_id="cli", name=f"cli:{getpass.getuser()}")  # noqa: S106 - an id, not a secret
        with transaction(c.sessions) as s:
            audit.append(
                s, operator, audit.Access("export", "audit_trail", since, (), reason), "localhost"
            )
        with reading(c.read_sessions) as s:
            for record in audit.export(s, when):
                sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    finally:
        c.close()
