"""Builders for test data, through the public API as a client would."""

from __future__ import annotations

import itertools
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from jikimi.accounts.tokens import create_signed_token, create_token
from jikimi.bootstrap import Container
from jikimi.client.signed import signed_headers
from jikimi.core.access import Role
from jikimi.core.tx import transaction

_numbers = itertools.count(10_000_000)


def new_mobile() -> str:
    """A fresh Korean mobile number in the way people type it."""
    n = next(_numbers)
    return f"010-{n // 10_000 % 10_000:04d}-{n % 10_000:04d}"


def auth(token: str) -> dict[str, str]:
    """The Authorization header."""
    return {"Authorization": f"Bearer {token}"}


@dataclass
class World:
    """One case with a telecom ban in force and an enrolled phone."""

    officer: str
    case_id: str
    victim_id: str
    perpetrator_id: str
    victim_number: str
    perpetrator_number: str
    order_id: str
    device_token: str


class Factory:
    """Creates data through the API, so tests exercise what clients use."""

    def __init__(self, client: TestClient, container: Container) -> None:
        self.client, self.container = client, container
        self.keys: dict[str, str] = {}  # phone and feed tokens -> their signing keys

    def feed(self, name: str = "operator feed") -> str:
        """A feed token (its signing key is remembered for `signed`)."""
        with transaction(self.container.sessions) as s:
            token, key = create_signed_token(s, Role.FEED, name=name)
        self.keys[token] = key
        return token

    def signed(self, token: str, method: str, path: str, body: bytes = b"") -> dict[str, str]:
        """Headers of a request signed as the phone or feed behind `token`."""
        return signed_headers(token, self.keys[token], method, path, body)

    def post_signed(self, path: str, token: str, payload: Any, status: int = 202) -> Any:
        """A signed JSON POST from a phone or feed; checks the status."""
        body = json.dumps(payload, ensure_ascii=False).encode()
        r = self.client.post(path, content=body, headers=self.signed(token, "POST", path, body))
        assert r.status_code == status, r.text
        return r.json()

    def token(self, role: Role, agency: str | None = "seoul-mapo", name: str | None = None) -> str:
        """A staff or machine token."""
        with transaction(self.container.sessions) as s:
            return create_token(
                s, role, name=name or f"{role.value}-{uuid.uuid4().hex[:6]}", agency=agency
            )

    def post(self, path: str, token: str, body: dict[str, Any], status: int = 201) -> Any:
        """POST and check the status."""
        r = self.client.post(path, json=body, headers=auth(token))
        assert r.status_code == status, r.text
        return r.json()

    def person(self, officer: str, name: str = "김지은", phones: list[str] | None = None) -> Any:
        """A person with one number."""
        return self.post(
            "/api/v1/people",
            officer,
            {"name": name, "phones": phones if phones is not None else [new_mobile()]},
        )

    def world(
        self,
        officer: str | None = None,
        kind: str = "stalking.provisional.3",
        starts_at: datetime | None = None,
        days: int = 30,
    ) -> World:
        """A victim, a perpetrator, a case, a no-contact order in force, an enrolled phone."""
        officer = officer or self.token(Role.OFFICER)
        victim = self.person(officer, "김지은")
        perp = self.person(officer, "박가해")
        case = self.post(
            "/api/v1/cases",
            officer,
            {
                "victim_id": victim["id"],
                "perpetrator_id": perp["id"],
                "relationship": "former_partner",
                "offense": "stalking",
            },
        )
        start = starts_at or datetime.now(UTC) - timedelta(days=1)
        order = self.post(
            f"/api/v1/cases/{case['id']}/orders",
            officer,
            {
                "kind": kind,
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(days=days)).isoformat(),
            },
        )
        device = self.post(f"/api/v1/cases/{case['id']}/devices", officer, {"kind": "victim_phone"})
        self.keys[device["token"]] = device["signing_key"]
        return World(
            officer,
            case["id"],
            victim["id"],
            perp["id"],
            victim["phones"][0],
            perp["phones"][0],
            order["id"],
            device["token"],
        )

    def contact(
        self,
        token: str,
        number: str | None,
        at: datetime | None = None,
        kind: str = "call",
        event_id: str | None = None,
    ) -> Any:
        """One event from the victim's phone."""
        ev = {
            "id": event_id or str(uuid.uuid4()),
            "kind": kind,
            "number": number,
            "occurred_at": (at or datetime.now(UTC)).isoformat(),
        }
        return self.post_signed("/api/v1/device/contacts", token, {"events": [ev]})


HOME = (37.5563, 126.9236)  # the victim's home in the geo world (마포구)


@dataclass
class GeoWorld:
    """A case with an approach ban, electronic monitoring, the victim's home and phone, the
    perpetrator's anklet."""

    world: World
    serial: str
    anklet_id: str
    feed: str


def geo_world(
    factory: Factory,
    officer: str | None = None,
    warn_m: int | None = None,
    address: str = "서울 마포구 …",
) -> GeoWorld:
    """Build it through the API, as an officer would."""
    officer = officer or factory.token(Role.OFFICER)
    victim = factory.post(
        "/api/v1/people",
        officer,
        {
            "name": "김지은",
            "phones": [new_mobile()],
            "addresses": [{"label": "home", "text": address, "lat": HOME[0], "lon": HOME[1]}],
        },
    )
    perp = factory.person(officer, "박가해")
    case = factory.post(
        "/api/v1/cases",
        officer,
        {
            "victim_id": victim["id"],
            "perpetrator_id": perp["id"],
            "relationship": "former_partner",
            "offense": "stalking",
        },
    )
    start = datetime.now(UTC) - timedelta(days=1)
    window = {"starts_at": start.isoformat(), "ends_at": (start + timedelta(days=30)).isoformat()}
    ban = {"kind": "stalking.provisional.2", **window}
    if warn_m is not None:
        ban["warn_m"] = warn_m
    order = factory.post(f"/api/v1/cases/{case['id']}/orders", officer, ban)
    factory.post(
        f"/api/v1/cases/{case['id']}/orders",
        officer,
        {"kind": "stalking.provisional.3-2", **window},
    )
    phone = factory.post(f"/api/v1/cases/{case['id']}/devices", officer, {"kind": "victim_phone"})
    factory.keys[phone["token"]] = phone["signing_key"]
    serial = f"EM-{uuid.uuid4().hex[:8]}"
    anklet = factory.post(
        f"/api/v1/cases/{case['id']}/devices", officer, {"kind": "anklet", "serial": serial}
    )
    world = World(
        officer,
        case["id"],
        victim["id"],
        perp["id"],
        victim["phones"][0],
        perp["phones"][0],
        order["id"],
        phone["token"],
    )
    return GeoWorld(world, serial, anklet["id"], factory.feed())


def ping(
    serial: str, lat: float, lon: float, at: datetime, accuracy_m: float = 10
) -> dict[str, Any]:
    """One anklet ping as the feed sends it."""
    return {
        "device": serial,
        "lat": lat,
        "lon": lon,
        "accuracy_m": accuracy_m,
        "recorded_at": at.isoformat(),
    }


def geo_alerts(client: TestClient, factory: Factory, g: GeoWorld) -> list[dict[str, Any]]:
    """The alerts of a geo world's case, as a dispatcher of its agency lists them."""
    r = client.get(
        "/api/v1/alerts",
        params={"case_id": g.world.case_id},
        headers=auth(factory.token(Role.DISPATCHER)),
    )
    assert r.status_code == 200
    items: list[dict[str, Any]] = r.json()["items"]
    return items
