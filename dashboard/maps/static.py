"""The static map (briefing export): the same map as an Altair chart, for PNG/SVG/PDF with no browser.

One job: turn the drawn objects (:mod:`dashboard.maps.objects`) into one Altair chart.
"""

from __future__ import annotations

from typing import Mapping

import altair as alt
import pandas as pd

from dashboard import geo

from dashboard.maps.labels import border_label_box, conic_pixels, place_labels
from dashboard.maps.layers import ASSETS, AZERBAIJAN, BORDER, CITIES, COLOURS, CPC, FOCUS, LAND, OUTSIDE_ROUTES, SEA, _hex
from dashboard.maps.objects import border_label, map_objects, route_summary


EXTENT = (27.0, 36.0, 88.0, 57.0)  # lon_min, lat_min, lon_max, lat_max
STATIC_TOLERANCE = 0.05  # degrees; outlines only (the border and routes are drawn unsimplified)
#: the name of the static map's dataset of country outlines
OUTLINES = "countries"


#: the static map's title when no route status is loaded
TITLE = "Kazakhstan's oil export routes and its border with Russia"
GEOGRAPHY = ("Routes and outlines: outside reference geography (Natural Earth 1:50m, outlines simplified to 0.05°; approximate "
             "route waypoints). Figures: seeds, statuses and volumes from data/route_status.csv (outside the seeds).")


def map_title(tables: Mapping[str, pd.DataFrame]) -> tuple[str, list[str]]:
    """The map's title and subtitle lines: what is drawn, with each route's status and volume in the period shown."""
    summary = route_summary(tables)
    if not summary:
        return TITLE, [GEOGRAPHY]
    seeded = [(n, s) for n, s, basis in summary if basis == "seed"]
    outside = [(n, s) for n, s, basis in summary if basis == "outside"]
    parts = [f"{n} ({'solid' if s.operating else 'dashed'}): {s.short}" if s.short else n for n, s in seeded]
    lines = ["; ".join(parts) + "."]
    if outside:
        lines.append("Thin grey dashes: reference routes outside the seeds, end points only: "
                     + "; ".join(f"{n}: {s.short}" if s.short else n for n, s in outside) + ".")
    lines.append(GEOGRAPHY)
    return TITLE, lines  # the title names what is drawn; the subtitle gives each route's status and volume


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
    # the outlines travel as a named dataset, attached once the chart is assembled: Altair deep-copies and validates
    # inline values at every step (layer, project, properties, configure), ~0.5 s for the 51 outlines
    base = (
        alt.Chart(alt.Data(name=OUTLINES))
        .mark_geoshape(stroke="#969696", strokeWidth=0.5, clip=True)
        .encode(fill=alt.Fill("properties.fill:N", scale=None))
    )

    def lines(name: str, operating: bool | None = None) -> list[dict]:
        if name not in objects:
            return []
        return [
            {"type": "Feature", "properties": {"layer": name}, "geometry": {"type": "LineString", "coordinates": row["path"]}}
            for row in objects[name].to_dict("records")
            if operating is None or bool(row.get("operating", True)) == operating
        ]

    layer_names = [BORDER, CPC, AZERBAIJAN, OUTSIDE_ROUTES]
    colour = alt.Color(
        "properties.layer:N",
        scale=alt.Scale(domain=layer_names, range=[_hex(COLOURS[n]) for n in layer_names]),
        legend=alt.Legend(title=None, orient="top-right", labelFontSize=15, labelLimit=0, symbolType="stroke", symbolStrokeWidth=4),
    )
    solid = lines(BORDER) + lines(CPC, True) + lines(AZERBAIJAN, True)
    planned = lines(CPC, False) + lines(AZERBAIJAN, False)  # not operating in the period shown: dashed
    outside = lines(OUTSIDE_ROUTES)  # reference routes outside the seeds: thin, grey, dotted
    drawn = [alt.Chart(alt.Data(values=solid)).mark_geoshape(filled=False, strokeWidth=3.5).encode(stroke=colour)]
    if planned:
        drawn.append(alt.Chart(alt.Data(values=planned)).mark_geoshape(filled=False, strokeWidth=3.5, strokeDash=[9, 6]).encode(stroke=colour))
    if outside:
        drawn.append(alt.Chart(alt.Data(values=outside)).mark_geoshape(filled=False, strokeWidth=1.5, strokeDash=[3, 3]).encode(stroke=colour))
    routes = alt.layer(*drawn)
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
    lon, lat, text = border_label(tables, border, objects)
    # labels placed so none overlaps another nor the border label, at the static map's scale (F25)
    # positions in the static map's own projection (conic, fitted to the chart), so the boxes are where Vega draws them
    project = conic_pixels(EXTENT, width, height)
    taken = [border_label_box(lon, lat, text, project=project)]
    for x, y in (project(float(a), float(b)) for a, b in zip(points["lon"], points["lat"])):
        taken.append((x - 6, y - 6, x + 6, y + 6))  # no label over a dot
    order = list(points.sort_values("layer", key=lambda c: c.map({CITIES: 0, ASSETS: 1}), kind="stable").index)
    spots = dict(zip(order, place_labels([(str(points.at[i, "label"]), float(points.at[i, "lon"]), float(points.at[i, "lat"]))
                                          for i in order], taken, size=13, project=project)))
    points["dx"] = [spots[i][0] if spots[i] else 0 for i in points.index]
    points["dy"] = [spots[i][1] if spots[i] else 0 for i in points.index]
    points["align"] = [{"middle": "center", "start": "left", "end": "right"}[spots[i][2]] if spots[i] else "center" for i in points.index]
    points["shown"] = [points.at[i, "label"] if spots[i] else "" for i in points.index]
    label_marks = []
    for (layer, dx, dy, align), group in points[points["shown"] != ""].groupby(["layer", "dx", "dy", "align"]):
        label_marks.append(
            alt.Chart(group)
            .mark_text(dx=int(dx), dy=int(dy), align=align, baseline="middle", fontSize=13, fontWeight="bold")
            .encode(longitude="lon:Q", latitude="lat:Q", text="shown:N", color=alt.value(_hex(COLOURS[layer])))
        )
    labels = alt.layer(*label_marks) if label_marks else alt.layer(alt.Chart(points.iloc[0:0]).mark_text())
    border_text = (
        alt.Chart(pd.DataFrame([{"lon": lon, "lat": lat, "text": text.split("\n")}]))
        .mark_text(fontSize=15, fontWeight="bold", color=_hex(COLOURS[BORDER]), lineHeight=18)
        .encode(longitude="lon:Q", latitude="lat:Q", text="text")
    )
    if OUTSIDE_ROUTES in objects:  # each reference route named at its middle, in grey
        names = pd.DataFrame([{"lon": (r["path"][0][0] + r["path"][-1][0]) / 2, "lat": (r["path"][0][1] + r["path"][-1][1]) / 2,
                               "text": r["label"]} for r in objects[OUTSIDE_ROUTES].to_dict("records")])
        labels = alt.layer(labels, alt.Chart(names).mark_text(dy=-8, fontSize=11, fontStyle="italic", color=_hex(COLOURS[OUTSIDE_ROUTES]))
                           .encode(longitude="lon:Q", latitude="lat:Q", text="text:N"))
    title, subtitle = map_title(tables)
    import textwrap

    subtitle = [piece for line in subtitle for piece in textwrap.wrap(line, max(40, int(width / 7.2)))]  # within the map's width
    chart = (
        alt.layer(base, routes, dots, labels, border_text)
        .project(**projection)
        .properties(
            width=width,
            height=height,
            title=alt.Title(
                title,
                subtitle=subtitle,
                fontSize=20,
                subtitleFontSize=13,
            ),
        )
        .configure_view(stroke=None, fill=_hex(SEA))
    )
    chart.datasets = {OUTLINES: vega_countries["features"]}
    return chart
