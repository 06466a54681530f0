"""The bundle's files, its signed manifest and the ZIP that carries them."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from jikimi.bundle import pdf, rules
from jikimi.bundle.gather import CaseFile
from jikimi.cases import evidence
from jikimi.core.evidence_key import EvidenceKey
from jikimi.core.times import iso

VERIFIER = Path(__file__).with_name("verify.py")


def data_files(f: CaseFile, made_at: datetime, made_by: str) -> dict[str, bytes]:
    """The machine-readable files: three hash chains (jikimi-evidence/1) and the trail."""
    case_items = [("case", f.case)]
    case_items += [("order", o) for o in f.orders]
    case_items += [("risk_assessment", r) for r in f.risk]
    case_items += [("safety_measure", m) for m in f.measures]
    case_id, reason = f.case["id"], "evidence bundle for the prosecutor"

    def chain(items: list[tuple[str, dict[str, Any]]]) -> bytes:
        return rules.json_bytes(evidence.chained(case_id, items, made_at, made_by, reason))

    access = {"format": "jikimi-access/1", "case_id": case_id, "records": f.access}
    return {
        rules.CASE: chain(case_items),
        rules.EVENTS: chain([("event", e) for e in f.events]),
        rules.ALERTS: chain([("alert", a) for a in f.alerts]),
        rules.ACCESS: rules.json_bytes(access),
    }


def build(
    f: CaseFile,
    key: EvidenceKey,
    made_at: datetime,
    made_by: Mapping[str, str | None],
    measure_titles: Mapping[str, str],
) -> bytes:
    """The bundle as a ZIP: every file, the manifest that hashes them, its signature."""
    made_iso = iso(made_at) or ""
    label = made_by.get("name") or made_by.get("account_id") or ""
    files = data_files(f, made_at, label)
    hashes = {path: rules.sha256_hex(data) for path, data in files.items()}
    made = {"made_at": made_iso, "made_by": made_by, "key_id": key.key_id}
    files[rules.PDF] = pdf.render(f, made, hashes, measure_titles)
    files[rules.PUBLIC_KEY] = key.public_pem
    files[rules.VERIFIER] = VERIFIER.read_bytes()
    manifest = rules.manifest(
        files, case_id=f.case["id"], made_at=made_iso, made_by=made_by, key_id=key.key_id
    )
    manifest_bytes = rules.json_bytes(manifest)
    out = io.BytesIO()
    stamp = made_at.astimezone(rules.SEOUL).timetuple()[:6]  # ZIP times are wall-clock
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        entries = [(rules.MANIFEST, manifest_bytes), (rules.SIGNATURE, key.sign(manifest_bytes))]
        entries += [(p, files[p]) for p in rules.ORDER]
        for path, data in entries:
            info = zipfile.ZipInfo(path, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return out.getvalue()
