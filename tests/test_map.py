"""The map builders (pydeck deck and static Altair map) and the map page, on the shipped data."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
import vl_convert as vlc
from PIL import Image
from streamlit.testing.v1 import AppTest

from dashboard import data, geo, maps

from conftest import REPO


@pytest.fixture(scope="module")
def tables():
    loaded = data.load_tables(REPO / "data")
    assert not loaded.problems, loaded.all_problems
    return loaded.frames


@pytest.fixture(scope="module")
def countries():
    return geo.load_countries()


@pytest.fixture(scope="module")
def border():
    return geo.load_border()


def test_route_lengths_within_15_percent_of_published(tables) -> None:
    lengths = {r.route_id: r for r in maps.route_lengths(tables["routes"], tables["route_waypoints"])}
    assert set(lengths) == {"CPC", "AZ_SEA", "BTC"}
    assert lengths["CPC"].published_km == 1511
    assert lengths["BTC"].published_km == 1768
    assert lengths["AZ_SEA"].published_km is None  # a tanker crossing has no published length
    for route_id in ("CPC", "BTC"):
        assert 0.85 <= lengths[route_id].ratio <= 1.15, (route_id, lengths[route_id])


def test_every_route_has_waypoints_in_order_and_a_named_source(tables) -> None:
    waypoints = tables["route_waypoints"]
    for route in tables["routes"].itertuples():
        seq = waypoints.loc[waypoints["route_id"] == route.route_id, "seq"].tolist()
        assert seq == list(range(1, len(seq) + 1)) and len(seq) >= 2
        assert route.waypoint_source.startswith("Outside reference")
        assert "Outside reference" in route.note


def test_deck_json_requests_no_tiles_offline(tables, countries, border) -> None:
    spec = json.loads(maps.deck(tables, countries, border).to_json())
    text = json.dumps(spec)
    assert spec.get("mapProvider") is None
    # pydeck's sentinel, which Streamlit reads as "no basemap"; None would make it fetch CARTO's style
    assert spec["mapStyle"] == "__MAP_STYLE__"
    for needle in ("http://", "https://", "cartocdn", "mapbox", "tile"):
        assert needle not in text, needle


def test_online_basemap_is_opt_in(tables, countries, border) -> None:
    spec = json.loads(maps.deck(tables, countries, border, online_basemap=True).to_json())
    assert spec["mapProvider"] == "carto"


def test_layers_are_keyed_by_readable_names_and_toggle(tables, countries, border) -> None:
    ids = [layer["id"] for layer in json.loads(maps.deck(tables, countries, border).to_json())["layers"]]
    for name in maps.LAYERS:
        assert name in ids
    only = json.loads(maps.deck(tables, countries, border, visible={maps.BORDER}).to_json())["layers"]
    assert [layer["id"] for layer in only] == [maps.BORDER, f"{maps.BORDER} label"]


def test_border_label_gives_seed_figure_and_drawn_length(tables, countries, border) -> None:
    facts = maps.border_facts(tables, border)
    assert facts["seed_km"] == 7500
    assert facts["seed_rows"]["source_id"].tolist() == ["S000"]
    assert facts["drawn_km"] == pytest.approx(geo.geodesic_length_km(border["features"][0]["geometry"]))
    assert 5000 < facts["drawn_km"] < 7500
    _, _, text = maps.border_label(tables, border, maps.map_objects(tables, border))
    assert "7,500 km in the seeds (S000)" in text
    assert f"drawn line {facts['drawn_km']:,.0f} km" in text


def test_cpc_tooltip_shows_both_conflicting_shares_with_seeds(tables, border) -> None:
    tip = maps.map_objects(tables, border)[maps.CPC]["tip"].iloc[0]
    assert "sources disagree" in tip
    assert "80% of Kazakh oil (S000)" in tip
    assert "About 75% of Kazakhstan’s oil exports to the west (S001)" in tip
    assert "Published length 1,511 km" in tip
    assert "outside reference" in tip


@pytest.mark.parametrize(
    "key, expected_ids",
    [
        ("asset:Tengiz field", {"OR010"}),
        ("asset:Karachaganak field", {"OR009"}),
        ("asset:CPC marine terminal (Yuzhnaya Ozereyevka)", {"OR001", "OR003", "OR004"}),
        ("asset:Aktau", set()),
        ("place:Almaty", {"EV018", "EV019", "EV023", "EV024", "EV033", "EV034", "EV035", "EV036", "EV042", "EV052", "PS003", "PS004", "PS008", "PS018"}),
        ("corridor:CPC", {"EV039", "OR001", "OR002", "OR003", "OR004", "OR005", "OR006"}),
        ("corridor:Azerbaijan route", {"OR007", "OR008", "EV070"}),
        ("border", {"CF001", "SR005", "SR006", "SR009", "SR011", "SR014", "SR015"}),
    ],
)
def test_object_rows_link_map_objects_to_seed_rows(tables, key, expected_ids) -> None:
    rows = maps.object_rows(tables, key)
    assert set(rows["id"]) == expected_ids
    assert rows["quote"].str.len().gt(0).all()
    assert rows["date"].is_monotonic_increasing or rows["date"].isna().any()


def test_object_rows_for_astana_include_nur_sultan_events(tables) -> None:
    rows = maps.object_rows(tables, "place:Astana;Nur-Sultan")
    assert {"Astana", "Nur-Sultan"} == set(tables["events"].set_index("id").loc[rows["id"], "place"])


def test_static_map_renders_land_and_routes(tables, countries, border) -> None:
    chart = maps.static_map(tables, countries, border, width=600, height=340)
    png = vlc.vegalite_to_png(chart.to_json(), scale=1)
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3)
    colours = {tuple(int(v) for v in c) for c in np.unique(pixels, axis=0)}
    for layer in (maps.BORDER, maps.CPC, maps.AZERBAIJAN):
        assert maps.COLOURS[layer] in colours, layer
    assert maps.FOCUS["KAZ"] in colours  # Kazakhstan filled
    assert maps.FOCUS["RUS"] in colours
    white = (pixels == 255).all(axis=1).mean()
    assert white < 0.5  # land, not a blank canvas (nor a filled globe: KAZ and RUS colours are distinct from land)


def open_map(monkeypatch, **params) -> AppTest:
    monkeypatch.delenv(data.DATA_ENV, raising=False)
    monkeypatch.delenv(data.SEEDS_ENV, raising=False)
    at = AppTest.from_file(str(REPO / "dashboard" / "app.py"), default_timeout=60)
    at.switch_page("views/map.py")
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_map_page_runs(monkeypatch) -> None:
    at = open_map(monkeypatch)
    assert at.title[0].value.startswith("Map")
    assert not at.error
    lengths = at.dataframe[-1].value
    assert lengths["object"].tolist()[0] == maps.BORDER
    assert lengths["seeds (km)"].iloc[0] == 7500
    assert lengths["published (km)"].fillna(0).tolist() == [0, 1511, 0, 1768]
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    assert [layer["id"] for layer in spec["layers"] if layer["id"] in maps.LAYERS] == list(maps.LAYERS)
    assert "Zhenis" in " ".join(c.value for c in at.caption)


def test_map_link_restores_layers_and_selected_object(monkeypatch) -> None:
    at = open_map(monkeypatch, layers=[maps.BORDER, maps.CPC], object="corridor:CPC")
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    assert [layer["id"] for layer in spec["layers"]] == [maps.BORDER, f"{maps.BORDER} label", maps.CPC]
    assert at.subheader[0].value == maps.CPC
    shown = " ".join(c.value for c in at.caption)
    assert "through which 80% of Kazakh oil had been loaded" in shown  # OR001's quote, S000
    assert "About 75% of Kazakhstan’s oil exports to the west" in shown  # OR002's quote, S001
    assert at.query_params["object"] == "corridor:CPC"


def test_map_layer_toggle_writes_the_url(monkeypatch) -> None:
    at = open_map(monkeypatch)
    assert "layers" not in at.query_params  # all layers: the default, not spelled out
    at.get("button_group")[0].set_value([maps.COUNTRIES, maps.BORDER]).run()
    assert not at.exception
    layers = at.query_params["layers"]
    assert list(layers) == [maps.COUNTRIES, maps.BORDER]
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    assert maps.CPC not in [layer["id"] for layer in spec["layers"]]


def test_stakes_without_a_position_are_listed_not_dropped(tables, border) -> None:
    assert maps.unplaced_assets(tables, border)["asset"].tolist() == ["Zhenis", "Al Farabi"]
