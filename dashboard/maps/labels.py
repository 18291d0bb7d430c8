"""Label placement on the map: where each place's label sits so that none overlaps another at the opening zoom.

One job: pixel geometry of labels (Web Mercator at the opening view).
"""

from __future__ import annotations

from typing import Sequence

import pydeck as pdk

from dashboard.maps.layers import VIEW


#: label size on the map (pixels) and the average glyph width per pixel of size (Helvetica-like)
LABEL_PX, GLYPH = 14, 0.56
#: where a label may sit around its point, in order of preference: (dx, dy, anchor) in pixels
LABEL_SPOTS = ((0, -18, "middle"), (0, 18, "middle"), (12, 0, "start"), (-12, 0, "end"),
               (10, -14, "start"), (-10, -14, "end"), (10, 14, "start"), (-10, 14, "end"))


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
                 view: pdk.ViewState = VIEW, size: int = LABEL_PX) -> list[tuple[int, int, str] | None]:
    """For each (label, lon, lat), in order of priority, the first spot of :data:`LABEL_SPOTS` whose box overlaps no
    label placed before it (nor the ``taken`` boxes, in view pixels) at the map's opening zoom: (dx, dy, anchor), or
    None when every spot collides (the label is left out; the point keeps its tooltip and the keyboard picker). A list
    ``taken`` gets the boxes placed added to it."""
    boxes = taken if isinstance(taken, list) else list(taken)
    out: list[tuple[int, int, str] | None] = []
    for label, lon, lat in points:
        x, y = _pixels(lon, lat, view)
        w, h = len(label) * size * GLYPH, size * 1.2
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
