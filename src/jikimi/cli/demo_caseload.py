"""The demo's caseloads: the console officer holds the city's and the week's cases while
two colleagues of the agency hold one or two, and a second agency (Gangwon) is staffed
lightly, so the supervisor's caseload page has moves to suggest and the analyst's has
agencies to compare. Officers get machine tokens only (no console sign-in); their cases
are opened through the public API."""

from __future__ import annotations

import random
from typing import Any

import httpx
from sqlalchemy.orm import Session

from jikimi.accounts.tokens import create_token
from jikimi.cli.demo_city import AGENCY, mobile_number
from jikimi.core.access import Role

OTHER_AGENCY = "gangwon-chuncheon"
# (agency, officer's name, cases it opens)
TEAM: list[tuple[str, str, int]] = [
    (AGENCY, "마포서 박경장", 2),
    (AGENCY, "마포서 정순경", 1),
    (OTHER_AGENCY, "춘천서 김경위", 3),
    (OTHER_AGENCY, "춘천서 오경사", 2),
]
# (victim, perpetrator, relationship, offense), taken in turn
STORIES = [
    ("한소희", "장우진", "former_partner", "stalking"),
    ("서지아", "권태민", "dating", "dating_violence"),
    ("윤하린", "조성호", "spouse", "domestic_violence"),
    ("임나연", "신동현", "acquaintance", "stalking"),
]


def make_team(s: Session) -> list[tuple[str, int]]:
    """The colleagues' accounts, each with a token: (token, cases to open)."""
    return [
        (create_token(s, Role.OFFICER, name=name, agency=agency), n) for agency, name, n in TEAM
    ]


def seed_caseload(
    http: httpx.Client, team: list[tuple[str, int]], rng: random.Random
) -> list[dict[str, Any]]:
    """Open each colleague's cases (each is then assigned to the one who opened it)."""
    made = []
    stories = iter(STORIES * len(TEAM))
    for token, n in team:
        h = {"Authorization": f"Bearer {token}"}
        for _ in range(n):
            victim, perpetrator, relationship, offense = next(stories)
            people = [
                http.post(
                    "/api/v1/people", headers=h, json={"name": name, "phones": [mobile_number(rng)]}
                )
                .raise_for_status()
                .json()["id"]
                for name in (victim, perpetrator)
            ]
            body = {
                "victim_id": people[0],
                "perpetrator_id": people[1],
                "relationship": relationship,
                "offense": offense,
            }
            made.append(http.post("/api/v1/cases", headers=h, json=body).raise_for_status().json())
    return made
