"""Where things go on a 16:9 slide, shared by the PowerPoint and the PDF renderers so their pages match.

Geometry is in inches from the top-left corner of a 13.333 × 7.5 in slide.
Charts are drawn at :data:`PX_PER_IN` pixels per inch of the box they fill, so
a chart's font sizes in pixels map to the same point sizes on every slide
(16 px ≈ 13 pt), and rendered at twice that density for projectors.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from typing import Any, Sequence

import altair as alt

from dashboard import export
from dashboard.brief.slide import Slide
from dashboard.charts import Spec

SLIDE_W, SLIDE_H = 13.333, 7.5
MARGIN = 0.5
WIDTH = SLIDE_W - 2 * MARGIN
#: chart pixels per inch of slide; 1 px is then 72 / 88 ≈ 0.82 pt (a 16 px label is 13 pt)
PX_PER_IN = 88
#: PNG pixel density for projectors
PNG_SCALE = 1.5  # 1.5 x 88 px per inch: about 1,760 px across a full-width chart, sharp on a 1080p projector

# point sizes: (largest, smallest) where text is fitted to its box
TITLE_PT = (30, 24)
COVER_TITLE_PT = 40
SUBTITLE_PT = 16
COVER_SUBTITLE_PT = 24
BULLET_PT = (24, 14)
SIDE_PT = (18, 13)
SUMMARY_PT = (16, 13)
CAVEAT_PT = 13
SOURCE_PT = 11
LABEL_PT = 16
VALUE_PT = (32, 22)
DETAIL_PT = (15, 11)
LINE = 1.2  # line height, in font sizes
#: average character width of the deck's sans-serif, in ems (a little wide, so estimates err on the safe side)
EM = 0.55
EM_BOLD = 0.64

#: the font charts with a tenge sign are drawn in (see dashboard.export.vega_json)
CHART_FONT = export.CHART_FONT

TEXT = "111111"
MUTED = "444444"
ACCENT = "0072B2"
DISPUTED = "D55E00"
CAVEAT = "8A3B00"
CARD = "F2F4F7"


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def bottom(self) -> float:
        return self.y + self.h


def lines(text: str, width_in: float, pt: float, em: float = EM) -> int:
    """How many lines ``text`` takes in a box ``width_in`` wide at ``pt`` points (greedy word wrap)."""
    per_line = max(1, int(width_in * 72 / (pt * em)))
    return sum(max(1, len(textwrap.wrap(part, per_line, break_long_words=True))) for part in text.split("\n"))


def height(paragraphs: Sequence[str], width_in: float, pt: float, gap_pt: float = 0.0, em: float = EM) -> float:
    """Inches that the paragraphs take at ``pt`` points, with ``gap_pt`` between paragraphs."""
    count = sum(lines(p, width_in, pt, em) for p in paragraphs)
    return (count * pt * LINE + gap_pt * max(0, len(paragraphs) - 1)) / 72


def fit(paragraphs: Sequence[str], box_w: float, box_h: float, sizes: tuple[float, float], gap: float = 0.4, em: float = EM) -> float:
    """The largest whole point size from ``sizes[0]`` down to ``sizes[1]`` at which the paragraphs fit the box."""
    size = sizes[0]
    while size > sizes[1] and height(paragraphs, box_w, size, gap * size, em) > box_h:
        size -= 1
    return size


@dataclass(frozen=True)
class Regions:
    """The boxes of one slide (None where the slide has no such part)."""

    title: Box
    subtitle: Box | None
    body: Box
    side: Box | None
    summary: Box | None
    caveat: Box | None
    source: Box
    number: Box


def regions(slide: Slide) -> Regions:
    """Where each part of ``slide`` goes: header at the top, source line, caveat and summary stacked from the bottom."""
    footer_w = WIDTH - 1.1  # room for the slide number
    bottom = SLIDE_H - 0.22
    source = Box(MARGIN, bottom - height([slide.source_line], footer_w, SOURCE_PT), footer_w, height([slide.source_line], footer_w, SOURCE_PT))
    number = Box(SLIDE_W - MARGIN - 1.0, source.bottom - SOURCE_PT * LINE / 72, 1.0, SOURCE_PT * LINE / 72)
    y = source.y - 0.06
    caveat = None
    if slide.caveat:
        h = height([slide.caveat], WIDTH, CAVEAT_PT)
        caveat = Box(MARGIN, y - h, WIDTH, h)
        y = caveat.y - 0.08
    summary = None
    if slide.summary:
        size = fit([slide.summary], WIDTH, 3 * SUMMARY_PT[1] * LINE / 72, SUMMARY_PT)
        h = height([slide.summary], WIDTH, size)
        summary = Box(MARGIN, y - h, WIDTH, h)
        y = summary.y - 0.08
    if slide.kind == "title":
        # two lines: the title names the period and whose account it is (dashboard.facts.coverage)
        title = Box(MARGIN, 0.7, WIDTH, 2 * COVER_TITLE_PT * LINE / 72 + 0.1)
        subtitle = Box(MARGIN, title.bottom + 0.1, WIDTH, COVER_SUBTITLE_PT * LINE / 72)
        top = subtitle.bottom + 0.45
    else:
        title = Box(MARGIN, 0.25, WIDTH, TITLE_PT[0] * LINE / 72 + 0.06)
        subtitle = None
        top = title.bottom + 0.08
        if slide.subtitle:
            h = height([slide.subtitle], WIDTH, SUBTITLE_PT)
            subtitle = Box(MARGIN, top, WIDTH, h)
            top = subtitle.bottom + 0.08
    body = Box(MARGIN, top, WIDTH, y - top)
    side = None
    if slide.kind == "chart" and slide.bullets:
        side_w = 3.9
        side = Box(SLIDE_W - MARGIN - side_w, top, side_w, body.h)
        body = Box(MARGIN, top, WIDTH - side_w - 0.3, body.h)
    return Regions(title, subtitle, body, side, summary, caveat, source, number)


def cards(body: Box, count: int, columns: int = 3, gap: float = 0.25) -> list[Box]:
    """A grid of equal cards filling ``body``, row by row."""
    rows = max(1, math.ceil(count / columns))
    w = (body.w - gap * (columns - 1)) / columns
    h = (body.h - gap * (rows - 1)) / rows
    return [Box(body.x + (i % columns) * (w + gap), body.y + (i // columns) * (h + gap), w, h) for i in range(count)]


def placed(box: Box, width: float, height_: float) -> Box:
    """The largest box of the given aspect ratio inside ``box``, centred horizontally, at its top."""
    scale = min(box.w / width, box.h / height_)
    w, h = width * scale, height_ * scale
    return Box(box.x + (box.w - w) / 2, box.y, w, h)


# --------------------------------------------------------------------------
# charts on slides
#
# The chart builders' specs (dashboard.charts.Spec) are plain Vega-Lite JSON: the functions below move legends and
# size charts by editing copies of that JSON. An Altair chart (the static map) is only sized.


#: legend channels whose legend lists actor groups or kinds, one per line when moved beside the chart
_LIST_CHANNELS = ("color", "fill", "stroke")
_LEGEND_CHANNELS = ("color", "fill", "stroke", "shape", "opacity", "size", "strokeDash", "strokeOpacity")


def _get(obj: Any, name: str) -> Any:
    """A schema object's property value (attribute access on channels returns a setter, not the value)."""
    try:
        return obj[name]
    except (KeyError, TypeError):
        return alt.Undefined


def _leaves(node: dict) -> list[dict]:
    """The single-view specs inside a layer or facet spec (the spec itself when it is one)."""
    if "layer" in node:
        return [leaf for layer in node["layer"] for leaf in _leaves(layer)]
    return _leaves(node["spec"]) if "spec" in node else [node]


def _bottom_legends(leaf: dict) -> list[tuple[str, dict]]:
    """(channel name, channel) for each encoding channel of a single-view spec whose legend sits under the chart."""
    encoding = leaf.get("encoding") or {}
    out = []
    for name in _LEGEND_CHANNELS:
        channel = encoding.get(name)
        legend = channel.get("legend") if isinstance(channel, dict) else None
        if isinstance(legend, dict) and legend.get("orient") == "bottom":
            out.append((name, channel))
    return out


def _legend_count(spec: dict) -> int:
    """How many distinct legends (by title) the chart draws under it."""
    return len({str(channel.get("title")) for leaf in _leaves(spec) for _, channel in _bottom_legends(leaf)})


def _legends_right(node: dict, channels: Sequence[str] = _LEGEND_CHANNELS, row_columns: int | None = None) -> dict:
    """A copy with the legends the pages put under the chart moved to its right (a 16:9 slide is short and wide).

    Only the legends of ``channels`` move; colour legends become one column, the others keep their columns. With
    ``row_columns``, the legends that stay under the chart get that many columns (one or two rows instead of four).
    The spec given is not changed (its unchanged parts are shared with the copy).
    """
    if "layer" in node:
        return {**node, "layer": [_legends_right(layer, channels, row_columns) for layer in node["layer"]]}
    if "spec" in node:
        return {**node, "spec": _legends_right(node["spec"], channels, row_columns)}
    moved = _bottom_legends(node)
    if not moved:
        return node
    encoding = dict(node["encoding"])
    for name, channel in moved:
        legend = dict(channel["legend"])
        if name not in channels:
            if row_columns:
                legend["columns"] = row_columns
                encoding[name] = {**channel, "legend": legend}
            continue
        legend["orient"] = "right"
        if name in _LIST_CHANNELS:
            legend["columns"] = 1
        encoding[name] = {**channel, "legend": legend}
    return {**node, "encoding": encoding}


def _facet_rows(spec: dict) -> int:
    """How many rows a row facet of the spec's own dataset makes (0 when it cannot tell)."""
    field = ((spec.get("facet") or {}).get("row") or {}).get("field")
    name = (spec.get("data") or {}).get("name")
    rows = (spec.get("datasets") or {}).get(name) if name else None
    if not isinstance(field, str) or not isinstance(rows, list):
        return 0
    return len({str(row.get(field)) for row in rows})


def chart_for(chart: Any, box: Box) -> Any:
    """The slide's chart sized to ``box`` (at :data:`PX_PER_IN`), with its legends beside it.

    Text keeps the pages' projector sizes (the theme in ``dashboard.charts``: labels 16 px,
    about 13 pt here). The legends go to the right of the plot, which then has
    the slide's full height (a 16:9 slide is short: the stance chart's sub-rows
    need the height more than the time axis needs the width).
    """
    width, height_ = round(box.w * PX_PER_IN), round(box.h * PX_PER_IN)
    if not isinstance(chart, Spec):  # an Altair chart (the map): its legend sits on the map already
        return chart.properties(width=width, height=height_)
    spec = chart.spec
    out = _legends_right(spec) if 1 <= _legend_count(spec) <= 3 else spec
    if "facet" in out:
        # a facet is sized per panel: the panels share the box's height (less headers, axes and legend) and its width
        # less the row labels and the legend beside them
        config = dict(out.get("config") or {})
        config["view"] = {**config.get("view", {}), "continuousWidth": width - 420}
        out = {**out, "config": config}
        rows = _facet_rows(out)
        if rows:
            out["spec"] = {**out["spec"], "height": max(60, int((height_ - 40) / rows) - 75)}
        return Spec(out)
    return Spec({**out, "width": width, "height": height_})


def spec_json(chart: Any) -> str:
    """The chart as Vega-Lite JSON for vl-convert: white background, and a font with every glyph its text needs."""
    return export.vega_json(chart)


def is_map(chart: Any) -> bool:
    """True for a chart drawn in a map projection (``dashboard.maps.static_map``)."""
    if isinstance(chart, Spec):
        return "projection" in chart.spec
    return _get(chart, "projection") is not alt.Undefined


#: extra height (px) on the Present page for a chart with three legends (the stance chart): its sub-rows need it
THREE_LEGENDS_EXTRA_PX = 140


def for_screen(chart: Any, height_px: int) -> Any:
    """The slide's chart for the Present page, ``height_px`` tall (a facet keeps its panels'), its legends beside the
    plot as on the slide, so the plot keeps the height (the stance chart's sub-rows need it)."""
    if not isinstance(chart, Spec):
        return chart.properties(height=height_px)
    spec = chart.spec
    if "facet" in spec:
        return chart
    count = _legend_count(spec)
    if count == 3:
        # Streamlit's theme spaces legend rows widely, so three legends beside the plot would not fit its height:
        # the colour legend goes beside it, the others under it in one or two rows each
        return Spec({**_legends_right(spec, _LIST_CHANNELS, row_columns=6), "height": height_px + THREE_LEGENDS_EXTRA_PX})
    out = _legends_right(spec) if 1 <= count <= 2 else spec
    return Spec({**out, "height": height_px})
