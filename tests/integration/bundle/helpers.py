"""A case with what a prosecutor's bundle carries (a telecom ban broken by calls, an
approach ban broken by the anklet, a risk assessment, a safety measure, a resolved alert
whose note quotes the victim's address), and verify.py run as a court would run it."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import sysconfig
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from jikimi.bootstrap import Container
from jikimi.core.access import Role
from tests.factories import Factory, GeoWorld, auth, geo_world
from tests.integration.proximity.test_proximity import near_home, send

ADDRESS = "서울 마포구 성미산로17길 23, 201호"


@dataclass
class BundleCase:
    """The geo world, its case id and the victim's address text."""

    g: GeoWorld
    case_id: str
    officer: str


def a_case(client: TestClient, factory: Factory, container: Container) -> BundleCase:
    """Build the case through the API, as officers, phones and the feed would."""
    g = geo_world(factory, address=ADDRESS)
    w = g.world
    officer, case_id = w.officer, w.case_id
    now = datetime.now(UTC)
    factory.post(
        f"/api/v1/cases/{case_id}/orders",
        officer,
        {
            "kind": "stalking.provisional.3",
            "starts_at": (now - timedelta(days=1)).isoformat(),
            "ends_at": (now + timedelta(days=29)).isoformat(),
            "court_ref": "2026즈123",
        },
    )
    factory.contact(w.device_token, w.perpetrator_number, now - timedelta(minutes=3))
    factory.contact(w.device_token, w.perpetrator_number, now - timedelta(minutes=2), "sms")
    container.worker.run_once()
    send(factory, g, [near_home(3000)], now - timedelta(minutes=10))
    container.worker.run_once()
    send(factory, g, [near_home(40)], now - timedelta(minutes=9, seconds=45))
    container.worker.run_once()
    factory.post(
        f"/api/v1/cases/{case_id}/risk-assessments",
        officer,
        {"answers": {"threat_to_kill": True, "stalking_behaviours": 4}, "note": "상담 내용"},
    )
    factory.post(
        f"/api/v1/cases/{case_id}/safety-measures",
        officer,
        {
            "kind": "smartwatch",
            "starts_at": now.isoformat(),
            "ends_at": (now + timedelta(days=20)).isoformat(),
            "provider": "관할서",
            "serial": "SW-0001",
        },
    )
    dispatcher = factory.token(Role.DISPATCHER)
    alerts = client.get(
        "/api/v1/alerts", params={"case_id": case_id}, headers=auth(dispatcher)
    ).json()["items"]
    contact = next(a for a in alerts if a["kind"] == "contact_violation")
    client.post(f"/api/v1/alerts/{contact['id']}/acknowledge", headers=auth(dispatcher))
    resolved = client.post(
        f"/api/v1/alerts/{contact['id']}/resolve",
        headers=auth(dispatcher),
        json={"outcome": "dispatched", "note": f"{ADDRESS} 자택으로 출동"},
    )
    assert resolved.status_code == 200, resolved.text
    return BundleCase(g, case_id, officer)


def fetch(client: TestClient, token: str, case_id: str) -> dict[str, bytes]:
    """The case's bundle as `token` gets it, unpacked (200 asserted)."""
    r = client.get(f"/api/v1/cases/{case_id}/bundle", headers=auth(token))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def zipped(files: dict[str, bytes]) -> bytes:
    """`files` packed again as a ZIP."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return out.getvalue()


def unpack(files: dict[str, bytes], where: Path) -> Path:
    """`files` written into the folder `where`."""
    where.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (where / name).write_bytes(data)
    return where


def crypto_only(where: Path) -> Path:
    """A folder that holds `cryptography` and what it loads (cffi), and nothing of Jikimi."""
    site = Path(sysconfig.get_paths()["purelib"])
    where.mkdir(parents=True, exist_ok=True)
    for entry in site.iterdir():
        if entry.name in ("cryptography", "cffi") or entry.name.startswith("_cffi_backend"):
            (where / entry.name).symlink_to(entry)
    return where


def run_verify(
    verifier: Path, target: Path, lib: Path, *extra: str
) -> subprocess.CompletedProcess[str]:
    """`python verify.py TARGET` in a clean environment: no site-packages, only `lib` on
    the path, run from the verifier's own folder."""
    env = {"PYTHONPATH": str(lib), "PATH": os.environ.get("PATH", "")}
    return subprocess.run(
        [sys.executable, "-S", str(verifier), str(target), *extra],
        env=env,
        cwd=verifier.parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
