"""Headers as any bytes a client can put in them: a signed request's are a 401 problem,
a stated purpose is recorded as it can be; never a 500. Sent to the app as raw ASGI bytes
(a test client would re-encode them)."""

from __future__ import annotations

import json
from typing import Any

import anyio
import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jikimi.app import create_app
from jikimi.bootstrap import Container
from tests.factories import Factory, World

STATUS = "/api/v1/device/status"
CONTACTS = "/api/v1/device/contacts"
SIGNED = ("x-jikimi-timestamp", "x-jikimi-nonce", "x-jikimi-signature")


def send_raw(
    app: FastAPI, method: str, path: str, headers: list[tuple[bytes, bytes]], body: bytes = b""
) -> tuple[int, dict[bytes, bytes], bytes]:
    """One request straight into the ASGI app, its header bytes exactly as given."""
    out: list[dict[str, Any]] = []
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        out.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }
    anyio.run(app, scope, receive, send)
    start = next(m for m in out if m["type"] == "http.response.start")
    content = b"".join(m.get("body", b"") for m in out if m["type"] == "http.response.body")
    return start["status"], dict(start["headers"]), content


@pytest.fixture
def app(container: Container) -> FastAPI:
    """The app on its own (the header bytes need no server around it)."""
    return create_app(container, run_worker=False)


@pytest.fixture
def world(factory: Factory) -> World:
    """A case and an enrolled phone."""
    return factory.world()


def _signed(factory: Factory, w: World, method: str, path: str, body: bytes = b"") -> Any:
    return [
        (k.lower().encode(), v.encode())
        for k, v in factory.signed(w.device_token, method, path, body).items()
    ]


def _with(headers: list[tuple[bytes, bytes]], name: str, value: bytes) -> list[tuple[bytes, bytes]]:
    return [(k, v) for k, v in headers if k != name.encode()] + [(name.encode(), value)]


@pytest.mark.parametrize("stamp", [b"\xb2", b"9" * 400, b"\xd9\xa3", b"-1", b" 1", b""])
def test_a_timestamp_that_is_no_number_of_seconds_is_a_401(
    app: FastAPI, factory: Factory, world: World, stamp: bytes
) -> None:
    """Finding 12: the byte 0xB2 (read as "²") and 400 digits were a 500."""
    headers = _with(_signed(factory, world, "GET", STATUS), "x-jikimi-timestamp", stamp)
    status, answer, body = send_raw(app, "GET", STATUS, headers)
    assert status == 401, body
    assert answer[b"content-type"] == b"application/problem+json"
    assert b"X-Jikimi-Timestamp" in body


def test_the_signed_request_itself_still_passes(
    app: FastAPI, factory: Factory, world: World
) -> None:
    """The same raw path with the headers untouched is a 200."""
    status, _, body = send_raw(app, "GET", STATUS, _signed(factory, world, "GET", STATUS))
    assert status == 200, body


# Random bytes, and digit-like text: what `str.isdigit` or `int` treat specially.
NUMBERISH = st.text(st.sampled_from("0123456789\xb2\xb3\xb9 +-_"), max_size=500)
VALUES = st.binary(max_size=600) | NUMBERISH.map(lambda text: text.encode("latin-1"))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=st.sampled_from(SIGNED), value=VALUES)
def test_any_bytes_in_a_signing_header_are_a_401(
    app: FastAPI, factory: Factory, world: World, name: str, value: bytes
) -> None:
    """Timestamp, nonce or signature replaced by any bytes: refused, nothing stored."""
    body = json.dumps({"events": []}).encode()
    headers = _with(_signed(factory, world, "POST", CONTACTS, body), name, value)
    status, answer, text = send_raw(app, "POST", CONTACTS, headers, body)
    assert status == 401, text
    assert answer[b"content-type"] == b"application/problem+json"


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=st.binary(max_size=400) | st.sampled_from([b"%00", b"a\x00b", b"%ED%A0%80", b"%FF"]))
def test_any_stated_purpose_is_recorded_as_it_can_be(
    app: FastAPI, factory: Factory, world: World, value: bytes
) -> None:
    """X-Jikimi-Purpose is percent-encoded UTF-8; a "%00" in it was a 500 on PostgreSQL."""
    path = f"/api/v1/people/{world.victim_id}"
    headers = [(b"authorization", f"Bearer {world.officer}".encode()), (b"x-jikimi-purpose", value)]
    status, _, text = send_raw(app, "GET", path, headers)
    assert status == 200, text


@pytest.mark.parametrize("name", SIGNED)
def test_in_optional_mode_any_signing_header_makes_a_signed_request(
    app: FastAPI, factory: Factory, world: World, container: Container, name: str
) -> None:
    """Unsigned passes (a fleet being upgraded); one signing header, even empty, is a
    request that means to be signed, and it is checked."""
    container.settings.device_signing = "optional"
    plain = [(b"authorization", f"Bearer {world.device_token}".encode())]
    assert send_raw(app, "GET", STATUS, plain)[0] == 200
    status, _, text = send_raw(app, "GET", STATUS, [*plain, (name.encode(), b"")])
    assert status == 401, text


def test_the_signed_routes_document_their_headers(app: FastAPI) -> None:
    """In the OpenAPI document, for client authors and for the fuzzer."""
    for path, method in [(CONTACTS, "post"), (STATUS, "get"), ("/api/v1/feed/locations", "post")]:
        op = app.openapi()["paths"][path][method]
        documented = {p["name"].lower() for p in op["parameters"] if p["in"] == "header"}
        assert documented == set(SIGNED), path
