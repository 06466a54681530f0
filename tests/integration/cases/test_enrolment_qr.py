"""Enrolling a victim's phone shows its token once, also as a QR code the phone scans."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient

from tests.factories import Factory, auth


def test_the_enrolment_answer_holds_the_token_as_a_uri_and_a_qr_code(
    client: TestClient, factory: Factory
) -> None:
    w = factory.world()
    device = factory.post(f"/api/v1/cases/{w.case_id}/devices", w.officer, {"kind": "victim_phone"})
    uri = urlsplit(device["enrolment_uri"])
    assert (uri.scheme, uri.netloc) == ("jikimi", "enrol")
    assert parse_qs(uri.query) == {"token": [device["token"]], "key": [device["signing_key"]]}
    svg = device["enrolment_qr_svg"]
    assert svg.startswith("<svg")
    assert svg.endswith("</svg>")
    assert re.search(r'width="\d+"', svg)
    # Shown once: the case afterwards lists the device without any of it.
    case = client.get(f"/api/v1/cases/{w.case_id}", headers=auth(w.officer)).json()
    listed = next(d for d in case["devices"] if d["id"] == device["id"])
    assert not {"token", "signing_key", "enrolment_uri", "enrolment_qr_svg"} & set(listed)


def test_an_anklet_has_no_enrolment_code(client: TestClient, factory: Factory) -> None:
    w = factory.world()
    anklet = factory.post(
        f"/api/v1/cases/{w.case_id}/devices", w.officer, {"kind": "anklet", "serial": "EM-QR-1"}
    )
    assert anklet["enrolment_qr_svg"] is None
