"""The evidence bundle through HTTP: a signed ZIP whose manifest hashes every file, that
verify.py (stand-alone) accepts intact and refuses with any byte changed, whose PDF names
the people in Korean and nowhere gives the victim's address; the case's officer and its
agency's supervisor only; its making on the access trail first."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from fastapi.testclient import TestClient
from pypdf import PdfReader

from jikimi.bootstrap import Container
from jikimi.core.access import Role
from tests.factories import Factory, auth
from tests.integration.bundle.helpers import (
    ADDRESS,
    a_case,
    crypto_only,
    fetch,
    run_verify,
    unpack,
    zipped,
)

FILES = {
    "manifest.json",
    "manifest.sig",
    "case.pdf",
    "case.json",
    "events.json",
    "alerts.json",
    "access.json",
    "evidence-key.pem",
    "verify.py",
}


def test_every_file_is_in_the_signed_manifest_with_its_hash(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """The manifest lists every file but itself and its signature, each hash matches,
    and the signature verifies with the key the server publishes."""
    c = a_case(client, factory, container)
    files = fetch(client, c.officer, c.case_id)
    assert set(files) == FILES
    manifest = json.loads(files["manifest.json"])
    assert manifest["format"] == "jikimi-bundle/1"
    assert manifest["case_id"] == c.case_id
    assert manifest["made_by"]["role"] == "officer"
    assert manifest["made_at"].endswith("Z")
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    assert set(listed) == FILES - {"manifest.json", "manifest.sig"}
    for path, digest in listed.items():
        assert hashlib.sha256(files[path]).hexdigest() == digest, path
    published = client.get("/api/v1/evidence-key", headers=auth(c.officer)).json()
    assert published["public_key_pem"].encode() == files["evidence-key.pem"]
    assert published["key_id"] == manifest["signature"]["key_id"]
    key = serialization.load_pem_public_key(files["evidence-key.pem"])
    assert isinstance(key, Ed25519PublicKey)
    key.verify(files["manifest.sig"], files["manifest.json"])


def test_the_evidence_files_hold_the_violations_and_the_export_chain(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """events.json and alerts.json are the evidence export's chains: the perpetrator's
    call and text, the contact and proximity alerts with their evidence and timeline."""
    c = a_case(client, factory, container)
    files = fetch(client, c.officer, c.case_id)
    events = json.loads(files["events.json"])
    alerts = json.loads(files["alerts.json"])
    case = json.loads(files["case.json"])
    assert events["format"] == alerts["format"] == case["format"] == "jikimi-evidence/1"
    assert sorted(i["data"]["kind"] for i in events["items"]) == ["call", "sms"]
    kinds = {i["data"]["kind"]: i["data"] for i in alerts["items"]}
    assert {"contact_violation", "proximity_violation"} <= set(kinds)
    assert [t["action"] for t in kinds["contact_violation"]["timeline"]] == [
        "opened",
        "grew",
        "acknowledged",
        "resolved",
    ]
    assert kinds["proximity_violation"]["evidence"][0]["distance_m"] < 100
    types = [i["type"] for i in case["items"]]
    assert types[0] == "case"
    assert {"order", "risk_assessment", "safety_measure"} <= set(types)
    risk = next(i["data"] for i in case["items"] if i["type"] == "risk_assessment")
    assert "note" not in risk
    assert "answers" not in risk


def test_verify_py_accepts_the_zip_and_the_folder_in_a_bare_python(
    client: TestClient, factory: Factory, container: Container, tmp_path: Path
) -> None:
    """Run as a court would: no Jikimi, only `cryptography`, on the ZIP and unpacked."""
    c = a_case(client, factory, container)
    files = fetch(client, c.officer, c.case_id)
    lib = crypto_only(tmp_path / "lib")
    folder = unpack(files, tmp_path / "bundle")
    archive = tmp_path / "bundle.zip"
    archive.write_bytes(zipped(files))
    for target in (folder, archive):
        done = run_verify(folder / "verify.py", target, lib)
        assert done.returncode == 0, done.stderr
        assert f"case {c.case_id}" in done.stdout
        digest = hashlib.sha256(files["manifest.json"]).hexdigest()
        assert f"manifest SHA-256: {digest}" in done.stdout


def test_one_byte_changed_in_any_file_fails_verify_naming_it(
    client: TestClient, factory: Factory, container: Container, tmp_path: Path
) -> None:
    """Every file, the manifest and the signature included: one byte changed, a failure."""
    c = a_case(client, factory, container)
    files = fetch(client, c.officer, c.case_id)
    lib = crypto_only(tmp_path / "lib")
    verifier = unpack({"verify.py": files["verify.py"]}, tmp_path / "tool") / "verify.py"
    for name in sorted(FILES):
        changed = dict(files)
        data = bytearray(changed[name])
        data[len(data) // 2] ^= 0x01
        changed[name] = bytes(data)
        target = unpack(changed, tmp_path / f"changed-{name}")
        done = run_verify(verifier, target, lib)
        assert done.returncode == 1, (name, done.stdout, done.stderr)
        named = "signature" if name in ("manifest.json", "manifest.sig") else name
        assert named in done.stderr, (name, done.stderr)


def test_another_key_fails_and_the_courts_own_copy_of_the_key_passes(
    client: TestClient, factory: Factory, container: Container, tmp_path: Path
) -> None:
    """A bundle re-signed with a forger's key (manifest, signature and key replaced) still
    verifies on its own, so `--key` with the key the court holds is what proves origin."""
    c = a_case(client, factory, container)
    files = fetch(client, c.officer, c.case_id)
    lib = crypto_only(tmp_path / "lib")
    ours = tmp_path / "police.pem"
    ours.write_text(
        client.get("/api/v1/evidence-key", headers=auth(c.officer)).json()["public_key_pem"]
    )
    verifier = unpack({"verify.py": files["verify.py"]}, tmp_path / "tool") / "verify.py"
    genuine = unpack(files, tmp_path / "genuine")
    assert run_verify(verifier, genuine, lib, "--key", str(ours)).returncode == 0

    forger = Ed25519PrivateKey.generate()
    forged_pem = forger.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    raw = forger.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    forged = dict(files)
    forged["evidence-key.pem"] = forged_pem
    manifest = json.loads(files["manifest.json"])
    manifest["signature"]["key_id"] = hashlib.sha256(raw).hexdigest()
    for f in manifest["files"]:
        f["sha256"] = hashlib.sha256(forged[f["path"]]).hexdigest()
    forged["manifest.json"] = json.dumps(manifest).encode()
    forged["manifest.sig"] = forger.sign(forged["manifest.json"])
    forgery = unpack(forged, tmp_path / "forged")
    assert run_verify(verifier, forgery, lib).returncode == 0  # integrity only
    done = run_verify(verifier, forgery, lib, "--key", str(ours))
    assert done.returncode == 1
    assert "another signing key" in done.stderr
    assert "signature does not verify" in done.stderr

    other = tmp_path / "other.pem"
    other.write_bytes(forged_pem)
    assert run_verify(verifier, genuine, lib, "--key", str(other)).returncode == 1


def test_files_outside_the_manifest_are_named(
    client: TestClient, factory: Factory, container: Container, tmp_path: Path
) -> None:
    """A file slipped into the folder is not part of the signed bundle, and is said so."""
    c = a_case(client, factory, container)
    files = fetch(client, c.officer, c.case_id)
    lib = crypto_only(tmp_path / "lib")
    folder = unpack(files | {"extra-statement.txt": b"added later"}, tmp_path / "bundle")
    done = run_verify(folder / "verify.py", folder, lib)
    assert done.returncode == 3
    assert "NOT IN THE MANIFEST (not part of the signed bundle): extra-statement.txt" in (
        done.stderr
    )


def test_the_pdf_names_the_people_in_korean_and_never_the_victims_address(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """The font is embedded (the Korean names come back out as text); the victim's
    address, also quoted in a dispatcher's note, is in no file of the bundle."""
    c = a_case(client, factory, container)
    files = fetch(client, c.officer, c.case_id)
    reader = PdfReader(io.BytesIO(files["case.pdf"]))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for words in ("김지은", "박가해", "검찰 송치용 증거 묶음", "2026즈123", c.case_id):
        assert words in text, words
    assert "성미산로" not in text
    assert "[비공개 redacted]" in text
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert all("NanumGothic" in f for f in fonts), fonts
    for name, data in files.items():
        assert ADDRESS.encode() not in data, name
        assert "성미산로".encode() not in data, name


def test_making_a_bundle_is_on_the_access_trail_before_it_leaves(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """The bundle's own access.json ends with the record of its making."""
    c = a_case(client, factory, container)
    files = fetch(client, c.officer, c.case_id)
    records = json.loads(files["access.json"])["records"]
    last = records[-1]
    assert (last["action"], last["resource"], last["resource_id"]) == (
        "export",
        "bundle",
        c.case_id,
    )
    manifest = json.loads(files["manifest.json"])
    assert last["account_id"] == manifest["made_by"]["account_id"]
    assert [r["n"] for r in records] == sorted(r["n"] for r in records)
    assert any(r["resource"] == "case" for r in records)


def test_only_the_cases_officer_and_its_agencys_supervisor_get_it(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """Other officers and other agencies: 404 as for no case; roles that read no case's
    evidence: 403; through break-glass: refused (it allows reading, not exporting)."""
    c = a_case(client, factory, container)
    url = f"/api/v1/cases/{c.case_id}/bundle"

    def status(token: str, path: str = url) -> int:
        return client.get(path, headers=auth(token)).status_code

    assert status(factory.token(Role.SUPERVISOR, "seoul-mapo")) == 200
    colleague = factory.token(Role.OFFICER, "seoul-mapo")
    assert status(colleague) == 404
    assert status(factory.token(Role.OFFICER, "busan-haeundae")) == 404
    assert status(factory.token(Role.SUPERVISOR, "busan-haeundae")) == 404
    for role in (Role.DISPATCHER, Role.ANALYST, Role.ADMIN, Role.FEED):
        assert status(factory.token(role, "seoul-mapo")) == 403, role
    missing = client.get("/api/v1/cases/" + "0" * 32 + "/bundle", headers=auth(c.officer))
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    factory.post(
        f"/api/v1/cases/{c.case_id}/break-glass",
        colleague,
        {"reason": "야간 긴급 출동 중 확인 필요"},
    )
    assert status(colleague) == 403


def test_the_evidence_key_is_published_to_every_staff_role(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """Its id is the SHA-256 of the raw public key; phones and the feed get a 403."""
    for role in (Role.ANALYST, Role.DISPATCHER, Role.ADMIN):
        r = client.get("/api/v1/evidence-key", headers=auth(factory.token(role)))
        assert r.status_code == 200
        body = r.json()
        key = serialization.load_pem_public_key(body["public_key_pem"].encode())
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        assert body == body | {"algorithm": "Ed25519", "key_id": hashlib.sha256(raw).hexdigest()}
    assert client.get("/api/v1/evidence-key").status_code == 401
    assert client.get("/api/v1/evidence-key", headers=auth(factory.feed())).status_code == 403
