"""Accounts and bearer tokens. Tokens are 256-bit random; only their SHA-256 is stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, delete, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from jikimi.accounts import logins
from jikimi.accounts.logins import SESSION_PREFIX, Policy
from jikimi.accounts.tables import Account, ApiToken, SeenSignature
from jikimi.contacts.ingest import touch_device
from jikimi.core.access import Principal, Role
from jikimi.core.signing import decode_key, encode_key
from jikimi.core.tables import table_of
from jikimi.devices.tables import Device

TOKEN_PREFIX = "jk_"  # noqa: S105 - a public marker that lets scanners spot leaked tokens, not a secret


_SEEN = table_of(SeenSignature)
_REMEMBER = {
    "postgresql": postgresql.insert(_SEEN)
    .on_conflict_do_nothing(index_elements=["signature"])
    .returning(_SEEN.c.signature),
    "sqlite": sqlite.insert(_SEEN)
    .on_conflict_do_nothing(index_elements=["signature"])
    .returning(_SEEN.c.signature),
}


def hash_token(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(
    session: Session,
    role: Role,
    *,
    name: str | None = None,
    agency: str | None = None,
    device_id: str | None = None,
    account_id: str | None = None,
) -> str:
    """Create an account (staff and machines) or bind to a device, or with `account_id`
    give an existing account a token of its role; return the token once."""
    now = datetime.now(UTC)
    if account_id is None and role is not Role.DEVICE:
        account = Account(name=name or role.value, role=role.value, agency=agency, created_at=now)
        session.add(account)
        session.flush()
        account_id = account.id
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(
        ApiToken(
            token_hash=hash_token(token),
            role=role.value,
            account_id=account_id,
            device_id=device_id,
            created_at=now,
        )
    )
    return token


def create_signed_token(
    session: Session, role: Role, *, name: str | None = None, device_id: str | None = None
) -> tuple[str, str]:
    """A token for a phone or feed, with its request-signing key; both are shown once."""
    token = create_token(session, role, name=name, device_id=device_id)
    key = encode_key(secrets.token_bytes(32))
    session.flush()
    row = session.scalars(select(ApiToken).where(ApiToken.token_hash == hash_token(token))).one()
    row.signing_key = key
    return token, key


def signing_key(session: Session, token_id: str) -> bytes | None:
    """The key a phone or feed signs its requests with."""
    row = session.get(ApiToken, token_id)
    key = row.signing_key if row is not None else None
    return decode_key(key) if key else None


def _forget_now_and_then(session: Session, now: datetime, window_s: int) -> None:
    if secrets.randbelow(100) == 0:  # now and then, forget signatures past the window
        session.execute(
            delete(SeenSignature).where(
                SeenSignature.seen_at < now - timedelta(seconds=2 * window_s)
            )
        )


def remember_signature(session: Session, sig: str, now: datetime, window_s: int) -> bool:
    """Record a signature; False when it was already used (a replay)."""
    _forget_now_and_then(session, now, window_s)
    # One statement: a signature already stored inserts nothing and returns no row.
    new = session.execute(
        _REMEMBER[session.get_bind().dialect.name], {"signature": sig, "seen_at": now}
    ).first()
    return new is not None


def authenticate(
    session: Session, token: str, now: datetime | None = None, policy: Policy | None = None
) -> Principal | None:
    """The principal behind a token or console session, or None when unknown, revoked,
    suspended, or (sessions) ended, idle or too old."""
    if len(token) > 100:
        return None
    if token.startswith(SESSION_PREFIX):
        return logins.principal(session, token, now or datetime.now(UTC), policy or Policy())
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = session.scalars(select(ApiToken).where(ApiToken.token_hash == hash_token(token))).first()
    if row is None or row.revoked_at is not None:
        return None
    account = session.get(Account, row.account_id) if row.account_id else None
    if account is not None and account.suspended_at is not None:
        return None
    return Principal(
        role=Role(row.role),
        token_id=row.id,
        account_id=row.account_id,
        name=account.name if account else None,
        agency=account.agency if account else None,
        device_id=row.device_id,
    )


def list_tokens(session: Session) -> list[dict[str, str | None]]:
    """Every token's metadata (never the secret)."""
    rows = session.execute(
        select(ApiToken, Account)
        .outerjoin(Account, Account.id == ApiToken.account_id)
        .order_by(ApiToken.created_at)
    )
    return [
        {
            "id": tok.id,
            "role": tok.role,
            "name": acc.name if acc else None,
            "agency": acc.agency if acc else None,
            "account_id": tok.account_id,
            "device_id": tok.device_id,
            "created_at": tok.created_at.isoformat(),
            "revoked_at": tok.revoked_at.isoformat() if tok.revoked_at else None,
            "suspended_at": acc.suspended_at.isoformat() if acc and acc.suspended_at else None,
        }
        for tok, acc in rows
    ]


def revoke_token(session: Session, token_id: str) -> bool:
    """Revoke one token; False when there is no such token."""
    row = session.get(ApiToken, token_id)
    if row is None:
        return False
    row.revoked_at = row.revoked_at or datetime.now(UTC)
    return True


def suspend_account(session: Session, account_id: str) -> bool:
    """Suspend an account: every token and console session of it stops working."""
    account = session.get(Account, account_id)
    if account is None:
        account = logins.find(session, account_id)  # a login name works too
    if account is None:
        return False
    now = datetime.now(UTC)
    account.suspended_at = account.suspended_at or now
    logins.end_sessions(session, account.id, now, "suspended")
    return True


# PostgreSQL: a phone's write records its signature and the phone's last-seen time in one
# statement (one round trip, where they were two), which always returns one row. The
# UPDATE runs whether or not the signature is new; a replay is refused and its
# transaction, with the UPDATE, rolled back.
_PG_REMEMBER_TOUCHING = text(
    """
WITH seen AS (
    INSERT INTO seen_signatures (signature, seen_at) VALUES (:signature, :now)
    ON CONFLICT (signature) DO NOTHING
    RETURNING 1
), touched AS (
    UPDATE devices SET last_seen_at = :now WHERE id = :device_id RETURNING person_id
)
SELECT EXISTS (SELECT FROM seen) AS new, (SELECT person_id FROM touched) AS person_id
"""
).bindparams(
    bindparam("signature", type_=_SEEN.c.signature.type),
    bindparam("now", type_=_SEEN.c.seen_at.type),
    bindparam("device_id", type_=table_of(Device).c.id.type),
)


def remember_signature_touching(
    session: Session, sig: str, now: datetime, window_s: int, device_id: str
) -> tuple[bool, str | None]:
    """`remember_signature`, and the phone's last-seen time set to `now`: (False when the
    signature was already used, the phone's person or None when there is no such phone)."""
    if session.get_bind().dialect.name != "postgresql":
        new = remember_signature(session, sig, now, window_s)
        return new, touch_device(session, device_id, now)
    _forget_now_and_then(session, now, window_s)
    params = {"signature": sig, "now": now, "device_id": device_id}
    row = session.execute(_PG_REMEMBER_TOUCHING, params).one()
    return bool(row.new), row.person_id
