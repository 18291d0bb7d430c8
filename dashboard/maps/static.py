"""The static map (briefing export): the same map as an Altair chart, for PNG/SVG/PDF with no browser.

One job: turn the drawn objects (:mod:`dashboard.maps.objects`) into one Altair chart.
"""

from __future__ import annotations

from typing import Mapping

import altair as alt
import pandas as pd

from dashboard import geo
from dashboard.maps.layers import ASSETS, AZERBAIJAN, BORDER, CITIES, COLOURS, CPC, FOCUS, LAND, SEA, _hex
from dashboard.maps.objects import border_label, map_objects


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
