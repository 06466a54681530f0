"""Console login: password + TOTP, lockout, idle sessions, logout, suspension — and every
attempt in the access trail."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from typer.testing import CliRunner

from jikimi import schema as t
from jikimi.accounts import logins
from jikimi.accounts.tokens import suspend_account
from jikimi.audit import trail as audit
from jikimi.bootstrap import Container
from jikimi.cli.main import app as cli
from jikimi.core.access import Role
from jikimi.core.ratelimit import RateLimiter
from jikimi.core.tx import reading, transaction
from tests.factories import Factory, auth

PASSWORD = "correct horse battery staple"


def make_account(
    container: Container, login: str = "kim.dispatch", role: Role = Role.DISPATCHER
) -> str:
    """A person's account; returns the TOTP secret."""
    with transaction(container.sessions) as s:
        _, secret = logins.create_staff(
            s,
            login=login,
            password=PASSWORD,
            role=role,
            name="김상황",
            agency="seoul-mapo",
            now=datetime.now(UTC),
        )
    return secret


def code(secret: str, offset_steps: int = 0) -> str:
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(datetime.now(UTC)) + offset_steps)


def log_in(client: TestClient, login: str, password: str, otp: str) -> tuple[int, dict[str, str]]:
    r = client.post("/api/v1/auth/login", json={"login": login, "password": password, "code": otp})
    return r.status_code, r.json()


def trail(container: Container) -> list[tuple[str, str | None, list[str]]]:
    with reading(container.read_sessions) as s:
        return [(r["action"], r["account_id"], r["flags"]) for r in audit.export(s)]


def test_login_gives_a_session_that_works_like_a_token(
    client: TestClient, container: Container, factory: Factory
) -> None:
    secret = make_account(container)
    status, body = log_in(client, "kim.dispatch", PASSWORD, code(secret))
    assert status == 200, body
    assert body["token"].startswith("jks_")
    assert body["me"]["role"] == "dispatcher"
    assert body["me"]["agency"] == "seoul-mapo"
    # The session reaches what a dispatcher token reaches, and nothing more.
    officer = factory.token(Role.OFFICER)
    world = factory.world(officer)
    factory.contact(world.device_token, world.perpetrator_number)
    container.worker.run_once()
    alerts = client.get("/api/v1/alerts", headers=auth(body["token"]))
    assert alerts.status_code == 200
    assert len(alerts.json()["items"]) == 1
    assert client.post("/api/v1/people", json={}, headers=auth(body["token"])).status_code == 403
    me = client.get("/api/v1/auth/session", headers=auth(body["token"])).json()
    assert me["session"] is True
    assert me["idle_expires_at"]
    # The login itself is in the access trail, with its account.
    assert ("login", me["me"]["account_id"], []) in trail(container)


def test_a_code_works_once_and_wrong_parts_are_not_told_apart(
    client: TestClient, container: Container
) -> None:
    secret = make_account(container)
    otp = code(secret)
    assert log_in(client, "kim.dispatch", PASSWORD, otp)[0] == 200
    replay = log_in(client, "kim.dispatch", PASSWORD, otp)
    wrong_pw = log_in(client, "kim.dispatch", "not the password at all", code(secret, 1))
    nobody = log_in(client, "nobody.here", PASSWORD, code(secret))
    assert replay[0] == wrong_pw[0] == nobody[0] == 401
    assert replay[1]["detail"] == wrong_pw[1]["detail"] == nobody[1]["detail"]
    actions = [a for a, _, _ in trail(container)]
    assert actions == ["login", "login_failed", "login_failed", "unknown"]


def test_five_failures_lock_the_account_for_ten_minutes(
    client: TestClient, container: Container
) -> None:
    secret = make_account(container)
    for _ in range(5):
        assert log_in(client, "kim.dispatch", "wrong password guess", code(secret))[0] == 401
    # Now even the right password and code are refused, and supervisors see a flag.
    assert log_in(client, "kim.dispatch", PASSWORD, code(secret))[0] == 401
    records = trail(container)
    assert [a for a, _, _ in records] == ["login_failed"] * 4 + ["lockout", "locked"]
    assert records[4][2] == ["lockout"]
    with reading(container.read_sessions) as s:
        flagged = audit.flagged(s, "seoul-mapo")
    assert [r["action"] for r in flagged] == ["locked", "lockout"]
    # Ten minutes later the right password and a fresh code work again.
    with transaction(container.sessions) as s:
        s.execute(
            update(t.Account)
            .where(t.Account.login == "kim.dispatch")
            .values(locked_until=datetime.now(UTC) - timedelta(seconds=1))
        )
    assert log_in(client, "kim.dispatch", PASSWORD, code(secret, 1))[0] == 200


def test_a_success_resets_the_failure_count(client: TestClient, container: Container) -> None:
    secret = make_account(container)
    for _ in range(4):
        log_in(client, "kim.dispatch", "wrong password guess", code(secret))
    assert log_in(client, "kim.dispatch", PASSWORD, code(secret))[0] == 200
    for _ in range(4):
        log_in(client, "kim.dispatch", "wrong password guess", code(secret))
    assert log_in(client, "kim.dispatch", PASSWORD, code(secret, 1))[0] == 200


def test_an_idle_session_ends_and_activity_keeps_it_alive(
    client: TestClient, container: Container
) -> None:
    secret = make_account(container)
    token = log_in(client, "kim.dispatch", PASSWORD, code(secret))[1]["token"]

    def idle_for(minutes: int) -> None:
        with transaction(container.sessions) as s:
            s.execute(
                update(t.StaffSession).values(
                    last_seen_at=datetime.now(UTC) - timedelta(minutes=minutes)
                )
            )
        container.principals.clear()
        container.touched.clear()

    idle_for(29)
    assert client.get("/api/v1/alerts", headers=auth(token)).status_code == 200
    with reading(container.read_sessions) as s:
        seen = s.scalars(select(t.StaffSession.last_seen_at)).one()
    assert datetime.now(UTC) - seen < timedelta(minutes=1), "a user action restarts the clock"
    idle_for(31)
    r = client.get("/api/v1/alerts", headers=auth(token))
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"


def test_logout_ends_the_session_at_once(client: TestClient, container: Container) -> None:
    secret = make_account(container)
    token = log_in(client, "kim.dispatch", PASSWORD, code(secret))[1]["token"]
    assert client.get("/api/v1/alerts", headers=auth(token)).status_code == 200
    assert client.post("/api/v1/auth/logout", headers=auth(token)).status_code == 204
    assert client.get("/api/v1/alerts", headers=auth(token)).status_code == 401


def test_suspension_ends_sessions_and_refuses_new_logins(
    client: TestClient, container: Container
) -> None:
    secret = make_account(container)
    token = log_in(client, "kim.dispatch", PASSWORD, code(secret))[1]["token"]
    with transaction(container.sessions) as s:
        assert suspend_account(s, "kim.dispatch")
    container.principals.clear()  # another process's cache lets go within JIKIMI_AUTH_CACHE_S
    assert client.get("/api/v1/alerts", headers=auth(token)).status_code == 401
    with reading(container.read_sessions) as s:
        assert s.scalars(select(t.StaffSession.ended_reason)).one() == "suspended"
    assert log_in(client, "kim.dispatch", PASSWORD, code(secret, 1))[0] == 401
    assert trail(container)[-1][0] == "suspended"


def test_live_stream_ends_when_the_session_does(client: TestClient, container: Container) -> None:
    """A suspended person's open console stops receiving alerts, not just new requests."""
    secret = make_account(container)
    token = log_in(client, "kim.dispatch", PASSWORD, code(secret))[1]["token"]
    with client.stream("GET", "/api/v1/alerts/stream", headers=auth(token)) as r:
        assert r.status_code == 200
        lines = r.iter_lines()
        assert next(lines) == ": connected"
        with transaction(container.sessions) as s:
            suspend_account(s, "kim.dispatch")
        container.principals.clear()
        rest = list(lines)  # returns only because the server ends the stream
    assert not any(line.startswith("data:") for line in rest)


def test_machine_tokens_cannot_log_out(client: TestClient, factory: Factory) -> None:
    token = factory.token(Role.DISPATCHER)
    r = client.post("/api/v1/auth/logout", headers=auth(token))
    assert r.status_code == 409
    assert client.get("/api/v1/auth/session", headers=auth(token)).json()["session"] is False


@pytest.mark.parametrize(
    ("login", "password", "why"),
    [
        ("kim", "short", "at least 12"),
        ("Kim Min", PASSWORD, "a login is"),
        ("kim.minji", "kim.minji", "at least 12"),
        ("kim.minji.officer", "kim.minji.officer", "may not be the login"),
    ],
)
def test_weak_credentials_are_refused(
    container: Container, login: str, password: str, why: str
) -> None:
    with (
        transaction(container.sessions) as s,
        pytest.raises(logins.CredentialError, match=why),
    ):
        logins.create_staff(
            s,
            login=login,
            password=password,
            role=Role.OFFICER,
            name="x",
            agency="a",
            now=datetime.now(UTC),
        )


def test_machines_get_tokens_not_logins(container: Container) -> None:
    with (
        transaction(container.sessions) as s,
        pytest.raises(logins.CredentialError, match="machines"),
    ):
        logins.create_staff(
            s,
            login="feed.kt",
            password=PASSWORD,
            role=Role.FEED,
            name="x",
            agency=None,
            now=datetime.now(UTC),
        )


def test_passwords_are_stored_as_argon2id_and_secrets_sealed(container: Container) -> None:
    secret = make_account(container)
    with reading(container.read_sessions) as s:
        row = s.execute(select(t.Account.password_hash, t.Account.totp_secret_sealed)).one()
    assert row.password_hash.startswith("$argon2id$")
    assert PASSWORD not in row.password_hash
    assert secret not in row.totp_secret_sealed


def test_admin_creates_resets_and_unlocks_accounts_from_the_cli(
    client: TestClient, container: Container, database_url: str
) -> None:
    """`jikimi account create` → a person can sign in with the printed secret; `reset`
    ends the old session and makes the old second factor useless; `unlock` lifts a lock."""
    env = {"JIKIMI_DATABASE_URL": database_url}
    made = CliRunner().invoke(
        cli,
        [
            "account",
            "create",
            "--login",
            "lee.officer",
            "--role",
            "officer",
            "--name",
            "이경사",
            "--agency",
            "seoul-mapo",
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
        env=env,
    )
    assert made.exit_code == 0, made.output
    secret = re.search(r"secret: ([A-Z2-7]+)", made.output)
    assert secret is not None
    assert "otpauth://totp/Jikimi:lee.officer" in made.output
    status, body = log_in(client, "lee.officer", PASSWORD, code(secret[1]))
    assert status == 200
    assert body["me"]["role"] == "officer"

    new_password = "a different long passphrase"
    reset = CliRunner().invoke(
        cli, ["account", "reset", "lee.officer", "--password-stdin"], input=new_password, env=env
    )
    assert reset.exit_code == 0, reset.output
    container.principals.clear()
    assert client.get("/api/v1/auth/session", headers=auth(body["token"])).status_code == 401
    assert log_in(client, "lee.officer", new_password, code(secret[1], 1))[0] == 401
    new_secret = re.search(r"secret: ([A-Z2-7]+)", reset.output)
    assert new_secret is not None
    for _ in range(4):  # with the one above: five failures, locked
        log_in(client, "lee.officer", "wrong password guess", code(new_secret[1]))
    assert log_in(client, "lee.officer", new_password, code(new_secret[1]))[0] == 401
    unlocked = CliRunner().invoke(cli, ["account", "unlock", "lee.officer"], env=env)
    assert unlocked.exit_code == 0, unlocked.output
    assert log_in(client, "lee.officer", new_password, code(new_secret[1]))[0] == 200

    refused = CliRunner().invoke(
        cli,
        [
            "account",
            "create",
            "--login",
            "x.feed",
            "--role",
            "feed",
            "--name",
            "x",
            "--password-stdin",
        ],
        input=PASSWORD,
        env=env,
    )
    assert refused.exit_code != 0
    assert "machines" in refused.output


def test_login_attempts_from_one_address_are_limited(
    client: TestClient, container: Container
) -> None:
    """Ten attempts in a burst, then 429 with Retry-After, before any password is checked
    and without touching the account (guessing across many logins is slowed too)."""
    container.login_limiter = RateLimiter(1.0, 10, clock=lambda: 0.0)  # time stands still
    secret = make_account(container)
    statuses = [log_in(client, f"guess.{i}", PASSWORD, "000000")[0] for i in range(10)]
    assert statuses == [401] * 10
    r = client.post(
        "/api/v1/auth/login",
        json={"login": "kim.dispatch", "password": PASSWORD, "code": code(secret)},
    )
    assert r.status_code == 429
    assert r.headers["content-type"] == "application/problem+json"
    assert int(r.headers["Retry-After"]) >= 1
    assert [a for a, _, _ in trail(container)] == ["unknown"] * 10
