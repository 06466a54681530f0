"""`jikimi demo`: a seeded city and a simulator of victims' phones, over real HTTP."""

from __future__ import annotations

import os
import random
import secrets
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
import typer

from jikimi.cli.demo_caseload import TEAM, make_team, seed_caseload
from jikimi.cli.demo_city import AGENCY, CITY, SimCase, mobile_number, seed
from jikimi.cli.demo_geo import Victim, seed_geo, simulate_movement
from jikimi.cli.demo_week import CENTRE, WEEK, seed_week
from jikimi.client.signed import signed_json
from jikimi.core import private_files

DEMO_DB = Path("data") / "demo.db"
# The console sign-ins the demo prints: (login, role, name), all of AGENCY but the
# counsellor, who works at the demo's counselling centre (CENTRE).
SIGN_INS = [
    ("dispatcher", "dispatcher", "상황실 박경장"),
    ("officer", "officer", "마포서 이경사"),
    ("supervisor", "supervisor", "마포서 여성청소년과 최경감"),
    ("counsellor", "counsellor", "해바라기센터 정상담"),
    ("analyst", "analyst", "경찰청 통계 분석관 한주무관"),
]


def _fresh_sqlite(path: Path) -> str:
    private_files.make_dirs(path.parent)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return f"sqlite:///{path}"


def simulate(
    http: httpx.Client,
    cases: list[SimCase],
    feed: tuple[str, str],
    rate: float,
    stop: threading.Event,
    rng: random.Random,
) -> None:
    """Send contact events until stopped: most innocent, some from the perpetrator, some hidden."""
    while not stop.wait(rng.expovariate(rate)):
        case = rng.choice(cases)
        roll = rng.random()
        number: str | None
        if roll < 0.70:
            number = mobile_number(rng)
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
                # An iPhone cannot see calls: the operator reports them for the victim.
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

    from jikimi.accounts import logins
    from jikimi.accounts.tokens import create_signed_token, create_token
    from jikimi.app import create_app
    from jikimi.bootstrap import build
    from jikimi.cli.serving import allowed_settings, uvicorn_options
    from jikimi.core.access import Role
    from jikimi.core.tx import transaction
    from jikimi.tasks.messages import PlanTasks

    if "JIKIMI_DATABASE_URL" not in os.environ:
        os.environ["JIKIMI_DATABASE_URL"] = _fresh_sqlite(DEMO_DB)
    container = build(allowed_settings())
    with transaction(container.sessions) as s:
        dispatcher = create_token(s, Role.DISPATCHER, name="상황실 김경위", agency=AGENCY)
        feed = create_signed_token(s, Role.FEED, name="demo operator feed")
        signins = [
            (login, secrets.token_urlsafe(12), Role(role), name) for login, role, name in SIGN_INS
        ]
        secrets_of: dict[str, str] = {}
        officer = ""
        for login, password, role, name in signins:
            account_id, secrets_of[login] = logins.create_staff(
                s,
                login=login,
                password=password,
                role=role,
                name=name,
                agency=CENTRE if role is Role.COUNSELLOR else AGENCY,
                now=datetime.now(UTC),
            )
            if role is Role.OFFICER:  # the seeding's token: the officer opens every case
                officer = create_token(s, role, account_id=account_id)
        team = make_team(s)
    url = f"http://{host}:{port}"
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
            seed_week(http, officer, rng, datetime.now(UTC), CENTRE)
            seed_caseload(http, team, rng)
            container.bus.handle(PlanTasks())  # the week's tasks now, not in 30 s
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
        f"\nJikimi demo — a seeded city of {len(CITY) + len(WEEK)} cases: phones report calls"
        " and texts, six\nperpetrators wear anklets and some walk or drive toward their"
        " victim's home, a week\nof orders ending, ended and revoked owes the officer tasks,"
        f" and {len(TEAM)} colleagues'\ncases fill the supervisor's caseload page\n"
        f"  console          {url}/console\n"
        "  sign in as       login / password, then the 6-digit code its command prints (or\n"
        "                   add its otpauth:// URI to an authenticator app)"
    )
    for login, password, role, name in signins:
        secret = secrets_of[login]
        code = f".venv/bin/python -c \"import pyotp; print(pyotp.TOTP('{secret}').now())\""
        typer.echo(
            f"  {role.value:<16} {login} / {password}   {name}\n"
            f"                   {code}\n"
            f"                   {logins.provisioning_uri(login, secret)}"
        )
    typer.echo(
        f"  dispatcher token {dispatcher}   (machine token: 'sign in with a token')\n"
        f"  officer token    {officer}   (the officer's)\n"
        f"  database         {container.settings.database_url} (fresh on every `make demo`)\n"
        "Ctrl-C stops.\n"
    )
    threading.Thread(target=drive, name="demo-simulator", daemon=True).start()
    try:
        uvicorn.run(
            create_app(container), host=host, port=port, **uvicorn_options(container.settings)
        )
    finally:
        stop.set()
