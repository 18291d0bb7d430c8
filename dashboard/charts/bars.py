"""The bar charts of the indicators: the defence budget, the oil export shares and the named stakes.

One job: turn the indicator marks (:class:`dashboard.marks.DefenceMarks`, the
share and stakes frames) into Vega-Lite specs.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from dashboard import marks as M
from dashboard.charts.pieces import _chart, _data, _n, _q, _records, _tips, empty_chart
from dashboard.charts.theme import Spec
from dashboard.marks import DefenceMarks
from dashboard.palette import TEXT_SIZE


def defence_chart(budget: pd.DataFrame) -> Spec:
    """The previous budget and the addition, in dollars and in tenge (see :func:`defence_spec`)."""
    return defence_spec(M.defence_marks(budget))


def defence_spec(m: DefenceMarks) -> Spec:
    """One panel per currency (each shows only the parts it has), derived bars faint, each bar labelled as stated."""
    frame = m.frame
    if frame.empty:
        return empty_chart("No defence figures")
    scope = m.scope
    encoding = {
        "y": _n("part", title=None, sort=list(M.PARTS)),
        "x": _q("amount", title="Amount", axis={"tickCount": 6}),  # round ticks, legible at projector size
        "tooltip": [*_tips(("currency", None), ("part", None)), _q("amount", format=",.3f"),
                    *_tips(("basis", None), ("as_stated", "As stated"), ("id", "Row"))],
    }
    bars = {"mark": {"type": "bar", "height": 34}, "encoding": {
        **encoding,
        "color": _n("part", title="Part", scale={"domain": list(M.PARTS), "range": ["#999999", "#0072B2"]}, legend={"orient": "bottom"}),
        "opacity": _n("basis", title="Basis", scale={"domain": ["stated", "derived"], "range": [1.0, 0.45]},
                      legend={"orient": "bottom"} if m.derived else None),
    }}
    text = {"mark": {"type": "text", "align": "left", "dx": 6, "fontSize": TEXT_SIZE}, "encoding": {**encoding, "text": _n("label")}}
    year = scope["year"] or "2022"
    subtitle = ["Solid: as the source states it. Faint: derived from the source's own figures." if m.derived else
                "As the source states it; the previous budget is not converted to tenge at another year's rate."]
    if scope["security_wide"]:
        title = f"Defence budget: the previous budget and the {year} security and defence addition"
        subtitle.append(f"The addition is not all defence, though {scope['reporter'] or 'the seed'} reports it as defence: "
                        "the two bars differ in scope (see the summary).")
    else:
        title = f"Defence budget: the previous budget and the {year} addition"
    # a facet is sized per panel (the theme's view width, 110 px a panel), not by its container
    out = {
        "$schema": alt.SCHEMA_URL,
        "datasets": {"bars": _records(frame, [*M.DEFENCE_COLUMNS, "label"])},
        "data": _data("bars"),
        "title": {"text": title, "subtitle": subtitle},
        "facet": {"row": _n("currency", title=None, sort=list(M.CURRENCIES),
                            header={"labelAngle": 0, "labelAlign": "left", "labelAnchor": "start", "labelOrient": "top"})},
        "spec": {"layer": [bars, text], "height": 110},
        "resolve": {"scale": {"x": "independent", "y": "independent"}},  # a facet shows only the parts it has
    }
    return Spec(out)


def _bars(frame: pd.DataFrame, fields: list[str], encoding: dict[str, Any], bar: dict[str, Any], text: str, title: str,
          subtitle: str | None, height: int) -> Spec:
    """Horizontal bars labelled at their end."""
    layers = [{"data": _data("bars"), "mark": {"type": "bar", **bar}, "encoding": encoding},
              {"data": _data("bars"), "mark": {"type": "text", "align": "left", "dx": 6, "fontSize": TEXT_SIZE},
               "encoding": {**encoding, "text": _n(text)}}]
    return _chart({"layer": layers}, title, subtitle, height=height, datasets={"bars": _records(frame, fields)})


def oil_share_chart(oil: pd.DataFrame) -> Spec:
    return oil_share_spec(M.oil_share_frame(oil))


def oil_share_spec(rows: pd.DataFrame) -> Spec:
    """The export shares as each seed states it, one bar per route and seed: conflicting figures side by side."""
    if rows.empty:
        return empty_chart("No export shares")
    encoding = {
        "y": _n("bar", title=None, sort=None),
        "x": _q("value", title="Share of Kazakhstan's oil exports (%)", scale={"domain": [0, 100]}),
        "tooltip": [*_tips(("route", None)), _q("value", title="%"),
                    *_tips(("as_stated", "As stated"), ("source_id", "Seed"), ("conflict_key", "Conflict"), ("id", "Row"))],
    }
    return _bars(rows, ["bar", "label", "route", "value", "as_stated", "source_id", "conflict_key", "id"], encoding,
                 {"height": 30, "color": "#0072B2"}, "label", "Share of oil exports through each route, as each seed states it",
                 "Conflicting figures are shown side by side, not averaged.", 60 * len(rows) + 150)


def stakes_chart(oil: pd.DataFrame) -> Spec:
    return stakes_spec(M.stakes_frame(oil))


def stakes_spec(rows: pd.DataFrame) -> Spec:
    """The named stakes in Kazakh oil fields, largest first."""
    if rows.empty:
        return empty_chart("No named stakes")
    encoding = {
        "y": _n("bar", title=None, sort="-x"),
        "x": _q("value", title="Stake (%)", scale={"domain": [0, 100]}),
        "tooltip": [*_tips(("asset", None), ("company", None)), _q("value", title="%"),
                    *_tips(("as_stated", "As stated"), ("source_id", "Seed"), ("id", "Row"))],
    }
    return _bars(rows, ["bar", "asset", "company", "value", "as_stated", "source_id", "id"], encoding,
                 {"height": 24, "color": "#D55E00"}, "as_stated", "Named stakes in Kazakh oil fields", None, 50 * len(rows) + 110)
