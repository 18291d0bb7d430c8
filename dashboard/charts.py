"""Chart builders: prepared marks in (``dashboard.marks``), Vega-Lite specs out.

Nothing here imports Streamlit or filters a table: the marks layer computes
what each chart draws once per table and filter, and a builder only turns
those marks into a spec. Each chart has two entry points:

- ``*_spec(marks)`` draws prepared marks (``stance_spec(marks.stance_marks(...))``);
- ``*_chart(table, filters)`` calls the marks layer once and draws its result,
  for the pages and tests that start from a table.

A spec is composed as plain Vega-Lite JSON (no Altair objects, so no
per-layer data conversion, copying or schema validation on every build) and
returned as a :class:`Spec`: ``to_dict()`` gives the spec with the one
registered theme applied, ``st.altair_chart`` and ``vl_convert`` take it as
they take an Altair chart. The tests validate every builder's spec against
the Vega-Lite schema and compile it with vl-convert.

Every chart shares one look: the theme registered here (projector type
sizes, the palette) and enabled for the process, instead of per-chart
``configure_*`` calls. The pure functions the pages call through this module
(``event_marks``, ``date_label``, ``defence_figures``, ...) live in
``dashboard.marks`` and are re-exported here.
"""

from __future__ import annotations

import json
from typing import Any, Mapping

import altair as alt
import numpy as np
import pandas as pd

from dashboard import marks as M
from dashboard.filters import ONE_DAY, Filters  # noqa: F401 - ONE_DAY re-exported as before
from dashboard.marks import (  # noqa: F401 - re-exported: the pages and tests call these through dashboard.charts
    BINS,
    CONTEXT_ACT,
    CONTEXT_LABEL,
    CONTEXT_STEP,
    INDEX_MIN_EVENTS,
    INDEX_RULE,
    INDEX_WINDOW_DAYS,
    MARK_COLUMNS,
    MAX_MARKS,
    SANCTIONS_COLUMNS,
    SECURITY_AND_DEFENCE,
    STANCE_TEXT,
    TOOLTIP_QUOTE,
    TURNING_POINTS,
    Y_DOMAIN,
    DefenceMarks,
    IndexMarks,
    LaneMarks,
    StanceMarks,
    context_marks,
    date_label,
    date_precision,
    defence_figures,
    defence_frame,
    defence_label,
    defence_scope,
    defence_summary,
    event_marks,
    figure_text,
    index_events,
    index_left_out,
    is_context,
    lay_out_marks,
    left_out_text,
    mark_for_row,
    oil_share_summary,
    oil_timeline_frame,
    oil_timeline_summary,
    one_per_act,
    prepare_events,
    sanctions_frame,
    sanctions_summary,
    sentiment_frame,
    sentiment_summary,
    signed,
    stakes_summary,
    stance_index,
    turning_points,
)
from dashboard.palette import (
    AXIS_TITLE_SIZE,
    CREDIBILITY_OPACITY,
    DOMAIN_SHAPES,
    GROUP_COLOURS,
    LABEL_SIZE,
    LEANING_COLOURS,
    SUBTITLE_SIZE,
    TEXT_SIZE,
    TITLE_SIZE,
)

#: bin resolution -> pandas period frequency (the Stance page reads it as ``charts._BINS``)
_BINS = BINS

# --------------------------------------------------------------------------
# the one theme

#: chart text on a light background (12.6:1 on white)
LIGHT_TEXT = "#333333"

#: the dashboard's chart theme: projector type sizes and the palette; registered with Altair and enabled once, below
THEME: dict[str, Any] = {
    "config": {
        "title": {"anchor": "start", "fontSize": TITLE_SIZE, "subtitleFontSize": SUBTITLE_SIZE, "offset": 10},
        # axis and legend text at AA contrast (Streamlit's own grey is about 3.7:1 on white): LIGHT_TEXT is 12.6:1
        "axis": {"labelFontSize": LABEL_SIZE, "titleFontSize": AXIS_TITLE_SIZE, "labelLimit": 360,
                 "labelColor": LIGHT_TEXT, "titleColor": LIGHT_TEXT},
        "legend": {"labelFontSize": LABEL_SIZE, "titleFontSize": LABEL_SIZE + 1, "symbolSize": 160, "labelLimit": 320,
                   "labelColor": LIGHT_TEXT, "titleColor": LIGHT_TEXT},
        "header": {"labelFontSize": LABEL_SIZE + 2, "titleFontSize": AXIS_TITLE_SIZE, "labelColor": LIGHT_TEXT,
                   "titleColor": LIGHT_TEXT},
        "text": {"fontSize": TEXT_SIZE},
        # a chart with no width of its own (the defence facet: Vega-Lite cannot fit a facet to its container) has
        # 600 px panels, so with its row labels and bar labels it fits a page column; every other chart fills its container
        "view": {"continuousWidth": 600, "continuousHeight": 300},
        "range": {"category": list(GROUP_COLOURS.values())},
    }
}
THEME_NAME = "dashboard"


@alt.theme.register(THEME_NAME, enable=True)
def _theme() -> alt.theme.ThemeConfig:
    return json.loads(json.dumps(THEME))  # a fresh copy each time: Altair merges into it


#: text colours on the dark theme (Streamlit's chart theme colours axes and legends, not text marks or subtitles)
DARK_TEXT = "#ECECEC"
#: legend symbols that no colour scale fills (shapes, credibility) on the dark theme: black by default, unreadable there
DARK_SYMBOL = "#BBBBBB"

#: how Streamlit sizes charts, used for exports too: ``height`` is the whole chart, legends and title included
AUTOSIZE = {"type": "fit", "contains": "padding"}
PADDING = {"top": 12, "left": 6, "right": 12, "bottom": 6}


def _merged(base: dict, top: Mapping) -> dict:
    """``base`` updated by ``top``, nested dicts merged (``top`` wins), in place on ``base``."""
    for key, value in top.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _merged(base[key], value)
        else:
            base[key] = value
    return base


class Spec:
    """A whole chart as a Vega-Lite spec (plain JSON), composed by a builder.

    ``to_dict()`` returns a fresh copy with the active Altair theme (the
    dashboard's, registered once above) merged under the spec's own settings,
    as Altair does for its charts, so ``st.altair_chart``, ``vl_convert`` and
    the tests take it as they take an Altair chart. It does not validate by
    default: the spec is composed from code the tests validate (see
    tests/test_charts.py); ``to_dict(validate=True)`` checks it against the
    Vega-Lite schema.
    """

    __slots__ = ("spec",)

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec

    def to_dict(self, validate: bool = False, **_: Any) -> dict[str, Any]:
        out = json.loads(json.dumps(self.spec))
        theme = alt.theme.get()
        if theme is not None:
            out = _merged(theme() or {}, out)
        if validate:
            alt.TopLevelSpec.validate(out)
        return out

    def to_json(self, validate: bool = False, indent: int | None = 2, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(validate), indent=indent, **kwargs)

    def copy(self, deep: bool = True) -> Spec:
        return Spec(json.loads(json.dumps(self.spec)) if deep else dict(self.spec))

    def properties(self, **kwargs: Any) -> Spec:
        """A copy with these top-level settings (``width``, ``height``, ``title``, ...) replaced, as Altair's."""
        return Spec({**self.spec, **kwargs})

    @property
    def title(self) -> Any:
        return self.spec.get("title")

    def __repr__(self) -> str:
        title = self.spec.get("title")
        return f"Spec({(title or {}).get('text') if isinstance(title, dict) else title!r})"


def spec(chart: Any) -> dict[str, Any]:
    """A chart's Vega-Lite dict without schema validation: a :class:`Spec`'s, or an Altair chart's (the map)."""
    return chart.to_dict(validate=False)


def for_dark(chart: Any) -> Any:
    """A copy of a chart whose own text (labels, title, subtitle) and uncoloured legend symbols read on a dark
    background."""
    if isinstance(chart, Spec):
        out = chart.copy(deep=False)
        config = dict(out.spec.get("config", {}))
        config["text"] = {**config.get("text", {}), "color": DARK_TEXT}
        config["title"] = {**config.get("title", {}), "color": DARK_TEXT, "subtitleColor": DARK_TEXT}
        config["legend"] = {**config.get("legend", {}), "symbolFillColor": DARK_SYMBOL, "symbolStrokeColor": DARK_SYMBOL,
                            "labelColor": DARK_TEXT, "titleColor": DARK_TEXT}
        config["axis"] = {**config.get("axis", {}), "labelColor": DARK_TEXT, "titleColor": DARK_TEXT}
        config["header"] = {**config.get("header", {}), "labelColor": DARK_TEXT, "titleColor": DARK_TEXT}
        out.spec["config"] = config
        return out
    out = chart.copy(deep=True)  # an Altair chart (the map)
    text = out.config.text if out.config.text is not alt.Undefined else alt.MarkConfig(fontSize=TEXT_SIZE)
    text.color = DARK_TEXT
    out.config.text = text
    out.config.title = alt.TitleConfig(color=DARK_TEXT, subtitleColor=DARK_TEXT)
    return out


# --------------------------------------------------------------------------
# spec pieces


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


# --------------------------------------------------------------------------
# stance over time


def _px_expr(step: float, share: float, lo: float, hi: float, squared: bool = False) -> dict[str, str]:
    """A mark size in pixels that follows the plot's height: ``share`` of one sub-row step, between lo and hi px
    (``squared``: as an area, for a point's size)."""
    px = f"clamp({step:.4f} * (height / {Y_DOMAIN[1] - Y_DOMAIN[0]:g}) * {share}, {lo}, {hi})"
    return {"expr": f"pow({px}, 2)" if squared else px}


def _stance_tooltip(binned: bool) -> list[dict[str, Any]]:
    tooltip = _tips(("date_label", "Date"), ("actor", "Actor"), ("domain", "Domain"), ("stance_label", "Stance"),
                    ("credibility", "Credibility", "ordinal"), ("summary", "What"), ("sources", "Seeds"))
    if not binned:
        tooltip += _tips(("ids", "Rows"), ("quote", "Quote"))
    return tooltip


#: what the stance chart ships per mark, context marker and turning point (nothing it does not draw or show)
STANCE_FIELDS = ["key", "ids", "actor", "group", "domain", "stance_label", "credibility", "date_label", "summary", "sources",
                 "quote", "start", "end", "days", "y", "y_lo", "y_hi", "hit_start", "hit_end"]
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
        return _q(field, title="Stance (+ towards Moscow, − away)", scale=y_scale, axis=y_axis)

    y = y_of("y")
    layers: list[dict[str, Any]] = []
    datasets: dict[str, list[dict]] = {}
    params: list[dict] = []
    bars, days = [{"filter": "datum.days > 1"}], [{"filter": "datum.days <= 1"}]
    if len(m.context):  # a strip of their own under the scored levels: never in a scored lane
        # binned markers have no row ids: nothing to ship for them
        datasets["context"] = _records(m.context, CONTEXT_FIELDS if m.context_resolution == "event" else CONTEXT_FIELDS[:1] + CONTEXT_FIELDS[2:])
        tip = _tips(("date_label", "Date"), ("summary", "Context (unscored)"), ("sources", "Seeds"),
                    *([("ids", "Rows")] if m.context_resolution == "event" else []))
        layers += [
            {"data": _data("context"), "transform": bars,
             "mark": {"type": "rule", "color": "#8C8C8C", "strokeWidth": _px_expr(CONTEXT_STEP, 0.65, 3, 8), "strokeCap": "butt", "clip": True},
             "encoding": {"x": x, "x2": {"field": "end"}, "y": y, "tooltip": tip}},
            {"data": _data("context"), "transform": days,
             "mark": {"type": "point", "shape": "diamond", "filled": True, "color": "#8C8C8C",
                      "size": _px_expr(CONTEXT_STEP, 1.0, 7, 13, squared=True), "clip": True},
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
        fields = [f for f in STANCE_FIELDS if f not in ("ids", "quote")] if m.binned else STANCE_FIELDS  # a bin has neither
        datasets["marks"] = _records(m.marks, fields)
        colour = _group_colour(columns=2, present=m.marks["group"])
        key = m.key_of(selected)
        if key is not None:  # the selected mark, outlined in grey under it
            datasets["ring"] = _records(m.marks[m.marks["key"] == key], fields)
            layers += [
                {"data": _data("ring"), "transform": bars,
                 "mark": {"type": "rule", "color": "#444444", "strokeCap": "round", "strokeWidth": _px_expr(step, 1.25, 9, 17)},
                 "encoding": {"x": x, "x2": {"field": "end"}, "y": y}},
                {"data": _data("ring"), "transform": days,
                 "mark": {"type": "point", "size": 900, "strokeWidth": 3, "color": "#444444", "filled": False},
                 "encoding": {"x": x, "y": y}},
            ]
        layers += [
            {"data": _data("marks"), "transform": bars,  # acts dated to an interval: a bar from the first day to the end of the last
             "mark": {"type": "rule", "strokeCap": "butt", "strokeWidth": _px_expr(step, 0.7, 3, 10), "clip": True},
             "encoding": {"x": x, "x2": {"field": "end"}, "y": y, "color": colour,
                          "strokeOpacity": _o("credibility", scale=CREDIBILITY_SCALE, legend=None)}},
            *[{"data": _data("marks"), "transform": bars,  # end caps, so that bars that meet in one sub-row read as separate
               "mark": {"type": "tick", "orient": "vertical", "thickness": 2, "size": _px_expr(step, 1.15, 7, 15), "clip": True},
               "encoding": {"x": _time_x(cap, domain), "y": y, "color": colour, "opacity": _opacity()}}
              for cap in ("start", "end")],
            {"data": _data("marks"), "transform": days,  # acts dated to a day: a filled point at the day
             "mark": {"type": "point", "filled": True, "stroke": "#222222", "strokeWidth": 0.8,
                      "size": _px_expr(step, 1.05, 8, 15, squared=True), "clip": True},
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
                    "Marks that would overlap sit in sub-rows of their level. Grey, under the levels: unscored context."]
        if m.binned:
            subtitle[0] = f"Binned by {m.resolution} (mean stance per actor and domain). " + subtitle[0]
    return _chart({"layer": layers}, "Stance over time", subtitle, height=620 if compact else 800, datasets=datasets, params=params)


def stance_summary(events: pd.DataFrame, filters: Filters = Filters(), max_marks: int = MAX_MARKS) -> str:
    """One line: what the stance chart shows, counted from the same marks (one per act)."""
    return M.stance_marks(events, filters, max_marks).summary


# -- rolling index


def index_chart(events: pd.DataFrame, filters: Filters = Filters(), window_days: int = INDEX_WINDOW_DAYS) -> Spec:
    """The rolling stance index per actor as step lines (see :func:`index_spec`)."""
    return index_spec(M.index_marks(events, filters, window_days))


def index_spec(m: IndexMarks) -> Spec:
    """The rolling stance index per actor as step lines, a zero rule, and the rule and the acts left out in the subtitle."""
    frame = m.frame
    if frame.empty:
        return empty_chart("Too few scored events for a stance index")
    rows = frame.assign(date_label=[date_label(d) for d in frame["date"]])
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
                  [f"{INDEX_RULE}.", f"{left_out[:1].upper()}{left_out[1:]}; actors with at least {INDEX_MIN_EVENTS} acts in the index."],
                  height=560, datasets={"index": _records(rows, ["actor", "group", "date", "date_label", "mean", "n", "weight", "segment", "dash"])})


def index_summary(events: pd.DataFrame, filters: Filters = Filters(), window_days: int = INDEX_WINDOW_DAYS) -> str:
    return M.index_marks(events, filters, window_days).summary


# --------------------------------------------------------------------------
# timelines in lanes: sanctions stance, public sentiment, oil routes (one builder)

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
        "subtitle": "Dated signs only; undated ones are in the table below. Filled point: a day. Bar: an interval, first to last possible day.",
        "tooltip": _tips(("date_label", "Date"), ("summary", "What"), ("figure", "Figure"), ("leaning", None),
                         ("source_id", "Seed"), ("id", "Row")),
        "fields": ["id", "indicator", "leaning", "figure", "summary", "source_id"],
        "colours": ("leaning", LEANING_COLOURS, "Leaning"), "px": 24, "extra": 260, "bar_px": 9,
    },
    "oil": {
        "title": "Disruptions, dependence and the alternative route",
        "subtitle": "Filled point: dated to a day. Bar: dated only to an interval, from its first to its last possible day.",
        "tooltip": _tips(("date_label", "Date"), ("kind", None), ("asset", None), ("as_stated", "As stated"),
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


# --------------------------------------------------------------------------
# bars: defence budget, oil export shares, stakes


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
