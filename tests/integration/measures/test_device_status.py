"""What the victim's devices are told of her safety measures, and a smartwatch enrolled as
a device of hers: its own token, its SOS on the phone's path."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from jikimi.bootstrap import Container
from jikimi.core.access import Role
from tests.factories import Factory, auth
from tests.integration.measures.test_routes import end, measure

STATUS = "/api/v1/device/status"


def status(client: TestClient, factory: Factory, token: str) -> Any:
    """The device's status, signed as the device."""
    r = client.get(STATUS, headers=factory.signed(token, "GET", STATUS))
    assert r.status_code == 200, r.text
    return r.json()


def test_the_phone_lists_the_measures_in_force_only(client: TestClient, factory: Factory) -> None:
    w = factory.world()
    assert status(client, factory, w.device_token)["safety_measures"] == []
    watch = measure(factory, w, "smartwatch", days=30)
    measure(factory, w, "home_cctv", start=timedelta(days=1), days=60)  # scheduled
    measure(factory, w, "shelter", start=timedelta(days=-10), days=5)  # over by the clock
    patrol = measure(factory, w, "patrol", days=20)
    assert end(client, w.officer, patrol["id"]).status_code == 200  # ended early
    listed = status(client, factory, w.device_token)["safety_measures"]
    assert listed == [{"kind": "smartwatch", "ends_at": watch["ends_at"]}]
    # Another victim's phone hears nothing of hers.
    other = factory.world()
    assert status(client, factory, other.device_token)["safety_measures"] == []


def test_a_smartwatch_is_enrolled_as_her_device_and_its_sos_raises_an_alert(
    client: TestClient, factory: Factory, container: Container
) -> None:
    w = factory.world()
    watch = factory.post(f"/api/v1/cases/{w.case_id}/devices", w.officer, {"kind": "smartwatch"})
    assert watch["kind"] == "smartwatch"
    assert watch["token"]
    assert watch["signing_key"]
    factory.keys[watch["token"]] = watch["signing_key"]
    measure(factory, w, "smartwatch", days=30, serial="SW-0042")
    told = status(client, factory, watch["token"])
    assert [m["kind"] for m in told["safety_measures"]] == ["smartwatch"]
    sos = {
        "lat": 37.55,
        "lon": 126.92,
        "accuracy_m": 15,
        "occurred_at": datetime.now(UTC).isoformat(),
    }
    factory.post_signed("/api/v1/device/sos", watch["token"], sos)
    container.worker.run_once()
    dispatcher = factory.token(Role.DISPATCHER)
    alerts = client.get("/api/v1/alerts", params={"case_id": w.case_id}, headers=auth(dispatcher))
    assert [a["kind"] for a in alerts.json()["items"]] == ["sos"]
    case = client.get(f"/api/v1/cases/{w.case_id}", headers=auth(w.officer)).json()
    assert sorted(d["kind"] for d in case["devices"]) == ["smartwatch", "victim_phone"]
    # A lost watch is revoked as a lost phone is.
    r = client.post(f"/api/v1/devices/{_id_of(case, 'smartwatch')}/revoke", headers=auth(w.officer))
    assert r.status_code == 200, r.text
    gone = client.get(STATUS, headers=factory.signed(watch["token"], "GET", STATUS))
    assert gone.status_code == 401


def _id_of(case: dict[str, Any], kind: str) -> str:
    [device_id] = [d["id"] for d in case["devices"] if d["kind"] == kind]
    return device_id
