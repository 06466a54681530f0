"""Schemathesis against the live OpenAPI document: no 5xx, responses as documented.

A bounded run for CI; the longer one is `make fuzz`. `positive_data_acceptance` is left
out: business rules (a real phone number, a cursor this server gave, two different
people) cannot be written in a JSON schema, so schema-valid requests may rightly be 422.

Staff routes are fuzzed as an officer (the role with the most routes): bodies, query
strings (the alerts cursor among them) and headers (the stream's Last-Event-ID). The
phone's and the feed's routes are fuzzed with their own tokens on a server where signing
is optional, so that both halves are reached: an unsigned request's body is judged, and
a request with any of the documented X-Jikimi-* headers present is checked against them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from jikimi.core.access import Role
from tests.e2e.conftest import LiveServer
from tests.e2e.helpers import seed_case

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
        "response_headers_conformance",
    ]
)
FAST = {"JIKIMI_RATE_LIMIT_PER_S": "10000", "JIKIMI_RATE_LIMIT_BURST": "100000"}


def _schemathesis(server: LiveServer, token: str, *only: str) -> None:
    """One run with `token`, over the routes matching `only` (a path regex), if given."""
    st = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    assert st is not None, "schemathesis is a dev dependency: make install"
    run = subprocess.run(
        [
            st,
            "run",
            f"{server.url}/openapi.json",
            "-H",
            f"Authorization: Bearer {token}",
            "--checks",
            CHECKS,
            "--max-examples",
            os.environ.get("JIKIMI_FUZZ_EXAMPLES", "8"),
            "--phases",
            "examples,coverage,fuzzing",
            "-w",
            "1",
            "--seed",
            "2026",
            "--no-color",
            *(["--include-path-regex", only[0]] if only else []),
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-6000:]


def test_no_server_errors_and_no_schema_violations(tmp_path: Path) -> None:
    """Every route, generated inputs, as an officer (the role with the most routes)."""
    server = LiveServer(f"sqlite:///{tmp_path}/fuzz.db", tmp_path, **FAST)
    server.start()
    try:
        _schemathesis(server, server.token(Role.OFFICER))
    finally:
        server.stop()


def test_the_phone_and_feed_routes_with_any_signing_headers(tmp_path: Path) -> None:
    """The routes a phone and a feed call, as each, signing headers generated too."""
    server = LiveServer(
        f"sqlite:///{tmp_path}/fuzz.db", tmp_path, JIKIMI_DEVICE_SIGNING="optional", **FAST
    )
    server.start()
    try:
        phone = seed_case(server.url, server.token(Role.OFFICER))["device"]
        feed, _key = server.feed()
        with httpx.Client(base_url=server.url, timeout=10) as c:
            doc = c.get("/openapi.json").json()
        signed = [
            name
            for name in ("X-Jikimi-Timestamp", "X-Jikimi-Nonce", "X-Jikimi-Signature")
            for op in doc["paths"]["/api/v1/device/contacts"].values()
            if name in {p["name"] for p in op.get("parameters", [])}
        ]
        assert len(signed) == 3, "the signed routes document their headers"
        _schemathesis(server, phone, "^/api/v1/device/")
        _schemathesis(server, feed, "^/api/v1/feed/")
    finally:
        server.stop()
