"""Map builders: the CPC and Azerbaijan routes and the Kazakhstan–Russia border.

This ``__init__`` is the package's public interface: every public name is
reachable as ``dashboard.maps.<name>``. One module per job:

- :mod:`~dashboard.maps.layers`: layer names, colours and the opening view;
- :mod:`~dashboard.maps.status`: each route's status in the period shown (solid, dashed, reference);
- :mod:`~dashboard.maps.objects`: what is drawn and the seed rows that describe each object;
- :mod:`~dashboard.maps.labels`: label placement without overlaps;
- :mod:`~dashboard.maps.deck`: the interactive ``pdk.Deck`` and its legend;
- :mod:`~dashboard.maps.static`: the static Altair map of the briefing export.

Pure functions from the loaded tables and the offline geometry to a
``pdk.Deck`` (the interactive page) or an ``alt.Chart`` (the static map in the
briefing export), so the page, the export and the tests share one code path.

Two kinds of data meet here and are kept apart in every label:
figures from the seeds (each with its seed id and quote) and outside reference
geography (route waypoints, published lengths, country outlines), which is
named as such with its source.
"""

from __future__ import annotations

from dashboard.maps.deck import deck, legend
from dashboard.maps.labels import GLYPH, LABEL_PX, LABEL_SPOTS, border_label_box, place_labels
from dashboard.maps.layers import (
    ASSETS,
    AZERBAIJAN,
    BORDER,
    CITIES,
    COLOURS,
    CORRIDOR_LAYER,
    COUNTRIES,
    CPC,
    FOCUS,
    LAND,
    LAYERS,
    OUTSIDE_ROUTES,
    SEA,
    VIEW,
    WINDOW,
)
from dashboard.maps.objects import (
    OBJECT_KINDS,
    RouteLength,
    border_facts,
    border_label,
    map_objects,
    object_queries,
    object_rows,
    object_title,
    pickable_objects,
    route_lengths,
    route_lines,
    route_summary,
    unplaced_assets,
)
from dashboard.maps.status import RouteState, dashed, period_of, route_state
from dashboard.maps.static import EXTENT, STATIC_TOLERANCE, static_map

__all__ = [
    "ASSETS", "AZERBAIJAN", "BORDER", "CITIES", "COLOURS", "CORRIDOR_LAYER", "COUNTRIES", "CPC", "EXTENT", "FOCUS",
    "GLYPH", "LABEL_PX", "LABEL_SPOTS", "LAND", "LAYERS", "OBJECT_KINDS", "SEA", "STATIC_TOLERANCE", "VIEW", "WINDOW",
    "OUTSIDE_ROUTES", "RouteLength", "RouteState", "dashed", "period_of", "route_state", "route_summary", "border_facts", "border_label", "border_label_box", "deck", "legend", "map_objects", "object_queries",
    "object_rows", "object_title", "pickable_objects", "place_labels", "route_lengths", "route_lines", "static_map",
    "unplaced_assets",
]
