"""Encryption at rest: a dump holds no readable personal data; swapped or altered
ciphertexts are detected; rotation re-encrypts while lookups keep working."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from jikimi import schema as t
from jikimi.bootstrap import Container
from jikimi.cli.rotation import reseal_all, stale_counts
from jikimi.core import sealing as crypto
from jikimi.core.access import Role
from jikimi.core.sealing import SealBroken
from jikimi.core.tx import reading, transaction
from tests.factories import Factory, auth


def test_a_database_dump_holds_no_readable_personal_data(
    client: TestClient, factory: Factory, container: Container, database_url: str
) -> None:
    """Names, numbers, addresses, positions and message text are never stored in clear."""
    officer = factory.token(Role.OFFICER)
    v = factory.post(
        "/api/v1/people",
        officer,
        {
            "name": "김지은",
            "phones": ["010-2468-1357"],
            "birth_date": "1994-05-02",
            "addresses": [
                {
                    "label": "home",
                    "text": "서울 마포구 월드컵북로 400",
                    "lat": 37.567891,
                    "lon": 126.912345,
                }
            ],
        },
    )
    p = factory.post("/api/v1/people", officer, {"name": "박가해", "phones": ["010-9753-8642"]})
    case = factory.post(
        "/api/v1/cases",
        officer,
        {
            "victim_id": v["id"],
            "perpetrator_id": p["id"],
            "relationship": "dating",
            "offense": "stalking",
        },
    )
    device = factory.post(f"/api/v1/cases/{case['id']}/devices", officer, {"kind": "victim_phone"})
    factory.keys[device["token"]] = device["signing_key"]
    event = {
        "id": "e1",
        "kind": "sms",
        "number": "010-9753-8642",
        "occurred_at": "2026-11-22T10:00:00+09:00",
        "text": "문 열어 집 앞이야",
    }
    factory.post_signed("/api/v1/device/contacts", device["token"], {"events": [event]})
    fix = {
        "lat": 37.554321,
        "lon": 126.987654,
        "accuracy_m": 7,
        "recorded_at": event["occurred_at"],
    }
    factory.post_signed("/api/v1/device/locations", device["token"], {"pings": [fix]})
    sos = {
        "lat": 37.551234,
        "lon": 126.981234,
        "accuracy_m": 9,
        "occurred_at": "2026-11-22T10:01:00+09:00",
    }
    factory.post_signed("/api/v1/device/sos", device["token"], sos)
    risk = factory.post(
        f"/api/v1/cases/{case['id']}/risk-assessments",
        officer,
        {"answers": {"strangulation": True, "victim_fear": 5}, "note": "상담: 목을 졸랐다고 진술"},
    )
    factory.post(
        f"/api/v1/risk-assessments/{risk['id']}/override",
        officer,
        {"tier": "very_high", "reason": "가해자가 엽총 면허 보유"},
        status=200,
    )
    container.worker.run_once()
    dump = _dump(container, database_url)
    for secret in (
        "김지은",
        "박가해",
        "24681357",
        "97538642",
        "월드컵북로",
        "37.567891",
        "126.912345",
        "1994-05-02",
        "집 앞이야",
        "37.554321",
        "126.987654",
        "37.551234",
        "126.981234",
        "목을 졸랐다고",  # the consultation note
        "strangulation",  # the answers (factors are the model's output, kept readable
        "엽총 면허",  # the override's reason
    ):
        assert secret not in dump, f"{secret!r} is readable in the database"
    # … and the API still gives them back.
    got = client.get(f"/api/v1/people/{v['id']}", headers=auth(officer)).json()
    assert (got["name"], got["phones"], got["addresses"][0]["lat"]) == (
        "김지은",
        ["+821024681357"],
        37.567891,
    )


def _dump(container: Container, database_url: str) -> str:
    """Every stored value as text: the SQLite file itself, or every row of every table."""
    if database_url.startswith("sqlite"):
        db = Path(database_url.removeprefix("sqlite:///"))
        with sqlite3.connect(db) as conn:
            return "\n".join(conn.iterdump())
    with container.engine.connect() as conn:
        rows = [
            repr(tuple(row))
            for table in t.Base.metadata.sorted_tables
            for row in conn.execute(select(table))
        ]
    return "\n".join(rows)


def test_ciphertext_swapped_between_two_people_is_detected(
    factory: Factory, container: Container
) -> None:
    """Copying the victim's sealed name onto the perpetrator's record does not make it the
    perpetrator's name."""
    officer = factory.token(Role.OFFICER)
    a, b = factory.person(officer, "김지은"), factory.person(officer, "박가해")
    with transaction(container.sessions) as s:
        sealed_a = s.scalar(select(t.Person.name_sealed).where(t.Person.id == a["id"]))
        s.execute(update(t.Person).where(t.Person.id == b["id"]).values(name_sealed=sealed_a))
    with reading(container.read_sessions) as s:
        person = s.get(t.Person, b["id"])
        assert person is not None
        with pytest.raises(SealBroken):
            _ = person.name


def test_altered_ciphertext_is_detected(factory: Factory, container: Container) -> None:
    """One flipped character in a stored number fails its integrity check."""
    officer = factory.token(Role.OFFICER)
    a = factory.person(officer)
    with transaction(container.sessions) as s:
        row = s.scalars(select(t.PersonPhone).where(t.PersonPhone.person_id == a["id"])).one()
        token = row.e164_sealed
        flipped = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
        row.e164_sealed = flipped
    with reading(container.read_sessions) as s:
        row = s.scalars(select(t.PersonPhone).where(t.PersonPhone.person_id == a["id"])).one()
        with pytest.raises(SealBroken):
            _ = row.e164


def test_rotation_reencrypts_and_matching_still_works(
    client: TestClient, factory: Factory, container: Container, tmp_path: Path
) -> None:
    """After rotating, no value is left under the old key, and the perpetrator's calls still
    match."""
    ring = crypto.ring()
    saved = (dict(ring.keys), ring.active, ring.path)
    ring.path = tmp_path / "keys.json"
    try:
        w = factory.world()
        old = ring.active
        new = ring.rotate()
        assert new != old
        with reading(container.read_sessions) as s:
            assert stale_counts(s)  # everything so far is under the old key
        assert reseal_all(container.sessions) > 0
        with reading(container.read_sessions) as s:
            assert stale_counts(s) == {}
        factory.contact(w.device_token, w.perpetrator_number)
        container.worker.run_once()
        alerts = client.get("/api/v1/alerts", headers=auth(factory.token(Role.DISPATCHER)))
        assert [a["evidence"][0]["number"] for a in alerts.json()["items"]] == [
            w.perpetrator_number
        ]
    finally:
        ring.keys, ring.active, ring.path = saved
