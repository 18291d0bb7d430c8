"""The map's layers and look: layer names (toggle labels and pydeck ids), colours, the opening view.

One job: the names and colours the deck, the static map, the legend and the
page share.
"""

from __future__ import annotations

import pydeck as pdk


# Layer names double as toggle labels and as pydeck layer ids (on_select keys).
COUNTRIES = "Countries"
BORDER = "Kazakhstan–Russia border"
CPC = "CPC route"
AZERBAIJAN = "Azerbaijan route"
#: routes outside the seeds (routes.basis == "outside"), drawn thin and grey as reference, never as corridors
OUTSIDE_ROUTES = "Reference routes outside the seeds"
ASSETS = "Oil fields and terminals"
CITIES = "Capitals and event cities"
LAYERS = (COUNTRIES, BORDER, CPC, AZERBAIJAN, OUTSIDE_ROUTES, ASSETS, CITIES)

# One colour per drawn object; the legend, the deck and the static map share it.
COLOURS: dict[str, tuple[int, int, int]] = {
    BORDER: (204, 37, 41),  # red
    CPC: (230, 120, 0),  # orange
    AZERBAIJAN: (0, 114, 178),  # blue
    OUTSIDE_ROUTES: (120, 120, 120),  # grey
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
