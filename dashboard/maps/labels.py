"""Label placement on the map: where each place's label sits so that none overlaps another at the opening zoom.

One job: pixel geometry of labels (Web Mercator at the opening view).
"""

from __future__ import annotations

from typing import Callable, Sequence

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


def conic_pixels(extent: tuple[float, float, float, float], width: int, height: int, rotate: float = -57.0,
                 parallels: tuple[float, float] = (40.0, 55.0)) -> Callable[[float, float], tuple[float, float]]:
    """(lon, lat) -> pixels on the static map, as Vega draws it: d3's conicEqualArea (Albers on the unit sphere) with
    ``rotate`` and ``parallels``, fitted to ``width`` x ``height`` by the extent's polygon, whose edges are great circles
    (as d3 draws a polygon). Only relative positions matter for collisions, so the origin is the fitted bounds' corner."""
    from pyproj import Geod, Transformer

    crs = f"+proj=aea +lat_1={parallels[0]} +lat_2={parallels[1]} +lon_0={-rotate} +R=1 +units=m +no_defs"
    to_plane = Transformer.from_crs("+proj=longlat +R=1 +no_defs", crs, always_xy=True)
    lon0, lat0, lon1, lat1 = extent
    corners = [(lon0, lat0), (lon1, lat0), (lon1, lat1), (lon0, lat1), (lon0, lat0)]
    sphere = Geod(a=1.0, b=1.0)
    edge: list[tuple[float, float]] = []
    for (a, b), (c, d) in zip(corners, corners[1:]):
        edge += [(a, b), *sphere.npts(a, b, c, d, 64)]
    xs, ys = to_plane.transform([p[0] for p in edge], [p[1] for p in edge])
    left, right, bottom, top = min(xs), max(xs), min(ys), max(ys)
    k = min(width / (right - left), height / (top - bottom))

    def project(lon: float, lat: float) -> tuple[float, float]:
        x, y = to_plane.transform(lon, lat)
        return k * (x - left), k * (top - y)

    return project


def place_labels(points: Sequence[tuple[str, float, float]], taken: Sequence[tuple[float, float, float, float]] = (),
                 view: pdk.ViewState = VIEW, size: int = LABEL_PX,
                 project: Callable[[float, float], tuple[float, float]] | None = None) -> list[tuple[int, int, str] | None]:
    """For each (label, lon, lat), in order of priority, the first spot of :data:`LABEL_SPOTS` whose box overlaps no
    label placed before it (nor the ``taken`` boxes, in view pixels) at the map's opening zoom: (dx, dy, anchor), or
    None when every spot collides (the label is left out; the point keeps its tooltip and the keyboard picker). A list
    ``taken`` gets the boxes placed added to it. ``project`` maps (lon, lat) to pixels instead of the view (the static
    map's conic projection: :func:`conic_pixels`)."""
    boxes = taken if isinstance(taken, list) else list(taken)
    out: list[tuple[int, int, str] | None] = []
    for label, lon, lat in points:
        x, y = project(lon, lat) if project is not None else _pixels(lon, lat, view)
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


def border_label_box(lon: float, lat: float, text: str, view: pdk.ViewState = VIEW,
                     project: Callable[[float, float], tuple[float, float]] | None = None) -> tuple[float, float, float, float]:
    """The border label's box in view pixels (centred on its position, 17 px type), or in ``project``'s pixels."""
    x, y = project(lon, lat) if project is not None else _pixels(lon, lat, view)
    lines = text.split("\n")
    w, h = max(len(line) for line in lines) * 17 * GLYPH, len(lines) * 17 * 1.2
    return (x - w / 2, y - h / 2, x + w / 2, y + h / 2)
