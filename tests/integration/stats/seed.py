"""Caseloads shaped like the National Assembly's figures: one agency at 135 open cases
per dedicated officer (Seoul's), one at 46.5 (Gangwon's), its two officers unevenly
loaded; made through the API as officers open cases."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.testclient import TestClient

from jikimi.core.access import Role
from tests.factories import Factory, auth

SEOUL, GANGWON = "seoul-mapo", "gangwon-chuncheon"


@dataclass(frozen=True)
class Shape:
    """Who holds how many cases."""

    seoul: str  # the Seoul officer's token, 135 cases
    heavy: str  # Gangwon's first officer, 80 cases
    light: str  # Gangwon's second, 13 cases
    ids: dict[str, str]  # token -> account id
    cases: dict[str, list[str]]  # token -> the case ids it opened


def account_id(client: TestClient, token: str) -> str:
    """The account behind a staff token."""
    me: str = client.get("/api/v1/auth/session", headers=auth(token)).json()["me"]["account_id"]
    return me


def open_cases(factory: Factory, officer: str, n: int) -> list[str]:
    """`n` cases opened by `officer` (assigned to it), between one victim and one
    perpetrator: the caseload counts cases, not people."""
    victim = factory.person(officer, "김지은")["id"]
    perpetrator = factory.person(officer, "박가해")["id"]
    body = {
        "victim_id": victim,
        "perpetrator_id": perpetrator,
        "relationship": "former_partner",
        "offense": "stalking",
    }
    return [factory.post("/api/v1/cases", officer, body)["id"] for _ in range(n)]


def national_shape(client: TestClient, factory: Factory) -> Shape:
    """Seoul: one officer, 135 cases; Gangwon: two officers, 80 + 13 = 93 cases (46.5)."""
    seoul = factory.token(Role.OFFICER, SEOUL)
    heavy = factory.token(Role.OFFICER, GANGWON)
    light = factory.token(Role.OFFICER, GANGWON)
    cases = {seoul: open_cases(factory, seoul, 135)}
    cases[heavy] = open_cases(factory, heavy, 80)
    cases[light] = open_cases(factory, light, 13)
    ids = {t: account_id(client, t) for t in (seoul, heavy, light)}
    return Shape(seoul, heavy, light, ids, cases)
