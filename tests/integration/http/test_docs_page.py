"""The API's reference page works on a closed network: /docs loads only what the server
itself serves (FastAPI's default page loads Swagger UI from a CDN)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def test_docs_loads_only_the_servers_own_assets(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    refs = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert refs, "the page loads Swagger UI and its start-up script"
    assert all(ref.startswith("/") and not ref.startswith("//") for ref in refs), refs
    for ref in refs:
        assert client.get(ref).status_code == 200, ref
    start_up = client.get("/static/docs.js").text
    assert '"/openapi.json"' in start_up
    assert "validatorUrl: null" in start_up  # the public validator is off the network
    assert client.get("/redoc").status_code == 404  # its page would load from a CDN
