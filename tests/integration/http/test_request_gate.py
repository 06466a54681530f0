"""Before any route runs: the token before the body, the body's size however it is sent,
HSTS over TLS, and no NUL in an address."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from jikimi.core.access import Role
from tests.factories import Factory, auth

PEOPLE = "/api/v1/people"
JSON = {"content-type": "application/json"}
BROKEN = b'{"name": "\xea\xb9\x80'  # cut off mid-way


def _chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    """A body sent without a Content-Length (chunked), `total` bytes in all."""
    sent = 0
    while sent < total:
        part = min(size, total - sent)
        yield b" " * part
        sent += part


def test_a_chunked_body_over_the_limit_is_a_413(client: TestClient, factory: Factory) -> None:
    """Finding 16: it was FastAPI's 400 "There was an error parsing the body"."""
    officer = factory.token(Role.OFFICER)
    limit = factory.container.settings.max_body_bytes
    r = client.post(PEOPLE, content=_chunks(limit + 1), headers={**auth(officer), **JSON})
    assert r.status_code == 413, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["detail"] == f"the body is larger than {limit} bytes"


def test_the_feed_s_larger_limit_holds_for_a_chunked_body_too(
    client: TestClient, factory: Factory
) -> None:
    """The anklet feed reads its body itself: over its own limit, a 413 as well."""
    feed = factory.feed()
    limit = factory.container.settings.max_feed_body_bytes
    path = "/api/v1/feed/locations"
    # Signed as a feed signs (the body is read to check the signature, and is too large).
    headers = factory.signed(feed, "POST", path, b"")
    r = client.post(path, content=_chunks(limit + 1), headers=headers)
    assert r.status_code == 413, r.text


def test_a_chunked_body_within_the_limit_is_read(client: TestClient, factory: Factory) -> None:
    """Chunks of a small body are counted, not refused."""
    officer = factory.token(Role.OFFICER)

    def body() -> Iterator[bytes]:
        yield b'{"name": '
        yield '"김지은"}'.encode()

    r = client.post(PEOPLE, content=body(), headers={**auth(officer), **JSON})
    assert r.status_code == 201, r.text


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer jk_not-a-token"}, {"Authorization": "Basic dXNlcjpwdw=="}],
    ids=["no token", "unknown token", "not a bearer token"],
)
def test_without_a_valid_token_the_body_is_never_read(
    client: TestClient, factory: Factory, headers: dict[str, str]
) -> None:
    """Finding 16: a broken body was a 400 before the missing token was a 401; a body too
    large to read, sent in chunks, is a 401 as well: it is never read."""
    limit = factory.container.settings.max_body_bytes
    for content in (BROKEN, _chunks(limit + 1)):
        r = client.post(PEOPLE, content=content, headers={**headers, **JSON})
        assert r.status_code == 401, r.text
        assert r.headers["content-type"] == "application/problem+json"
        assert r.headers["www-authenticate"] == "Bearer"


def test_with_a_valid_token_a_broken_body_is_still_a_400(
    client: TestClient, factory: Factory
) -> None:
    """The token passes; then the body is read, and it is not JSON."""
    officer = factory.token(Role.OFFICER)
    r = client.post(PEOPLE, content=BROKEN, headers={**auth(officer), **JSON})
    assert r.status_code == 400, r.text
    assert r.json()["detail"] == "the body is not valid JSON"


def test_the_login_needs_no_token_so_its_broken_body_is_a_400(client: TestClient) -> None:
    """The one route without a token reads its body as before."""
    r = client.post("/api/v1/auth/login", content=BROKEN, headers=JSON)
    assert r.status_code == 400, r.text


@pytest.mark.parametrize("path", ["/healthz", PEOPLE + "/nobody", "/console"])
def test_hsts_over_tls_only(client: TestClient, factory: Factory, path: str) -> None:
    """Finding 16: no Strict-Transport-Security when served over TLS; never over plain
    HTTP (a browser ignores it there, and it would say something untrue)."""
    officer = factory.token(Role.OFFICER)
    tls = client.get(f"https://testserver{path}", headers=auth(officer))
    assert tls.headers["strict-transport-security"] == "max-age=31536000"
    plain = client.get(f"http://testserver{path}", headers=auth(officer))
    assert "strict-transport-security" not in plain.headers


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/people/%00",
        "/api/v1/cases/a%00b",
        "/api/v1/alerts/%00",
        "/api/v1/alerts?case_id=%00",
        "/api/v1/alerts?cursor=ab%00",
    ],
)
def test_a_nul_in_the_address_is_a_400(client: TestClient, factory: Factory, path: str) -> None:
    """PostgreSQL cannot compare a NUL with anything: these were a 500 there."""
    officer = factory.token(Role.OFFICER)
    r = client.get(path, headers=auth(officer))
    assert r.status_code == 400, r.text
    assert r.headers["content-type"] == "application/problem+json"
