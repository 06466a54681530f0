"""A court can verify a case's evidence without Jikimi; any change to it is found."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from jikimi import schema as t
from jikimi.bootstrap import Container
from jikimi.core.access import Role
from jikimi.core.tx import reading
from tests.factories import Factory, auth

VERIFY = Path(__file__).resolve().parents[3] / "tools" / "verify_evidence.py"
REASON = {"reason": "서울서부지법 2026고단123 제출"}


def _verify(bundle: dict[str, Any], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle, ensure_ascii=False), "utf-8")
    # The verifier runs with nothing of Jikimi importable: -I isolates it.
    return subprocess.run(
        [sys.executable, "-I", str(VERIFY), str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_export_verifies_standalone_and_holds_only_the_cases_evidence(
    client: TestClient, factory: Factory, container: Container, tmp_path: Path
) -> None:
    w = factory.world()
    factory.contact(w.device_token, w.perpetrator_number)
    factory.contact(w.device_token, "010-4444-1212")  # the victim's friend: not evidence
    container.worker.run_once()
    r = client.get(f"/api/v1/cases/{w.case_id}/evidence", params=REASON, headers=auth(w.officer))
    assert r.status_code == 200, r.text
    bundle = r.json()
    kinds = [item["type"] for item in bundle["items"]]
    assert kinds == ["case", "order", "event", "alert"]
    [event] = [i["data"] for i in bundle["items"] if i["type"] == "event"]
    assert event["number"] == w.perpetrator_number
    ok = _verify(bundle, tmp_path)
    assert (ok.returncode, ok.stdout.startswith("intact: 4 items")) == (0, True), ok.stdout

    bundle["items"][2]["data"]["occurred_at"] = "2026-01-01T00:00:00Z"  # moved in time
    broken = _verify(bundle, tmp_path)
    assert broken.returncode == 1
    assert "item 3 (event) was altered" in broken.stdout


def test_export_is_recorded_and_needs_a_reason(
    client: TestClient, factory: Factory, container: Container
) -> None:
    w = factory.world()
    path = f"/api/v1/cases/{w.case_id}/evidence"
    assert client.get(path, headers=auth(w.officer)).status_code == 422
    assert client.get(path, params=REASON, headers=auth(w.officer)).status_code == 200
    as_dispatcher = client.get(path, params=REASON, headers=auth(factory.token(Role.DISPATCHER)))
    assert as_dispatcher.status_code == 403
    with reading(container.read_sessions) as s:
        last = s.scalars(select(t.AccessRecord).order_by(t.AccessRecord.n.desc())).first()
        assert last is not None
        assert (last.action, last.resource_id) == ("export", w.case_id)
