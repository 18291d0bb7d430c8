"""The stance chart (acts over time by stance level) and the rolling stance index chart.

One job: turn :class:`dashboard.marks.StanceMarks` and
:class:`dashboard.marks.IndexMarks` into Vega-Lite specs.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard import marks as M
from dashboard.charts.pieces import (
    CREDIBILITY_SCALE,
    SIGNED_LABELS,
    _chart,
    _data,
    _group_colour,
    _n,
    _o,
    _opacity,
    _pick,
    _q,
    _records,
    _time_x,
    _tips,
    empty_chart,
)
from dashboard.charts.theme import Spec
from dashboard.filters import Filters
from dashboard.marks import (
    CONTEXT_LABEL,
    CONTEXT_STEP,
    INDEX_RULE,
    INDEX_WINDOW_DAYS,
    MAX_MARKS,
    Y_DOMAIN,
    IndexMarks,
    StanceMarks,
    date_label,
    date_labels,
)
from dashboard.palette import DOMAIN_SHAPES, TEXT_SIZE


def _px_expr(step: float, share: float, lo: float, hi: float, squared: bool = False) -> str:
    """A mark size in pixels that follows the plot's height: ``share`` of one sub-row step, between lo and hi px
    (``squared``: as an area, for a point's size)."""
    px = f"clamp({step:.4f} * (height / {Y_DOMAIN[1] - Y_DOMAIN[0]:g}) * {share}, {lo}, {hi})"
    return f"pow({px}, 2)" if squared else px


class _Sizes:
    """The chart's mark sizes as top-level parameters: each ``clamp(… height …)`` is worked out once per draw, and a
    mark reads its parameter (``{"expr": "px_…"}``) instead of evaluating the expression for every datum."""

    def __init__(self) -> None:
        self.params: list[dict[str, str]] = []

    def __call__(self, step: float, share: float, lo: float, hi: float, squared: bool = False) -> dict[str, str]:
        expr = _px_expr(step, share, lo, hi, squared)
        found = next((p["name"] for p in self.params if p["expr"] == expr), None)
        if found is None:
            found = f"px_{len(self.params)}"
            self.params.append({"name": found, "expr": expr})
        return {"expr": found}


def _filtered(datasets: dict[str, list[dict]], name: str, frame: pd.DataFrame, fields: list[str]) -> tuple[dict, dict]:
    """A frame's rows as the named dataset ``name``, and the ``data`` and ``transform`` of the layers that draw its acts
    dated to an interval (bars) and to a day (points). One dataset filtered in two, not two datasets: the filter is a
    cheap comparison per datum, a second dataset costs ~4 KB of Arrow schema per message."""
    datasets[name] = _records(frame, fields)
    return ({"data": _data(name), "transform": [{"filter": "datum.days > 1"}]},
            {"data": _data(name), "transform": [{"filter": "datum.days <= 1"}]})


def _stance_tooltip(binned: bool) -> list[dict[str, Any]]:
    tooltip = _tips(("date_label", "Date"), ("actor", "Actor"), ("domain", "Domain"), ("stance_label", "Stance"),
                    ("credibility", "Credibility", "ordinal"), ("summary", "What"), ("sources", "Seeds"))
    if not binned:
        tooltip += _tips(("ids", "Rows"), ("quote", "Quote"), ("corrected_note", "Corrected"), ("denied", "Denied"))
    return tooltip


#: the y-axis title of the stance chart (readings: direction_counts), on short lines (the slide's plot is ~150 px tall): a rotated title longer than
#: the plot is fitted by shrinking the plot (autosize "fit"), which collapsed the slide's chart to a strip
STANCE_AXIS = ["+ brings Kazakhstan", "and Russia closer", "− pushes them apart"]
#: the tooltip line of a corrected mark (readings: corrected_mark)
CORRECTED_NOTE = "yes: drawn at the record's date and worded from it; the seed's words stay in the quote"
#: the tooltip title of an act the texts omit (outside_context)
OUTSIDE_TITLE = "Omitted by the texts (outside the seeds, not scored)"


#: what the stance chart ships per mark, context marker and turning point (nothing it does not draw or show)
STANCE_FIELDS = ["key", "ids", "actor", "group", "domain", "stance_label", "credibility", "date_label", "summary", "sources",
                 "quote", "corrected_note", "denied", "start", "end", "days", "y", "y_lo", "y_hi", "hit_start", "hit_end"]
OUTSIDE_FIELDS = ["key", "date_label", "summary", "source", "start", "end", "days", "y"]
CONTEXT_FIELDS = ["key", "ids", "date_label", "summary", "sources", "start", "end", "days", "y"]
TURN_FIELDS = ["label", "date_label", "start", "end", "days", "label_px", "bracket_px", "align"]
#: the name of the stance chart's hit layer, where its click selection ``event`` is made
STANCE_HITS = "stance_hits"


def stance_chart(
    events: pd.DataFrame,
    filters: Filters = Filters(),
    selected: str | None = None,
    compact: bool = False,
    max_marks: int = MAX_MARKS,
) -> Spec:
    """The stance chart for a table and filters (see :func:`stance_spec`)."""
    return stance_spec(M.stance_marks(events, filters, max_marks), selected=selected, compact=compact)


def stance_spec(m: StanceMarks, selected: str | None = None, compact: bool = False) -> Spec:
    """Acts on a time axis by stance: colour = actor group, shape = domain, opacity = credibility.

    A day-dated act is a filled point at its day; an act dated to a longer
    interval is a bar from its first day to the end of its last. Marks that
    would overlap sit in sub-rows of their stance level. Clicking a mark sets
    the ``event`` selection (field ``key``: the id of the row the mark stands
    for, or a bin key), through one transparent hit layer over points and bars.
    ``selected`` (a row id) outlines the mark of that row. Unscored context
    markers are grey bands (intervals) or dashed rules (days), outside the
    scored lanes; the turning points are labelled above the lanes.
    """
    if m.empty:
        return empty_chart("No events match the filters")
    domain, step = m.domain, m.step
    x = _time_x("start", domain)
    y_scale = {"domain": list(Y_DOMAIN), "nice": False}
    y_axis = {"values": [CONTEXT_LABEL, -2, -1, 0, 1, 2], "grid": True,
              "labelExpr": f"datum.value == {CONTEXT_LABEL} ? 'context' : {SIGNED_LABELS}"}

    def y_of(field: str) -> dict[str, Any]:  # every layer's y: one scale, one axis, one title
        return _q(field, title=STANCE_AXIS, scale=y_scale, axis=y_axis)

    y = y_of("y")
    layers: list[dict[str, Any]] = []
    datasets: dict[str, list[dict]] = {}
    params: list[dict] = []
    size = _Sizes()
    bars, days = [{"filter": "datum.days > 1"}], [{"filter": "datum.days <= 1"}]
    if len(m.context):  # a strip of their own under the scored levels: never in a scored lane
        # binned markers have no row ids: nothing to ship for them
        spans, points = _filtered(datasets, "context", m.context,
                               CONTEXT_FIELDS if m.context_resolution == "event" else CONTEXT_FIELDS[:1] + CONTEXT_FIELDS[2:])
        tip = _tips(("date_label", "Date"), ("summary", "Context (unscored)"), ("sources", "Seeds"),
                    *([("ids", "Rows")] if m.context_resolution == "event" else []))
        layers += [
            {**spans,
             "mark": {"type": "rule", "color": "#8C8C8C", "strokeWidth": size(CONTEXT_STEP, 0.65, 3, 8), "strokeCap": "butt", "clip": True},
             "encoding": {"x": x, "x2": {"field": "end"}, "y": y, "tooltip": tip}},
            {**points,
             "mark": {"type": "point", "shape": "diamond", "filled": True, "color": "#8C8C8C",
                      "size": size(CONTEXT_STEP, 1.0, 7, 13, squared=True), "clip": True},
             "encoding": {"x": x, "y": y, "tooltip": tip}},
        ]
    if len(m.outside):  # acts the texts omit: hollow markers in the strip, labelled with their source, never scored
        spans, points = _filtered(datasets, "outside", m.outside, OUTSIDE_FIELDS)
        tip = _tips(("date_label", "Date"), ("summary", OUTSIDE_TITLE), ("source", "Source"))
        layers += [
            {**spans,
             "mark": {"type": "rule", "color": "#8C8C8C", "strokeDash": [4, 3], "strokeWidth": size(CONTEXT_STEP, 0.35, 2, 4),
                      "clip": True},
             "encoding": {"x": x, "x2": {"field": "end"}, "y": y, "tooltip": tip}},
            {**points,
             "mark": {"type": "point", "shape": "triangle-up", "filled": False, "color": "#666666", "strokeWidth": 1.5,
                      "size": size(CONTEXT_STEP, 1.0, 7, 13, squared=True), "clip": True},
             "encoding": {"x": x, "y": y, "tooltip": tip}},
        ]
    if len(m.turns):
        datasets["turns"] = _records(m.turns, TURN_FIELDS)
        # label rows are placed in pixels from the top (scale None), so they never crowd at small chart heights
        level = _q("label_px", scale=None, axis=None)
        bracket = _q("bracket_px", scale=None, axis=None)
        tip = _tips(("label", "Turning point"), ("date_label", "Date"))
        layers += [
            {"data": _data("turns"),  # from the label down through the lanes, at the turning point's first day
             "mark": {"type": "rule", "color": "#666666", "strokeWidth": 1.5, "strokeDash": [3, 3], "clip": True},
             "encoding": {"x": x, "y": bracket, "y2": {"value": {"expr": "height"}}}},
            {"data": _data("turns"), "transform": bars,  # an interval turning point: a bracket across its interval under the label
             "mark": {"type": "rule", "color": "#555555", "strokeWidth": 3, "clip": True},
             "encoding": {"x": x, "x2": {"field": "end"}, "y": bracket}},
            *[{"data": _data("turns"), "transform": [{"filter": f"datum.align == '{side}'"}],
               "mark": {"type": "text", "align": side, "baseline": "middle", "dx": dx, "fontWeight": "bold", "fontSize": TEXT_SIZE},
               "encoding": {"x": x, "y": level, "text": _n("label"), "tooltip": tip}}
              for side, dx in (("left", 4), ("right", -4))],
        ]
    if len(m.marks):
        fields = [f for f in STANCE_FIELDS if f not in ("ids", "quote", "corrected_note", "denied")] if m.binned else STANCE_FIELDS  # a bin has none
        drawn = m.marks.assign(corrected_note=[CORRECTED_NOTE if c else "" for c in m.marks["corrected"].fillna(False).astype(bool)])
        datasets["marks"] = _records(drawn, fields)
        if not m.binned and drawn["corrected"].fillna(False).astype(bool).any():  # corrected acts: a dark ring under the mark
            # only what the ring draws: the marks dataset alone carries the acts (and their tooltips)
            spans, points = _filtered(datasets, "corrected", drawn[drawn["corrected"].fillna(False).astype(bool)], ["key", "start", "end", "days", "y"])
            layers += [
                {**points,
                 "mark": {"type": "point", "filled": False, "color": "#222222", "strokeWidth": 1.5, "strokeDash": [2, 2],
                          "size": size(step, 1.6, 12, 22, squared=True), "clip": True},
                 "encoding": {"x": x, "y": y}},
                {**spans,
                 "mark": {"type": "rule", "color": "#222222", "strokeDash": [2, 2], "strokeCap": "butt",
                          "strokeWidth": size(step, 1.0, 5, 13), "clip": True},
                 "encoding": {"x": x, "x2": {"field": "end"}, "y": y}},
            ]
        colour = _group_colour(columns=2, present=m.marks["group"])
        key = m.key_of(selected)
        if key is not None:  # the selected mark, outlined in grey under it
            spans, points = _filtered(datasets, "ring", drawn[drawn["key"] == key], fields)
            layers += [
                {**spans,
                 "mark": {"type": "rule", "color": "#444444", "strokeCap": "round", "strokeWidth": size(step, 1.25, 9, 17)},
                 "encoding": {"x": x, "x2": {"field": "end"}, "y": y}},
                {**points,
                 "mark": {"type": "point", "size": 900, "strokeWidth": 3, "color": "#444444", "filled": False},
                 "encoding": {"x": x, "y": y}},
            ]
        spans, points = {"data": _data("marks"), "transform": bars}, {"data": _data("marks"), "transform": days}
        layers += [
            {**spans,  # acts dated to an interval: a bar from the first day to the end of the last
             "mark": {"type": "rule", "strokeCap": "butt", "strokeWidth": size(step, 0.7, 3, 10), "clip": True},
             "encoding": {"x": x, "x2": {"field": "end"}, "y": y, "color": colour,
                          "strokeOpacity": _o("credibility", scale=CREDIBILITY_SCALE, legend=None)}},
            *[{**spans,  # end caps, so that bars that meet in one sub-row read as separate
               "mark": {"type": "tick", "orient": "vertical", "thickness": 2, "size": size(step, 1.15, 7, 15), "clip": True},
               "encoding": {"x": _time_x(cap, domain), "y": y, "color": colour, "opacity": _opacity()}}
              for cap in ("start", "end")],
            {**points,  # acts dated to a day: a filled point at the day
             "mark": {"type": "point", "filled": True, "stroke": "#222222", "strokeWidth": 0.8,
                      "size": size(step, 1.05, 8, 15, squared=True), "clip": True},
             "encoding": {"x": x, "y": y, "color": colour,
                          "shape": _n("domain", title="Domain (points)",
                                      scale={"domain": list(DOMAIN_SHAPES), "range": list(DOMAIN_SHAPES.values())},
                                      legend={"orient": "bottom", "columns": 2}),
                          "opacity": _opacity()}},
            {"name": STANCE_HITS, "data": _data("marks"),  # one transparent hit box per mark: clicks and tooltips for points and bars alike
             # clipped: an act that began before the shown dates must not widen the chart (autosize fits all marks)
             "mark": {"type": "rect", "fill": "#000000", "fillOpacity": 0, "stroke": None, "cursor": "pointer", "clip": True},
             "encoding": {"x": _time_x("hit_start", domain), "x2": {"field": "hit_end"}, "y": y_of("y_lo"), "y2": {"field": "y_hi"},
                          "tooltip": _stance_tooltip(m.binned)}},
        ]
        params.append(_pick("event", "key", STANCE_HITS))
    subtitle = None
    if not compact:
        subtitle = ["Filled point: dated to a day. Bar: dated only to an interval, drawn from its first to its last possible day.",
                    "Marks that would overlap sit in sub-rows of their level. Grey, under the levels: unscored context; hollow "
                    "triangles: acts the texts omit (outside the seeds). Dashed ring: corrected (drawn as the record has it)."]
        if m.binned:
            subtitle[0] = f"Binned by {m.resolution} (mean stance per actor and domain). " + subtitle[0]
    return _chart({"layer": layers}, "Stance over time", subtitle, height=620 if compact else 800, datasets=datasets,
                  params=size.params + params)


def stance_summary(events: pd.DataFrame, filters: Filters = Filters(), max_marks: int = MAX_MARKS) -> str:
    """One line: what the stance chart shows, counted from the same marks (one per act)."""
    return M.stance_marks(events, filters, max_marks).summary


# -- rolling index


def index_chart(events: pd.DataFrame, filters: Filters = Filters(), window_days: int = INDEX_WINDOW_DAYS,
                min_events: int | None = None) -> Spec:
    """The rolling stance index per actor as step lines (see :func:`index_spec`); ``min_events`` defaults to the
    declared rule index_line."""
    return index_spec(M.index_marks(events, filters, window_days, min_events))


def index_spec(m: IndexMarks) -> Spec:
    """The rolling stance index per actor as step lines, a zero rule, and the rule and the acts left out in the subtitle."""
    frame = m.frame
    if frame.empty:
        return empty_chart(f"No index line: no actor has {m.min_events} acts in any {m.window_days}-day window")
    rows = frame.assign(date_label=date_labels(frame["date"]))
    line = {
        "data": _data("index"),
        "mark": {"type": "line", "interpolate": "step-after", "strokeWidth": 3.5},
        "encoding": {
            "x": _time_x("date", m.domain),
            "y": _q("mean", title=f"{m.window_days}-day mean stance", scale={"domain": [-2, 2]},
                    axis={"values": [-2, -1, 0, 1, 2], "labelExpr": SIGNED_LABELS}),
            "color": _group_colour(present=frame["group"]),
            "strokeDash": _o("dash", scale={"domain": [0, 1, 2], "range": [[1, 0], [8, 4], [2, 3]]}, legend=None),
            "detail": _n("segment"),
            "tooltip": [*_tips(("actor", "Actor"), ("date_label", "From")),
                        _q("mean", title="Index", format="+.2f"), _q("n", title="Acts in window"),
                        _q("weight", title="Weight in window", format=".2f")],
        },
    }
    rule = {"data": {"values": [{"zero": 0}]}, "mark": {"type": "rule", "color": "#888888", "strokeDash": [2, 2]},
            "encoding": {"y": _q("zero")}}
    left_out = m.left_out_text
    return _chart({"layer": [rule, line]}, f"Stance index: {m.window_days}-day trailing mean per actor",
                  [f"{INDEX_RULE}.", f"A line only where the actor has at least {m.min_events} acts in the window (the count is in the tooltip). "
                   f"{left_out[:1].upper()}{left_out[1:]}."],
                  height=560, datasets={"index": _records(rows, ["actor", "group", "date", "date_label", "mean", "n", "weight", "segment", "dash"])})


def index_summary(events: pd.DataFrame, filters: Filters = Filters(), window_days: int = INDEX_WINDOW_DAYS,
                  min_events: int | None = None) -> str:
    return M.index_marks(events, filters, window_days, min_events).summary
