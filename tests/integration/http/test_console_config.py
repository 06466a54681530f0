"""The console's public map settings and the CSP that follows them."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from jikimi.app import create_app
from jikimi.bootstrap import build
from jikimi.core.settings import Settings

TILES = "https://tiles.police.internal:8443/kr/{z}/{x}/{y}.png"


def _get(settings: Settings, path: str) -> tuple[dict[str, object], str]:
    c = build(settings)
    try:
        with TestClient(create_app(c, run_worker=False)) as client:
            r = client.get(path)
            assert r.status_code == 200
            return r.json() if path.endswith(".json") else {}, r.headers["content-security-policy"]
    finally:
        c.close()


def test_offline_by_default_nothing_but_self_in_the_csp(tmp_path: Path) -> None:
    """No tile server: the map is the bundled boundaries and images come from here only."""
    body, csp = _get(Settings(database_url=f"sqlite:///{tmp_path}/a.db"), "/console/config.json")
    assert body == {"map": {"tile_url": None, "tile_attribution": ""}}
    assert "img-src 'self' data:;" in csp
    assert "default-src 'self'" in csp


def test_a_tile_server_is_allowed_for_images_only(tmp_path: Path) -> None:
    """The configured tile origin appears in img-src and nowhere else."""
    s = Settings(
        database_url=f"sqlite:///{tmp_path}/b.db",
        map_tile_url=TILES,
        map_tile_attribution="© 경찰청 지도",
    )
    body, csp = _get(s, "/console/config.json")
    assert body == {"map": {"tile_url": TILES, "tile_attribution": "© 경찰청 지도"}}
    assert "img-src 'self' data: https://tiles.police.internal:8443;" in csp
    assert csp.count("tiles.police.internal") == 1
    _, page_csp = _get(s, "/console")
    assert page_csp == csp


def test_subdomain_placeholder_becomes_a_wildcard() -> None:
    """Leaflet's {s} subdomains: the CSP names *.host."""
    s = Settings(map_tile_url="https://{s}.tiles.example.kr/{z}/{x}/{y}.png")
    assert s.map_tile_origin == "https://*.tiles.example.kr"


@pytest.mark.parametrize(
    "url",
    [
        "ftp://tiles.example/{z}/{x}/{y}.png",
        "https://tiles.example/{z}/{x}.png",
        "https://tiles.example; script-src *; /{z}/{x}/{y}",
        "https://tiles.example/{z}/{x}/{y}.png' 'unsafe-inline",
        "//tiles.example/{z}/{x}/{y}.png",
    ],
)
def test_a_tile_url_that_is_no_template_or_would_bend_the_csp_is_refused(url: str) -> None:
    """Whatever goes into the CSP is a plain origin."""
    with pytest.raises(ValidationError):
        Settings(map_tile_url=url)


def test_an_empty_tile_url_means_offline() -> None:
    """JIKIMI_MAP_TILE_URL= (set but empty) is the same as unset."""
    assert Settings(map_tile_url="  ").map_tile_url is None


def test_the_consoles_own_files_are_revalidated_not_refetched_and_data_is_never_kept(
    tmp_path: Path,
) -> None:
    c = build(Settings(database_url=f"sqlite:///{tmp_path}/a.db"))
    try:
        with TestClient(create_app(c, run_worker=False)) as client:
            first = client.get("/static/console.js")
            assert first.headers["cache-control"] == "no-cache"
            etag = first.headers["etag"]
            again = client.get("/static/console.js", headers={"If-None-Match": etag})
            assert again.status_code == 304
            assert again.content == b""
            assert client.get("/console/config.json").headers["cache-control"] == "no-store"
            assert client.get("/api/v1/alerts").headers["cache-control"] == "no-store"  # 401
    finally:
        c.close()
