"""The interactive map: a ``pdk.Deck`` of the drawn objects (offline basemap by default), and its legend.

One job: turn the drawn objects (:mod:`dashboard.maps.objects`) into pydeck layers.
"""

from __future__ import annotations

from typing import Mapping

import pandas as pd
import pydeck as pdk

from dashboard.maps.labels import LABEL_PX, border_label_box, place_labels
from dashboard.maps.layers import (
    ASSETS,
    AZERBAIJAN,
    BORDER,
    CITIES,
    COLOURS,
    COUNTRIES,
    CPC,
    FOCUS,
    LAND,
    LAYERS,
    OUTSIDE_ROUTES,
    SEA,
    VIEW,
    WINDOW,
    _hex,
)
from dashboard.maps.objects import border_label, map_objects
from dashboard.maps.status import dashed

#: the columns of a route's rows the browser reads (the path, its width, the tooltip, the key a click puts in the URL):
#: a dashed route sends a row per dash, so nothing else is repeated in the message
_SENT = ("key", "path", "width", "tip")
#: the id of the one TextLayer with the routes', sites' and cities' labels
LABELS = "Labels"


def deck(
    tables: Mapping[str, pd.DataFrame],
    countries: dict,
    border: dict,
    visible: set[str] | frozenset[str] = frozenset(LAYERS),
    online_basemap: bool = False,
) -> pdk.Deck:
    """The interactive map. Offline by default: no tiles, the basemap is a GeoJsonLayer."""
    objects = map_objects(tables, border)
    layers: list[pdk.Layer] = []
    taken: list[tuple[float, float, float, float]] = []  # label boxes placed so far (view pixels at the opening zoom)
    labels: list[dict] = []  # the routes', sites' and cities' labels placed, drawn by one TextLayer over the others
    if COUNTRIES in visible:
        lon0, lat0, lon1, lat1 = WINDOW
        layers.append(
            pdk.Layer(
                "PolygonLayer",
                id="Sea",
                data=[{"polygon": [[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1]]}],
                get_polygon="polygon",
                get_fill_color=list(SEA) + [255 if not online_basemap else 0],
                stroked=False,
                pickable=False,
            )
        )
        features = []
        for feature in countries["features"]:
            iso = feature["properties"].get("iso_a3")
            props = dict(feature["properties"])
            props["fill"] = list(FOCUS.get(iso, LAND)) + [255 if not online_basemap else 90]
            props["tip"] = props.get("name", "")
            features.append({**feature, "properties": props})
        layers.append(
            pdk.Layer(
                "GeoJsonLayer",
                id=COUNTRIES,
                data={"type": "FeatureCollection", "features": features},
                get_fill_color="properties.fill",
                get_line_color=[150, 150, 150],
                line_width_min_pixels=0.6,
                stroked=True,
                filled=True,
                pickable=False,
            )
        )
    if BORDER in visible and BORDER in objects:
        layers.append(
            pdk.Layer(
                "PathLayer",
                id=BORDER,
                data=objects[BORDER],
                get_path="path",
                get_color=list(COLOURS[BORDER]),
                width_min_pixels=4,
                pickable=True,
                auto_highlight=True,
            )
        )
        lon, lat, text = border_label(tables, border, objects)
        taken.append(border_label_box(lon, lat, text))
        layers.append(
            pdk.Layer(
                "TextLayer",
                id=f"{BORDER} label",
                data=pd.DataFrame([{"lon": lon, "lat": lat, "text": text}]),
                get_position=["lon", "lat"],
                get_text="text",
                get_size=17,
                get_color=list(COLOURS[BORDER]),
                character_set="'auto'",
                font_weight=700,
                font_family="'Helvetica, Arial, sans-serif'",
                outline_width=3,
                outline_color=[255, 255, 255],
                font_settings={"sdf": True},
            )
        )
    for layer in (CPC, AZERBAIJAN):
        if layer in visible and layer in objects and len(objects[layer]):
            data = objects[layer].copy()
            data["width"] = data["mode"].map({"pipeline": 5, "tanker": 3})
            if "operating" in data.columns and not data["operating"].all():
                # a route not operating in the period shown is drawn dashed ("planned in 2022"), never as a working line
                pieces = []
                for row in data.to_dict("records"):
                    paths = [row["path"]] if row.get("operating", True) else dashed(row["path"])
                    pieces += [{**row, "path": p} for p in paths]
                data = pd.DataFrame(pieces)
            data = data[[c for c in _SENT if c in data.columns]]  # what the browser reads: a dash repeats its row
            layers.append(
                pdk.Layer(
                    "PathLayer",
                    id=layer,
                    data=data,
                    get_path="path",
                    get_color=list(COLOURS[layer]),
                    get_width="width",
                    width_units="'pixels'",
                    pickable=True,
                    auto_highlight=True,
                )
            )
    if OUTSIDE_ROUTES in visible and OUTSIDE_ROUTES in objects and len(objects[OUTSIDE_ROUTES]):
        # reference routes outside the seeds: thin, grey and dashed, labelled as such (not corridors)
        data = objects[OUTSIDE_ROUTES]
        pieces = [{**{k: v for k, v in row.items() if k in _SENT}, "path": p}
                  for row in data.to_dict("records") for p in dashed(row["path"], 0.25, 0.25)]
        layers.append(
            pdk.Layer(
                "PathLayer",
                id=OUTSIDE_ROUTES,
                data=pd.DataFrame(pieces),
                get_path="path",
                get_color=list(COLOURS[OUTSIDE_ROUTES]),
                get_width=1.5,
                width_units="'pixels'",
                pickable=True,
                auto_highlight=True,
            )
        )
        ends = pd.DataFrame([{"lon": (row["path"][0][0] + row["path"][-1][0]) / 2, "lat": (row["path"][0][1] + row["path"][-1][1]) / 2,
                              "text": row["label"], "tip": row["tip"]} for row in data.to_dict("records")])
        # placed like the place labels (their boxes taken first), so no label runs over another
        spots = place_labels([(str(t), float(a), float(b)) for t, a, b in zip(ends["text"], ends["lon"], ends["lat"])], taken)
        labels += [{"lon": float(lon), "lat": float(lat), "text": str(text), "size": 12, "color": list(COLOURS[OUTSIDE_ROUTES]),
                    "dx": spot[0], "dy": spot[1], "anchor": spot[2]}
                   for lon, lat, text, spot in zip(ends["lon"], ends["lat"], ends["text"], spots) if spot]
    spots_of: dict[str, dict] = {}
    for layer in (CITIES, ASSETS):  # capitals and cities are labelled first; a site whose label would collide keeps its tooltip
        if layer in visible and layer in objects:
            data = objects[layer]
            order = data.sort_values(["radius"], ascending=False, kind="stable").index if "radius" in data else data.index
            spots_of[layer] = dict(zip(order, place_labels(
                [(str(data.at[i, "label"]), float(data.at[i, "lon"]), float(data.at[i, "lat"])) for i in order], taken)))
    for layer in (ASSETS, CITIES):
        if layer in visible and layer in objects:
            data = objects[layer].copy()
            if "radius" not in data:
                data["radius"] = 6
            spots = spots_of[layer]
            layers.append(
                pdk.Layer(
                    "ScatterplotLayer",
                    id=layer,
                    data=data,
                    get_position=["lon", "lat"],
                    get_radius="radius",
                    radius_units="'pixels'",
                    get_fill_color=list(COLOURS[layer]),
                    get_line_color=[255, 255, 255],
                    line_width_min_pixels=1.5,
                    stroked=True,
                    pickable=True,
                    auto_highlight=True,
                )
            )
            labels += [{"lon": float(data.at[i, "lon"]), "lat": float(data.at[i, "lat"]), "text": str(data.at[i, "label"]),
                        "size": LABEL_PX, "color": list(COLOURS[layer]), "dx": spots[i][0], "dy": spots[i][1], "anchor": spots[i][2]}
                       for i in data.index if spots[i]]
    if labels:
        # the routes', sites' and cities' labels in one TextLayer over every layer (one text layer and font atlas to
        # build in the browser instead of three), each label in its layer's colour and size; the border's bold label
        # keeps its own layer (a layer has one font weight)
        layers.append(
            pdk.Layer(
                "TextLayer",
                id=LABELS,
                data=labels,
                get_position=["lon", "lat"],
                get_text="text",
                get_size="size",
                get_color="color",
                get_pixel_offset="[dx, dy]",
                get_text_anchor="anchor",
                character_set="'auto'",
                font_family="'Helvetica, Arial, sans-serif'",
                outline_width=3,
                outline_color=[255, 255, 255],
                font_settings={"sdf": True},
            )
        )
    # Offline: map_provider=None and pydeck's default map_style sentinel, which
    # Streamlit reads as "no basemap". An explicit map_style=None would make
    # Streamlit fetch its default CARTO style from the internet.
    basemap = {"map_provider": "carto", "map_style": "light"} if online_basemap else {"map_provider": None}
    return pdk.Deck(
        layers=layers,
        initial_view_state=VIEW,
        **basemap,
        tooltip={"text": "{tip}", "style": {"whiteSpace": "pre-wrap", "maxWidth": "460px", "fontSize": "14px"}},
    )


def legend() -> list[tuple[str, str, str]]:
    """(layer, hex colour, what it shows) for the page's legend."""
    return [
        (BORDER, _hex(COLOURS[BORDER]), "shared boundary of the two countries in Natural Earth 1:50m"),
        (CPC, _hex(COLOURS[CPC]), "pipeline Tengiz – Atyrau – southern Russia – Novorossiysk (outside reference route); "
         "solid: operating in the period shown (status and volume in the key facts)"),
        (AZERBAIJAN, _hex(COLOURS[AZERBAIJAN]), "tanker across the Caspian, then the Baku–Tbilisi–Ceyhan pipeline (outside reference "
         "route); dashed where it was not yet carrying Kazakh oil in the period shown (status in the key facts)"),
        (OUTSIDE_ROUTES, _hex(COLOURS[OUTSIDE_ROUTES]), "thin grey dashes: routes no seed names, "
         "drawn between their end points as reference, not as corridors the seeds describe"),
        (ASSETS, _hex(COLOURS[ASSETS]), "Tengiz, Karachaganak and the export terminals"),
        (CITIES, _hex(COLOURS[CITIES]), "capitals and the cities where the seeds' events happen"),
    ]
