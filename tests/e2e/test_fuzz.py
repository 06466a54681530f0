"""Schemathesis against the live OpenAPI document: no 5xx, responses as documented.

A bounded run for CI; the longer one is `make fuzz`. `positive_data_acceptance` is left
out: business rules (a real phone number, a cursor this server gave, two different
people) cannot be written in a JSON schema, so schema-valid requests may rightly be 422.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from jikimi.domain.access import Role
from tests.e2e.conftest import LiveServer

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

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


def test_no_server_errors_and_no_schema_violations(tmp_path: Path) -> None:
    """Every route, generated inputs, as an officer (the role with the most routes)."""
    st = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    assert st is not None, "schemathesis is a dev dependency: make install"
    server = LiveServer(
        f"sqlite:///{tmp_path}/fuzz.db",
        tmp_path,
        JIKIMI_RATE_LIMIT_PER_S="10000",
        JIKIMI_RATE_LIMIT_BURST="100000",
    )
    server.start()
    try:
        token = server.token(Role.OFFICER)
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
            ],
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        assert run.returncode == 0, run.stdout[-6000:]
    finally:
        server.stop()
