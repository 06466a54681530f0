"""`jikimi account`: people who log in to the console (password + authenticator code)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from jikimi.accounts.tables import Account

app = typer.Typer(help="Staff accounts for the console.", no_args_is_help=True)

PasswordStdin = Annotated[
    bool, typer.Option(help="read the password from the first line of stdin (scripts)")
]


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    value: str = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    return value


def _second_factor(login: str, secret: str) -> None:
    from jikimi.accounts.logins import provisioning_uri

    typer.echo("add this to the person's authenticator app (shown once):")
    typer.echo(f"  {provisioning_uri(login, secret)}")
    typer.echo(f"  secret: {secret}")


def _with_account(login: str, act: Callable[[Session, Account, datetime], str | None]) -> None:
    from jikimi.accounts import logins
    from jikimi.bootstrap import build
    from jikimi.core.tx import transaction

    c = build()
    try:
        with transaction(c.sessions) as s:
            account = logins.find(s, login)
            if account is None:
                raise typer.BadParameter(f"no account with login {login!r}")
            try:
                secret = act(s, account, datetime.now(UTC))
            except logins.CredentialError as e:
                raise typer.BadParameter(str(e)) from None
    finally:
        c.close()
    if secret is not None:
        _second_factor(login, secret)


@app.command()
def create(
    login: Annotated[str, typer.Option(help="login name, e.g. kim.minji")],
    role: Annotated[
        str, typer.Option(help="officer|dispatcher|supervisor|analyst|admin|counsellor")
    ],
    name: Annotated[str, typer.Option(help="the person's name, as alert timelines show it")],
    agency: Annotated[str | None, typer.Option(help="agency, e.g. seoul-mapo")] = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Create a person's account; prints the second-factor secret once."""
    from jikimi.accounts import logins
    from jikimi.bootstrap import build
    from jikimi.core.access import AGENCY_ROLES, Role
    from jikimi.core.tx import transaction

    try:
        r = Role(role)
    except ValueError:
        raise typer.BadParameter(f"unknown role {role!r}") from None
    if r in AGENCY_ROLES and not agency:
        raise typer.BadParameter(f"a {role} belongs to an agency (a centre): give --agency")
    password = _password(password_stdin)
    c = build()
    try:
        with transaction(c.sessions) as s:
            try:
                account_id, secret = logins.create_staff(
                    s,
                    login=login,
                    password=password,
                    role=r,
                    name=name,
                    agency=agency,
                    now=datetime.now(UTC),
                )
            except logins.CredentialError as e:
                raise typer.BadParameter(str(e)) from None
    finally:
        c.close()
    typer.echo(f"account {account_id}")
    _second_factor(login, secret)


@app.command()
def reset(
    login: Annotated[str, typer.Argument(help="the login name")],
    password_stdin: PasswordStdin = False,
) -> None:
    """New password and new second factor (lost phone); unlocks; ends every session."""
    from jikimi.accounts import logins

    password = _password(password_stdin)
    _with_account(login, lambda s, a, now: logins.reset(s, a, password, now))


@app.command()
def unlock(login: Annotated[str, typer.Argument(help="the login name")]) -> None:
    """Lift a lockout before it ends by itself."""
    from jikimi.accounts import logins

    def act(_: Session, account: Account, __: datetime) -> None:
        logins.unlock(account)

    _with_account(login, act)
    typer.echo(f"unlocked {login}", err=True)
