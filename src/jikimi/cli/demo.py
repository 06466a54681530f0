"""`jikimi demo`: a seeded city and a simulator of victims' phones, over real HTTP."""

from __future__ import annotations

import os
import random
import secrets
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import typer

from jikimi.cli.demo_geo import Victim, seed_geo, simulate_movement
from jikimi.client.signed import signed_json

AGENCY = "seoul-mapo"
DEMO_DB = Path("data") / "demo.db"

# (victim, perpetrator, relationship, offense, order kind, days the order has run, home lat/lon)
CITY: list[tuple[str, str, str, str, str, int, float, float]] = [
    (
        "김지은",
        "박성훈",
        "former_partner",
        "stalking",
        "stalking.provisional.3",
        10,
        37.5563,
        126.9236,
    ),
    (
        "이수진",
        "최민수",
        "former_spouse",
        "domestic_violence",
        "dv.temporary.3",
        20,
        37.5509,
        126.9410,
    ),
    ("박하늘", "정우성", "dating", "dating_violence", "stalking.emergency.2", 3, 37.5612, 126.9080),
    (
        "최유나",
        "강도윤",
        "former_partner",
        "stalking",
        "stalking.provisional.3",
        60,
        37.5480,
        126.9135,
    ),
    (
        "정민지",
        "윤재혁",
        "spouse",
        "domestic_violence",
        "dv.emergency_temporary.3",
        0,
        37.5591,
        126.9327,
    ),
    (
        "강서연",
        "임태호",
        "former_partner",
        "stalking",
        "stalking.provisional.2",
        15,
        37.5537,
        126.9021,
    ),
    (
        "조은비",
        "한지훈",
        "former_spouse",
        "domestic_violence",
        "dv.protection.3",
        100,
        37.5666,
        126.9189,
    ),
    (
        "윤하은",
        "오세준",
        "acquaintance",
        "stalking",
        "stalking.provisional.3",
        80,
        37.5444,
        126.9512,
    ),
    (
        "장미래",
        "서동현",
        "dating",
        "dating_violence",
        "stalking.provisional.3",
        5,
        37.5620,
        126.9255,
    ),
    (
        "임소희",
        "신재원",
        "former_partner",
        "stalking",
        "stalking.emergency.2",
        40,
        37.5497,
        126.9240,
    ),
    ("한가을", "권혁진", "family", "domestic_violence", "dv.temporary.3", 30, 37.5571, 126.9123),
    ("오나래", "황보현", "stranger", "stalking", "stalking.provisional.3", 1, 37.5529, 126.9368),
]
MAX_DAYS = {
    "stalking.emergency.2": 28,
    "dv.emergency_temporary.3": 1,
    "dv.protection.3": 360,
    "dv.temporary.3": 59,
    "stalking.provisional.3": 89,
    "stalking.provisional.2": 89,
}


@dataclass
class SimCase:
    """What the simulator knows about one seeded case."""

    device_token: str
    device_key: str
    victim_number: str
    perpetrator_number: str
    iphone: bool
    case: dict[str, Any]  # id, offense, home lat/lon: what the moving city needs


def _fresh_sqlite(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return f"sqlite:///{path}"


def _mobile(rng: random.Random) -> str:
    return f"010-{rng.randint(2000, 9999)}-{rng.randint(0, 9999):04d}"


def seed(http: httpx.Client, officer: str, rng: random.Random) -> list[SimCase]:
    """Create the city's people, cases, orders and phones through the API."""
    h = {"Authorization": f"Bearer {officer}"}
    now = datetime.now(UTC)
    cases = []
    for i, (victim, perp, rel, offense, kind, ran, lat, lon) in enumerate(CITY):
        vnum, pnum = _mobile(rng), _mobile(rng)
        v = http.post(
            "/api/v1/people",
            headers=h,
            json={
                "name": victim,
                "phones": [vnum],
                "addresses": [
                    {
                        "label": "home",
                        "text": f"서울 마포구 데모로 {i + 1}길",
                        "lat": lat,
                        "lon": lon,
                    }
                ],
            },
        ).json()
        p = http.post("/api/v1/people", headers=h, json={"name": perp, "phones": [pnum]}).json()
        c = http.post(
            "/api/v1/cases",
            headers=h,
            json={
                "victim_id": v["id"],
                "perpetrator_id": p["id"],
                "relationship": rel,
                "offense": offense,
            },
        ).json()
        start = now - timedelta(days=min(ran, MAX_DAYS[kind] - 1), hours=1)
        end = start + timedelta(days=MAX_DAYS[kind])
        http.post(
            f"/api/v1/cases/{c['id']}/orders",
            headers=h,
            json={
                "kind": kind,
                "starts_at": start.isoformat(),
                "ends_at": end.isoformat(),
                "court_ref": f"2026즈{1000 + i}",
            },
        ).raise_for_status()
        dev = http.post(
            f"/api/v1/cases/{c['id']}/devices", headers=h, json={"kind": "victim_phone"}
        ).json()
        info = {"id": c["id"], "offense": offense, "lat": lat, "lon": lon}
        cases.append(SimCase(dev["token"], dev["signing_key"], vnum, pnum, i % 4 == 3, info))
    return cases


def simulate(
    http: httpx.Client,
    cases: list[SimCase],
    feed: tuple[str, str],
    rate: float,
    stop: threading.Event,
    rng: random.Random,
) -> None:
    """Send contact events until stopped: most innocent, some from him, some hidden."""
    while not stop.wait(rng.expovariate(rate)):
        case = rng.choice(cases)
        roll = rng.random()
        number: str | None
        if roll < 0.70:
            number = _mobile(rng)
        elif roll < 0.90:
            number = case.perpetrator_number
        else:
            number = None
        event = {
            "id": str(uuid.uuid4()),
            "kind": rng.choice(["call", "missed_call", "sms"]),
            "number": number,
            "occurred_at": datetime.now(UTC).isoformat(),
            "text": None,
        }
        try:
            if case.iphone:
                # An iPhone cannot see calls: the operator reports them for her.
                path = "/api/v1/feed/contacts"
                payload = {"events": [{**event, "victim_number": case.victim_number}]}
                body, headers = signed_json(*feed, path, payload)
            else:
                path = "/api/v1/device/contacts"
                body, headers = signed_json(
                    case.device_token, case.device_key, path, {"events": [event]}
                )
            http.post(path, content=body, headers=headers)
        except httpx.HTTPError:
            continue  # the server is stopping


def run_demo(host: str, port: int, rate: float) -> None:
    """Start a fresh demo city and serve it until Ctrl-C."""
    import uvicorn

    from jikimi.api.app import create_app
    from jikimi.bootstrap import build
    from jikimi.domain.access import Role
    from jikimi.store import logins
    from jikimi.store.auth import create_signed_token, create_token
    from jikimi.store.tx import transaction

    if "JIKIMI_DATABASE_URL" not in os.environ:
        os.environ["JIKIMI_DATABASE_URL"] = _fresh_sqlite(DEMO_DB)
    container = build()
    with transaction(container.sessions) as s:
        dispatcher = create_token(s, Role.DISPATCHER, name="상황실 김경위", agency=AGENCY)
        officer = create_token(s, Role.OFFICER, name="마포서 이경사", agency=AGENCY)
        feed = create_signed_token(s, Role.FEED, name="demo operator feed")
        password = secrets.token_urlsafe(12)
        _, secret = logins.create_staff(
            s,
            login="dispatcher",
            password=password,
            role=Role.DISPATCHER,
            name="상황실 박경장",
            agency=AGENCY,
            now=datetime.now(UTC),
        )
    url = f"http://{host}:{port}"
    code_cmd = f".venv/bin/python -c \"import pyotp; print(pyotp.TOTP('{secret}').now())\""
    stop = threading.Event()
    rng = random.Random(2026)

    def drive() -> None:
        with httpx.Client(base_url=url, timeout=10) as http:
            for _ in range(300):
                try:
                    if http.get("/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            cases = seed(http, officer, rng)
            moving = cases[:6]  # half the city wears anklets under approach bans
            walkers = seed_geo(http, officer, [c.case for c in moving], rng)
            victims = [
                Victim(c.device_token, c.device_key, (c.case["lat"], c.case["lon"]))
                for c in moving
                if not c.iphone
            ]
            threading.Thread(
                target=simulate_movement,
                args=(http, walkers, victims, feed, stop, random.Random(7)),
                name="demo-movement",
                daemon=True,
            ).start()
            simulate(http, cases, feed, rate, stop, rng)

    typer.echo(
        "\nJikimi demo — a seeded city of 12 cases: phones report calls and texts, six\n"
        "perpetrators wear anklets and some walk or drive toward their victim's home\n"
        f"  console          {url}/console\n"
        f"  sign in as       dispatcher / {password}\n"
        f"  second factor    {logins.provisioning_uri('dispatcher', secret)}\n"
        "                   (add it to an authenticator app, or print the current code:\n"
        f"                   {code_cmd})\n"
        f"  dispatcher token {dispatcher}   (machine token: 'sign in with a token')\n"
        f"  officer token    {officer}\n"
        f"  database         {container.settings.database_url} (fresh on every `make demo`)\n"
        "Ctrl-C stops.\n"
    )
    threading.Thread(target=drive, name="demo-simulator", daemon=True).start()
    try:
        uvicorn.run(
            create_app(container), host=host, port=port, log_level="warning", access_log=False
        )
    finally:
        stop.set()
