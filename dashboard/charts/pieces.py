"""Spec pieces shared by the chart builders: records, encodings, scales, the top-level chart, interval layers, tooltips.

One job: the small Vega-Lite building blocks every builder composes (plain
JSON dicts), so two charts encode a date, an actor group or a credibility
the same way.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from dashboard.charts.theme import AUTOSIZE, PADDING, Spec
from dashboard import marks as M
from dashboard.palette import CREDIBILITY_OPACITY, GROUP_COLOURS


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    """The frame's columns as JSON records: times as epoch milliseconds (UTC), blanks as null."""
    values = []
    for column in columns:
        series = frame[column]
        if pd.api.types.is_datetime64_any_dtype(series):
            ms = (series.to_numpy(dtype="datetime64[ns]").astype("int64") // 1_000_000).tolist()
            values.append([None if m else v for v, m in zip(ms, series.isna().to_numpy())] if series.isna().any() else ms)
        elif pd.api.types.is_float_dtype(series):
            floats = series.to_numpy(dtype=float)
            values.append([None if v != v else v for v in floats.tolist()])
        elif pd.api.types.is_bool_dtype(series) and not series.isna().any():
            values.append(series.to_numpy(dtype=bool).tolist())
        elif pd.api.types.is_integer_dtype(series) and not series.isna().any():
            values.append(series.to_numpy(dtype="int64").tolist())
        else:
            values.append([_json_value(v) for v in series.tolist()])
    return [dict(zip(columns, row)) for row in zip(*values)]


def _json_value(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, pd.Timestamp):
        return int(value.value // 1_000_000)
    if isinstance(value, np.generic):
        return value.item()
    return value


def _data(name: str) -> dict[str, str]:
    return {"name": name}


def _n(field: str, **kw: Any) -> dict[str, Any]:
    return {"field": field, "type": "nominal", **kw}


def _q(field: str, **kw: Any) -> dict[str, Any]:
    return {"field": field, "type": "quantitative", **kw}


def _o(field: str, **kw: Any) -> dict[str, Any]:
    return {"field": field, "type": "ordinal", **kw}


def _ms(value: Any) -> dict[str, Any]:
    """A date as a Vega-Lite UTC DateTime, for a fixed time domain (raw epoch numbers are not read as times in Streamlit)."""
    stamp = pd.Timestamp(value)
    return {"date": stamp.day, "hours": stamp.hour, "month": stamp.month, "utc": True, "year": stamp.year}


def _time_x(field: str, domain: M.Span | None, title: str | None = None) -> dict[str, Any]:
    """A UTC time axis with ticks on month or year boundaries, so a label always names the period it sits on."""
    if domain is None:
        return {"field": field, "type": "temporal", "title": title, "scale": {"type": "utc"},
                "axis": {"format": "%Y", "tickCount": {"interval": "year", "step": 1}}}
    months = (domain[1] - domain[0]).days / 30.4
    if months <= 14:
        tick, fmt = {"interval": "month", "step": 1}, "%b %Y"
    elif months <= 28:
        tick, fmt = {"interval": "month", "step": 3}, "%b %Y"
    else:
        tick, fmt = {"interval": "year", "step": max(1, round(months / 12 / 12))}, "%Y"
    return {"field": field, "type": "temporal", "title": title, "scale": {"type": "utc", "domain": [_ms(domain[0]), _ms(domain[1])]},
            "axis": {"format": fmt, "tickCount": tick, "labelOverlap": True}}


#: one colour scale for actor groups, used by every chart
ACTOR_SCALE = {"domain": list(GROUP_COLOURS), "range": list(GROUP_COLOURS.values())}


def actor_scale() -> alt.Scale:
    """The one colour scale for actor groups, as an Altair scale (the builders use :data:`ACTOR_SCALE`)."""
    return alt.Scale(**ACTOR_SCALE)


def _group_colour(title: str = "Actor", columns: int = 4, present: pd.Series | None = None) -> dict[str, Any]:
    """The actor-group colour channel; with ``present``, the legend lists only the groups the chart draws (the scale,
    and so every colour, stays the same)."""
    legend: dict[str, Any] = {"orient": "bottom", "columns": columns}
    if present is not None:
        shown = set(present.dropna())
        legend["values"] = [g for g in GROUP_COLOURS if g in shown]
    return _n("group", title=title, scale=ACTOR_SCALE, legend=legend)


#: colours (Paul Tol's bright scheme) for categories the palette does not name
FALLBACK_COLOURS = ("#228833", "#AA3377", "#EE7733", "#009988", "#332288")


def _colours(values: pd.Series, known: dict[str, str], title: str, columns: int = 3) -> dict[str, Any]:
    """A colour channel over ``known`` colours, extended with fallback colours for values the palette lacks, so that
    no row goes undrawn."""
    extra = [v for v in dict.fromkeys(values.dropna().astype(str)) if v not in known]
    domain = [*known, *extra]
    colours = [*known.values(), *[FALLBACK_COLOURS[i % len(FALLBACK_COLOURS)] for i in range(len(extra))]]
    return _n(str(values.name), title=title, scale={"domain": domain, "range": colours}, legend={"orient": "bottom", "columns": columns})


CREDIBILITY_SCALE = {"domain": list(CREDIBILITY_OPACITY), "range": list(CREDIBILITY_OPACITY.values())}


def _opacity() -> dict[str, Any]:
    return _o("credibility", title="Credibility (1 best)", scale=CREDIBILITY_SCALE, legend={"orient": "bottom", "columns": 3})


#: vertical axis labels with a sign: '+2', '0', '−2' (a true minus sign)
SIGNED_LABELS = "datum.value > 0 ? '+' + datum.value : datum.value == 0 ? '0' : '−' + abs(datum.value)"


def _chart(body: dict[str, Any], title: str, subtitle: str | list[str] | None = None, height: int = 420,
           datasets: dict[str, list[dict]] | None = None, params: list[dict] | None = None) -> Spec:
    """A top-level spec: ``body`` (layers, or mark and encoding), its datasets and selections, the title, and the size
    every page chart has: its container's width, ``height`` pixels tall in all (legends and title included)."""
    out: dict[str, Any] = {"$schema": alt.SCHEMA_URL}
    if datasets:
        out["datasets"] = datasets
    out["title"] = {"text": title, **({"subtitle": subtitle} if subtitle else {})}
    out |= {"width": "container", "height": height, "autosize": AUTOSIZE, "padding": PADDING, **body}
    if params:
        out["params"] = params
    return Spec(out)


def empty_chart(message: str) -> Spec:
    """A chart that only says why it is empty (pages show a plain message instead; exports use this)."""
    return _chart({"data": {"values": [{"t": message}]}, "mark": {"type": "text", "size": 18}, "encoding": {"text": _n("t")}},
                  message, height=120)


def _pick(name: str, field: str, view: str) -> dict[str, Any]:
    """A click selection ``name`` on ``field``, made in the layer named ``view``; a double click clears it."""
    return {"name": name, "select": {"type": "point", "fields": [field], "on": "click", "clear": "dblclick"}, "views": [view]}


def _interval_layers(data: str, domain: M.Span | None, encoding: dict[str, Any], tooltip: list[dict], hit_view: str | None = None,
                     point_size: int = 190, bar_px: int = 9) -> list[dict[str, Any]]:
    """Bars with end caps for the rows dated to an interval, filled points for the rows dated to a day, and (with
    ``hit_view``) one transparent hit box per row that carries the tooltip and the click selection for both."""
    x = _time_x("start", domain)
    tip = {} if hit_view else {"tooltip": tooltip}
    bars = {"filter": "datum.days > 1"}
    days = {"filter": "datum.days <= 1"}
    layers = [
        {"data": _data(data), "transform": [bars],
         "mark": {"type": "rule", "strokeWidth": bar_px, "strokeCap": "butt", "opacity": 0.8, "clip": True},
         "encoding": {**encoding, "x": x, "x2": {"field": "end"}, **tip}},
        *[{"data": _data(data), "transform": [bars],
           "mark": {"type": "tick", "orient": "vertical", "thickness": 2, "size": bar_px + 6, "clip": True},
           "encoding": {**encoding, "x": _time_x(cap, domain)}} for cap in ("start", "end")],
        {"data": _data(data), "transform": [days],
         "mark": {"type": "point", "size": point_size, "filled": True, "opacity": 0.95, "stroke": "#333333", "strokeWidth": 0.8,
                  "clip": True},
         "encoding": {**encoding, "x": x, **tip}},
    ]
    if hit_view:
        layers.append({"name": hit_view, "data": _data(data),
                       "mark": {"type": "rect", "fill": "#000000", "fillOpacity": 0, "stroke": None, "cursor": "pointer",
                                "clip": True},  # an act that began before the shown dates must not widen the chart
                       "encoding": {**encoding, "x": _time_x("hit_start", domain), "x2": {"field": "hit_end"}, "tooltip": tooltip}})
    return layers


def _tips(*fields: tuple[str, str | None] | tuple[str, str | None, str]) -> list[dict[str, Any]]:
    """Tooltip channels from (field, title[, type]) triples (type: nominal unless given)."""
    out = []
    for item in fields:
        field, title, kind = (*item, "nominal") if len(item) == 2 else item
        out.append({"field": field, "type": kind, **({"title": title} if title else {})})
    return out
