"""Staff console login: argon2id passwords, a TOTP second factor, lockout, idle sessions.

Machines (phones, operator feeds, scripts) keep bearer tokens (`store.auth`); people log
in here. A session is a random bearer token kept only as its SHA-256; it ends on logout,
after `idle_s` without a user action, `max_s` after login, or when the account is
suspended or its credentials are reset.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from jikimi.accounts.tables import Account, StaffSession
from jikimi.core.access import Principal, Role

SESSION_PREFIX = "jks_"  # a public marker that lets scanners spot leaked sessions
PASSWORD_MIN = 12  # NIST SP 800-63B: length, not composition rules
LOGIN_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
STAFF = (Role.ADMIN, Role.OFFICER, Role.DISPATCHER, Role.SUPERVISOR, Role.ANALYST, Role.COUNSELLOR)
ISSUER = "Jikimi"

_hasher = PasswordHasher()  # argon2id, RFC 9106 parameters
_dummy_hash: list[str] = []


class CredentialError(ValueError):
    """A login name or password that cannot be accepted (said plainly to the admin)."""


@dataclass(frozen=True)
class Policy:
    """The login rules (from settings)."""

    max_failures: int = 5
    lockout: timedelta = timedelta(minutes=10)
    idle: timedelta = timedelta(minutes=30)
    max_age: timedelta = timedelta(hours=12)


@dataclass(frozen=True)
class Outcome:
    """What a login attempt came to. `event` names it for the access trail."""

    token: str | None
    account: Account | None
    event: str  # login | login_failed | lockout | locked | suspended | unknown


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_password(login: str, password: str) -> None:
    """Refuse a password too short or equal to the login name."""
    if len(password) < PASSWORD_MIN:
        raise CredentialError(f"a password needs at least {PASSWORD_MIN} characters")
    if password.strip().lower() == login.lower():
        raise CredentialError("the password may not be the login name")


def create_staff(
    s: Session,
    *,
    login: str,
    password: str,
    role: Role,
    name: str,
    agency: str | None,
    now: datetime,
) -> tuple[str, str]:
    """A staff account that can log in; returns (account id, TOTP secret shown once)."""
    if role not in STAFF:
        raise CredentialError(f"role {role.value} is for machines; give it a token instead")
    if not LOGIN_RE.match(login):
        raise CredentialError("a login is 3-64 of a-z 0-9 . _ - starting with a letter or digit")
    check_password(login, password)
    if s.scalars(select(Account.id).where(Account.login == login)).first():
        raise CredentialError(f"the login {login!r} is taken")
    account = Account(name=name, role=role.value, agency=agency, created_at=now, login=login)
    secret = pyotp.random_base32()
    account.password_hash = _hasher.hash(password)
    account.totp_secret = secret
    account.failed_logins = 0
    s.add(account)
    s.flush()
    return account.id, secret


def find(s: Session, login: str) -> Account | None:
    """The account with this login name."""
    return s.scalars(select(Account).where(Account.login == login)).first()


def reset(s: Session, account: Account, password: str, now: datetime) -> str:
    """New password and second factor, unlocked; every session ends. Returns the secret."""
    check_password(account.login or "", password)
    secret = pyotp.random_base32()
    account.password_hash = _hasher.hash(password)
    account.totp_secret = secret
    account.totp_last_step = None
    account.failed_logins, account.locked_until = 0, None
    end_sessions(s, account.id, now, "reset")
    return secret


def unlock(account: Account) -> None:
    """Lift a lockout early (an administrator's decision)."""
    account.failed_logins, account.locked_until = 0, None


def provisioning_uri(login: str, secret: str) -> str:
    """The otpauth:// URI an authenticator app reads (as a QR code or typed)."""
    return pyotp.TOTP(secret).provisioning_uri(name=login, issuer_name=ISSUER)


def _code_step(account: Account, code: str, now: datetime) -> int | None:
    """The time step the code belongs to (now ± 30 s), if valid and not used before."""
    secret = account.totp_secret
    if not secret or not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if step > (account.totp_last_step or -1) and hmac.compare_digest(
            totp.generate_otp(step), code
        ):
            return step
    return None


def _password_ok(stored: str | None, password: str) -> bool:
    if stored is None:  # spend the same time as a real check, so timing tells nothing
        if not _dummy_hash:
            _dummy_hash.append(_hasher.hash(secrets.token_urlsafe(16)))
        stored = _dummy_hash[0]
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def login(
    s: Session, name: str, password: str, code: str, now: datetime, policy: Policy
) -> Outcome:
    """Check password and code; on success open a session and return its token once."""
    account = find(s, name) if len(name) <= 64 else None
    if account is None or account.password_hash is None:
        _password_ok(None, password)
        return Outcome(None, None, "unknown")
    if account.suspended_at is not None:
        _password_ok(None, password)
        return Outcome(None, account, "suspended")
    if account.locked_until is not None and account.locked_until > now:
        _password_ok(None, password)
        return Outcome(None, account, "locked")
    password_ok = _password_ok(account.password_hash, password)
    step = _code_step(account, code, now) if password_ok else None
    if step is None:
        account.failed_logins = (account.failed_logins or 0) + 1
        if account.failed_logins >= policy.max_failures:
            account.failed_logins, account.locked_until = 0, now + policy.lockout
            return Outcome(None, account, "lockout")
        return Outcome(None, account, "login_failed")
    account.failed_logins, account.locked_until, account.totp_last_step = 0, None, step
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = _hasher.hash(password)
    token = SESSION_PREFIX + secrets.token_urlsafe(32)
    s.add(
        StaffSession(
            token_hash=_hash(token), account_id=account.id, created_at=now, last_seen_at=now
        )
    )
    return Outcome(token, account, "login")


def principal(s: Session, token: str, now: datetime, policy: Policy) -> Principal | None:
    """The person behind a live session token, or None (ended, idle, too old, suspended)."""
    row = s.scalars(select(StaffSession).where(StaffSession.token_hash == _hash(token))).first()
    if row is None or row.ended_at is not None:
        return None
    if now - row.last_seen_at > policy.idle or now - row.created_at > policy.max_age:
        return None
    account = s.get(Account, row.account_id)
    if account is None or account.suspended_at is not None:
        return None
    return Principal(
        role=Role(account.role),
        token_id=row.id,
        account_id=account.id,
        name=account.name,
        agency=account.agency,
        session=True,
    )


def touch(s: Session, session_id: str, now: datetime) -> None:
    """A user action: the idle clock starts again."""
    s.execute(
        update(StaffSession)
        .where(StaffSession.id == session_id, StaffSession.ended_at.is_(None))
        .values(last_seen_at=now)
    )


def end(s: Session, session_id: str, now: datetime, reason: str) -> None:
    """End one session (logout)."""
    s.execute(
        update(StaffSession)
        .where(StaffSession.id == session_id, StaffSession.ended_at.is_(None))
        .values(ended_at=now, ended_reason=reason)
    )


def end_sessions(s: Session, account_id: str, now: datetime, reason: str) -> int:
    """End every session of an account (suspension, credential reset)."""
    result = s.execute(
        update(StaffSession)
        .where(StaffSession.account_id == account_id, StaffSession.ended_at.is_(None))
        .values(ended_at=now, ended_reason=reason)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def idle_deadline(s: Session, session_id: str, policy: Policy) -> datetime | None:
    """When the session ends if nothing happens (for the console's countdown)."""
    row = s.get(StaffSession, session_id)
    if row is None:
        return None
    return min(row.last_seen_at + policy.idle, row.created_at + policy.max_age)
