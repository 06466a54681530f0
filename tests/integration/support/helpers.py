"""Applying, deciding and paying through the API, as the console and clients do."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient

from jikimi.accounts.tokens import create_token
from jikimi.bootstrap import Container
from jikimi.core.access import Role
from jikimi.core.tx import transaction
from tests.factories import auth


def apply(
    client: TestClient,
    token: str,
    case_id: str,
    amount: int = 500_000,
    kind: str = "living",
    reason: str = "가해자 접근으로 실직, 생계 곤란",
) -> Any:
    """Apply for support on a case; the response."""
    body = {"kind": kind, "amount_krw": amount, "reason": reason}
    return client.post(
        f"/api/v1/cases/{case_id}/support-applications", json=body, headers=auth(token)
    )


def decide(
    client: TestClient,
    token: str,
    application_id: str,
    approve: bool = True,
    amount: int | None = None,
    reason: str = "긴급 필요 확인",
) -> Any:
    """A decision on an application; the response."""
    body: dict[str, Any] = {"approve": approve, "reason": reason}
    if amount is not None:
        body["amount_krw"] = amount
    return client.post(
        f"/api/v1/support-applications/{application_id}/decision", json=body, headers=auth(token)
    )


def pay(
    client: TestClient,
    token: str,
    application_id: str,
    amount: int,
    reason: str | None = None,
    reference: str | None = "이체 2026-001",
    paid_at: datetime | None = None,
) -> Any:
    """A payment (or a correction below 0) on an application; the response."""
    body: dict[str, Any] = {
        "amount_krw": amount,
        "paid_at": (paid_at or datetime.now(UTC)).isoformat(),
    }
    if reference is not None:
        body["reference"] = reference
    if reason is not None:
        body["reason"] = reason
    return client.post(
        f"/api/v1/support-applications/{application_id}/payments", json=body, headers=auth(token)
    )


def account_of(client: TestClient, token: str) -> str:
    """The account behind a token, as the API names it."""
    r = client.get("/api/v1/auth/session", headers=auth(token))
    assert r.status_code == 200, r.text
    account_id: str = r.json()["me"]["account_id"]
    return account_id


def another_token(container: Container, account_id: str, role: Role) -> str:
    """A further token for an existing account, of `role` (an account may hold tokens of
    two roles)."""
    with transaction(container.sessions) as s:
        return create_token(s, role, account_id=account_id)


def approved(
    client: TestClient,
    officer: str,
    supervisor: str,
    case_id: str,
    amount: int,
    kind: str = "living",
) -> dict[str, Any]:
    """An application the officer made and the supervisor approved in full."""
    a = apply(client, officer, case_id, amount, kind)
    assert a.status_code == 201, a.text
    d = decide(client, supervisor, a.json()["id"], amount=amount)
    assert d.status_code == 200, d.text
    out: dict[str, Any] = d.json()
    return out
