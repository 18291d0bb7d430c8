"""What a chart draws, read back from its spec: its kind in words (for alt text) and its data as a table.

The page's "Data behind the chart" and the briefing's notes and CSVs both read a chart this way. Each function takes a
chart (an Altair chart or a builder's :class:`~dashboard.charts.theme.Spec`) or its spec as a dict; pass the dict when
asking several questions of one chart, so it is serialised once.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard.charts.theme import Spec


#: the inline datasets that hold a chart's data, in order of preference (the others are bands, labels, rings)
DATASETS = ("marks", "bars", "rows", "index")
#: columns the chart computes to lay its marks out: not data
LAYOUT_COLUMNS = {"key", "y", "y_lo", "y_hi", "hit_start", "hit_end", "slot", "row", "label_px", "bracket_px", "align",
                  "shade", "dash", "segment", "bar", "start", "end", "days", "weight"}


def spec_dict(chart: Any) -> dict[str, Any]:
    """The chart's Vega-Lite spec as a dict: a builder's :class:`Spec` as it is, an Altair chart serialised, a dict as
    given. Callers that ask several questions of one chart (its type, its table) serialise it once and pass the dict."""
    if isinstance(chart, dict):
        return chart
    if isinstance(chart, Spec):
        return chart.spec
    return chart.to_dict(validate=False)


def _marks_of(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        mark = node.get("mark")
        if isinstance(mark, str):
            found.add(mark)
        elif isinstance(mark, dict) and isinstance(mark.get("type"), str):
            found.add(mark["type"])
        for key in ("layer", "hconcat", "vconcat", "concat"):
            for child in node.get(key, []) or []:
                found |= _marks_of(child)
        if isinstance(node.get("spec"), dict):
            found |= _marks_of(node["spec"])
    return found


def _temporal(node: Any) -> bool:
    if isinstance(node, dict):
        x = (node.get("encoding") or {}).get("x")
        if isinstance(x, dict) and x.get("type") == "temporal":
            return True
        return any(_temporal(c) for k in ("layer", "hconcat", "vconcat", "concat") for c in node.get(k, []) or []) or \
            _temporal(node.get("spec"))
    return False


def chart_type(chart: Any) -> str:
    """The kind of chart, in words, for its alt text: read from the spec (projection, time axis, marks)."""
    if chart is None:
        return ""
    spec = spec_dict(chart)
    if "projection" in spec or "geoshape" in _marks_of(spec):
        return "Map"
    found = _marks_of(spec) - {"text", "rect", "tick"}
    if _temporal(spec):
        if "line" in found or "area" in found:
            return "Line chart over time"
        return "Timeline chart" + (" of points and interval bars" if {"point", "rule"} <= found else "")
    if "bar" in found:
        return "Bar chart" + (", faceted" if "facet" in spec else "")
    return "Chart"


def chart_table(chart: Any) -> pd.DataFrame:
    """The data a chart draws, as a table a reader can use instead of the picture: its main inline dataset
    (:data:`DATASETS`; a map's layers together), without the columns the chart computes for its layout, blank columns
    dropped. Empty for a chart without inline data."""
    if chart is None:
        return pd.DataFrame()
    datasets = spec_dict(chart).get("datasets") or {}
    if is_map_spec(chart):
        rows = [r for v in datasets.values() for r in v if isinstance(r, dict) and "label" in r]
    else:
        name = next((n for n in DATASETS if n in datasets), None)
        rows = datasets.get(name, []) if name else []
    frame = pd.DataFrame([r for r in rows if isinstance(r, dict)])
    if frame.empty:
        return frame
    keep = [c for c in frame.columns if c not in LAYOUT_COLUMNS and not frame[c].isna().all()]
    if "date_label" in keep:  # a readable date: the chart's interval as a label, not epoch milliseconds
        keep = ["date_label"] + [c for c in keep if c not in ("date_label", "date")]
    elif "date" in keep and pd.api.types.is_numeric_dtype(frame["date"]):
        frame["date"] = pd.to_datetime(frame["date"], unit="ms").dt.date.astype(str)
    return frame[keep].reset_index(drop=True)


def is_map_spec(chart: Any) -> bool:
    return "projection" in spec_dict(chart)
