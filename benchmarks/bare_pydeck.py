"""A floor: a bare Streamlit page with one pydeck map of the project's own outlines.

The same offline geometry as the Map page (``data/geo/countries.geojson`` and
``data/geo/kz_ru_border.geojson``) in the same kind of deck as
``dashboard/maps.py`` builds: a sea polygon, the country outlines as a
GeoJsonLayer, the border as a PathLayer, no tiles (``map_provider=None``).
It reads the files with ``json`` alone, so it does not depend on the
dashboard's code.
"""

import json
from pathlib import Path

import pydeck as pdk
import streamlit as st

GEO = Path(__file__).resolve().parents[1] / "data" / "geo"


@st.cache_resource
def outlines() -> tuple[dict, list[list[list[float]]]]:  # read-only: shared, not copied per run
    countries = json.loads((GEO / "countries.geojson").read_text(encoding="utf-8"))
    border = json.loads((GEO / "kz_ru_border.geojson").read_text(encoding="utf-8"))
    for feature in countries["features"]:
        iso = feature["properties"].get("iso_a3")
        feature["properties"]["fill"] = {"KAZ": [246, 222, 160], "RUS": [226, 214, 226]}.get(iso, [236, 235, 228])
    paths = [f["geometry"]["coordinates"] for f in border["features"] if f["geometry"]["type"] == "LineString"]
    return countries, paths


class Compact:
    """The deck as ``st.pydeck_chart`` reads it, as the Map page sends it: compact JSON, serialised once (pydeck's own
    ``to_json`` indents, which is a megabyte of whitespace on these outlines)."""

    def __init__(self, deck: pdk.Deck) -> None:
        self.json = json.dumps(json.loads(deck.to_json()), separators=(",", ":"), ensure_ascii=False)

    def to_json(self) -> str:
        return self.json


@st.cache_resource
def drawn() -> Compact:  # built once, as the Map page's deck (cached there too)
    countries, paths = outlines()
    return Compact(pdk.Deck(
        layers=[
            pdk.Layer("PolygonLayer", id="Sea", data=[{"polygon": [[20, 30], [100, 30], [100, 70], [20, 70]]}],
                      get_polygon="polygon", get_fill_color=[206, 224, 236], stroked=False),
            pdk.Layer("GeoJsonLayer", id="Countries", data=countries, get_fill_color="properties.fill",
                      get_line_color=[150, 150, 150], line_width_min_pixels=0.6, stroked=True, filled=True),
            pdk.Layer("PathLayer", id="Border", data=[{"path": p} for p in paths], get_path="path",
                      get_color=[204, 37, 41], width_min_pixels=4),
        ],
        initial_view_state=pdk.ViewState(latitude=48.0, longitude=58.0, zoom=3.4, min_zoom=3, max_zoom=9),
        map_provider=None,  # offline, as the Map page: no tiles
    ))


st.title("Bare Streamlit with one pydeck map")
st.pydeck_chart(drawn(), height=500, width="stretch")  # the Map page's map height: the same canvas to rasterise
st.caption("Natural Earth 1:50m outlines and the Kazakhstan–Russia border, drawn offline.")
