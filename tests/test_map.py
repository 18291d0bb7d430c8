"""The map builders (pydeck deck and static Altair map) and the map page, on the shipped data."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
import vl_convert as vlc
from PIL import Image
from streamlit.testing.v1 import AppTest

import pandas as pd

from dashboard import data, geo, maps, marks, text, ui

from conftest import REPO, open_app


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
    routes = tables["routes"]
    lengths = {r.route_id: r for r in maps.route_lengths(routes, tables["route_waypoints"])}
    assert set(lengths) == set(routes["route_id"])
    for route in routes.itertuples():
        length = lengths[route.route_id]
        if pd.isna(route.published_length_km):
            assert length.published_km is None  # e.g. a tanker crossing has no published length
        else:
            assert length.published_km == route.published_length_km
            assert 0.85 <= length.ratio <= 1.15, (route.route_id, length)


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


def test_labels_are_one_text_layer_beside_the_bold_border_label(tables, countries, border) -> None:
    """The routes', sites' and cities' labels in one TextLayer (each in its layer's colour and size), drawn over the
    others; the border's bold label keeps its own layer. A hidden layer's labels go with it."""
    spec = json.loads(maps.deck(tables, countries, border).to_json())
    text_layers = [layer for layer in spec["layers"] if layer["@@type"] == "TextLayer"]
    assert [layer["id"] for layer in text_layers] == [f"{maps.BORDER} label", "Labels"]
    assert spec["layers"][-1]["id"] == "Labels"
    labels = text_layers[1]["data"]
    colours = {tuple(row["color"]) for row in labels}
    assert colours == {maps.COLOURS[name] for name in (maps.OUTSIDE_ROUTES, maps.ASSETS, maps.CITIES)}
    assert {row["size"] for row in labels if tuple(row["color"]) == maps.COLOURS[maps.OUTSIDE_ROUTES]} == {12}
    assert all(row["text"] for row in labels)
    only = json.loads(maps.deck(tables, countries, border, visible={maps.CITIES}).to_json())["layers"]
    assert {tuple(row["color"]) for row in only[-1]["data"]} == {maps.COLOURS[maps.CITIES]}


def test_border_label_gives_seed_figure_and_drawn_length(tables, countries, border) -> None:
    facts = maps.border_facts(tables, border)
    figures = tables["context_figures"]
    rows = figures[figures["subject"].str.contains("border", case=False)]
    assert facts["seed_km"] == rows["value"].iloc[0]
    assert facts["seed_rows"]["id"].tolist() == rows["id"].tolist()
    assert facts["drawn_km"] == pytest.approx(geo.geodesic_length_km(border["features"][0]["geometry"]))
    assert 5000 < facts["drawn_km"] < facts["seed_km"]  # the generalised line is shorter than the surveyed border
    _, _, text = maps.border_label(tables, border, maps.map_objects(tables, border))
    seeds = ", ".join(dict.fromkeys(rows["source_id"]))
    assert f"{facts['seed_km']:,.0f} km in the seeds ({seeds})" in text
    assert f"drawn line {facts['drawn_km']:,.0f} km" in text


def test_cpc_tooltip_shows_both_conflicting_shares_with_seeds(tables, border) -> None:
    tip = maps.map_objects(tables, border)[maps.CPC]["tip"].iloc[0]
    oil = tables["oil_routes"]
    shares = oil[(oil["route"] == "CPC") & (oil["kind"] == "export share")]
    assert len(shares) >= 2
    # the shares read by their conflict's kind: "disagree" only for a real disagreement
    conflicts = tables["conflicts"]
    kind = conflicts.loc[conflicts["conflict_key"] == shares["conflict_key"].iloc[0], "kind"].iloc[0]
    assert f"({kind}" in tip and (("disagree" in tip) == (kind == "disagreement"))
    for row in shares.to_dict("records"):
        assert f"{row['as_stated']} ({row['source_id']})" in tip
    cpc = tables["routes"][tables["routes"]["corridor"] == "CPC"].iloc[0]
    assert f"Published length {cpc['published_length_km']:,.0f} km" in tip
    assert "outside reference" in tip


def _expected_rows(tables, key: str) -> set[str]:
    """The rows a map object stands for, selected here from the tables by the rule the map page documents."""
    kind, _, value = key.partition(":")
    events, oil = tables["events"], tables["oil_routes"]
    if kind == "border":
        figures, rhetoric = tables["context_figures"], tables["statehood_rhetoric"]
        return set(figures[figures["subject"].str.contains("border", case=False)]["id"]) | set(
            rhetoric[rhetoric["claim"] == "territorial claim"]["id"])
    if kind == "corridor" and value == "CPC":
        return set(oil[oil["route"] == "CPC"]["id"]) | set(events[(events["domain"] == "energy") & (events["place"] == "Novorossiysk")]["id"])
    if kind == "corridor":
        return set(oil[oil["route"].isin(["Azerbaijan route", "alternative routes"])]["id"]) | set(
            events[(events["domain"] == "energy") & (events["counterpart"] == "Azerbaijan")]["id"])
    if kind == "asset":
        stem = value.split(" (")[0].replace(" field", "").replace("CPC marine terminal", "CPC").lower()
        return set(oil[oil["asset"].fillna("").str.lower().str.contains(stem, regex=False)]["id"])
    names = [n.strip() for n in value.split(";") if n.strip()]
    sentiment = tables["public_sentiment"]
    return set(events[events["place"].isin(names)]["id"]) | set(sentiment[sentiment["place"].isin(names)]["id"])


def _object_keys(tables, border) -> list[str]:
    objects = maps.map_objects(tables, border)
    keys = ["border", "corridor:CPC", "corridor:Azerbaijan route"]
    for layer in (maps.ASSETS, maps.CITIES):
        if layer in objects and "key" in objects[layer].columns:
            keys += [k for k in objects[layer]["key"] if isinstance(k, str)]
    return list(dict.fromkeys(keys))


def test_object_rows_link_map_objects_to_seed_rows(tables, border) -> None:
    keys = _object_keys(tables, border)
    assert any(k.startswith("asset:") for k in keys) and any(k.startswith("place:") for k in keys)
    for key in keys:
        rows = maps.object_rows(tables, key)
        assert set(rows["id"]) == _expected_rows(tables, key), key
        assert rows["quote"].str.len().gt(0).all(), key
        dated = rows["date"].dropna()
        assert dated.is_monotonic_increasing, key  # in date order, undated last
        assert (rows["when"] == "undated").sum() == rows["date"].isna().sum(), key


def test_object_rows_say_when_from_the_interval(tables, border) -> None:
    rows = maps.object_rows(tables, "corridor:CPC")
    oil = tables["oil_routes"].set_index("id")
    for row in rows[rows["table"] == "oil_routes"].to_dict("records"):
        source = oil.loc[row["id"]]
        assert row["when"] == marks.date_label(source["date_from"], source["date_to"])


def test_object_rows_for_astana_include_nur_sultan_events(tables) -> None:
    rows = maps.object_rows(tables, "place:Astana;Nur-Sultan")
    events = tables["events"]
    # a place's aliases select its rows too: every event at Astana or at Nur-Sultan, and no other
    assert set(rows.loc[rows["table"] == "events", "id"]) == set(events[events["place"].isin(["Astana", "Nur-Sultan"])]["id"])


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
    at = open_app("map", timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_map_page_runs(monkeypatch) -> None:
    at = open_map(monkeypatch)
    assert at.title[0].value.startswith("Map")
    assert not at.error
    lengths = at.table[-1].value  # a static table (no canvas grid), its text cells Markdown-escaped
    assert [text.unescape(o) for o in lengths["object"]][0] == maps.BORDER
    tables = data.load_tables(REPO / "data").frames
    assert lengths["seeds (km)"].iloc[0] == maps.border_facts(tables, geo.load_border())["seed_km"]
    routes = maps.route_lengths(tables["routes"], tables["route_waypoints"])
    assert lengths["published (km)"].fillna(0).tolist()[1:] == [r.published_km or 0 for r in routes]
    message = at.get("deck_gl_json_chart")[0].proto.json
    spec = json.loads(message)
    assert [layer["id"] for layer in spec["layers"] if layer["id"] in maps.LAYERS] == list(maps.LAYERS)
    # compact JSON (pydeck indents: a megabyte of whitespace on the outlines)
    assert message == json.dumps(spec, separators=(",", ":"), ensure_ascii=False) and len(message.encode()) < 400_000
    captions = " ".join(c.value for c in at.caption)
    assert all(asset in captions for asset in maps.unplaced_assets(tables, geo.load_border())["asset"])


def test_map_link_restores_layers_and_selected_object(monkeypatch) -> None:
    at = open_map(monkeypatch, layers=[maps.BORDER, maps.CPC], object="corridor:CPC")
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    assert [layer["id"] for layer in spec["layers"]] == [maps.BORDER, f"{maps.BORDER} label", maps.CPC]
    # the map section's title, then the selected object's, each an h2 under the page's h1 (headings in order)
    assert [h.value for h in at.header][1] == maps.CPC
    assert at.selectbox(key="map.pick").value == "corridor:CPC"  # the keyboard picker shows the same object
    shown = " ".join(c.value for c in at.caption)
    oil = data.load_tables(REPO / "data")["oil_routes"]
    for quote in oil[(oil["route"] == "CPC") & (oil["kind"] == "export share")]["quote"]:
        assert ui._md(quote) in shown  # both sides of the conflict, verbatim
    assert at.query_params["object"] == "corridor:CPC"


def test_map_layer_toggle_writes_the_url(monkeypatch) -> None:
    from test_pages import bound_widgets, browser_url

    at = open_map(monkeypatch)
    assert "layers" not in at.query_params  # all layers: the default, not spelled out
    bound_widgets(at)["layers"].set_value([maps.COUNTRIES, maps.BORDER]).run()
    assert not at.exception
    assert browser_url(at) == {"layers": [maps.COUNTRIES, maps.BORDER]}  # the picker is bound to ?layers=
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    assert maps.CPC not in [layer["id"] for layer in spec["layers"]]
    again = open_map(monkeypatch, **browser_url(at))
    assert json.loads(again.get("deck_gl_json_chart")[0].proto.json) == spec


@pytest.mark.parametrize("given", [["none"], [""]])
def test_map_link_with_no_layer(monkeypatch, given: list[str]) -> None:
    """No layer: today's links say layers=none, the bound picker writes an empty layers=."""
    at = open_map(monkeypatch, layers=given)
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    assert not [layer["id"] for layer in spec["layers"] if layer["id"] in maps.LAYERS]
    assert at.query_params["layers"] == ""


def test_map_online_basemap_lives_in_the_url(monkeypatch) -> None:
    at = open_map(monkeypatch)
    at.toggle(key="map.online").set_value(True).run()
    assert at.query_params["online"] == "1"
    assert open_map(monkeypatch, online="1").toggle(key="map.online").value is True
    at.toggle(key="map.online").set_value(False).run()
    assert "online" not in at.query_params


def test_stakes_without_a_position_are_listed_not_dropped(tables, border) -> None:
    unplaced = maps.unplaced_assets(tables, border)
    drawn = maps.map_objects(tables, border).get(maps.ASSETS)
    stems = [str(label).replace(" field", "") for label in (drawn["label"] if drawn is not None else [])]
    oil = tables["oil_routes"]
    stakes = oil[(oil["kind"] == "stake") & oil["asset"].notna()]
    # every named stake is either drawn at a site or listed as one the map cannot place, never both, never neither
    for row in stakes.to_dict("records"):
        placed = any(stem in row["asset"] for stem in stems)
        assert placed != (row["id"] in set(unplaced["id"])), row["id"]
