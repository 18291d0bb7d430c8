"""Pure chart builders: tables in, ``alt.Chart`` out, each with a one-line text summary from the same data.

Nothing here imports Streamlit: the pages, the tests and the briefing export
all call the same functions. Data is prepared and aggregated in pandas first
(``*_marks`` / ``*_frame`` functions, tested on their own), so a chart never
carries more rows than it draws.

Conventions from the codebook (data/README.md):

- one act, one mark: rows that share ``event_key`` (the same act told by
  several seeds) are merged, and the mark lists every seed and row id;
- a row's date is the inclusive interval [date_from, date_to]. A one-day
  interval is drawn as a filled point at its day; a longer one as a bar from
  its first day to the end of its last day, never as a point in its middle;
- an unscored context marker (act ``context``, blank stance) is drawn as a
  grey band or rule, never in a scored lane and never as 0;
- marks that would overlap are laid in sub-rows of their lane, so none hides another;
- credibility 1 (best) .. 6 (worst) maps to opacity, solid to faint.
"""

from __future__ import annotations

import json
import re
import weakref
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from dashboard.filters import ONE_DAY, Filters, apply, interval_bounds
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
#: actors with fewer events in the index than this get no index line
INDEX_MIN_EVENTS = 3
#: quotes in tooltips are cut to this many characters (the full quote is one click away)
TOOLTIP_QUOTE = 220
#: the act of an unscored context marker (data/acts.csv)
CONTEXT_ACT = "context"

#: event_key -> label: the turning points the stance charts annotate, when they are in the filtered data
TURNING_POINTS: dict[str, str] = {
    "january_unrest_2022": "January unrest",
    "csto_deployment_2022": "CSTO deployment",
    "invasion_2022": "Invasion of Ukraine",
    "suleimenov_interview_2022": "Late March: sanctions statements",
    "medvedev_post_2022": "Medvedev post",
    "xi_visit_2022": "September: agreements and visits",
}

STANCE_TEXT = {2: "+2 strong alignment", 1: "+1 mild alignment", 0: "0 hedging", -1: "−1 mild distance", -2: "−2 strong distance"}
_BINS = (("week", "W-SUN"), ("month", "M"), ("quarter", "Q"), ("year", "Y"))

# projector sizes (px): the brief's floor is 18 for titles and 14 for labels
TITLE_SIZE = 22
SUBTITLE_SIZE = 16
LABEL_SIZE = 16
AXIS_TITLE_SIZE = 17
TEXT_SIZE = 15

#: plot width (px) assumed when laying marks in sub-rows and placing labels: about a slide's, less than the page's,
#: so what does not collide here does not collide on a wider screen
PLOT_PX = 1000
#: horizontal room (px) a day-dated point takes, and the least gap (px) kept between marks in one sub-row
POINT_PX = 18
GAP_PX = 8


# --------------------------------------------------------------------------
# shared pieces


def actor_scale() -> alt.Scale:
    """The one colour scale for actor groups, used by every chart."""
    return alt.Scale(domain=list(GROUP_COLOURS), range=list(GROUP_COLOURS.values()))


def _group_colour(title: str = "Actor", columns: int = 4, present: pd.Series | None = None) -> alt.Color:
    """The actor-group colour channel; with ``present``, the legend lists only the groups the chart draws (the scale,
    and so every colour, stays the same)."""
    legend = alt.Legend(orient="bottom", columns=columns)
    if present is not None:
        shown = set(present.dropna())
        legend = alt.Legend(orient="bottom", columns=columns, values=[g for g in GROUP_COLOURS if g in shown])
    return alt.Color("group:N", title=title, scale=actor_scale(), legend=legend)


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


def style(chart: alt.TopLevelMixin, title: str, subtitle: str | list[str] | None = None, height: int = 420) -> alt.TopLevelMixin:
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


# --------------------------------------------------------------------------
# dates: an inclusive interval [date_from, date_to]


def _stamp(value: Any) -> pd.Timestamp | None:
    if value is None or (not isinstance(value, (str, pd.Timestamp)) and pd.isna(value)):
        return None
    if isinstance(value, str) and not value.strip():
        return None
    stamp = pd.Timestamp(value)
    return None if pd.isna(stamp) else stamp.normalize()


def _interval(date_from: Any, date_to: Any = None) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The interval as two days (first and last, inclusive); one given end means that one day; None when undated."""
    first, last = _stamp(date_from), _stamp(date_to)
    first, last = first or last, last or first
    if first is None:
        return None
    return (first, last) if first <= last else (last, first)


def _month_start(day: pd.Timestamp) -> bool:
    return day.day == 1


def _month_end(day: pd.Timestamp) -> bool:
    return (day + ONE_DAY).day == 1


def date_precision(date_from: Any, date_to: Any = None) -> str:
    """How precisely the interval dates a row: 'day', 'month' (a whole calendar month), 'year' (a whole calendar
    year), 'range' (anything else) or 'undated'. Derived from the interval; nothing is stored."""
    span = _interval(date_from, date_to)
    if span is None:
        return "undated"
    first, last = span
    if first == last:
        return "day"
    if _month_start(first) and _month_end(last) and (first.year, first.month) == (last.year, last.month):
        return "month"
    if (first.month, first.day, last.month, last.day) == (1, 1, 12, 31) and first.year == last.year:
        return "year"
    return "range"


def date_label(date_from: Any, date_to: Any = None) -> str:
    """The interval as precisely as it is known.

    One day '6 Mar 2022'; a whole month 'March 2022'; a whole year '2022';
    whole months 'Jan–Aug 2022' (or 'Dec 2021 – Feb 2022'); whole years
    '2021–2022'; otherwise the two days, '24 Feb – 8 May 2022', '1–20 Aug 2022',
    '24 Feb 2021 – 8 May 2022'. 'undated' without a date. ``date_to`` omitted:
    the one day ``date_from``.
    """
    span = _interval(date_from, date_to)
    if span is None:
        return "undated"
    first, last = span
    day = lambda d: f"{d.day} {d:%b}"  # noqa: E731
    precision = date_precision(first, last)
    if precision == "day":
        return f"{day(first)} {first.year}"
    if precision == "month":
        return f"{first:%B %Y}"
    if precision == "year":
        return f"{first.year}"
    if _month_start(first) and _month_end(last):
        if (first.month, last.month) == (1, 12):
            return f"{first.year}–{last.year}"
        if first.year == last.year:
            return f"{first:%b}–{last:%b} {first.year}"
        return f"{first:%b %Y} – {last:%b %Y}"
    if first.year != last.year:
        return f"{day(first)} {first.year} – {day(last)} {last.year}"
    if first.month == last.month:
        return f"{first.day}–{last.day} {first:%b %Y}"
    return f"{day(first)} – {day(last)} {first.year}"


def signed(value: float) -> str:
    return "0" if round(value, 2) == 0 else f"{value:+.2f}".replace("-", "−").rstrip("0").rstrip(".")


def _cut(text: Any, limit: int = TOOLTIP_QUOTE) -> str:
    if not isinstance(text, str):
        return ""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _with_periods(frame: pd.DataFrame, labels: bool = True) -> pd.DataFrame:
    """Adds start, end (exclusive: the day after date_to), days and (unless ``labels`` is False) precision and
    date_label columns. Rows without a date get NaT."""
    out = frame.copy()
    out["start"], out["end"] = interval_bounds(out)
    out["days"] = (out["end"] - out["start"]) / ONE_DAY
    if labels:
        last = out["end"] - ONE_DAY
        out["precision"] = [date_precision(a, b) for a, b in zip(out["start"], last)]
        out["date_label"] = [date_label(a, b) for a, b in zip(out["start"], last)]
    return out


def _joined(rows: pd.DataFrame, keys: list[str], column: str) -> pd.Series:
    """Per group, the sorted distinct values of ``column`` joined by ', ' (Python work only for groups of several rows)."""
    distinct = rows.drop_duplicates([*keys, column])
    size = distinct.groupby(keys, sort=False)[column].transform("size")
    single = distinct[size == 1].set_index(keys)[column].astype(str)
    several = distinct[size > 1].sort_values(column).groupby(keys, sort=False)[column].agg(lambda s: ", ".join(map(str, s)))
    return pd.concat([single, several])


def is_context(rows: pd.DataFrame) -> pd.Series:
    """True for the rows that are unscored context markers: act ``context``, or a blank stance."""
    context = rows["stance"].isna() if "stance" in rows.columns else pd.Series(True, index=rows.index)
    if "act" in rows.columns:
        context = context | (rows["act"] == CONTEXT_ACT).fillna(False)
    return context.astype(bool)


def one_per_act(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per act: rows that share ``event_key`` (blank: the row is its own act) become one.

    The act keeps the row with the narrowest interval (then the best
    credibility, then the lowest id) for its date and wording, and gains
    ``key`` (that row's id), ``ids`` and ``sources`` (every row id and seed,
    sorted, joined by ', '), ``n_rows`` and, where the table grades rows, the
    best ``credibility``. Rows must carry start/end (see :func:`_with_periods`).
    The codebook rule event-key-agrees guarantees that the merged rows agree on
    act, stance and actor. Sorted by start, then key.
    """
    columns = [*rows.columns, "key", "ids", "sources", "n_rows"]
    if rows.empty:
        return pd.DataFrame(columns=list(dict.fromkeys(columns)))
    work = rows.copy()
    keyed = work["event_key"] if "event_key" in work.columns else pd.Series(None, index=work.index, dtype=object)
    work["_act"] = keyed.where(keyed.notna() & (keyed.astype(str) != ""), work["id"]).astype(str)
    # interval length in days, undated last
    work["_len"] = ((work["end"] - work["start"]) / ONE_DAY).fillna(np.inf) if "end" in work.columns else 0.0
    order = ["_len", *(["credibility"] if "credibility" in work.columns else []), "id"]
    work = work.sort_values(order, kind="stable", na_position="last")
    keys = ["_act"]
    acts = work.drop_duplicates("_act", keep="first").set_index("_act")
    grouped = work.groupby("_act", sort=False)
    acts = acts.assign(
        key=acts["id"],
        ids=_joined(work, keys, "id"),
        sources=_joined(work, keys, "source_id") if "source_id" in work.columns else "",
        n_rows=grouped.size(),
    )
    if "credibility" in work.columns:
        acts["credibility"] = grouped["credibility"].min()
    acts = acts.reset_index(drop=True).drop(columns=["_len"])
    sort = ["start", "key"] if "start" in acts.columns else ["key"]
    return acts.sort_values(sort, kind="stable", na_position="last").reset_index(drop=True)


def _pack(starts: np.ndarray, ends: np.ndarray, gap: float) -> np.ndarray:
    """Sub-row (0, 1, ...) of each extent [start, end) so that extents in one sub-row are ``gap`` apart (greedy by start)."""
    slots = np.zeros(len(starts), dtype=int)
    last_end: list[float] = []
    for i in np.argsort(starts, kind="stable"):
        for slot, end in enumerate(last_end):
            if end + gap <= starts[i]:
                break
        else:
            slot = len(last_end)
            last_end.append(-np.inf)
        last_end[slot] = ends[i]
        slots[i] = slot
    return slots


def _extents(frame: pd.DataFrame, domain: tuple[pd.Timestamp, pd.Timestamp] | None) -> tuple[np.ndarray, np.ndarray, float]:
    """Each mark's horizontal extent as drawn (ns): a day-dated point takes POINT_PX, an interval its bar; and the gap."""
    per_px = ((domain[1] - domain[0]) if domain else pd.Timedelta(days=365)).value / PLOT_PX
    start = frame["start"].astype("datetime64[ns]").to_numpy().astype("int64").astype(float)
    end = frame["end"].astype("datetime64[ns]").to_numpy().astype("int64").astype(float)
    point = (frame["days"] <= 1).to_numpy(dtype=bool)
    half = POINT_PX / 2 * per_px
    lo = np.where(point, start - half, start)
    hi = np.where(point, start + half, np.maximum(end, start + POINT_PX * per_px / 2))
    return lo, hi, GAP_PX * per_px


def _lanes(frame: pd.DataFrame, lane: str | pd.Series, domain: tuple[pd.Timestamp, pd.Timestamp] | None) -> pd.Series:
    """Sub-row of each mark within its lane, so no two marks of a lane overlap as drawn."""
    lanes = frame[lane] if isinstance(lane, str) else lane
    lo, hi, gap = _extents(frame, domain)
    out = pd.Series(0, index=frame.index, dtype=int)
    for _, index in frame.groupby(lanes.to_numpy(), sort=False).indices.items():
        out.iloc[index] = _pack(lo[index], hi[index], gap)
    return out


def _centred(slot: pd.Series) -> pd.Series:
    """Sub-row number -> signed offset, alternating about the lane's centre: 0, +1, −1, +2, −2, ..."""
    return ((slot + 1) // 2) * np.where(slot % 2 == 1, 1, -1)


# --------------------------------------------------------------------------
# stance over time

#: optional event columns and the value a table without them is read with
EVENT_DEFAULTS: dict[str, Any] = {
    "event_key": None, "act": None, "actor": "Other", "domain": "", "credibility": 6,
    "summary": "", "quote": "", "source_id": "",
}


def prepare_events(events: pd.DataFrame) -> pd.DataFrame:
    """The events with every column the charts use (a table declared without some of them still draws).

    A table with a single ``date`` column and no interval is read as one-day intervals.
    """
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

MARK_COLUMNS = ["key", "ids", "event_key", "act", "actor", "group", "domain", "stance", "y", "credibility", "precision",
                "start", "end", "days", "date_label", "stance_label", "summary", "sources", "n_rows", "quote"]


def event_marks(events: pd.DataFrame, filters: Filters = Filters(), max_marks: int = MAX_MARKS) -> tuple[pd.DataFrame, str]:
    """The scored acts as chart marks, and the resolution ('event', or 'week'/'month'/... when binned).

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
    """The scored acts as chart marks (see :func:`event_marks`).

    One mark per act: rows that share ``event_key`` become one mark (see
    :func:`one_per_act`): its interval, stance and summary from the most
    precisely dated row (then the most credible), the best credibility of the
    rows, every seed and row id. Context markers are not marks. When there are
    more than ``max_marks`` marks they are binned per actor and domain by week
    (then month, quarter, year) of their start, with the mean stance, so the
    browser never gets raw rows.
    """
    rows = apply(prepare_events(events), filters)
    rows = rows[~is_context(rows)]
    rows = rows[interval_bounds(rows)[0].notna()]
    if rows.empty:
        return pd.DataFrame(columns=MARK_COLUMNS), "event"
    marks = one_per_act(_with_periods(rows, labels=False))
    marks["stance"] = marks["stance"].astype(float)
    resolution = "event"
    if len(marks) > max_marks:
        marks, resolution = _bin_marks(marks, max_marks)
    else:
        last = marks["end"] - ONE_DAY
        marks["precision"] = [date_precision(a, b) for a, b in zip(marks["start"], last)]
        marks["date_label"] = [date_label(a, b) for a, b in zip(marks["start"], last)]
    marks["group"] = marks["actor"].map(actor_group)
    marks["stance_label"] = [
        STANCE_TEXT.get(int(s), signed(s)) if float(s).is_integer() else f"mean {signed(s)}" for s in marks["stance"]
    ]
    marks["quote"] = marks["quote"].map(_cut)
    marks["credibility"] = marks["credibility"].astype(int)
    marks["y"] = marks["stance"]
    marks = marks.sort_values(["start", "actor", "key"], kind="stable").reset_index(drop=True)
    return marks[MARK_COLUMNS], resolution


def _bin_marks(marks: pd.DataFrame, max_marks: int) -> tuple[pd.DataFrame, str]:
    for name, freq in _BINS:
        start = marks["start"].dt.to_period(freq).dt.start_time
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
        offset = {"week": pd.DateOffset(weeks=1), "month": pd.DateOffset(months=1),
                  "quarter": pd.DateOffset(months=3), "year": pd.DateOffset(years=1)}[name]
        out["end"] = out["start"] + offset
        out["days"] = (out["end"] - out["start"]) / ONE_DAY
        out["stance"] = out["stance"].round(2)
        out["key"] = [f"bin:{name}:{a}:{d}:{s:%Y-%m-%d}" for a, d, s in zip(out["actor"], out["domain"], out["start"])]
        out["ids"] = ""
        out["event_key"] = ""
        out["act"] = ""
        out["precision"] = name
        out["date_label"] = [f"{name} of {s.day} {s:%b %Y}" for s in out["start"]]
        out["summary"] = [f"{n} events, mean stance {signed(s)}" for n, s in zip(out["n_events"], out["stance"])]
        out["quote"] = ""
        return out.drop(columns=["n_events"]), name
    raise AssertionError("unreachable")


def context_marks(events: pd.DataFrame, filters: Filters = Filters()) -> pd.DataFrame:
    """Unscored context markers (act ``context`` or blank stance), one per event_key, with the turning-point label
    where there is one."""
    rows = apply(prepare_events(events), filters)
    rows = rows[is_context(rows) & interval_bounds(rows)[0].notna()]
    columns = ["key", "ids", "event_key", "start", "end", "days", "precision", "date_label", "summary", "sources", "n_rows", "label"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    out = one_per_act(_with_periods(rows))
    out["label"] = out["event_key"].map(TURNING_POINTS).fillna("")
    return out[columns]


def turning_points(events: pd.DataFrame, filters: Filters = Filters()) -> pd.DataFrame:
    """The turning points (``TURNING_POINTS``) present in the filtered events: label, interval and its label, by date."""
    columns = ["event_key", "label", "start", "end", "days", "precision", "date_label"]
    rows = apply(prepare_events(events), filters)
    rows = rows[rows["event_key"].isin(list(TURNING_POINTS)) & interval_bounds(rows)[0].notna()]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    out = one_per_act(_with_periods(rows))
    out["label"] = out["event_key"].map(TURNING_POINTS)
    return out.sort_values(["start", "event_key"], kind="stable").reset_index(drop=True)[columns]


#: the turning-point label rows, in pixels from the top of the plot (so they keep their spacing at any chart height),
#: used top first; the bracket under an interval's label sits BRACKET_PX below it
LABEL_PX = (12, 34, 56)
BRACKET_PX = 11
Y_DOMAIN = (-3.05, 3.75)
#: the context strip under the scored levels: its first sub-row, the step between sub-rows, its axis label's position
CONTEXT_TOP, CONTEXT_STEP, CONTEXT_DEPTH = -2.5, 0.11, 0.5
CONTEXT_LABEL = -2.7
#: the largest and smallest vertical step (stance units) between sub-rows of one stance level; the sub-rows of a
#: level stay within ±SLOT_REACH of it
SLOT_STEP = (0.17, 0.05)
SLOT_REACH = 0.43
#: average width of a bold label character, in ems (a little wide, so estimates err on the safe side)
LABEL_EM = 0.62


def _label_rows(turns: pd.DataFrame, domain: tuple[pd.Timestamp, pd.Timestamp]) -> pd.DataFrame:
    """Each turning point's label row (``label_row``, 0 at the top; ``label_px`` and ``bracket_px``, its height in
    pixels from the top of the plot) and side (``align``), so that no two labels overlap.

    A label starts at its turning point and runs right (or, near the right
    edge, ends there and runs left); it takes the highest row where it clears
    the labels already placed, else the row whose labels end earliest.
    """
    out = turns.copy()
    per_px = (domain[1] - domain[0]).value / PLOT_PX
    at = out["start"].astype("datetime64[ns]").astype("int64").to_numpy().astype(float)
    width = np.array([(len(str(t)) * LABEL_EM * TEXT_SIZE + 10) * per_px for t in out["label"]])
    right_edge = pd.Timestamp(domain[1]).value
    align = np.where(at + width > right_edge, "right", "left")
    lo = np.where(align == "left", at, at - width)
    hi = np.where(align == "left", at + width, at)
    ends = [-np.inf] * len(LABEL_PX)
    rows = np.zeros(len(out), dtype=int)
    for i in np.argsort(lo, kind="stable"):
        free = [r for r, end in enumerate(ends) if end + GAP_PX * per_px <= lo[i]]
        row = free[0] if free else int(np.argmin(ends))
        ends[row] = max(ends[row], hi[i])
        rows[i] = row
    out["label_row"] = rows
    out["label_px"] = [LABEL_PX[r] for r in rows]
    out["bracket_px"] = out["label_px"] + BRACKET_PX
    out["align"] = align
    return out


def _range(filters: Filters, *frames: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The x range: the filter's dates where set, else the data's."""
    span = _span(*frames)
    if span is None:
        return None
    lo = pd.Timestamp(filters.date_from) if filters.date_from else span[0]
    hi = pd.Timestamp(filters.date_to) + ONE_DAY if filters.date_to else span[1]
    return lo, hi


def mark_for_row(marks: pd.DataFrame, row_id: str | None) -> str | None:
    """The key of the mark that stands for row ``row_id`` (rows of one act share a mark)."""
    if not row_id or marks.empty:
        return None
    hit = marks[marks["ids"].str.split(", ").map(lambda ids: row_id in ids)]
    return str(hit["key"].iloc[0]) if len(hit) else None


def _context_strip(context: pd.DataFrame, domain: tuple[pd.Timestamp, pd.Timestamp] | None) -> pd.DataFrame:
    """Context markers packed into sub-rows of the strip under the scored levels (``y``), so none hides another."""
    out = context.copy()
    slot = _lanes(out, pd.Series(0, index=out.index), domain)
    step = min(CONTEXT_STEP, CONTEXT_DEPTH / max(1, int(slot.max())))
    out["y"] = CONTEXT_TOP - slot * step
    return out


def lay_out_marks(marks: pd.DataFrame, domain: tuple[pd.Timestamp, pd.Timestamp] | None) -> tuple[pd.DataFrame, float]:
    """The marks with ``slot`` (sub-row within their stance level, 0 on the level), ``y`` and hit boxes, and the step.

    Within each stance level, marks are packed into sub-rows so that none
    overlaps another as drawn (a day-dated point takes POINT_PX, an interval its
    bar); sub-rows alternate about the level (0, +1, −1, ...), ``step`` stance
    units apart. Binned marks (a mean stance) sit at their mean, unpacked.
    """
    out = marks.copy()
    if out.empty:
        return out.assign(slot=0, y_lo=0.0, y_hi=0.0, hit_start=out["start"], hit_end=out["end"]), SLOT_STEP[0]
    binned = not out["stance"].map(float.is_integer).all()
    level = out["stance"].round().astype(int)
    out["slot"] = 0 if binned else _lanes(out, level, domain)
    offsets = _centred(out["slot"])
    reach = max(1, int(np.abs(offsets).max()))
    step = float(min(SLOT_STEP[0], max(SLOT_STEP[1], SLOT_REACH / reach)))
    out["y"] = out["stance"] + offsets * step
    out["y_lo"] = out["y"] - step / 2
    out["y_hi"] = out["y"] + step / 2
    lo, hi, _ = _extents(out, domain)
    out["hit_start"] = pd.to_datetime(lo.astype("int64"))
    out["hit_end"] = pd.to_datetime(hi.astype("int64"))
    return out, step


def _px_expr(step: float, share: float, lo: float, hi: float, squared: bool = False) -> dict[str, str]:
    """A mark size in pixels that follows the plot's height: ``share`` of one sub-row step, between lo and hi px
    (``squared``: as an area, for a point's size)."""
    px = f"clamp({step:.4f} * (height / {Y_DOMAIN[1] - Y_DOMAIN[0]:g}) * {share}, {lo}, {hi})"
    return {"expr": f"pow({px}, 2)" if squared else px}


def _tooltip(binned: bool) -> list[alt.Tooltip]:
    tooltip = [
        alt.Tooltip("date_label:N", title="Date"),
        alt.Tooltip("actor:N", title="Actor"),
        alt.Tooltip("domain:N", title="Domain"),
        alt.Tooltip("stance_label:N", title="Stance"),
        alt.Tooltip("credibility:O", title="Credibility"),
        alt.Tooltip("summary:N", title="What"),
        alt.Tooltip("sources:N", title="Seeds"),
    ]
    if not binned:
        tooltip += [alt.Tooltip("ids:N", title="Rows"), alt.Tooltip("quote:N", title="Quote")]
    return tooltip


def stance_chart(
    events: pd.DataFrame,
    filters: Filters = Filters(),
    selected: str | None = None,
    compact: bool = False,
    max_marks: int = MAX_MARKS,
) -> alt.TopLevelMixin:
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
    marks, resolution = event_marks(events, filters, max_marks)
    context = context_marks(events, filters)
    turns = turning_points(events, filters)
    if marks.empty and context.empty:
        return empty_chart("No events match the filters")
    domain = _range(filters, marks, context)
    marks, step = lay_out_marks(marks, domain)
    x = _time_x("start", domain)
    y_scale = alt.Scale(domain=list(Y_DOMAIN), nice=False)
    y_axis = alt.Axis(values=[CONTEXT_LABEL, -2, -1, 0, 1, 2], grid=True,
                      labelExpr=f"datum.value == {CONTEXT_LABEL} ? 'context' : datum.value > 0 ? '+' + datum.value "
                                ": datum.value == 0 ? '0' : '−' + abs(datum.value)")

    def y_of(field: str) -> alt.Y:  # every layer's y: one scale, one axis, one title
        return alt.Y(f"{field}:Q", title="Stance (+ towards Moscow, − away)", scale=y_scale, axis=y_axis)

    y = y_of("y")
    layers: list[alt.Chart] = []
    if len(context):  # a strip of their own under the scored levels: never in a scored lane
        context = _context_strip(context, domain)
        base_context = alt.Chart(context)
        ctx_tooltip = [alt.Tooltip("date_label:N", title="Date"), alt.Tooltip("summary:N", title="Context (unscored)"),
                       alt.Tooltip("sources:N", title="Seeds"), alt.Tooltip("ids:N", title="Rows")]
        layers.append(
            base_context.transform_filter("datum.days > 1")
            .mark_rule(color="#8C8C8C", strokeWidth=_px_expr(CONTEXT_STEP, 0.65, 3, 8), strokeCap="butt", clip=True)
            .encode(x=x, x2="end:T", y=y_of("y"), tooltip=ctx_tooltip)
        )
        layers.append(
            base_context.transform_filter("datum.days <= 1")
            .mark_point(shape="diamond", filled=True, color="#8C8C8C", size=_px_expr(CONTEXT_STEP, 1.0, 7, 13, squared=True), clip=True)
            .encode(x=x, y=y_of("y"), tooltip=ctx_tooltip)
        )
    if len(turns) and domain is not None:
        turns = _label_rows(turns, domain)
        base_turns = alt.Chart(turns)
        # label rows are placed in pixels from the top (scale None), so they never crowd at small chart heights
        level = alt.Y("label_px:Q", scale=None, axis=None)
        bracket = alt.Y("bracket_px:Q", scale=None, axis=None)
        layers.append(  # from the label down through the lanes, at the turning point's first day
            base_turns.mark_rule(color="#666666", strokeWidth=1.5, strokeDash=[3, 3], clip=True)
            .encode(x=x, y=bracket, y2=alt.value({"expr": "height"}))
        )
        layers.append(  # an interval turning point: a bracket across its interval under the label
            base_turns.transform_filter("datum.days > 1")
            .mark_rule(color="#555555", strokeWidth=3, clip=True)
            .encode(x=x, x2="end:T", y=bracket)
        )
        tip = [alt.Tooltip("label:N", title="Turning point"), alt.Tooltip("date_label:N", title="Date")]
        for side, dx in (("left", 4), ("right", -4)):
            layers.append(
                base_turns.transform_filter(f"datum.align == '{side}'")
                .mark_text(align=side, baseline="middle", dx=dx, fontWeight="bold", fontSize=TEXT_SIZE)
                .encode(x=x, y=level, text="label:N", tooltip=tip)
            )
    if len(marks):
        base = alt.Chart(marks)
        colour = _group_colour(columns=2, present=marks["group"])
        binned = resolution != "event"
        key = mark_for_row(marks, selected) or (selected if selected in set(marks["key"]) else None)
        if key is not None:  # the selected mark, outlined in grey under it
            ring = alt.Chart(marks[marks["key"] == key])
            layers.append(ring.transform_filter("datum.days > 1").mark_rule(
                color="#444444", strokeCap="round", strokeWidth=_px_expr(step, 1.25, 9, 17)).encode(x=x, x2="end:T", y=y))
            layers.append(ring.transform_filter("datum.days <= 1").mark_point(
                size=900, strokeWidth=3, color="#444444", filled=False).encode(x=x, y=y))
        layers.append(  # acts dated to an interval: a bar from the first day to the end of the last
            base.transform_filter("datum.days > 1")
            .mark_rule(strokeCap="butt", strokeWidth=_px_expr(step, 0.7, 3, 10), clip=True)
            .encode(
                x=x, x2="end:T", y=y, color=colour,
                strokeOpacity=alt.StrokeOpacity("credibility:O", scale=alt.Scale(domain=list(CREDIBILITY_OPACITY),
                                                range=list(CREDIBILITY_OPACITY.values())), legend=None),
            )
        )
        for cap in ("start", "end"):  # end caps, so that bars that meet in one sub-row read as separate
            layers.append(
                base.transform_filter("datum.days > 1")
                .mark_tick(orient="vertical", thickness=2, size=_px_expr(step, 1.15, 7, 15), clip=True)
                .encode(x=_time_x(cap, domain), y=y, color=colour, opacity=_opacity())
            )
        layers.append(  # acts dated to a day: a filled point at the day
            base.transform_filter("datum.days <= 1")
            .mark_point(filled=True, stroke="#222222", strokeWidth=0.8, size=_px_expr(step, 1.05, 8, 15, squared=True))
            .encode(
                x=x, y=y, color=colour,
                shape=alt.Shape("domain:N", title="Domain (points)", scale=alt.Scale(domain=list(DOMAIN_SHAPES), range=list(DOMAIN_SHAPES.values())),
                                legend=alt.Legend(orient="bottom", columns=2)),
                opacity=_opacity(),
            )
        )
        pick = alt.selection_point(name="event", fields=["key"], on="click", clear="dblclick")
        layers.append(  # one transparent hit box per mark: clicks and tooltips for points and bars alike
            base.mark_rect(fill="#000000", fillOpacity=0, stroke=None, cursor="pointer")
            .encode(x=_time_x("hit_start", domain), x2="hit_end:T", y=y_of("y_lo"), y2="y_hi:Q",
                    tooltip=_tooltip(binned))
            .add_params(pick)
        )
    chart = alt.layer(*layers)
    subtitle = None
    if not compact:
        subtitle = ["Filled point: dated to a day. Bar: dated only to an interval, drawn from its first to its last possible day.",
                    "Marks that would overlap sit in sub-rows of their level. Grey, under the levels: unscored context."]
        if resolution != "event":
            subtitle[0] = f"Binned by {resolution} (mean stance per actor and domain). " + subtitle[0]
    return style(chart, "Stance over time", subtitle, height=620 if compact else 800)


def stance_summary(events: pd.DataFrame, filters: Filters = Filters(), max_marks: int = MAX_MARKS) -> str:
    """One line: what the stance chart shows, counted from the same marks (one per act)."""
    marks, resolution = event_marks(events, filters, max_marks)
    context = context_marks(events, filters)
    if marks.empty and context.empty:
        return "No events match the filters."
    rows = apply(prepare_events(events), filters)
    scored = rows[~is_context(rows) & interval_bounds(rows)[0].notna()]
    span = _range(filters, marks, context)
    when = f"{date_label(span[0])} to {date_label(span[1] - ONE_DAY)}" if span else ""
    markers = f"{len(context)} unscored context marker{'' if len(context) == 1 else 's'}"
    if resolution == "event":
        up, down = int((marks["stance"] > 0).sum()), int((marks["stance"] < 0).sum())
        flat = len(marks) - up - down
        spans = int((marks["days"] > 1).sum())
        return (
            f"{len(marks)} scored events ({len(scored)} rows; an act told by several seeds is one mark) from {when}: "
            f"{up} towards alignment with Moscow, {down} towards distance, {flat} neutral; "
            f"{spans} dated only to an interval {'is' if spans == 1 else 'are'} drawn across it; {markers}."
        )
    return (
        f"{len(scored)} scored rows from {when}, too many to draw one by one: binned by {resolution} into "
        f"{len(marks)} marks (mean stance per actor, domain and {resolution}); {markers}."
    )


# -- rolling index


def index_events(
    events: pd.DataFrame, filters: Filters = Filters(), window_days: int = INDEX_WINDOW_DAYS
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The acts (one per event_key) the index uses, and those it leaves out: dated to an interval longer than the window."""
    marks, _ = event_marks(events, filters, max_marks=10**9)
    fits = marks["days"] <= window_days
    return marks[fits.to_numpy(dtype=bool)], marks[~fits.to_numpy(dtype=bool)]


def index_left_out(events: pd.DataFrame, filters: Filters = Filters(), window_days: int = INDEX_WINDOW_DAYS) -> int:
    """How many acts are not in the index because their interval is longer than the window."""
    return len(index_events(events, filters, window_days)[1])


def left_out_text(count: int, window_days: int = INDEX_WINDOW_DAYS) -> str:
    """'N events dated to intervals longer than 90 days are not in the index' (or the singular)."""
    if count == 1:
        return f"1 event dated to an interval longer than {window_days} days is not in the index"
    return f"{count} events dated to intervals longer than {window_days} days are not in the index"


def stance_index(
    events: pd.DataFrame,
    filters: Filters = Filters(),
    window_days: int = INDEX_WINDOW_DAYS,
    min_events: int = INDEX_MIN_EVENTS,
) -> pd.DataFrame:
    """Trailing ``window_days`` mean stance per actor, each act counted once.

    The codebook's rule: an act dated to an interval longer than the window is
    left out (see :func:`index_events`); an act whose interval fits spreads its
    weight evenly over the days of its interval, each of its n days carrying
    1/n (a day-dated act weighs 1 on its day). The index on day d is the
    weighted mean stance over the days (d − window, d]; ``weight`` is the weight
    in the window and ``n`` the number of acts with a day in it. Only the days
    where an actor's index changes are returned (draw with a step line), in
    segments broken where the window holds no weight, from the filter's first
    day on, to the last day of the data (the latest last day of any scored act in
    range, left out or not) or of the filter. Actors with fewer than
    ``min_events`` acts in the index are left out.
    """
    marks, left_out = index_events(events, filters, window_days)
    columns = ["actor", "group", "date", "mean", "n", "weight", "segment", "dash"]
    if marks.empty:
        return pd.DataFrame(columns=columns)
    counts = marks["actor"].value_counts()
    keep = counts[counts >= min_events].index
    data_end = max(marks["end"].max(), left_out["end"].max() if len(left_out) else marks["end"].max()) - ONE_DAY
    last_day = min(pd.Timestamp(filters.date_to), data_end) if filters.date_to else data_end
    first_day = pd.Timestamp(filters.date_from) if filters.date_from else None
    out = []
    for actor in [a for a in ACTOR_GROUP if a in keep] + sorted(a for a in keep if a not in ACTOR_GROUP):
        rows = marks[marks["actor"] == actor]
        origin = rows["start"].min()
        begin = ((rows["start"] - origin) / ONE_DAY).astype(int).to_numpy()
        stop = ((rows["end"] - origin) / ONE_DAY).astype(int).to_numpy()  # exclusive
        length = stop - begin
        end = min(origin + pd.Timedelta(days=int(stop.max()) - 1 + window_days - 1), last_day)
        size = max(int((end - origin) / ONE_DAY) + 1, 1)
        weight, weighted, arrive, leave = (np.zeros(size + 2 * window_days + 2) for _ in range(4))
        share = 1.0 / length
        np.add.at(weight, begin, share)
        np.add.at(weight, stop, -share)
        np.add.at(weighted, begin, share * rows["stance"].to_numpy())
        np.add.at(weighted, stop, -share * rows["stance"].to_numpy())
        np.add.at(arrive, begin, 1)
        np.add.at(leave, stop - 1 + window_days, 1)
        daily_w, daily_s = np.cumsum(weight)[:size], np.cumsum(weighted)[:size]

        def trailing(values: np.ndarray) -> np.ndarray:
            total = np.cumsum(values)
            return total - np.concatenate([np.zeros(window_days), total[:-window_days]])[: len(total)]

        w, s = trailing(daily_w), trailing(daily_s)
        n = (np.cumsum(arrive) - np.cumsum(leave))[:size]
        present = w > 1e-9
        mean = np.where(present, np.round(s / np.where(present, w, 1.0), 3), np.nan)
        frame = pd.DataFrame({"date": pd.date_range(origin, periods=size, freq="D"), "mean": mean,
                              "n": n.astype(int), "weight": np.round(w, 3)})
        frame["segment"] = (frame["mean"].notna() != frame["mean"].notna().shift()).cumsum()
        if first_day is not None:
            frame = frame[frame["date"] >= first_day]
        frame = frame[frame["mean"].notna()]
        changed = (frame["mean"] != frame["mean"].shift()) | (frame["segment"] != frame["segment"].shift())
        last_of_segment = frame["segment"] != frame["segment"].shift(-1)
        frame = frame[changed | last_of_segment].copy()
        frame["actor"] = actor
        frame["group"] = actor_group(actor)
        out.append(frame)
    out = [f for f in out if len(f)]
    if not out:
        return pd.DataFrame(columns=columns)
    result = pd.concat(out, ignore_index=True)
    result["segment"] = result["actor"] + "#" + result["segment"].astype(str)
    # actors that share a colour group are told apart by dash pattern
    result["dash"] = result.groupby("group")["actor"].transform(lambda s: s.map({a: i for i, a in enumerate(dict.fromkeys(s))}))
    return result[columns]


#: the index's rule in one sentence, for its subtitle
INDEX_RULE = "Each act counted once, its weight spread evenly over the days of its interval (a day-dated act weighs 1 on its day)"


def index_chart(events: pd.DataFrame, filters: Filters = Filters(), window_days: int = INDEX_WINDOW_DAYS) -> alt.TopLevelMixin:
    """The rolling stance index per actor as step lines."""
    frame = stance_index(events, filters, window_days)
    if frame.empty:
        return empty_chart("Too few scored events for a stance index")
    lo = pd.Timestamp(filters.date_from) if filters.date_from else frame["date"].min()
    hi = pd.Timestamp(filters.date_to) + ONE_DAY if filters.date_to else frame["date"].max() + ONE_DAY
    domain = (lo, hi)
    frame = frame.assign(date_label=[date_label(d) for d in frame["date"]])
    chart = (
        alt.Chart(frame)
        .mark_line(interpolate="step-after", strokeWidth=3.5)
        .encode(
            x=_time_x("date", domain),
            y=alt.Y("mean:Q", title=f"{window_days}-day mean stance", scale=alt.Scale(domain=[-2, 2]),
                    axis=alt.Axis(values=[-2, -1, 0, 1, 2])),
            color=_group_colour(present=frame["group"]),
            strokeDash=alt.StrokeDash("dash:O", scale=alt.Scale(domain=[0, 1, 2], range=[[1, 0], [8, 4], [2, 3]]), legend=None),
            detail="segment:N",
            tooltip=[alt.Tooltip("actor:N", title="Actor"), alt.Tooltip("date_label:N", title="From"),
                     alt.Tooltip("mean:Q", title="Index", format="+.2f"), alt.Tooltip("n:Q", title="Acts in window"),
                     alt.Tooltip("weight:Q", title="Weight in window", format=".2f")],
        )
    )
    rule = alt.Chart(pd.DataFrame({"zero": [0]})).mark_rule(color="#888888", strokeDash=[2, 2]).encode(y="zero:Q")
    left_out = index_left_out(events, filters, window_days)
    return style(
        alt.layer(rule, chart),
        f"Stance index: {window_days}-day trailing mean per actor",
        [f"{INDEX_RULE}.", f"{left_out_text(left_out, window_days)[:1].upper()}{left_out_text(left_out, window_days)[1:]}; "
         f"actors with at least {INDEX_MIN_EVENTS} acts in the index."],
        height=560,
    )


def index_summary(events: pd.DataFrame, filters: Filters = Filters(), window_days: int = INDEX_WINDOW_DAYS) -> str:
    frame = stance_index(events, filters, window_days)
    left_out = left_out_text(index_left_out(events, filters, window_days), window_days)
    if frame.empty:
        return (f"No actor has {INDEX_MIN_EVENTS} or more scored events in the index for this range, so there is no index line; "
                f"{left_out}.")
    parts = []
    for actor, rows in frame.groupby("actor", sort=False):
        parts.append(
            f"{actor} {signed(rows['mean'].iloc[0])} in {rows['date'].iloc[0]:%b %Y} to {signed(rows['mean'].iloc[-1])} "
            f"in {rows['date'].iloc[-1]:%b %Y} (low {signed(rows['mean'].min())}, high {signed(rows['mean'].max())})"
        )
    return (f"{window_days}-day trailing mean stance, each act counted once and spread over the days of its interval: "
            + "; ".join(parts) + f". {left_out[:1].upper() + left_out[1:]}.")


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


#: the defense_budget.scope value of an addition that also went to other security agencies
SECURITY_AND_DEFENCE = "security and defence"


def _reporter(value: Any) -> str:
    """'WSJ' from 'WSJ (Evan Gershkovich), citing an unnamed Kazakh official'."""
    text = str(value or "").strip()
    return re.split(r"\s*[(,;]", text, maxsplit=1)[0].strip() if text else ""


def _first_clause(text: str) -> str:
    """A note's first clause: up to its first bracketed aside or the end of its first sentence."""
    head = re.split(r"\s\(|(?<=[a-z'’”\"])\.\s", text.strip(), maxsplit=1)[0].strip()
    return head.rstrip(" .;,")


def defence_scope(budget: pd.DataFrame) -> dict[str, Any]:
    """What the additional allocation covers, as the data's own rows say.

    ``security_wide`` is True when an additional-allocation row's declared
    ``scope`` is "security and defence"; ``scope_note`` is the first clause of
    that row's ``correction`` (the full text stays in the row's citation);
    ``reporter`` who the seed says reported the figure (the first words of
    ``reported_by``); ``year`` the budget year.
    """
    rows = budget[budget["item"] == "additional allocation"] if "item" in budget.columns else budget.iloc[0:0]
    wide_rows = rows[rows["scope"] == SECURITY_AND_DEFENCE] if "scope" in rows.columns else rows.iloc[0:0]
    texts = [str(t).strip() for t in (wide_rows["correction"].dropna() if "correction" in wide_rows.columns else []) if str(t).strip()]
    wide = [_first_clause(t) for t in dict.fromkeys(texts)] or (["the addition also covered other security agencies"] if len(wide_rows) else [])
    reporters = [r for r in (rows["reported_by"].map(_reporter) if "reported_by" in rows.columns else []) if r]
    years = rows["budget_year"].dropna() if "budget_year" in rows.columns else pd.Series(dtype=float)
    return {
        "security_wide": bool(wide),
        "scope_note": wide[0] if wide else "",
        "reporter": reporters[0] if reporters else "",
        "year": int(years.iloc[0]) if len(years) else None,
    }


def defence_label(budget: pd.DataFrame) -> str:
    """The headline's label, worded from the rows: 'Defence budget increase, 2022', or, when the rows say the
    addition was security-wide, 'Security and defence addition, 2022 (as WSJ reports it: defence)'."""
    scope = defence_scope(budget)
    year = f", {scope['year']}" if scope["year"] else ""
    if scope["security_wide"]:
        return f"Security and defence addition{year} (as {scope['reporter'] or 'the seed'} reports it: defence)"
    return f"Defence budget increase{year}"


def defence_frame(budget: pd.DataFrame) -> pd.DataFrame:
    """Bars for the defence chart: the previous budget and the addition, in USD and in tenge; derived values marked.

    The previous budget is converted to tenge only at a rate of its own year:
    the rate the source's own pair of figures implies is the addition's year's,
    so a budget of another (or an unknown) year stays in dollars only.
    """
    f = defence_figures(budget)
    rows = []
    rate = f["rate"]
    previous, add_usd, add_kzt = f["previous_usd"], f["add_usd"], f["add_kzt"]
    if previous is not None:
        rows.append(("US dollars (billion)", "previous budget", previous["amount"], "stated", previous["as_stated"], previous["id"]))
        same_year = add_usd is not None and _year(previous) is not None and _year(previous) == _year(add_usd)
        if rate and same_year:
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


def _year(row: pd.Series) -> int | None:
    year = row.get("budget_year")
    return None if year is None or pd.isna(year) else int(year)


def defence_chart(budget: pd.DataFrame) -> alt.TopLevelMixin:
    frame = defence_frame(budget)
    if frame.empty:
        return empty_chart("No defence figures")
    scope = defence_scope(budget)
    base = alt.Chart(frame).encode(
        y=alt.Y("part:N", title=None, sort=["previous budget", "additional allocation"]),
        x=alt.X("amount:Q", title="Amount"),
        tooltip=[alt.Tooltip("currency:N"), alt.Tooltip("part:N"), alt.Tooltip("amount:Q", format=",.3f"),
                 alt.Tooltip("basis:N"), alt.Tooltip("as_stated:N", title="As stated"), alt.Tooltip("id:N", title="Row")],
    )
    bars = base.mark_bar(height=34).encode(
        color=alt.Color("part:N", title="Part", scale=alt.Scale(domain=["previous budget", "additional allocation"], range=["#999999", "#0072B2"]),
                        legend=alt.Legend(orient="bottom")),
        opacity=alt.Opacity("basis:N", title="Basis", scale=alt.Scale(domain=["stated", "derived"], range=[1.0, 0.45]),
                            legend=alt.Legend(orient="bottom") if (frame["basis"] == "derived").any() else None),
    )
    text = base.mark_text(align="left", dx=6, fontSize=TEXT_SIZE).encode(text="label:N")
    chart = alt.layer(bars, text).properties(height=110).facet(
        row=alt.Row("currency:N", title=None, sort=["US dollars (billion)", "tenge (billion)"], header=alt.Header(labelAngle=0, labelAlign="left", labelAnchor="start", labelOrient="top"))
    ).resolve_scale(x="independent", y="independent")  # a facet shows only the parts it has
    year = scope["year"] or "2022"
    derived = bool((frame["basis"] == "derived").any())
    subtitle: list[str] = ["Solid: as the source states it. Faint: derived from the source's own figures." if derived else
                           "As the source states it; the previous budget is not converted to tenge at another year's rate."]
    if scope["security_wide"]:
        title = f"Defence budget: the previous budget and the {year} security and defence addition"
        subtitle.append(f"The addition is not all defence, though {scope['reporter'] or 'the seed'} reports it as defence: "
                        "the two bars differ in scope (see the summary).")
    else:
        title = f"Defence budget: the previous budget and the {year} addition"
    return _style_facet(chart, title, subtitle)


def _style_facet(chart: alt.TopLevelMixin, title: str, subtitle: str | list[str] | None = None) -> alt.TopLevelMixin:
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
    scope = defence_scope(budget)
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
    if not text:
        return "No defence figures."
    if scope["security_wide"]:
        who = scope["reporter"] or "the seed"
        note = re.sub(r"^(The|A|An)\b", lambda m: m.group(1).lower(), scope["scope_note"])
        text += f". {who} reports the addition as defence spending, but it is not all defence: {note}"
        if f["computed_ratio"]:
            text += ", so the ratio compares a security-wide addition with a defence budget"
    return text + "."


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


def _sub_rows(rows: pd.DataFrame, lane: str, domain: tuple[pd.Timestamp, pd.Timestamp] | None) -> pd.DataFrame:
    """Adds ``slot`` (sub-row within the lane, so no mark hides another), ``row`` (the y category: lane and sub-row)
    and hit boxes; the lane's name labels its middle sub-row (see :func:`_row_axis`)."""
    out = rows.copy()
    out["slot"] = _lanes(out, lane, domain)
    middle = out.groupby(lane)["slot"].transform("max") // 2
    out["row"] = out[lane].astype(str) + "#" + out["slot"].astype(str)
    out["label_row"] = out["slot"] == middle
    lo, hi, _ = _extents(out, domain)
    out["hit_start"] = pd.to_datetime(lo.astype("int64"))
    out["hit_end"] = pd.to_datetime(hi.astype("int64"))
    return out


def _row_axis(rows: pd.DataFrame, lane: str, px: int = 24) -> tuple[alt.Y, int, alt.Chart]:
    """A y channel with one band per sub-row, lanes in order of first appearance, each lane named once (on its middle
    sub-row); the plot height that gives each sub-row ``px`` pixels; and a layer that shades every other lane, so a
    lane's sub-rows read as one."""
    order, shade = [], []
    for number, name in enumerate(dict.fromkeys(rows[lane].astype(str))):
        slots = int(rows.loc[rows[lane].astype(str) == name, "slot"].max()) + 1
        order += [f"{name}#{s}" for s in range(slots)]
        shade += [number % 2] * slots
    named = sorted({f"{r[lane]}#{r['slot']}" for r in rows[rows["label_row"]].to_dict("records")})
    label = f"indexof({json.dumps(named)}, datum.label) >= 0 ? slice(datum.label, 0, lastindexof(datum.label, '#')) : ''"
    y = alt.Y("row:N", title=None, sort=order, scale=alt.Scale(domain=order, paddingInner=0, paddingOuter=0),
              axis=alt.Axis(labelExpr=label, ticks=False, domain=False, grid=False, labelFontSize=LABEL_SIZE))
    bands = pd.DataFrame({"row": order, "shade": shade})
    background = (alt.Chart(bands).transform_filter("datum.shade == 1")
                  .mark_rect(color="#888888", opacity=0.09)
                  .encode(y=y, x=alt.value(0), x2=alt.value({"expr": "width"})))
    return y, px * len(order), background


def _colours(values: pd.Series, known: dict[str, str], title: str, columns: int = 3) -> alt.Color:
    """A colour channel over ``known`` colours, extended with fallback colours for values the palette lacks, so that
    no row goes undrawn."""
    extra = [v for v in dict.fromkeys(values.dropna().astype(str)) if v not in known]
    domain = [*known, *extra]
    colours = [*known.values(), *[FALLBACK_COLOURS[i % len(FALLBACK_COLOURS)] for i in range(len(extra))]]
    field = values.name
    return alt.Color(f"{field}:N", title=title, scale=alt.Scale(domain=domain, range=colours), legend=alt.Legend(orient="bottom", columns=columns))


#: colours (Paul Tol's bright scheme) for categories the palette does not name
FALLBACK_COLOURS = ("#228833", "#AA3377", "#EE7733", "#009988", "#332288")


def oil_timeline_frame(oil: pd.DataFrame) -> pd.DataFrame:
    """Dated disruptions, dependence and alternative routes, one bar each across the interval the seed dates it to."""
    columns = ["id", "route", "kind", "lane", "start", "end", "days", "precision", "date_label", "as_stated", "source_id", "asset"]
    rows = oil[interval_bounds(oil)[0].notna() & oil["kind"].isin(["disruption", "alternative route", "dependence"])]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    rows = _with_periods(rows)
    rows["lane"] = rows["route"] + ": " + rows["kind"]
    return rows[columns].sort_values(["start", "id"], kind="stable").reset_index(drop=True)


def oil_timeline_chart(oil: pd.DataFrame) -> alt.TopLevelMixin:
    rows = oil_timeline_frame(oil)
    if rows.empty:
        return empty_chart("No dated route events")
    domain = _span(rows)
    rows = _sub_rows(rows, "lane", domain)
    y, plot, background = _row_axis(rows, "lane", px=30)
    kinds = {"disruption": "#D55E00", "dependence": "#999999", "alternative route": "#009E73"}
    base = alt.Chart(rows).encode(y=y, color=_colours(rows["kind"], kinds, "Kind"))
    tooltip = [alt.Tooltip("date_label:N", title="Date"), alt.Tooltip("kind:N"), alt.Tooltip("asset:N"),
               alt.Tooltip("as_stated:N", title="As stated"), alt.Tooltip("source_id:N", title="Seed"), alt.Tooltip("id:N", title="Row")]
    return style(alt.layer(background, *_interval_layers(base, domain, tooltip, bar_px=12)),
                 "Disruptions, dependence and the alternative route",
                 "Filled point: dated to a day. Bar: dated only to an interval, from its first to its last possible day.",
                 height=plot + 230)


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
# timelines of intervals: a filled point for a day, a bar from the first to the last day otherwise


def _interval_layers(base: alt.Chart, domain: tuple[pd.Timestamp, pd.Timestamp] | None, tooltip: list[alt.Tooltip],
                     pick: Any = None, point_size: int = 190, bar_px: int = 9) -> list[alt.Chart]:
    """Bars with end caps for the rows dated to an interval, filled points for the rows dated to a day, and (with
    ``pick``) one transparent hit box per row that carries the tooltip and the click selection for both."""
    x = _time_x("start", domain)
    layers = [
        base.transform_filter("datum.days > 1").mark_rule(strokeWidth=bar_px, strokeCap="butt", opacity=0.8, clip=True)
        .encode(x=x, x2="end:T", **({} if pick is not None else {"tooltip": tooltip})),
        *[base.transform_filter("datum.days > 1").mark_tick(orient="vertical", thickness=2, size=bar_px + 6, clip=True)
          .encode(x=_time_x(cap, domain)) for cap in ("start", "end")],
        base.transform_filter("datum.days <= 1").mark_point(size=point_size, filled=True, opacity=0.95, stroke="#333333", strokeWidth=0.8)
        .encode(x=x, **({} if pick is not None else {"tooltip": tooltip})),
    ]
    if pick is not None:
        layers.append(base.mark_rect(fill="#000000", fillOpacity=0, stroke=None, cursor="pointer")
                      .encode(x=_time_x("hit_start", domain), x2="hit_end:T", tooltip=tooltip).add_params(pick))
    return layers


# --------------------------------------------------------------------------
# sanctions stance

SANCTIONS_COLUMNS = ["key", "id", "ids", "event_key", "issue", "actor", "group", "actor_detail", "position", "stance_label",
                     "start", "end", "days", "precision", "date_label", "source_id", "sources", "n_rows"]


def sanctions_frame(sanctions: pd.DataFrame, filters: Filters = Filters()) -> pd.DataFrame:
    """The dated positions, one per act (rows sharing ``event_key`` count once, listing every row and seed)."""
    rows = apply(sanctions, filters)
    rows = rows[interval_bounds(rows)[0].notna()]
    if rows.empty:
        return pd.DataFrame(columns=SANCTIONS_COLUMNS)
    acts = one_per_act(_with_periods(rows))
    acts["id"] = acts["key"]  # the selection's field: the row the mark stands for
    acts["group"] = acts["actor"].map(actor_group)
    acts["stance_label"] = ["context (unscored)" if c else STANCE_TEXT.get(int(s), "")
                            for c, s in zip(is_context(acts), acts["stance"])]
    acts["position"] = acts["position"].map(lambda t: _cut(t, 160))
    return acts[SANCTIONS_COLUMNS].reset_index(drop=True)


def sanctions_chart(sanctions: pd.DataFrame, filters: Filters = Filters()) -> alt.TopLevelMixin:
    """Stated positions by issue over time, coloured by actor; click a mark for its quote (selection ``row``)."""
    rows = sanctions_frame(sanctions, filters)
    if rows.empty:
        return empty_chart("No dated positions match the filters")
    domain = _range(filters, rows)
    rows = _sub_rows(rows, "issue", domain)
    y, plot, background = _row_axis(rows, "issue")
    base = alt.Chart(rows).encode(y=y, color=_group_colour(present=rows["group"]))
    tooltip = [alt.Tooltip("date_label:N", title="Date"), alt.Tooltip("actor_detail:N", title="Who"), alt.Tooltip("position:N", title="Position"),
               alt.Tooltip("stance_label:N", title="Stance"), alt.Tooltip("sources:N", title="Seeds"), alt.Tooltip("ids:N", title="Rows")]
    pick = alt.selection_point(name="row", fields=["id"], on="click", clear="dblclick")
    return style(alt.layer(background, *_interval_layers(base, domain, tooltip, pick)), "Who said what on sanctions, recognition and UN votes",
                 "Filled point: dated to a day. Bar: dated only to an interval, from its first to its last possible day. "
                 "One mark per act, however many seeds tell it.", height=plot + 300)


def sanctions_summary(sanctions: pd.DataFrame, filters: Filters = Filters()) -> str:
    rows = apply(sanctions, filters, keep_undated=True)
    if rows.empty:
        return "No positions match the filters."
    acts = one_per_act(_with_periods(rows))
    dated = int(acts["start"].notna().sum())
    issues = ", ".join(f"{n} on {issue}" for issue, n in acts["issue"].value_counts().items())
    merged = f"{len(rows)} rows; rows telling the same act count once" if len(rows) != len(acts) else f"{len(rows)} rows"
    return (f"{len(acts)} stated positions ({issues}; {merged}); {dated} dated and drawn, "
            f"{len(acts) - dated} undated in the table only.")


# --------------------------------------------------------------------------
# public sentiment


def sentiment_frame(sentiment: pd.DataFrame, filters: Filters = Filters()) -> pd.DataFrame:
    rows = apply(sentiment, filters)
    rows = rows[interval_bounds(rows)[0].notna()]
    columns = ["id", "indicator", "leaning", "figure", "summary", "start", "end", "days", "precision", "date_label", "source_id"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    rows = _with_periods(rows)
    rows["figure"] = [figure_text(r) for r in rows.to_dict("records")]
    return rows[columns].sort_values(["start", "id"], kind="stable").reset_index(drop=True)


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
    domain = _range(filters, rows)
    rows = _sub_rows(rows, "indicator", domain)
    y, plot, background = _row_axis(rows, "indicator")
    base = alt.Chart(rows).encode(y=y, color=_colours(rows["leaning"], LEANING_COLOURS, "Leaning"))
    tooltip = [alt.Tooltip("date_label:N", title="Date"), alt.Tooltip("summary:N", title="What"), alt.Tooltip("figure:N", title="Figure"),
               alt.Tooltip("leaning:N"), alt.Tooltip("source_id:N", title="Seed"), alt.Tooltip("id:N", title="Row")]
    return style(alt.layer(background, *_interval_layers(base, domain, tooltip)), "Signs of public mood over time",
                 "Dated signs only; undated ones are in the table below. Filled point: a day. Bar: an interval, first to last possible day.",
                 height=plot + 260)


def sentiment_summary(sentiment: pd.DataFrame, filters: Filters = Filters()) -> str:
    rows = apply(sentiment, filters, keep_undated=True)
    if rows.empty:
        return "No signs match the filters."
    dated = int(interval_bounds(rows)[0].notna().sum())
    leaning = ", ".join(f"{n} {k}" for k, n in rows["leaning"].value_counts().items())
    return f"{len(rows)} signs of public mood ({leaning}); {dated} dated and drawn, {len(rows) - dated} undated in the table only."
