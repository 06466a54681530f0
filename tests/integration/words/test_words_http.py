"""The API gives numbers as people write them beside E.164, and the 112 console the names
of agencies and order kinds, without sign-in (they are not personal)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from jikimi.bootstrap import Container
from jikimi.core.access import Role
from jikimi.core.phones import display
from tests.factories import Factory


def test_words_are_public_and_name_agencies_and_order_kinds(client: TestClient) -> None:
    r = client.get("/console/words.json")
    assert r.status_code == 200
    words = r.json()
    assert words["ko"]["agency.seoul-mapo"] == "서울마포경찰서"
    assert words["en"]["agency.seoul-mapo"] == "Mapo Police Station, Seoul"
    assert words["ko"]["order_kind.stalking.provisional.3"] == "전기통신 접근금지"
    assert words["en"]["order_statute.stalking.provisional.3"].startswith("Stalking Punishment")


def test_people_and_cases_carry_their_numbers_as_people_write_them(
    client: TestClient, factory: Factory
) -> None:
    officer = factory.token(Role.OFFICER)
    person = factory.person(officer, phones=["010 9507 0229", "02-123-4567"])
    assert person["phones"] == ["+821095070229", "+8221234567"]
    assert person["phones_display"] == ["010-9507-0229", "02-123-4567"]
    w = factory.world(officer)
    case = client.get(f"/api/v1/cases/{w.case_id}", headers={"Authorization": f"Bearer {officer}"})
    perpetrator = case.json()["perpetrator"]
    assert perpetrator["phones"] == [w.perpetrator_number]
    assert perpetrator["phones_display"] == [display(w.perpetrator_number)]
    assert perpetrator["phones_display"][0].startswith("010-")


def test_evidence_carries_the_number_as_people_write_it_and_none_when_hidden(
    client: TestClient, factory: Factory, container: Container
) -> None:
    w = factory.world()
    dispatcher = factory.token(Role.DISPATCHER)
    factory.contact(w.device_token, w.perpetrator_number)
    factory.contact(w.device_token, None)
    container.worker.run_once()
    alerts = client.get("/api/v1/alerts", headers={"Authorization": f"Bearer {dispatcher}"}).json()[
        "items"
    ]
    pieces = [ev for a in alerts for ev in a["evidence"]]
    shown = {ev["number"]: ev["number_display"] for ev in pieces}
    assert shown[w.perpetrator_number] == display(w.perpetrator_number)
    assert shown[w.perpetrator_number].count("-") == 2
    assert None in shown  # the hidden number: nothing to show
    assert shown[None] is None
