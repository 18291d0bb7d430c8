"""Pure chart builders: tables in, ``alt.Chart`` out, each with a one-line text summary from the same data.

Nothing here imports Streamlit: the pages, the tests and the briefing export
all call the same functions. Data is prepared and aggregated in pandas first
(``*_marks`` / ``*_frame`` functions, tested on their own), so a chart never
carries more rows than it draws.

Conventions from the codebook (data/README.md):

- one mark per event: rows that share ``event_key`` (the same event told by
  several seeds) and actor are merged, and the mark lists every seed;
- a blank stance is a context marker, drawn as a grey band or rule, never as 0;
- a row dated to a month or year is drawn across its whole period (a bar from
  its start to its end, with a hollow point in the middle), not on the 1st;
- credibility 1 (best) .. 6 (worst) maps to opacity, solid to faint.
"""

from __future__ import annotations

import weakref
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from dashboard.filters import Filters, apply, period_end
from dashboard.palette import (
    ACTOR_GROUP,
    CREDIBILITY_OPACITY,
    DOMAIN_SHAPES,
    GROUP_COLOURS,
    LEANING_COLOURS,
    actor_group,
)

#: most marks the stance chart draws before it bins events by week, month, quarter or year
MAX_MARKS = 1500
#: trailing window of the stance index, in days
INDEX_WINDOW_DAYS = 90
#: actors with fewer scored events than this in the range get no index line
INDEX_MIN_EVENTS = 3
#: quotes in tooltips are cut to this many characters (the full quote is one click away)
TOOLTIP_QUOTE = 220

#: event_key -> label: the turning points the stance charts annotate, when they are in the filtered data
TURNING_POINTS: dict[str, str] = {
    "january_unrest_2022": "January unrest",
    "csto_deployment_2022": "CSTO deployment",
    "invasion_2022": "Invasion of Ukraine",
    "suleimenov_interview_2022": "April: sanctions statements",
    "medvedev_post_2022": "Medvedev post",
    "xi_visit_2022": "September: agreements and visits",
}

STANCE_TEXT = {2: "+2 strong alignment", 1: "+1 mild alignment", 0: "0 hedging", -1: "−1 mild distance", -2: "−2 strong distance"}
PRECISION_RANK = {"day": 0, "month": 1, "year": 2}
_BINS = (("week", "W-SUN"), ("month", "M"), ("quarter", "Q"), ("year", "Y"))

# projector sizes (px): the brief's floor is 18 for titles and 14 for labels
TITLE_SIZE = 22
SUBTITLE_SIZE = 16
LABEL_SIZE = 16
AXIS_TITLE_SIZE = 17
TEXT_SIZE = 15


# --------------------------------------------------------------------------
# shared pieces


def actor_scale() -> alt.Scale:
    """The one colour scale for actor groups, used by every chart."""
    return alt.Scale(domain=list(GROUP_COLOURS), range=list(GROUP_COLOURS.values()))


def _group_colour(title: str = "Actor", columns: int = 4) -> alt.Color:
    return alt.Color("group:N", title=title, scale=actor_scale(), legend=alt.Legend(orient="bottom", columns=columns))


def _opacity() -> alt.Opacity:
    return alt.Opacity(
        "credibility:O",
        title="Credibility (1 best)",
        scale=alt.Scale(domain=list(CREDIBILITY_OPACITY), range=list(CREDIBILITY_OPACITY.values())),
        legend=alt.Legend(orient="bottom", columns=3),
    )


def _time_x(field: str, domain: tuple[pd.Timestamp, pd.Timestamp] | None, title: str | None = None) -> alt.X:
    """A UTC time axis with ticks on month or year boundaries, so a label always names the period it sits on."""
    if domain is None:
        return alt.X(f"{field}:T", title=title, scale=alt.Scale(type="utc"), axis=alt.Axis(format="%Y", tickCount={"interval": "year", "step": 1}))
    months = (domain[1] - domain[0]).days / 30.4
    if months <= 14:
        tick, fmt = {"interval": "month", "step": 1}, "%b %Y"
    elif months <= 28:
        tick, fmt = {"interval": "month", "step": 3}, "%b %Y"
    else:
        tick, fmt = {"interval": "year", "step": max(1, round(months / 12 / 12))}, "%Y"
    scale = alt.Scale(type="utc", domain=[_ms(domain[0]), _ms(domain[1])])
    return alt.X(f"{field}:T", title=title, scale=scale, axis=alt.Axis(format=fmt, tickCount=tick, labelOverlap=True))


def _span(*frames: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """From the earliest start to the latest end over the frames' rows."""
    starts = [f["start"].min() for f in frames if len(f)]
    ends = [f["end"].max() for f in frames if len(f)]
    return (min(starts), max(ends)) if starts else None


def _ms(value: Any) -> alt.DateTime:
    """A date as a Vega-Lite UTC DateTime, for a fixed time domain (raw epoch numbers are not read as times in Streamlit)."""
    stamp = pd.Timestamp(value)
    return alt.DateTime(year=stamp.year, month=stamp.month, date=stamp.day, hours=stamp.hour, utc=True)


#: how Streamlit sizes charts, used for exports too: ``height`` is the whole chart, legends and title included
AUTOSIZE = alt.AutoSizeParams(type="fit", contains="padding")


def style(chart: alt.TopLevelMixin, title: str, subtitle: str | None = None, height: int = 420) -> alt.TopLevelMixin:
    """Projector-size fonts and the title; the chart fills its container's width and is ``height`` pixels tall in all."""
    params = {"text": title, "anchor": "start", "fontSize": TITLE_SIZE, "offset": 10}
    if subtitle:
        params |= {"subtitle": subtitle, "subtitleFontSize": SUBTITLE_SIZE}
    return (
        chart.properties(title=alt.TitleParams(**params), width="container", height=height, autosize=AUTOSIZE,
                         padding={"top": 12, "left": 6, "right": 12, "bottom": 6})
        .configure_axis(labelFontSize=LABEL_SIZE, titleFontSize=AXIS_TITLE_SIZE, labelLimit=360)
        .configure_legend(labelFontSize=LABEL_SIZE, titleFontSize=LABEL_SIZE + 1, symbolSize=160, labelLimit=320)
        .configure_header(labelFontSize=LABEL_SIZE + 1, titleFontSize=AXIS_TITLE_SIZE)
        .configure_text(fontSize=TEXT_SIZE)
    )


#: text colours on the dark theme (Streamlit's chart theme colours axes and legends, not text marks or subtitles)
DARK_TEXT = "#ECECEC"


def for_dark(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """A copy of a styled chart whose own text (labels, subtitle) reads on a dark background."""
    out = chart.copy(deep=True)
    text = out.config.text if out.config.text is not alt.Undefined else alt.MarkConfig(fontSize=TEXT_SIZE)
    text.color = DARK_TEXT
    out.config.text = text
    out.config.title = alt.TitleConfig(color=DARK_TEXT, subtitleColor=DARK_TEXT)
    return out


def empty_chart(message: str) -> alt.Chart:
    """A chart that only says why it is empty (pages show a plain message instead; exports use this)."""
    return style(alt.Chart(pd.DataFrame({"t": [message]})).mark_text(size=18).encode(text="t:N"), message, height=120)


def date_label(date: Any, precision: Any) -> str:
    """A date as precisely as it is known: '6 Mar 2022', 'March 2022', '2022' or 'undated'."""
    if date is None or pd.isna(date):
        return "undated"
    stamp = pd.Timestamp(date)
    if precision == "year":
        return f"{stamp.year}"
    if precision == "month":
        return stamp.strftime("%B %Y")
    return f"{stamp.day} {stamp.strftime('%b %Y')}"


def signed(value: float) -> str:
    return "0" if round(value, 2) == 0 else f"{value:+.2f}".replace("-", "−").rstrip("0").rstrip(".")


def _cut(text: Any, limit: int = TOOLTIP_QUOTE) -> str:
    if not isinstance(text, str):
        return ""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _with_periods(frame: pd.DataFrame, labels: bool = True) -> pd.DataFrame:
    """Adds start, end (exclusive), mid and (unless ``labels`` is False) date_label columns to rows with a date."""
    out = frame.copy()
    out["start"] = pd.to_datetime(out["date"])
    out["end"] = period_end(out)
    out["mid"] = out["start"] + (out["end"] - out["start"]) / 2
    if labels:
        precision = out["date_precision"] if "date_precision" in out.columns else pd.Series("day", index=out.index)
        out["date_label"] = [date_label(d, p) for d, p in zip(out["date"], precision)]
    return out


def _joined(rows: pd.DataFrame, keys: list[str], column: str) -> pd.Series:
    """Per group, the sorted distinct values of ``column`` joined by ', ' (Python work only for groups of several rows)."""
    distinct = rows.drop_duplicates([*keys, column])
    size = distinct.groupby(keys, sort=False)[column].transform("size")
    single = distinct[size == 1].set_index(keys)[column].astype(str)
    several = distinct[size > 1].sort_values(column).groupby(keys, sort=False)[column].agg(lambda s: ", ".join(map(str, s)))
    return pd.concat([single, several])


# --------------------------------------------------------------------------
# stance over time

#: optional event columns and the value a table without them is read with
EVENT_DEFAULTS: dict[str, Any] = {
    "event_key": None, "date_precision": "day", "actor": "Other", "domain": "", "credibility": 6,
    "summary": "", "quote": "", "source_id": "",
}


def prepare_events(events: pd.DataFrame) -> pd.DataFrame:
    """The events with every column the charts use (a table declared without some of them still draws)."""
    missing = {c: v for c, v in EVENT_DEFAULTS.items() if c not in events.columns}
    if not missing:
        return events
    out = events.copy()
    for column, value in missing.items():
        out[column] = value
    if "credibility" in missing:
        out["credibility"] = out["credibility"].astype("Int64")
    return out


_MEMO: dict[tuple, tuple[weakref.ref, pd.DataFrame, str]] = {}


def event_marks(events: pd.DataFrame, filters: Filters = Filters(), max_marks: int = MAX_MARKS) -> tuple[pd.DataFrame, str]:
    """The scored events as chart marks, and the resolution ('event', or 'week'/'month'/... when binned).

    A page draws several charts and summaries from the same marks; the last few
    results are remembered for the same (unchanged) table object and filters.
    """
    key = (id(events), len(events), filters, max_marks)
    hit = _MEMO.get(key)
    if hit is not None and hit[0]() is events:
        return hit[1].copy(), hit[2]
    marks, resolution = _event_marks(events, filters, max_marks)
    if len(_MEMO) >= 16:
        _MEMO.clear()
    _MEMO[key] = (weakref.ref(events), marks, resolution)
    return marks.copy(), resolution


def _event_marks(events: pd.DataFrame, filters: Filters, max_marks: int) -> tuple[pd.DataFrame, str]:
    """The scored events as chart marks (see :func:`event_marks`).

    Rows that share ``event_key`` and ``actor`` become one mark: date, stance and
    summary from the most precisely dated row (then the most credible), the best
    credibility of the rows, and every seed that reports it. When there are more
    than ``max_marks`` marks they are binned per actor and domain by week (then
    month, quarter, year) with the mean stance, so the browser never gets raw rows.
    """
    rows = apply(prepare_events(events), filters)
    rows = rows[rows["stance"].notna()]
    columns = ["key", "ids", "event_key", "actor", "group", "domain", "stance", "y", "credibility", "precision",
               "start", "end", "mid", "date_label", "stance_label", "summary", "sources", "n_rows", "quote"]
    if rows.empty:
        return pd.DataFrame(columns=columns), "event"
    rows = _with_periods(rows, labels=False)
    rows["_rank"] = rows["date_precision"].map(PRECISION_RANK).fillna(3)
    rows = rows.sort_values(["_rank", "credibility", "id"], kind="stable")
    rows["_event"] = rows["event_key"].fillna(rows["id"])
    keys = ["_event", "actor"]
    # the representative row of each event and actor: the first after sorting (most precise date, then most credible)
    marks = rows.drop_duplicates(keys, keep="first").set_index(keys)
    grouped = rows.groupby(keys, sort=False)
    marks = marks.assign(
        key=marks["id"],
        ids=_joined(rows, keys, "id"),
        credibility=grouped["credibility"].min(),
        sources=_joined(rows, keys, "source_id"),
        n_rows=grouped.size(),
        precision=marks["date_precision"],
    ).reset_index()
    marks["date_label"] = [date_label(d, p) for d, p in zip(marks["start"], marks["precision"])]
    marks["stance"] = marks["stance"].astype(float)
    resolution = "event"
    if len(marks) > max_marks:
        marks, resolution = _bin_marks(marks, max_marks)
    marks["group"] = marks["actor"].map(actor_group)
    marks["stance_label"] = [
        STANCE_TEXT.get(int(s), signed(s)) if float(s).is_integer() else f"mean {signed(s)}" for s in marks["stance"]
    ]
    marks["quote"] = marks["quote"].map(_cut)
    marks["credibility"] = marks["credibility"].astype(int)
    marks["y"] = marks["stance"] + _spread(marks)
    marks = marks.sort_values(["mid", "actor", "key"], kind="stable").reset_index(drop=True)
    return marks[columns], resolution


def _bin_marks(marks: pd.DataFrame, max_marks: int) -> tuple[pd.DataFrame, str]:
    for name, freq in _BINS:
        start = marks["mid"].dt.to_period(freq).dt.start_time
        binned = marks.assign(start=start).groupby(["actor", "domain", "start"], sort=True)
        out = binned.agg(
            stance=("stance", "mean"),
            credibility=("credibility", "mean"),
            n_rows=("n_rows", "sum"),
            n_events=("key", "size"),
        ).reset_index()
        out["credibility"] = out["credibility"].round().astype(int)
        if len(out) > max_marks and name != "year":
            continue
        seeds = marks.assign(start=start, source_id=marks["sources"].str.split(", ")).explode("source_id")
        out = out.merge(_joined(seeds, ["actor", "domain", "start"], "source_id").rename("sources").reset_index(),
                        on=["actor", "domain", "start"], how="left")
        if len(out) <= max_marks or name == "year":
            offset = {"week": pd.DateOffset(weeks=1), "month": pd.DateOffset(months=1),
                      "quarter": pd.DateOffset(months=3), "year": pd.DateOffset(years=1)}[name]
            out["end"] = out["start"] + offset
            out["mid"] = out["start"] + (out["end"] - out["start"]) / 2
            out["stance"] = out["stance"].round(2)
            out["key"] = [f"bin:{name}:{a}:{d}:{s:%Y-%m-%d}" for a, d, s in zip(out["actor"], out["domain"], out["start"])]
            out["ids"] = ""
            out["event_key"] = ""
            out["precision"] = name
            out["date_label"] = [f"{name} of {s:%d %b %Y}" for s in out["start"]]
            out["summary"] = [f"{n} events, mean stance {signed(s)}" for n, s in zip(out["n_events"], out["stance"])]
            out["quote"] = ""
            return out.drop(columns=["n_events"]), name
    raise AssertionError("unreachable")


def _spread(marks: pd.DataFrame) -> pd.Series:
    """Vertical offsets (in stance units) that fan out marks sharing a stance in the same month, so none hides another."""
    bucket = marks["stance"].round().astype(int).astype(str) + "|" + marks["mid"].dt.strftime("%Y-%m")
    rank = marks.groupby(bucket).cumcount()
    size = bucket.map(bucket.value_counts())
    step = np.minimum(0.13, 0.7 / size.clip(lower=1))
    return (rank - (size - 1) / 2) * step


def context_marks(events: pd.DataFrame, filters: Filters = Filters()) -> pd.DataFrame:
    """Unscored context markers (blank stance), one per event_key, with the turning-point label where there is one."""
    rows = apply(prepare_events(events), filters)
    rows = rows[rows["stance"].isna()]
    columns = ["key", "event_key", "start", "end", "mid", "precision", "date_label", "summary", "sources", "label"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    rows = _with_periods(rows).sort_values(["date", "id"], kind="stable")
    keyed = rows["event_key"].fillna(rows["id"])
    out = rows.groupby(keyed, sort=False).agg(
        key=("id", "first"), event_key=("event_key", "first"), start=("start", "first"), end=("end", "first"),
        mid=("mid", "first"), precision=("date_precision", "first"), date_label=("date_label", "first"),
        summary=("summary", "first"), sources=("source_id", lambda s: ", ".join(sorted(set(s)))),
    ).reset_index(drop=True)
    out["label"] = out["event_key"].map(TURNING_POINTS).fillna("")
    return out[columns]


def turning_points(events: pd.DataFrame, filters: Filters = Filters()) -> pd.DataFrame:
    """The turning points (``TURNING_POINTS``) present in the filtered events: label, date, and a staggered label row."""
    rows = apply(prepare_events(events), filters)
    rows = rows[rows["event_key"].isin(list(TURNING_POINTS))]
    if rows.empty:
        return pd.DataFrame(columns=["event_key", "label", "start", "end", "mid", "date_label", "level"])
    rows = _with_periods(rows)
    rows["_rank"] = rows["date_precision"].map(PRECISION_RANK).fillna(3)
    rows = rows.sort_values(["_rank", "id"], kind="stable")
    out = rows.groupby("event_key", sort=False).agg(
        start=("start", "first"), end=("end", "first"), mid=("mid", "first"), date_label=("date_label", "first")
    ).reset_index()
    out["label"] = out["event_key"].map(TURNING_POINTS)
    out = out.sort_values(["mid", "event_key"], kind="stable").reset_index(drop=True)
    out["level"] = [LABEL_LEVELS[i % len(LABEL_LEVELS)] for i in range(len(out))]
    return out[["event_key", "label", "start", "end", "mid", "date_label", "level"]]


#: y positions (stance units, above +2) of the turning-point labels, used in turn so neighbours do not overlap
LABEL_LEVELS = (3.45, 3.1, 2.75)
Y_DOMAIN = (-2.6, 3.7)


def _range(filters: Filters, *frames: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The x range: the filter's dates where set, else the data's."""
    span = _span(*frames)
    if span is None:
        return None
    lo = pd.Timestamp(filters.date_from) if filters.date_from else span[0]
    hi = pd.Timestamp(filters.date_to) + pd.Timedelta(days=1) if filters.date_to else span[1]
    return lo, hi


def mark_for_row(marks: pd.DataFrame, row_id: str | None) -> str | None:
    """The key of the mark that stands for row ``row_id`` (rows of one event share a mark)."""
    if not row_id or marks.empty:
        return None
    hit = marks[marks["ids"].str.split(", ").map(lambda ids: row_id in ids)]
    return str(hit["key"].iloc[0]) if len(hit) else None


def stance_chart(
    events: pd.DataFrame,
    filters: Filters = Filters(),
    selected: str | None = None,
    compact: bool = False,
    max_marks: int = MAX_MARKS,
) -> alt.TopLevelMixin:
    """Events on a time axis by stance: colour = actor group, shape = domain, opacity = credibility.

    Clicking a point sets the ``event`` selection (field ``key``: the id of the
    row the mark stands for, or a bin key). ``selected`` (a row id) draws a ring
    around the mark of that row. Unscored context markers are grey bands or
    dashed rules; the turning points are labelled rules.
    """
    marks, resolution = event_marks(events, filters, max_marks)
    context = context_marks(events, filters)
    turns = turning_points(events, filters)
    if marks.empty and context.empty:
        return empty_chart("No events match the filters")
    domain = _range(filters, marks, context)
    x = _time_x("start", domain)
    x_mid = _time_x("mid", domain)
    y_scale = alt.Scale(domain=list(Y_DOMAIN), nice=False)
    y = alt.Y(
        "y:Q", title="Stance (+ towards Moscow, − away)", scale=y_scale,
        axis=alt.Axis(values=[-2, -1, 0, 1, 2], labelExpr="datum.value > 0 ? '+' + datum.value : datum.value == 0 ? '0' : '−' + abs(datum.value)"),
    )
    layers: list[alt.Chart] = []
    if len(context):
        base_context = alt.Chart(context)
        ctx_tooltip = [alt.Tooltip("date_label:N", title="Date"), alt.Tooltip("summary:N", title="Context (unscored)"),
                       alt.Tooltip("sources:N", title="Seeds")]
        layers.append(
            base_context.transform_filter("datum.precision != 'day'")
            .mark_rect(color="#888888", opacity=0.13)
            .encode(x=x, x2="end:T", tooltip=ctx_tooltip)
        )
        layers.append(
            base_context.transform_filter("datum.precision == 'day'")
            .mark_rule(color="#888888", strokeDash=[4, 3], strokeWidth=2)
            .encode(x=x, tooltip=ctx_tooltip)
        )
    if len(turns):
        base_turns = alt.Chart(turns)
        layers.append(
            base_turns.mark_rule(color="#777777", strokeWidth=1.5)
            .encode(x=x_mid, y=alt.Y("level:Q", scale=y_scale), y2=alt.datum(Y_DOMAIN[0]))
        )
        layers.append(
            base_turns.mark_text(align="left", baseline="middle", dx=4, fontWeight="bold", fontSize=TEXT_SIZE)
            .encode(x=x_mid, y=alt.Y("level:Q", scale=y_scale), text="label:N",
                    tooltip=[alt.Tooltip("label:N", title="Turning point"), alt.Tooltip("date_label:N", title="Date")])
        )
    if len(marks):
        base = alt.Chart(marks)
        colour = _group_colour(columns=2)
        layers.append(
            base.transform_filter("datum.precision != 'day'")
            .mark_rule(strokeWidth=3, strokeCap="round")
            .encode(
                x=x, x2="end:T", y=y, color=colour,
                strokeOpacity=alt.StrokeOpacity("credibility:O", scale=alt.Scale(domain=list(CREDIBILITY_OPACITY),
                                                range=[0.55 * v for v in CREDIBILITY_OPACITY.values()]), legend=None),
            )
        )
        pick = alt.selection_point(name="event", fields=["key"], on="click", clear="dblclick")
        tooltip = [
            alt.Tooltip("date_label:N", title="Date"),
            alt.Tooltip("actor:N", title="Actor"),
            alt.Tooltip("domain:N", title="Domain"),
            alt.Tooltip("stance_label:N", title="Stance"),
            alt.Tooltip("credibility:O", title="Credibility"),
            alt.Tooltip("summary:N", title="What"),
            alt.Tooltip("sources:N", title="Seeds"),
        ]
        if resolution == "event":
            tooltip.append(alt.Tooltip("quote:N", title="Quote"))
            size: Any = alt.value(190)
        else:
            size = alt.Size("n_rows:Q", title="Rows", scale=alt.Scale(range=[110, 520], zero=False), legend=alt.Legend(orient="bottom"))
        points = (
            base.mark_point(strokeWidth=2.5)
            .encode(
                x=x_mid,
                y=y,
                color=colour,
                fill=alt.condition("datum.precision == 'day'", alt.Fill("group:N", scale=actor_scale(), legend=None), alt.value("transparent")),
                shape=alt.Shape("domain:N", title="Domain", scale=alt.Scale(domain=list(DOMAIN_SHAPES), range=list(DOMAIN_SHAPES.values())),
                                legend=alt.Legend(orient="bottom", columns=2)),
                opacity=_opacity(),
                size=size,
                tooltip=tooltip,
            )
            .add_params(pick)
        )
        layers.append(points)
        key = mark_for_row(marks, selected) or (selected if selected in set(marks["key"]) else None)
        if key is not None:
            ring = alt.Chart(marks[marks["key"] == key]).mark_point(size=900, strokeWidth=3, color="#777777", filled=False)
            layers.append(ring.encode(x=x_mid, y=y))
    chart = alt.layer(*layers)
    subtitle = None
    if not compact:
        subtitle = "Filled point: exact day. Hollow point on a bar: dated to a month or year, drawn across it. Grey: unscored context."
        if resolution != "event":
            subtitle = f"Binned by {resolution} (mean stance per actor and domain). " + subtitle
    return style(chart, "Stance over time", subtitle, height=620 if compact else 800)


def stance_summary(events: pd.DataFrame, filters: Filters = Filters(), max_marks: int = MAX_MARKS) -> str:
    """One line: what the stance chart shows, counted from the same marks."""
    marks, resolution = event_marks(events, filters, max_marks)
    context = context_marks(events, filters)
    if marks.empty and context.empty:
        return "No events match the filters."
    rows = apply(prepare_events(events), filters)
    scored = rows[rows["stance"].notna()]
    span = _range(filters, marks, context)
    when = f"{date_label(span[0], 'day')} to {date_label(span[1] - pd.Timedelta(days=1), 'day')}" if span else ""
    if resolution == "event":
        up, down = int((marks["stance"] > 0).sum()), int((marks["stance"] < 0).sum())
        flat = len(marks) - up - down
        periodic = int((marks["precision"] != "day").sum())
        text = (
            f"{len(marks)} scored events ({len(scored)} rows) from {when}: {up} towards alignment with Moscow, "
            f"{down} towards distance, {flat} neutral; {periodic} dated only to a month or year are drawn across it; "
            f"{len(context)} unscored context marker{'' if len(context) == 1 else 's'}."
        )
    else:
        text = (
            f"{len(scored)} scored rows from {when}, too many to draw one by one: binned by {resolution} into "
            f"{len(marks)} marks (mean stance per actor, domain and {resolution}); {len(context)} unscored context marker{'' if len(context) == 1 else 's'}."
        )
    return text


# -- rolling index


def stance_index(
    events: pd.DataFrame,
    filters: Filters = Filters(),
    window_days: int = INDEX_WINDOW_DAYS,
    min_events: int = INDEX_MIN_EVENTS,
) -> pd.DataFrame:
    """Trailing ``window_days`` mean stance per actor, each event counted once.

    Events are placed at the middle of their period (a month- or year-dated
    event counts from its mid-point). Only the days where an actor's index
    changes are returned (draw with a step line), in segments broken where the
    window holds no event. Actors with fewer than ``min_events`` scored events
    in the range are left out.
    """
    marks, _ = event_marks(events, filters, max_marks=10**9)
    columns = ["actor", "group", "date", "mean", "n", "segment"]
    if marks.empty:
        return pd.DataFrame(columns=columns)
    counts = marks["actor"].value_counts()
    keep = counts[counts >= min_events].index
    out = []
    last_day = pd.Timestamp(filters.date_to) if filters.date_to else None
    data_end = marks["end"].max() - pd.Timedelta(days=1)
    for actor in [a for a in ACTOR_GROUP if a in keep] + sorted(a for a in keep if a not in ACTOR_GROUP):
        rows = marks[marks["actor"] == actor]
        days = rows["mid"].dt.floor("D")
        total = rows.groupby(days)["stance"].sum()
        count = rows.groupby(days)["stance"].size()
        end = min(days.max() + pd.Timedelta(days=window_days - 1), data_end)
        if last_day is not None:
            end = min(end, last_day)
        grid = pd.date_range(days.min(), max(end, days.min()), freq="D")
        total = total.reindex(grid, fill_value=0.0).rolling(window_days, min_periods=1).sum()
        count = count.reindex(grid, fill_value=0).rolling(window_days, min_periods=1).sum()
        mean = (total / count.where(count > 0)).round(3)
        frame = pd.DataFrame({"date": grid, "mean": mean.to_numpy(), "n": count.to_numpy().astype(int)})
        present = frame["mean"].notna()
        frame["segment"] = (present != present.shift()).cumsum()
        frame = frame[present]
        changed = (frame["mean"] != frame["mean"].shift()) | (frame["segment"] != frame["segment"].shift())
        last_of_segment = frame["segment"] != frame["segment"].shift(-1)
        frame = frame[changed | last_of_segment].copy()
        frame["actor"] = actor
        frame["group"] = actor_group(actor)
        out.append(frame)
    if not out:
        return pd.DataFrame(columns=columns)
    result = pd.concat(out, ignore_index=True)
    result["segment"] = result["actor"] + "#" + result["segment"].astype(str)
    # actors that share a colour group are told apart by dash pattern
    result["dash"] = result.groupby("group")["actor"].transform(lambda s: s.map({a: i for i, a in enumerate(dict.fromkeys(s))}))
    return result[columns + ["dash"]]


def index_chart(events: pd.DataFrame, filters: Filters = Filters(), window_days: int = INDEX_WINDOW_DAYS) -> alt.TopLevelMixin:
    """The rolling stance index per actor as step lines."""
    frame = stance_index(events, filters, window_days)
    if frame.empty:
        return empty_chart("Too few scored events for a stance index")
    lo = pd.Timestamp(filters.date_from) if filters.date_from else frame["date"].min()
    hi = pd.Timestamp(filters.date_to) + pd.Timedelta(days=1) if filters.date_to else frame["date"].max() + pd.Timedelta(days=1)
    domain = (lo, hi)
    frame = frame.assign(date_label=frame["date"].dt.strftime("%d %b %Y"))
    chart = (
        alt.Chart(frame)
        .mark_line(interpolate="step-after", strokeWidth=3, point=alt.OverlayMarkDef(size=40))
        .encode(
            x=_time_x("date", domain),
            y=alt.Y("mean:Q", title=f"{window_days}-day mean stance", scale=alt.Scale(domain=[-2, 2]),
                    axis=alt.Axis(values=[-2, -1, 0, 1, 2])),
            color=_group_colour(),
            strokeDash=alt.StrokeDash("dash:O", scale=alt.Scale(domain=[0, 1, 2], range=[[1, 0], [8, 4], [2, 3]]), legend=None),
            detail="segment:N",
            tooltip=[alt.Tooltip("actor:N", title="Actor"), alt.Tooltip("date_label:N", title="From"),
                     alt.Tooltip("mean:Q", title="Index", format="+.2f"), alt.Tooltip("n:Q", title="Events in window")],
        )
    )
    rule = alt.Chart(pd.DataFrame({"zero": [0]})).mark_rule(color="#888888", strokeDash=[2, 2]).encode(y="zero:Q")
    return style(
        alt.layer(rule, chart),
        f"Stance index: {window_days}-day trailing mean per actor",
        f"Each event counted once; month- and year-dated events placed at mid-period; actors with at least {INDEX_MIN_EVENTS} scored events.",
        height=560,
    )


def index_summary(events: pd.DataFrame, filters: Filters = Filters(), window_days: int = INDEX_WINDOW_DAYS) -> str:
    frame = stance_index(events, filters, window_days)
    if frame.empty:
        return f"No actor has {INDEX_MIN_EVENTS} or more scored events in this range, so there is no index line."
    parts = []
    for actor, rows in frame.groupby("actor", sort=False):
        parts.append(
            f"{actor} {signed(rows['mean'].iloc[0])} in {rows['date'].iloc[0]:%b %Y} to {signed(rows['mean'].iloc[-1])} "
            f"in {rows['date'].iloc[-1]:%b %Y} (low {signed(rows['mean'].min())}, high {signed(rows['mean'].max())})"
        )
    return f"{window_days}-day trailing mean stance, each event counted once: " + "; ".join(parts) + "."


# --------------------------------------------------------------------------
# defence budget


def defence_figures(budget: pd.DataFrame) -> dict[str, Any]:
    """The defence figures and what follows from the source's own numbers (implied rate, computed ratio)."""

    def pick(item: str, unit: str) -> pd.Series | None:
        rows = budget[(budget["item"] == item) & (budget["unit"] == unit) & budget["amount"].notna()]
        return rows.iloc[0] if len(rows) else None

    kzt, usd = pick("additional allocation", "billion KZT"), pick("additional allocation", "million USD")
    previous, ratio = pick("previous budget", "billion USD"), pick("increase ratio", "ratio")
    out: dict[str, Any] = {"add_kzt": kzt, "add_usd": usd, "previous_usd": previous, "stated_ratio": ratio}
    out["rate"] = kzt["amount"] * 1e9 / (usd["amount"] * 1e6) if kzt is not None and usd is not None else None
    if previous is not None and usd is not None:
        out["computed_ratio"] = (previous["amount"] * 1e3 + usd["amount"]) / (previous["amount"] * 1e3)
    else:
        out["computed_ratio"] = None
    return out


def defence_frame(budget: pd.DataFrame) -> pd.DataFrame:
    """Bars for the defence chart: the previous budget and the addition, in USD and in tenge; derived values marked."""
    f = defence_figures(budget)
    rows = []
    rate = f["rate"]
    previous, add_usd, add_kzt = f["previous_usd"], f["add_usd"], f["add_kzt"]
    if previous is not None:
        rows.append(("US dollars (billion)", "previous budget", previous["amount"], "stated", previous["as_stated"], previous["id"]))
        if rate:
            rows.append(("tenge (billion)", "previous budget", previous["amount"] * rate, "derived",
                         f"{previous['amount']:g} bn $ × {rate:.1f} ₸/$", previous["id"]))
    if add_usd is not None:
        rows.append(("US dollars (billion)", "additional allocation", add_usd["amount"] / 1e3, "stated", add_usd["as_stated"], add_usd["id"]))
    if add_kzt is not None:
        rows.append(("tenge (billion)", "additional allocation", add_kzt["amount"], "stated", add_kzt["as_stated"], add_kzt["id"]))
    frame = pd.DataFrame(rows, columns=["currency", "part", "amount", "basis", "as_stated", "id"])
    frame["label"] = [
        (f"₸{a:,.0f}bn" if c.startswith("tenge") else f"${a:,.3g}bn") + f" ({b})"
        for a, c, b in zip(frame["amount"], frame["currency"], frame["basis"])
    ]
    return frame


def defence_chart(budget: pd.DataFrame) -> alt.TopLevelMixin:
    frame = defence_frame(budget)
    if frame.empty:
        return empty_chart("No defence figures")
    base = alt.Chart(frame).encode(
        y=alt.Y("part:N", title=None, sort=["previous budget", "additional allocation"]),
        x=alt.X("amount:Q", title="Amount"),
        tooltip=[alt.Tooltip("currency:N"), alt.Tooltip("part:N"), alt.Tooltip("amount:Q", format=",.3f"),
                 alt.Tooltip("basis:N"), alt.Tooltip("as_stated:N", title="As stated"), alt.Tooltip("id:N", title="Row")],
    )
    bars = base.mark_bar(height=34).encode(
        color=alt.Color("part:N", title="Part", scale=alt.Scale(domain=["previous budget", "additional allocation"], range=["#999999", "#0072B2"]),
                        legend=alt.Legend(orient="bottom")),
        opacity=alt.Opacity("basis:N", title="Basis", scale=alt.Scale(domain=["stated", "derived"], range=[1.0, 0.45]), legend=alt.Legend(orient="bottom")),
    )
    text = base.mark_text(align="left", dx=6, fontSize=TEXT_SIZE).encode(text="label:N")
    chart = alt.layer(bars, text).properties(height=110).facet(
        row=alt.Row("currency:N", title=None, sort=["US dollars (billion)", "tenge (billion)"], header=alt.Header(labelAngle=0, labelAlign="left", labelAnchor="start", labelOrient="top"))
    ).resolve_scale(x="independent")
    return _style_facet(chart, "Defence budget: the previous budget and the 2022 addition",
                        "Solid: as the source states it. Faint: derived from the source's own figures.")


def _style_facet(chart: alt.TopLevelMixin, title: str, subtitle: str | None = None) -> alt.TopLevelMixin:
    params = {"text": title, "anchor": "start", "fontSize": TITLE_SIZE, "offset": 10}
    if subtitle:
        params |= {"subtitle": subtitle, "subtitleFontSize": SUBTITLE_SIZE}
    return (
        chart.properties(title=alt.TitleParams(**params))
        .configure_axis(labelFontSize=LABEL_SIZE, titleFontSize=AXIS_TITLE_SIZE, labelLimit=360)
        .configure_legend(labelFontSize=LABEL_SIZE, titleFontSize=LABEL_SIZE + 1, labelLimit=320)
        .configure_header(labelFontSize=LABEL_SIZE + 2, titleFontSize=AXIS_TITLE_SIZE)
        .configure_view(continuousWidth=900)
    )


def defence_summary(budget: pd.DataFrame) -> str:
    f = defence_figures(budget)
    parts = []
    if f["add_kzt"] is not None and f["add_usd"] is not None:
        parts.append(f"The 2022 addition is {f['add_kzt']['as_stated']} and {f['add_usd']['as_stated']} ({f['add_kzt']['source_id']})")
    if f["rate"]:
        parts.append(f"which implies {f['rate']:.1f} tenge per dollar")
    if f["previous_usd"] is not None:
        parts.append(f"on a previous budget of {f['previous_usd']['as_stated']}")
    text = ", ".join(parts)
    if f["stated_ratio"] is not None:
        text += f"; the increase is stated as {f['stated_ratio']['as_stated']}"
        if f["computed_ratio"]:
            text += f", the source's own figures give {f['computed_ratio']:.2f}-fold"
    return (text + ".") if text else "No defence figures."


# --------------------------------------------------------------------------
# oil routes


def oil_share_chart(oil: pd.DataFrame) -> alt.TopLevelMixin:
    rows = oil[(oil["kind"] == "export share") & oil["value"].notna()].copy()
    if rows.empty:
        return empty_chart("No export shares")
    rows["bar"] = rows["route"] + " — " + rows["source_id"]
    rows["label"] = [("about " if "about" in str(a).lower() else "") + f"{v:g}%" for a, v in zip(rows["as_stated"], rows["value"])]
    base = alt.Chart(rows).encode(
        y=alt.Y("bar:N", title=None, sort=None),
        x=alt.X("value:Q", title="Share of Kazakhstan's oil exports (%)", scale=alt.Scale(domain=[0, 100])),
        tooltip=[alt.Tooltip("route:N"), alt.Tooltip("value:Q", title="%"), alt.Tooltip("as_stated:N", title="As stated"),
                 alt.Tooltip("source_id:N", title="Seed"), alt.Tooltip("conflict_key:N", title="Conflict"), alt.Tooltip("id:N", title="Row")],
    )
    bars = base.mark_bar(height=30, color="#0072B2")
    text = base.mark_text(align="left", dx=6, fontSize=TEXT_SIZE).encode(text="label:N")
    return style(alt.layer(bars, text), "Share of oil exports through each route, as each seed states it",
                 "Conflicting figures are shown side by side, not averaged.", height=60 * len(rows) + 150)


def oil_share_summary(oil: pd.DataFrame) -> str:
    rows = oil[(oil["kind"] == "export share") & oil["value"].notna()]
    if rows.empty:
        return "No export shares."
    parts = [f"{r.source_id}: {r.as_stated} ({r.value:g}%) via {r.route}" for r in rows.itertuples()]
    return "Export share: " + "; ".join(parts) + ". Both figures are kept; the seeds disagree."


def oil_timeline_frame(oil: pd.DataFrame) -> pd.DataFrame:
    """Dated disruptions, dependence and alternative routes, one bar each across the period the seed dates them to."""
    columns = ["id", "route", "kind", "lane", "start", "end", "mid", "date_label", "as_stated", "source_id", "asset"]
    rows = oil[oil["date"].notna() & oil["kind"].isin(["disruption", "alternative route", "dependence"])]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    rows = _with_periods(rows)
    rows["lane"] = rows["route"] + ": " + rows["kind"]
    return rows[columns].sort_values(["start", "id"], kind="stable").reset_index(drop=True)


def oil_timeline_chart(oil: pd.DataFrame) -> alt.TopLevelMixin:
    rows = oil_timeline_frame(oil)
    if rows.empty:
        return empty_chart("No dated route events")
    kinds = {"disruption": "#D55E00", "dependence": "#999999", "alternative route": "#009E73"}
    base = alt.Chart(rows).encode(
        y=alt.Y("lane:N", title=None, sort=list(dict.fromkeys(rows["lane"]))),
        color=alt.Color("kind:N", title="Kind", scale=alt.Scale(domain=list(kinds), range=list(kinds.values())), legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("date_label:N", title="Date"), alt.Tooltip("kind:N"), alt.Tooltip("asset:N"),
                 alt.Tooltip("as_stated:N", title="As stated"), alt.Tooltip("source_id:N", title="Seed"), alt.Tooltip("id:N", title="Row")],
    )
    spans = base.mark_bar(height=22, opacity=0.85).encode(x=_time_x("start", _span(rows)), x2="end:T")
    return style(spans, "Disruptions, dependence and the alternative route", "Each bar spans the month or year the seed dates it to.",
                 height=55 * rows["lane"].nunique() + 210)


def oil_timeline_summary(oil: pd.DataFrame) -> str:
    rows = oil_timeline_frame(oil)
    if rows.empty:
        return "No dated route events."
    parts = dict.fromkeys(f"{r.date_label}: {r.kind} ({r.route}, {r.source_id})" for r in rows.sort_values("start").itertuples())
    return "; ".join(parts) + "."


def stakes_chart(oil: pd.DataFrame) -> alt.TopLevelMixin:
    rows = oil[(oil["kind"] == "stake") & (oil["unit"] == "percent") & oil["value"].notna()].copy()
    if rows.empty:
        return empty_chart("No named stakes")
    rows["bar"] = rows["asset"] + " (" + rows["company"] + ")"
    base = alt.Chart(rows).encode(
        y=alt.Y("bar:N", title=None, sort="-x"),
        x=alt.X("value:Q", title="Stake (%)", scale=alt.Scale(domain=[0, 100])),
        tooltip=[alt.Tooltip("asset:N"), alt.Tooltip("company:N"), alt.Tooltip("value:Q", title="%"),
                 alt.Tooltip("as_stated:N", title="As stated"), alt.Tooltip("source_id:N", title="Seed"), alt.Tooltip("id:N", title="Row")],
    )
    chart = alt.layer(base.mark_bar(height=24, color="#D55E00"), base.mark_text(align="left", dx=6, fontSize=TEXT_SIZE).encode(text="as_stated:N"))
    return style(chart, "Named stakes in Kazakh oil fields", height=50 * len(rows) + 110)


def stakes_summary(oil: pd.DataFrame) -> str:
    rows = oil[oil["kind"] == "stake"]
    if rows.empty:
        return "No named stakes."
    parts = [f"{r.as_stated}" + (f" ({r.company})" if isinstance(r.company, str) else "") for r in rows.itertuples()]
    return "Stakes named: " + "; ".join(parts) + "."


# --------------------------------------------------------------------------
# sanctions stance


def sanctions_frame(sanctions: pd.DataFrame, filters: Filters = Filters()) -> pd.DataFrame:
    rows = apply(sanctions, filters)
    rows = rows[rows["date"].notna()]
    if rows.empty:
        return pd.DataFrame(columns=["id", "issue", "actor", "group", "actor_detail", "position", "stance_label", "start", "end", "mid", "date_label", "precision", "source_id"])
    rows = _with_periods(rows)
    rows["group"] = rows["actor"].map(actor_group)
    rows["precision"] = rows["date_precision"]
    rows["stance_label"] = [STANCE_TEXT.get(int(s), "") if pd.notna(s) else "context (unscored)" for s in rows["stance"]]
    rows["position"] = rows["position"].map(lambda t: _cut(t, 160))
    rows["slot"] = _slots(rows, "issue")
    return rows[["id", "issue", "actor", "group", "actor_detail", "position", "stance_label", "start", "end", "mid", "date_label", "precision", "source_id", "slot"]].reset_index(drop=True)


def _slots(rows: pd.DataFrame, lane: str) -> pd.Series:
    """Sub-row of each row within its lane, so rows in the same lane and month sit one above the other instead of on top."""
    bucket = rows[lane].astype(str) + "|" + rows["mid"].dt.strftime("%Y-%m")
    return rows.assign(_b=bucket).sort_values(["_b", "start", "id"], kind="stable").groupby("_b").cumcount().reindex(rows.index)


def _dated_domain(rows: pd.DataFrame, filters: Filters) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    return _range(filters, rows)


def sanctions_chart(sanctions: pd.DataFrame, filters: Filters = Filters()) -> alt.TopLevelMixin:
    """Stated positions by issue over time, coloured by actor; click a point for its quote (selection ``row``)."""
    rows = sanctions_frame(sanctions, filters)
    if rows.empty:
        return empty_chart("No dated positions match the filters")
    domain = _dated_domain(rows, filters)
    base = alt.Chart(rows).encode(y=alt.Y("issue:N", title=None), yOffset=alt.YOffset("slot:O", title=None), color=_group_colour())
    tooltip = [alt.Tooltip("date_label:N", title="Date"), alt.Tooltip("actor_detail:N", title="Who"), alt.Tooltip("position:N", title="Position"),
               alt.Tooltip("stance_label:N", title="Stance"), alt.Tooltip("source_id:N", title="Seed"), alt.Tooltip("id:N", title="Row")]
    spans = base.transform_filter("datum.precision != 'day'").mark_rule(strokeWidth=4, strokeCap="round", opacity=0.55).encode(x=_time_x("start", domain), x2="end:T")
    pick = alt.selection_point(name="row", fields=["id"], on="click", clear="dblclick")
    points = base.mark_point(size=200, filled=True, opacity=0.9, stroke="#333333", strokeWidth=0.5).encode(
        x=_time_x("mid", domain), tooltip=tooltip
    ).add_params(pick)
    return style(alt.layer(spans, points), "Who said what on sanctions, recognition and UN votes",
                 "Points at the date (mid-period for month or year dates, with a bar across the period).", height=75 * rows["issue"].nunique() + 280)


def sanctions_summary(sanctions: pd.DataFrame, filters: Filters = Filters()) -> str:
    rows = apply(sanctions, filters, keep_undated=True)
    if rows.empty:
        return "No positions match the filters."
    dated = rows[rows["date"].notna()]
    by_issue = rows["issue"].value_counts()
    issues = ", ".join(f"{n} on {issue}" for issue, n in by_issue.items())
    undated = len(rows) - len(dated)
    return f"{len(rows)} stated positions ({issues}); {len(dated)} dated and drawn, {undated} undated in the table only."


# --------------------------------------------------------------------------
# public sentiment


def sentiment_frame(sentiment: pd.DataFrame, filters: Filters = Filters()) -> pd.DataFrame:
    rows = apply(sentiment, filters)
    rows = rows[rows["date"].notna()]
    columns = ["id", "indicator", "leaning", "figure", "summary", "start", "end", "mid", "date_label", "precision", "source_id"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    rows = _with_periods(rows)
    rows["precision"] = rows["date_precision"]
    rows["figure"] = [figure_text(r) for r in rows.to_dict("records")]
    rows["slot"] = _slots(rows, "indicator")
    return rows[columns + ["slot"]].reset_index(drop=True)


def figure_text(row: dict[str, Any]) -> str:
    """A figure with its unit, as a range when there is an upper bound, else the seed's wording."""
    value, high, unit = row.get("value"), row.get("value_high"), row.get("unit")
    if value is None or pd.isna(value):
        return str(row.get("as_stated") or "")
    number = f"{value:,.4g}" + (f"–{high:,.4g}" if high is not None and not pd.isna(high) else "")
    return f"{number} {unit}" if isinstance(unit, str) else number


def sentiment_chart(sentiment: pd.DataFrame, filters: Filters = Filters()) -> alt.TopLevelMixin:
    rows = sentiment_frame(sentiment, filters)
    if rows.empty:
        return empty_chart("No dated signs match the filters")
    domain = _dated_domain(rows, filters)
    colour = alt.Color("leaning:N", title="Leaning", scale=alt.Scale(domain=list(LEANING_COLOURS), range=list(LEANING_COLOURS.values())),
                       legend=alt.Legend(orient="bottom", columns=3))
    base = alt.Chart(rows).encode(y=alt.Y("indicator:N", title=None), yOffset=alt.YOffset("slot:O", title=None), color=colour)
    tooltip = [alt.Tooltip("date_label:N", title="Date"), alt.Tooltip("summary:N", title="What"), alt.Tooltip("figure:N", title="Figure"),
               alt.Tooltip("leaning:N"), alt.Tooltip("source_id:N", title="Seed"), alt.Tooltip("id:N", title="Row")]
    spans = base.transform_filter("datum.precision != 'day'").mark_rule(strokeWidth=4, strokeCap="round", opacity=0.55).encode(x=_time_x("start", domain), x2="end:T")
    points = base.mark_point(size=200, filled=True, stroke="#333333", strokeWidth=0.5).encode(x=_time_x("mid", domain), tooltip=tooltip)
    return style(alt.layer(spans, points), "Signs of public mood over time", "Dated signs only; undated ones are in the table below.",
                 height=60 * rows["indicator"].nunique() + 260)


def sentiment_summary(sentiment: pd.DataFrame, filters: Filters = Filters()) -> str:
    rows = apply(sentiment, filters, keep_undated=True)
    if rows.empty:
        return "No signs match the filters."
    dated = rows[rows["date"].notna()]
    leaning = ", ".join(f"{n} {k}" for k, n in rows["leaning"].value_counts().items())
    return f"{len(rows)} signs of public mood ({leaning}); {len(dated)} dated and drawn, {len(rows) - len(dated)} undated in the table only."
