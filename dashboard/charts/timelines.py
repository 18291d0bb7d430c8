"""The timelines in lanes: sanctions positions, signs of public mood and oil route events, one builder for all three.

One job: turn :class:`dashboard.marks.LaneMarks` into a Vega-Lite spec.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from dashboard import marks as M
from dashboard.charts.pieces import _chart, _colours, _data, _group_colour, _interval_layers, _n, _pick, _records, _tips, empty_chart
from dashboard.charts.theme import Spec
from dashboard.filters import Filters
from dashboard.marks import LaneMarks
from dashboard.palette import LABEL_SIZE, LEANING_COLOURS


#: per lane chart: title, subtitle, tooltip, colour, the selection it makes, and its sizes
LANE_STYLE: dict[str, dict[str, Any]] = {
    "sanctions": {
        "title": "Who said what on sanctions, recognition and UN votes",
        "subtitle": "Filled point: dated to a day. Bar: dated only to an interval, from its first to its last possible day. "
                    "One mark per act, however many seeds tell it.",
        "tooltip": _tips(("date_label", "Date"), ("actor_detail", "Who"), ("position", "Position"), ("stance_label", "Stance"),
                         ("sources", "Seeds"), ("ids", "Rows")),
        "fields": ["id", "ids", "issue", "group", "actor_detail", "position", "stance_label", "sources"],
        "pick": ("row", "id"), "px": 24, "extra": 300, "bar_px": 9,
    },
    "sentiment": {
        "title": "Signs of public mood over time",
        "subtitle": "Dated signs by the public only, one per event (state actions and undated signs are in the table below); "
                    "signs are not a measure of opinion. Filled point: a day. Bar: an interval, first to last possible day.",
        "tooltip": _tips(("date_label", "Date"), ("summary", "What"), ("figure", "Figure"), ("leaning", None),
                         ("source_id", "Seed"), ("id", "Row")),
        "fields": ["id", "indicator", "leaning", "figure", "summary", "source_id"],
        "colours": ("leaning", LEANING_COLOURS, "Leaning"), "px": 24, "extra": 260, "bar_px": 9,
    },
    "oil": {
        "title": "Disruptions, dependence and the alternative route",
        "subtitle": "Filled point: dated to a day. Bar: dated only to an interval, from its first to its last possible day.",
        "tooltip": _tips(("date_label", "Date"), ("kind", None), ("asset", None), ("as_stated", "What (the record's label where corrected)"),
                         ("source_id", "Seed"), ("id", "Row")),
        "fields": ["id", "lane", "kind", "asset", "as_stated", "source_id"],
        "colours": ("kind", {"disruption": "#D55E00", "dependence": "#999999", "alternative route": "#009E73"}, "Kind"),
        "px": 30, "extra": 230, "bar_px": 12,
    },
}
LANE_EMPTY = {"sanctions": "No dated positions match the filters", "sentiment": "No dated signs match the filters",
              "oil": "No dated route events"}


def lane_spec(m: LaneMarks) -> Spec:
    """A timeline in lanes (sanctions, sentiment, oil routes): one band per sub-row, each lane named once and every
    other lane shaded, so a lane's sub-rows read as one; a point for a day, a bar across an interval."""
    style = LANE_STYLE[m.kind]
    if m.empty:
        return empty_chart(LANE_EMPTY[m.kind])
    label = f"indexof({json.dumps(list(m.named))}, datum.label) >= 0 ? slice(datum.label, 0, lastindexof(datum.label, '#')) : ''"
    y = _n("row", title=None, sort=list(m.order), scale={"domain": list(m.order), "paddingInner": 0, "paddingOuter": 0},
           axis={"labelExpr": label, "ticks": False, "domain": False, "grid": False, "labelFontSize": LABEL_SIZE})
    background = {"data": _data("bands"), "transform": [{"filter": "datum.shade == 1"}],
                  "mark": {"type": "rect", "color": "#888888", "opacity": 0.09},
                  "encoding": {"y": y, "x": {"value": 0}, "x2": {"value": {"expr": "width"}}}}
    if "colours" in style:
        field, known, title = style["colours"]
        colour = _colours(m.rows[field], known, title)
    else:
        colour = _group_colour(present=m.rows["group"])
    pick = style.get("pick")
    view = f"{m.kind}_hits" if pick else None
    fields = list(dict.fromkeys([*style["fields"], "row", "slot", "date_label", "start", "end", "days", "hit_start", "hit_end"]))
    layers = _interval_layers("rows", m.domain, {"y": y, "color": colour}, style["tooltip"], view, bar_px=style["bar_px"])
    return _chart({"layer": [background, *layers]}, style["title"], style["subtitle"], height=style["px"] * len(m.order) + style["extra"],
                  datasets={"bands": [{"row": r, "shade": s} for r, s in zip(m.order, m.shade)], "rows": _records(m.rows, fields)},
                  params=[_pick(pick[0], pick[1], view)] if pick else None)


def sanctions_chart(sanctions: pd.DataFrame, filters: Filters = Filters()) -> Spec:
    """Stated positions by issue over time, coloured by actor; click a mark for its quote (selection ``row``)."""
    return lane_spec(M.sanctions_marks(sanctions, filters))


def sentiment_chart(sentiment: pd.DataFrame, filters: Filters = Filters()) -> Spec:
    """Dated signs of public mood by indicator, coloured by leaning."""
    return lane_spec(M.sentiment_marks(sentiment, filters))


def oil_timeline_chart(oil: pd.DataFrame) -> Spec:
    """Dated disruptions, dependence and alternative routes by route and kind."""
    return lane_spec(M.oil_timeline_marks(oil))
