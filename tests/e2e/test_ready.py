"""A starting API process says it is not ready until it has warmed up, and once it says
it is, it serves.

What is slow the first time (the risk model's Korean analyser, the database pool, the key
ring, the live feed's first reading) is done before /readyz turns 200, so a load balancer
sends it no request that would wait for it; /healthz answers all along. The warm-up is held
back here by a lock on the alert timeline, which the live feed's first reading needs: the
order of the states is asserted, never a duration (bench/chaos.py measures those).
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from jikimi.core.access import Role
from tests.e2e.conftest import LiveServer
from tests.e2e.helpers import list_alerts, post_contact, seed_case, wait_for

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_readyz_is_503_until_warmed_up_and_then_a_request_is_served(
    tmp_path: Path, database_url: str
) -> None:
    server = LiveServer(database_url, tmp_path)
    server.start()  # a first run migrates the database
    case = seed_case(server.url, server.token(Role.OFFICER))
    dispatcher = server.token(Role.DISPATCHER)
    server.stop()
    db = create_engine(database_url)
    try:
        with db.connect() as held:
            held.execute(text("LOCK TABLE alert_changes IN ACCESS EXCLUSIVE MODE"))
            server.spawn()

            def up() -> bool:
                try:
                    return httpx.get(f"{server.url}/healthz", timeout=10).status_code == 200
                except httpx.TransportError:
                    return False

            wait_for(up, timeout=30)  # the process is up...
            for _ in range(3):  # ...and not ready while its warm-up cannot finish
                r = httpx.get(f"{server.url}/readyz", timeout=10)
                assert r.status_code == 503, r.text
                assert r.headers["content-type"].startswith("application/problem+json")
                assert r.headers["retry-after"].isdigit()
                assert "live feed" in r.json()["warming"]
            held.rollback()  # the lock goes: the warm-up can finish

        server.wait_ready()
        ready = httpx.get(f"{server.url}/readyz", timeout=10).json()
        assert ready["status"] == "ready"
        assert {"risk model", "database", "live feed"} <= set(ready["warm_up_s"])
        assert post_contact(server.url, case, case["perp"]).status_code == 202
        [alert] = wait_for(lambda: list_alerts(server.url, dispatcher))
        assert alert["kind"] == "contact_violation"
    finally:
        server.stop()
        db.dispose()
