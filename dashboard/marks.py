"""The marks layer: what each chart draws, computed once per table and filter, in pandas alone.

No Altair and no Streamlit here. The chart builders (``dashboard.charts``)
turn these frames into Vega-Lite specs and never filter again; the pages,
the headline figures (``dashboard.facts``), the map, the seeds page and the
briefing read the same marks, so a chart, its one-line summary and every
text about it count the same things.

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

Each chart has one entry point that returns everything it draws and its
summary: :func:`stance_marks`, :func:`index_marks`, :func:`sanctions_marks`,
:func:`sentiment_marks`, :func:`oil_timeline_marks`, :func:`defence_marks`
(the oil share and stakes bars are :func:`oil_share_frame` and
:func:`stakes_frame`). Results are remembered for the last few (unchanged)
table objects and filters, so a page that draws a chart, its summary and a
list of its marks computes them once; the frames they return are shared and
must be treated as read-only (the older per-frame functions such as
:func:`event_marks` return copies).
"""

from __future__ import annotations

import re
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, NamedTuple, TypeVar

import numpy as np
import pandas as pd

from dashboard.filters import ONE_DAY, Filters, apply, interval_bounds
from dashboard.palette import ACTOR_GROUP, TEXT_SIZE, actor_group

#: most marks the stance chart draws before it bins events by week, month, quarter or year
MAX_MARKS = 1500
#: most context markers the stance chart's grey strip draws before it bins them the same way (one counted bar per bin)
MAX_CONTEXT = 300
#: trailing window of the stance index, in days
INDEX_WINDOW_DAYS = 90
#: actors with fewer events in the index than this get no index line
INDEX_MIN_EVENTS = 3
#: quotes in tooltips are cut to this many characters (the full quote is one click away)
TOOLTIP_QUOTE = 220
#: the act of an unscored context marker (data/acts.csv)
CONTEXT_ACT = "context"
#: marks for "every act", unbinned (the index and the paragraph count acts one by one)
ALL = 10**9

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
#: bin resolution -> pandas period frequency, coarsest last
BINS = (("week", "W-SUN"), ("month", "M"), ("quarter", "Q"), ("year", "Y"))
#: bin resolution -> the length of one bin
BIN_LENGTH = {"week": pd.DateOffset(weeks=1), "month": pd.DateOffset(months=1),
              "quarter": pd.DateOffset(months=3), "year": pd.DateOffset(years=1)}

#: plot width (px) assumed when laying marks in sub-rows and placing labels: about a slide's, less than the page's,
#: so what does not collide here does not collide on a wider screen
PLOT_PX = 1000
#: horizontal room (px) a day-dated point takes, and the least gap (px) kept between marks in one sub-row
POINT_PX = 18
GAP_PX = 8

#: the turning-point label rows, in pixels from the top of the plot (so they keep their spacing at any chart height),
#: used top first; the bracket under an interval's label sits BRACKET_PX below it
LABEL_PX = (12, 34, 56)
BRACKET_PX = 11
#: the stance chart's vertical extent, in stance units: the scored levels −2..+2, the context strip under them and
#: room for the turning-point labels over them
Y_DOMAIN = (-3.05, 3.75)
#: the context strip under the scored levels: its first sub-row, the step between sub-rows, its depth, its axis label's position
CONTEXT_TOP, CONTEXT_STEP, CONTEXT_DEPTH = -2.5, 0.11, 0.5
CONTEXT_LABEL = -2.7
#: the largest and smallest vertical step (stance units) between sub-rows of one stance level; the sub-rows of a
#: level stay within ±SLOT_REACH of it
SLOT_STEP = (0.17, 0.05)
SLOT_REACH = 0.43
#: average width of a bold label character, in ems (a little wide, so estimates err on the safe side)
LABEL_EM = 0.62

Span = tuple[pd.Timestamp, pd.Timestamp]


# --------------------------------------------------------------------------
# remembering results per (table object, arguments)

_MEMO: OrderedDict[tuple, tuple[weakref.ref, Any]] = OrderedDict()
_MEMO_LOCK = threading.Lock()
#: results remembered (least recently used first out); a page's charts for a few filters
MEMO_SIZE = 48
T = TypeVar("T")


def _remembered(kind: str, table: pd.DataFrame, args: tuple, build: Callable[[], T]) -> T:
    """``build()``, remembered for this table object (while it lives and keeps its length) and these arguments."""
    key = (kind, id(table), len(table), *args)
    with _MEMO_LOCK:
        hit = _MEMO.get(key)
        if hit is not None and hit[0]() is table:
            _MEMO.move_to_end(key)
            return hit[1]
    value = build()
    with _MEMO_LOCK:
        _MEMO[key] = (weakref.ref(table), value)
        while len(_MEMO) > MEMO_SIZE:
            _MEMO.popitem(last=False)
    return value


def clear_cache() -> None:
    """Forget every remembered result (tests and benchmarks time a cold computation)."""
    with _MEMO_LOCK:
        _MEMO.clear()


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


def cut(text: Any, limit: int = TOOLTIP_QUOTE) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis ('' for a blank)."""
    if not isinstance(text, str):
        return ""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


#: between a quote and its English translation in a tooltip
TRANSLATION_MARK = " · English: "


def _given_text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def tooltip_quote(quote: Any, quote_en: Any, limit: int = TOOLTIP_QUOTE) -> str:
    """A tooltip's quote: the original, then its English translation where there is one, each cut to half."""
    original, english = _given_text(quote), _given_text(quote_en)
    if not english:
        return cut(original, limit) if original else ""
    half = (limit - len(TRANSLATION_MARK)) // 2
    return cut(original, half) + TRANSLATION_MARK + cut(english, half)


def with_translation(quote: Any, quote_en: Any = None, quote_en_by: Any = None) -> str:
    """A quote as the notes and cards give it: verbatim in its language, then the curator's English translation and
    who made it, where there is one: '“Токаев …” (English, translated by AB: “Tokayev …”)'."""
    original, english, by = _given_text(quote), _given_text(quote_en), _given_text(quote_en_by)
    if not english:
        return f"“{original}”"
    return f"“{original}” (English, translated by {by or 'the curator'}: “{english}”)"


def with_periods(frame: pd.DataFrame, labels: bool = True) -> pd.DataFrame:
    """Adds start, end (exclusive: the day after date_to), days and (unless ``labels`` is False) precision and
    date_label columns. Rows without a date get NaT."""
    out = frame.copy()
    out["start"], out["end"] = interval_bounds(out)
    out["days"] = (out["end"] - out["start"]) / ONE_DAY
    if labels:
        _label(out)
    return out


#: month number -> abbreviated and full name, as ``date_label`` writes them (strftime's, in this locale)
_MONTH_ABBR = {m: f"{pd.Timestamp(2000, m, 1):%b}" for m in range(1, 13)}
_MONTH_NAME = {m: f"{pd.Timestamp(2000, m, 1):%B}" for m in range(1, 13)}


def _label(frame: pd.DataFrame) -> None:
    """Sets precision and date_label from start/end, in place: :func:`date_precision` and :func:`date_label` of each
    row's interval, worked out on whole columns (the pages label every mark on every filter, up to 100,000 of them);
    an interval that is not a whole number of days, or ends before it starts, goes through those functions."""
    n = len(frame)
    start = pd.to_datetime(frame["start"])
    last = pd.to_datetime(frame["end"]) - ONE_DAY
    dated = (start.notna() & last.notna()).to_numpy(dtype=bool)
    plain = dated & (start == start.dt.normalize()).to_numpy(dtype=bool) & (last == last.dt.normalize()).to_numpy(dtype=bool)
    plain &= (last >= start).fillna(False).to_numpy(dtype=bool)
    fd, fm, fy = (start.dt.day.to_numpy(), start.dt.month.to_numpy(), start.dt.year.to_numpy())
    ld, lm, ly = (last.dt.day.to_numpy(), last.dt.month.to_numpy(), last.dt.year.to_numpy())
    with np.errstate(invalid="ignore"):
        whole_months = plain & (fd == 1) & ((last + ONE_DAY).dt.day == 1).to_numpy(dtype=bool)
        day = plain & (start == last).to_numpy(dtype=bool)
        month = whole_months & ~day & (fy == ly) & (fm == lm)
        year = plain & ~day & (fm == 1) & (fd == 1) & (lm == 12) & (ld == 31) & (fy == ly)
        span = plain & ~(day | month | year)
        cases = {  # case -> (rows, label of one row from its first and last day)
            "day": (day, lambda d1, m1, y1, d2, m2, y2: f"{d1} {_MONTH_ABBR[m1]} {y1}"),
            "month": (month, lambda d1, m1, y1, d2, m2, y2: f"{_MONTH_NAME[m1]} {y1}"),
            "year": (year, lambda d1, m1, y1, d2, m2, y2: f"{y1}"),
            "years": (span & whole_months & (fm == 1) & (lm == 12), lambda d1, m1, y1, d2, m2, y2: f"{y1}–{y2}"),
            "months": (span & whole_months & ~((fm == 1) & (lm == 12)) & (fy == ly),
                       lambda d1, m1, y1, d2, m2, y2: f"{_MONTH_ABBR[m1]}–{_MONTH_ABBR[m2]} {y1}"),
            "months across years": (span & whole_months & ~((fm == 1) & (lm == 12)) & (fy != ly),
                                    lambda d1, m1, y1, d2, m2, y2: f"{_MONTH_ABBR[m1]} {y1} – {_MONTH_ABBR[m2]} {y2}"),
            "days across years": (span & ~whole_months & (fy != ly),
                                  lambda d1, m1, y1, d2, m2, y2: f"{d1} {_MONTH_ABBR[m1]} {y1} – {d2} {_MONTH_ABBR[m2]} {y2}"),
            "days in a month": (span & ~whole_months & (fy == ly) & (fm == lm),
                                lambda d1, m1, y1, d2, m2, y2: f"{d1}–{d2} {_MONTH_ABBR[m1]} {y1}"),
            "days": (span & ~whole_months & (fy == ly) & (fm != lm),
                     lambda d1, m1, y1, d2, m2, y2: f"{d1} {_MONTH_ABBR[m1]} – {d2} {_MONTH_ABBR[m2]} {y1}"),
        }
    precision = np.full(n, "range", dtype=object)
    labels = np.empty(n, dtype=object)
    precision[~dated] = labels[~dated] = "undated"
    parts = [a.astype("int64", copy=False) if a.dtype.kind == "i" else np.nan_to_num(a).astype("int64") for a in (fd, fm, fy, ld, lm, ly)]
    for case, (rows, text) in cases.items():
        at = np.flatnonzero(rows)
        if case in ("day", "month", "year"):
            precision[at] = case
        labels[at] = [text(*values) for values in zip(*(p[at].tolist() for p in parts))]
    rest = np.flatnonzero(dated & ~plain)
    if len(rest):
        firsts, lasts = start.iloc[rest], last.iloc[rest]
        precision[rest] = [date_precision(a, b) for a, b in zip(firsts, lasts)]
        labels[rest] = [date_label(a, b) for a, b in zip(firsts, lasts)]
    frame["precision"] = precision
    frame["date_label"] = labels


def span(*frames: pd.DataFrame) -> Span | None:
    """From the earliest start to the latest end over the frames' rows."""
    starts = [f["start"].min() for f in frames if len(f)]
    ends = [f["end"].max() for f in frames if len(f)]
    return (min(starts), max(ends)) if starts else None


def x_range(filters: Filters, *frames: pd.DataFrame) -> Span | None:
    """The x range: the filter's dates where set, else the data's."""
    extent = span(*frames)
    if extent is None:
        return None
    lo = pd.Timestamp(filters.date_from) if filters.date_from else extent[0]
    hi = pd.Timestamp(filters.date_to) + ONE_DAY if filters.date_to else extent[1]
    return lo, hi


# --------------------------------------------------------------------------
# one act, one mark


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
    best ``credibility``. Rows must carry start/end (see :func:`with_periods`).
    The codebook rule event-key-agrees guarantees that the merged rows agree on
    act, stance and actor. Sorted by start, then key.

    Done with one sort and one take: the pages call it for every filter, and at
    100,000 rows.
    """
    columns = [*rows.columns, "key", "ids", "sources", "n_rows"]
    if rows.empty:
        return pd.DataFrame(columns=list(dict.fromkeys(columns)))
    ids = rows["id"].astype(str).to_numpy(dtype=object)
    if "event_key" in rows.columns:
        keyed = rows["event_key"]
        blank = (keyed.isna() | (keyed.astype(str) == "")).to_numpy(dtype=bool)
        act = np.where(blank, ids, keyed.astype(str).to_numpy(dtype=object))
    else:
        act = ids
    codes, _ = pd.factorize(act)
    counts = np.bincount(codes)
    # the row that dates and words each act: narrowest interval (undated last), then best credibility, then lowest id
    length = ((rows["end"] - rows["start"]) / ONE_DAY).fillna(np.inf).to_numpy(dtype=float) if "end" in rows.columns else np.zeros(len(rows))
    graded = "credibility" in rows.columns
    credibility = pd.to_numeric(rows["credibility"], errors="coerce").to_numpy(dtype=float, na_value=np.inf) if graded else None
    order = np.lexsort((ids, credibility, length) if graded else (ids, length))
    _, first = np.unique(codes[order], return_index=True)  # per act (by code), its first row in that order
    picked = order[first]
    out = rows.iloc[picked].copy()
    out["key"] = out["id"]
    sources = rows["source_id"].astype(str).to_numpy(dtype=object) if "source_id" in rows.columns else None
    joined_ids = ids[picked].copy()
    joined_sources = sources[picked].copy() if sources is not None else None
    told = counts[codes] > 1
    if told.any():  # acts told by several rows: every row id and seed, and the best credibility
        for values, target in ((ids, joined_ids), (sources, joined_sources)):
            if values is None:
                continue
            group, text = _join_groups(codes[told], values[told])
            target[group] = text
        if graded:
            best = pd.Series(credibility).groupby(codes, sort=True).min().to_numpy()
            several = np.flatnonzero((counts > 1) & np.isfinite(best))
            grades = out["credibility"].copy()
            grades.iloc[several] = best[several].astype("int64")
            out["credibility"] = grades
    out["ids"] = joined_ids
    out["sources"] = joined_sources if joined_sources is not None else ""
    out["n_rows"] = counts.astype("int64")
    sort = ["start", "key"] if "start" in out.columns else ["key"]
    return out.sort_values(sort, kind="stable", na_position="last").reset_index(drop=True)


def _join_groups(codes: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Per group code, its distinct values sorted and joined by ', ': (the codes, the texts)."""
    pairs = pd.DataFrame({"c": codes, "v": values}).drop_duplicates().sort_values(["c", "v"], kind="stable")
    c, v = pairs["c"].to_numpy(), pairs["v"].to_numpy(dtype=object)
    starts = np.flatnonzero(np.r_[True, c[1:] != c[:-1]])
    ends = np.r_[starts[1:], len(c)]
    return c[starts], [", ".join(v[a:b]) for a, b in zip(starts, ends)]


# --------------------------------------------------------------------------
# sub-rows: marks that would overlap as drawn are laid in sub-rows of their lane


def pack(starts: np.ndarray, ends: np.ndarray, gap: float) -> np.ndarray:
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


def extents(frame: pd.DataFrame, domain: Span | None) -> tuple[np.ndarray, np.ndarray, float]:
    """Each mark's horizontal extent as drawn (ns): a day-dated point takes POINT_PX, an interval its bar; and the gap."""
    per_px = ((domain[1] - domain[0]) if domain else pd.Timedelta(days=365)).value / PLOT_PX
    start = frame["start"].astype("datetime64[ns]").to_numpy().astype("int64").astype(float)
    end = frame["end"].astype("datetime64[ns]").to_numpy().astype("int64").astype(float)
    point = (frame["days"] <= 1).to_numpy(dtype=bool)
    half = POINT_PX / 2 * per_px
    lo = np.where(point, start - half, start)
    hi = np.where(point, start + half, np.maximum(end, start + POINT_PX * per_px / 2))
    return lo, hi, GAP_PX * per_px


def lanes(frame: pd.DataFrame, lane: str | pd.Series, domain: Span | None) -> pd.Series:
    """Sub-row of each mark within its lane, so no two marks of a lane overlap as drawn."""
    by = frame[lane] if isinstance(lane, str) else lane
    lo, hi, gap = extents(frame, domain)
    out = pd.Series(0, index=frame.index, dtype=int)
    for _, index in frame.groupby(by.to_numpy(), sort=False).indices.items():
        out.iloc[index] = pack(lo[index], hi[index], gap)
    return out


def centred(slot: pd.Series) -> pd.Series:
    """Sub-row number -> signed offset, alternating about the lane's centre: 0, +1, −1, +2, −2, ..."""
    return ((slot + 1) // 2) * np.where(slot % 2 == 1, 1, -1)


def _hit_boxes(frame: pd.DataFrame, domain: Span | None) -> None:
    """Sets hit_start/hit_end, each mark's extent as drawn (a click or hover anywhere on it finds it), in place."""
    lo, hi, _ = extents(frame, domain)
    frame["hit_start"] = pd.to_datetime(lo.astype("int64"))
    frame["hit_end"] = pd.to_datetime(hi.astype("int64"))


# --------------------------------------------------------------------------
# events: the scored acts, the context markers and the turning points

#: optional event columns and the value a table without them is read with
EVENT_DEFAULTS: dict[str, Any] = {
    "event_key": None, "act": None, "actor": "Other", "domain": "", "credibility": 6,
    "summary": "", "quote": "", "source_id": "",
}

MARK_COLUMNS = ["key", "ids", "event_key", "act", "actor", "group", "domain", "stance", "y", "credibility", "precision",
                "start", "end", "days", "date_label", "stance_label", "summary", "sources", "n_rows", "quote"]
CONTEXT_COLUMNS = ["key", "ids", "event_key", "start", "end", "days", "precision", "date_label", "summary", "sources", "n_rows", "label"]
TURN_COLUMNS = ["event_key", "label", "start", "end", "days", "precision", "date_label"]
#: the events columns the marks are made from (and the filters read): the rest of a row stays in the table
EVENT_FIELDS = ["id", "event_key", "date_from", "date_to", "act", "actor", "domain", "stance", "credibility", "summary", "quote", "source_id"]


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


def event_rows(events: pd.DataFrame, filters: Filters = Filters()) -> pd.DataFrame:
    """The events rows the filters keep (every column the charts use present)."""
    return apply(prepare_events(events), filters)


def _mark_rows(events: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The events rows the filters keep, only the columns marks are made from (every later step moves fewer columns)."""
    prepared = prepare_events(events)
    rows = apply(prepared[[c for c in EVENT_FIELDS if c in prepared.columns]], filters)
    if "quote_en" in prepared.columns and "quote" in rows.columns and not rows.empty:
        english = prepared["quote_en"].reindex(rows.index)
        given = english.notna().to_numpy(dtype=bool, copy=True)
        if given.any():  # a quote not in English: the original, then its translation (the tooltip's quote)
            given &= english.astype(str).str.strip().ne("").to_numpy(dtype=bool)
            rows = rows.copy()
            quotes = rows["quote"].to_numpy(dtype=object, copy=True)
            quotes[given] = [tooltip_quote(q, e) for q, e in zip(quotes[given], english.to_numpy(dtype=object)[given])]
            rows["quote"] = quotes
    return rows


class Acts(NamedTuple):
    """The scored acts as chart marks (shared: read-only)."""

    marks: pd.DataFrame
    #: 'event', or 'week'/'month'/'quarter'/'year' when binned
    resolution: str
    #: the dated scored rows behind the marks (several rows may tell one act)
    rows: int


def acts(events: pd.DataFrame, filters: Filters = Filters(), max_marks: int = MAX_MARKS) -> Acts:
    """The scored acts as marks, their resolution and the rows behind them (remembered; see :func:`event_marks`).

    Acts that fit ``max_marks`` are the very marks the index and the paragraph count (``acts(..., ALL)``); only more
    than that are binned.
    """
    merged, rows = _remembered("scored", events, (filters,), lambda: _scored(events, filters))
    if max_marks != ALL and len(merged) <= max_marks:
        return acts(events, filters, ALL)
    return _remembered("acts", events, (filters, max_marks), lambda: _finish(merged, rows, max_marks))


def event_marks(events: pd.DataFrame, filters: Filters = Filters(), max_marks: int = MAX_MARKS) -> tuple[pd.DataFrame, str]:
    """The scored acts as chart marks, and the resolution ('event', or 'week'/'month'/... when binned).

    One mark per act: rows that share ``event_key`` become one mark (see
    :func:`one_per_act`): its interval, stance and summary from the most
    precisely dated row (then the most credible), the best credibility of the
    rows, every seed and row id. Context markers are not marks. When there are
    more than ``max_marks`` marks they are binned per actor and domain by week
    (then month, quarter, year) of their start, with the mean stance, so the
    browser never gets raw rows.
    """
    found = acts(events, filters, max_marks)
    return found.marks.copy(), found.resolution


def _scored(events: pd.DataFrame, filters: Filters) -> tuple[pd.DataFrame, int]:
    """The dated, scored rows the filters keep, one per act (no labels yet), and how many rows they are."""
    rows = _mark_rows(events, filters)
    rows = rows[~is_context(rows)]
    rows = rows[interval_bounds(rows)[0].notna()]
    if rows.empty:
        return pd.DataFrame(columns=MARK_COLUMNS), 0
    marks = one_per_act(with_periods(rows, labels=False))
    marks["stance"] = marks["stance"].astype(float)
    return marks, len(rows)


def _finish(merged: pd.DataFrame, rows: int, max_marks: int) -> Acts:
    """The acts as marks: binned when more than ``max_marks``, labelled, coloured by group, quotes cut."""
    if merged.empty:
        return Acts(merged, "event", 0)
    marks, resolution = merged.copy(), "event"
    if len(marks) > max_marks:
        marks, resolution = _bin_marks(marks, max_marks)
    else:
        _label(marks)
    marks["group"] = marks["actor"].map(actor_group)
    marks["stance_label"] = _stance_labels(marks["stance"])
    quotes = marks["quote"]
    if pd.api.types.is_string_dtype(quotes):  # only blank and long quotes change (see cut)
        cut_quotes = quotes.to_numpy(dtype=object, na_value="")
        long = np.flatnonzero(quotes.str.len().fillna(0).to_numpy() > TOOLTIP_QUOTE)
        cut_quotes[long] = [cut(q) for q in cut_quotes[long]]
        marks["quote"] = cut_quotes
    else:
        marks["quote"] = quotes.map(cut)
    marks["credibility"] = marks["credibility"].astype(int)
    marks["y"] = marks["stance"]
    marks = marks.sort_values(["start", "actor", "key"], kind="stable").reset_index(drop=True)
    return Acts(marks[MARK_COLUMNS], resolution, rows)


def _stance_labels(stance: pd.Series) -> list[str]:
    """'−1 mild distance' for a scored act; 'mean +0.5' for a bin's mean."""
    whole = (stance == stance.round()).to_numpy(dtype=bool)
    named = stance.round().map(lambda s: STANCE_TEXT.get(int(s))).to_numpy(dtype=object) if whole.any() else None
    out = []
    for i, s in enumerate(stance.to_numpy(dtype=float)):
        if whole[i]:
            out.append(named[i] if named[i] is not None else signed(s))
        else:
            out.append(f"mean {signed(s)}")
    return out


def _bin_marks(marks: pd.DataFrame, max_marks: int) -> tuple[pd.DataFrame, str]:
    for name, freq in BINS:
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
        out["end"] = out["start"] + BIN_LENGTH[name]
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


def bin_context(context: pd.DataFrame, max_marks: int = MAX_CONTEXT) -> tuple[pd.DataFrame, str]:
    """The context markers as drawn: one by one ('event') up to ``max_marks``, else counted per week, month, quarter
    or year (the finest that gives at most ``max_marks`` bins), each bin a grey bar keyed ``ctx:<resolution>:<start>``."""
    if len(context) <= max_marks:
        return context, "event"
    for name, freq in BINS:
        start = context["start"].dt.to_period(freq).dt.start_time
        if start.nunique() > max_marks and name != "year":
            continue
        seeds = context.assign(start=start, source_id=context["sources"].str.split(", ")).explode("source_id")
        out = (context.assign(start=start).groupby("start", sort=True)
               .agg(n_rows=("n_rows", "sum"), n_markers=("key", "size")).reset_index())
        out = out.merge(_joined(seeds, ["start"], "source_id").rename("sources").reset_index(), on="start", how="left")
        out["end"] = out["start"] + BIN_LENGTH[name]
        out["days"] = (out["end"] - out["start"]) / ONE_DAY
        out["key"] = [f"ctx:{name}:{s:%Y-%m-%d}" for s in out["start"]]
        out["ids"] = ""
        out["event_key"] = ""
        out["precision"] = name
        out["date_label"] = [f"{name} of {s.day} {s:%b %Y}" for s in out["start"]]
        out["summary"] = [f"{n} context marker{'' if n == 1 else 's'}" for n in out["n_markers"]]
        out["label"] = ""
        return out[CONTEXT_COLUMNS], name
    raise AssertionError("unreachable")


def context_marks(events: pd.DataFrame, filters: Filters = Filters()) -> pd.DataFrame:
    """Unscored context markers (act ``context`` or blank stance), one per event_key, with the turning-point label
    where there is one."""
    return _context(events, filters).copy()


def _context(events: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    def build() -> pd.DataFrame:
        rows = _mark_rows(events, filters)
        rows = rows[is_context(rows) & interval_bounds(rows)[0].notna()]
        if rows.empty:
            return pd.DataFrame(columns=CONTEXT_COLUMNS)
        out = one_per_act(with_periods(rows))
        out["label"] = out["event_key"].map(TURNING_POINTS).fillna("")
        return out[CONTEXT_COLUMNS]

    return _remembered("context", events, (filters,), build)


def turning_points(events: pd.DataFrame, filters: Filters = Filters()) -> pd.DataFrame:
    """The turning points (``TURNING_POINTS``) present in the filtered events: label, interval and its label, by date."""
    return _turns(events, filters).copy()


def _turns(events: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    def build() -> pd.DataFrame:
        rows = _mark_rows(events, filters)
        rows = rows[rows["event_key"].isin(list(TURNING_POINTS)) & interval_bounds(rows)[0].notna()]
        if rows.empty:
            return pd.DataFrame(columns=TURN_COLUMNS)
        out = one_per_act(with_periods(rows))
        out["label"] = out["event_key"].map(TURNING_POINTS)
        return out.sort_values(["start", "event_key"], kind="stable").reset_index(drop=True)[TURN_COLUMNS]

    return _remembered("turns", events, (filters,), build)


def label_rows(turns: pd.DataFrame, domain: Span) -> pd.DataFrame:
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


def mark_for_row(marks: pd.DataFrame, row_id: str | None) -> str | None:
    """The key of the mark that stands for row ``row_id`` (rows of one act share a mark)."""
    if not row_id or marks.empty:
        return None
    hit = marks[marks["ids"].str.split(", ").map(lambda ids: row_id in ids)]
    return str(hit["key"].iloc[0]) if len(hit) else None


def context_strip(context: pd.DataFrame, domain: Span | None) -> pd.DataFrame:
    """Context markers packed into sub-rows of the strip under the scored levels (``y``), so none hides another."""
    out = context.copy()
    slot = lanes(out, pd.Series(0, index=out.index), domain)
    step = min(CONTEXT_STEP, CONTEXT_DEPTH / max(1, int(slot.max())))
    out["y"] = CONTEXT_TOP - slot * step
    return out


def lay_out_marks(marks: pd.DataFrame, domain: Span | None) -> tuple[pd.DataFrame, float]:
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
    out["slot"] = 0 if binned else lanes(out, level, domain)
    offsets = centred(out["slot"])
    reach = max(1, int(np.abs(offsets).max()))
    step = float(min(SLOT_STEP[0], max(SLOT_STEP[1], SLOT_REACH / reach)))
    out["y"] = out["stance"] + offsets * step
    out["y_lo"] = out["y"] - step / 2
    out["y_hi"] = out["y"] + step / 2
    _hit_boxes(out, domain)
    return out, step


@dataclass(frozen=True, eq=False)
class StanceMarks:
    """Everything the stance chart draws for one table and filter, laid out (shared: read-only)."""

    filters: Filters
    #: the scored acts (or bins), laid out: ``slot``, ``y``, ``y_lo``/``y_hi`` and hit boxes added
    marks: pd.DataFrame
    resolution: str
    #: the vertical step between sub-rows of a stance level, in stance units
    step: float
    #: the context markers, each with its ``y`` in the strip under the levels
    context: pd.DataFrame
    #: the turning points with their label rows (empty when there is no x range)
    turns: pd.DataFrame
    #: dated, scored rows behind the marks
    scored_rows: int
    domain: Span | None
    #: context markers behind the strip (one per act), and the strip's resolution ('event', or the bin's)
    context_count: int = 0
    context_resolution: str = "event"

    @property
    def empty(self) -> bool:
        return self.marks.empty and self.context.empty

    @property
    def binned(self) -> bool:
        return self.resolution != "event"

    @property
    def summary(self) -> str:
        """One line: what the stance chart shows, counted from its marks (one per act)."""
        marks, context = self.marks, self.context
        if self.empty:
            return "No events match the filters."
        when = f"{date_label(self.domain[0])} to {date_label(self.domain[1] - ONE_DAY)}" if self.domain else ""
        markers = f"{self.context_count} unscored context marker{'' if self.context_count == 1 else 's'}"
        if self.context_resolution != "event":
            markers += f" (counted per {self.context_resolution} in {len(context)} grey bars)"
        if not self.binned:
            up, down = int((marks["stance"] > 0).sum()), int((marks["stance"] < 0).sum())
            flat = len(marks) - up - down
            spans = int((marks["days"] > 1).sum())
            return (
                f"{len(marks)} scored events ({self.scored_rows} rows; an act told by several seeds is one mark) from {when}: "
                f"{up} towards alignment with Moscow, {down} towards distance, {flat} neutral; "
                f"{spans} dated only to an interval {'is' if spans == 1 else 'are'} drawn across it; {markers}."
            )
        return (
            f"{self.scored_rows} scored rows from {when}, too many to draw one by one: binned by {self.resolution} into "
            f"{len(marks)} marks (mean stance per actor, domain and {self.resolution}); {markers}."
        )

    def key_of(self, selected: str | None) -> str | None:
        """The key of the mark for ``selected`` (any row id of an act, or a mark's own key), None when not drawn."""
        return mark_for_row(self.marks, selected) or (selected if selected in set(self.marks["key"]) else None)


def stance_marks(events: pd.DataFrame, filters: Filters = Filters(), max_marks: int = MAX_MARKS) -> StanceMarks:
    """The stance chart's marks for these events and filters: scored acts in sub-rows of their level, context markers
    in their strip (binned past ``MAX_CONTEXT``), turning points with non-overlapping label rows, the x range."""
    def build() -> StanceMarks:
        found = acts(events, filters, max_marks)
        context, turns = _context(events, filters), _turns(events, filters)
        domain = x_range(filters, found.marks, context)
        laid, step = lay_out_marks(found.marks, domain)
        drawn, resolution = bin_context(context, MAX_CONTEXT)
        strip = context_strip(drawn, domain) if len(drawn) else drawn.assign(y=pd.Series(dtype=float))
        labelled = label_rows(turns, domain) if len(turns) and domain is not None else turns.iloc[0:0]
        return StanceMarks(filters, laid, found.resolution, step, strip, labelled, found.rows, domain,
                           len(context), resolution)

    return _remembered("stance", events, (filters, max_marks), build)


# --------------------------------------------------------------------------
# the rolling stance index

#: the index's rule in one sentence, for its subtitle
INDEX_RULE = "Each act counted once, its weight spread evenly over the days of its interval (a day-dated act weighs 1 on its day)"
INDEX_COLUMNS = ["actor", "group", "date", "mean", "n", "weight", "segment", "dash"]


def index_events(
    events: pd.DataFrame, filters: Filters = Filters(), window_days: int = INDEX_WINDOW_DAYS
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The acts (one per event_key) the index uses, and those it leaves out: dated to an interval longer than the window."""
    marks = acts(events, filters, ALL).marks
    fits = (marks["days"] <= window_days).to_numpy(dtype=bool)
    return marks[fits].copy(), marks[~fits].copy()


def index_left_out(events: pd.DataFrame, filters: Filters = Filters(), window_days: int = INDEX_WINDOW_DAYS) -> int:
    """How many acts are not in the index because their interval is longer than the window."""
    return len(index_marks(events, filters, window_days).left_out)


def left_out_text(count: int, window_days: int = INDEX_WINDOW_DAYS) -> str:
    """'N events dated to intervals longer than 90 days are not in the index' (or the singular)."""
    if count == 1:
        return f"1 event dated to an interval longer than {window_days} days is not in the index"
    return f"{count} events dated to intervals longer than {window_days} days are not in the index"


@dataclass(frozen=True, eq=False)
class IndexMarks:
    """The stance index for one table and filter: its change points, the acts it uses and leaves out (read-only)."""

    filters: Filters
    window_days: int
    min_events: int
    #: change points per actor (see :func:`stance_index`)
    frame: pd.DataFrame
    used: pd.DataFrame
    left_out: pd.DataFrame

    @property
    def domain(self) -> Span | None:
        if self.frame.empty:
            return None
        lo = pd.Timestamp(self.filters.date_from) if self.filters.date_from else self.frame["date"].min()
        hi = pd.Timestamp(self.filters.date_to) + ONE_DAY if self.filters.date_to else self.frame["date"].max() + ONE_DAY
        return lo, hi

    @property
    def left_out_text(self) -> str:
        return left_out_text(len(self.left_out), self.window_days)

    @property
    def summary(self) -> str:
        left_out = self.left_out_text
        if self.frame.empty:
            return (f"No actor has {INDEX_MIN_EVENTS} or more scored events in the index for this range, so there is no index line; "
                    f"{left_out}.")
        parts = []
        for actor, rows in self.frame.groupby("actor", sort=False):
            parts.append(
                f"{actor} {signed(rows['mean'].iloc[0])} in {rows['date'].iloc[0]:%b %Y} to {signed(rows['mean'].iloc[-1])} "
                f"in {rows['date'].iloc[-1]:%b %Y} (low {signed(rows['mean'].min())}, high {signed(rows['mean'].max())})"
            )
        return (f"{self.window_days}-day trailing mean stance, each act counted once and spread over the days of its interval: "
                + "; ".join(parts) + f". {left_out[:1].upper() + left_out[1:]}.")


def index_marks(events: pd.DataFrame, filters: Filters = Filters(), window_days: int = INDEX_WINDOW_DAYS,
                min_events: int = INDEX_MIN_EVENTS) -> IndexMarks:
    """The stance index chart's marks (remembered per table and filter)."""
    def build() -> IndexMarks:
        marks = acts(events, filters, ALL).marks
        fits = (marks["days"] <= window_days).to_numpy(dtype=bool)
        used, left_out = marks[fits], marks[~fits]
        frame = _index_frame(used, left_out, filters, window_days, min_events)
        return IndexMarks(filters, window_days, min_events, frame, used, left_out)

    return _remembered("index", events, (filters, window_days, min_events), build)


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
    return index_marks(events, filters, window_days, min_events).frame.copy()


def _index_frame(marks: pd.DataFrame, left_out: pd.DataFrame, filters: Filters, window_days: int, min_events: int) -> pd.DataFrame:
    if marks.empty:
        return pd.DataFrame(columns=INDEX_COLUMNS)
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
        return pd.DataFrame(columns=INDEX_COLUMNS)
    result = pd.concat(out, ignore_index=True)
    result["segment"] = result["actor"] + "#" + result["segment"].astype(str)
    # actors that share a colour group are told apart by dash pattern
    result["dash"] = result.groupby("group")["actor"].transform(lambda s: s.map({a: i for i, a in enumerate(dict.fromkeys(s))}))
    return result[INDEX_COLUMNS]


# --------------------------------------------------------------------------
# timelines in lanes (sanctions, sentiment, oil routes): one mark per row or act, sub-rows within each lane


@dataclass(frozen=True, eq=False)
class LaneMarks:
    """A timeline in lanes: each mark in a sub-row of its lane so none hides another (shared: read-only).

    ``kind`` names the chart ('sanctions', 'sentiment', 'oil'); ``lane`` is the
    column the lanes come from. ``rows`` carry ``slot`` (sub-row within the
    lane), ``row`` (the y category, 'lane#slot'), ``label_row`` (the sub-row
    that names its lane) and hit boxes. ``order`` is the y categories, lanes
    in order of first appearance; ``shade`` marks every other lane (0/1 per
    category); ``named`` the categories that carry their lane's name.
    """

    kind: str
    lane: str
    rows: pd.DataFrame
    domain: Span | None
    order: tuple[str, ...]
    shade: tuple[int, ...]
    named: tuple[str, ...]
    summary: str

    @property
    def empty(self) -> bool:
        return self.rows.empty


def sub_rows(rows: pd.DataFrame, lane: str, domain: Span | None) -> pd.DataFrame:
    """Adds ``slot`` (sub-row within the lane, so no mark hides another), ``row`` (the y category: lane and sub-row),
    ``label_row`` (the lane's middle sub-row, which names it) and hit boxes."""
    out = rows.copy()
    out["slot"] = lanes(out, lane, domain)
    middle = out.groupby(lane)["slot"].transform("max") // 2
    out["row"] = out[lane].astype(str) + "#" + out["slot"].astype(str)
    out["label_row"] = out["slot"] == middle
    _hit_boxes(out, domain)
    return out


def lane_marks(kind: str, frame: pd.DataFrame, lane: str, domain: Span | None, summary: str) -> LaneMarks:
    """The frame's marks laid in sub-rows of their lanes, with the y categories that draw them."""
    if frame.empty:
        return LaneMarks(kind, lane, frame, domain, (), (), (), summary)
    rows = sub_rows(frame, lane, domain)
    names = rows[lane].astype(str)
    slots = rows.groupby(names, sort=False)["slot"].max() + 1
    order, shade = [], []
    for number, (name, count) in enumerate(slots.items()):
        order += [f"{name}#{s}" for s in range(int(count))]
        shade += [number % 2] * int(count)
    named = tuple(sorted(set(rows.loc[rows["label_row"], "row"])))
    return LaneMarks(kind, lane, rows, domain, tuple(order), tuple(shade), named, summary)


SANCTIONS_COLUMNS = ["key", "id", "ids", "event_key", "issue", "actor", "group", "actor_detail", "position", "stance_label",
                     "start", "end", "days", "precision", "date_label", "source_id", "sources", "n_rows"]


def sanctions_frame(sanctions: pd.DataFrame, filters: Filters = Filters()) -> pd.DataFrame:
    """The dated positions, one per act (rows sharing ``event_key`` count once, listing every row and seed)."""
    return _sanctions_acts(sanctions, filters).copy()


def _sanctions_acts(sanctions: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    def build() -> pd.DataFrame:
        rows = apply(sanctions, filters)
        rows = rows[interval_bounds(rows)[0].notna()]
        if rows.empty:
            return pd.DataFrame(columns=SANCTIONS_COLUMNS)
        acts = one_per_act(with_periods(rows))
        acts["id"] = acts["key"]  # the selection's field: the row the mark stands for
        acts["group"] = acts["actor"].map(actor_group)
        acts["stance_label"] = ["context (unscored)" if c else STANCE_TEXT.get(int(s), "")
                                for c, s in zip(is_context(acts), acts["stance"])]
        acts["position"] = acts["position"].map(lambda t: cut(t, 160))
        return acts[SANCTIONS_COLUMNS].reset_index(drop=True)

    return _remembered("sanctions", sanctions, (filters,), build)


def sanctions_summary(sanctions: pd.DataFrame, filters: Filters = Filters()) -> str:
    """One line: the stated positions the filters keep, dated (drawn) and undated (in the table only)."""
    rows = apply(sanctions, filters, keep_undated=True)
    if rows.empty:
        return "No positions match the filters."
    acts = one_per_act(with_periods(rows, labels=False))
    dated = int(acts["start"].notna().sum())
    issues = ", ".join(f"{n} on {issue}" for issue, n in acts["issue"].value_counts().items())
    merged = f"{len(rows)} rows; rows telling the same act count once" if len(rows) != len(acts) else f"{len(rows)} rows"
    return (f"{len(acts)} stated positions ({issues}; {merged}); {dated} dated and drawn, "
            f"{len(acts) - dated} undated in the table only.")


def sanctions_marks(sanctions: pd.DataFrame, filters: Filters = Filters()) -> LaneMarks:
    """The sanctions chart's marks: dated positions, one per act, in sub-rows of their issue; its summary counts the
    undated ones the table lists too."""
    def build() -> LaneMarks:
        frame = _sanctions_acts(sanctions, filters)
        return lane_marks("sanctions", frame, "issue", x_range(filters, frame), sanctions_summary(sanctions, filters))

    return _remembered("sanctions_marks", sanctions, (filters,), build)


SENTIMENT_COLUMNS = ["id", "indicator", "leaning", "figure", "summary", "start", "end", "days", "precision", "date_label", "source_id"]


def figure_text(row: dict[str, Any]) -> str:
    """A figure with its unit, as a range when there is an upper bound, else the seed's wording."""
    value, high, unit = row.get("value"), row.get("value_high"), row.get("unit")
    if value is None or pd.isna(value):
        return str(row.get("as_stated") or "")
    number = f"{value:,.4g}" + (f"–{high:,.4g}" if high is not None and not pd.isna(high) else "")
    return f"{number} {unit}" if isinstance(unit, str) else number


def sentiment_frame(sentiment: pd.DataFrame, filters: Filters = Filters()) -> pd.DataFrame:
    """The dated signs of public mood, one mark each, by start."""
    return _sentiment(sentiment, filters).copy()


def _sentiment(sentiment: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    def build() -> pd.DataFrame:
        rows = apply(sentiment, filters)
        rows = rows[interval_bounds(rows)[0].notna()]
        if rows.empty:
            return pd.DataFrame(columns=SENTIMENT_COLUMNS)
        rows = with_periods(rows)
        rows["figure"] = [figure_text(r) for r in rows.to_dict("records")]
        return rows[SENTIMENT_COLUMNS].sort_values(["start", "id"], kind="stable").reset_index(drop=True)

    return _remembered("sentiment", sentiment, (filters,), build)


def sentiment_summary(sentiment: pd.DataFrame, filters: Filters = Filters()) -> str:
    """One line: the signs the filters keep, by leaning, dated (drawn) and undated (in the table only)."""
    rows = apply(sentiment, filters, keep_undated=True)
    if rows.empty:
        return "No signs match the filters."
    dated = int(interval_bounds(rows)[0].notna().sum())
    leaning = ", ".join(f"{n} {k}" for k, n in rows["leaning"].value_counts().items())
    return f"{len(rows)} signs of public mood ({leaning}); {dated} dated and drawn, {len(rows) - dated} undated in the table only."


def sentiment_marks(sentiment: pd.DataFrame, filters: Filters = Filters()) -> LaneMarks:
    """The sentiment chart's marks: dated signs in sub-rows of their indicator."""
    def build() -> LaneMarks:
        frame = _sentiment(sentiment, filters)
        return lane_marks("sentiment", frame, "indicator", x_range(filters, frame), sentiment_summary(sentiment, filters))

    return _remembered("sentiment_marks", sentiment, (filters,), build)


# --------------------------------------------------------------------------
# oil routes

OIL_TIMELINE_COLUMNS = ["id", "route", "kind", "lane", "start", "end", "days", "precision", "date_label", "as_stated", "source_id", "asset"]
OIL_TIMELINE_KINDS = ("disruption", "alternative route", "dependence")


def oil_timeline_frame(oil: pd.DataFrame) -> pd.DataFrame:
    """Dated disruptions, dependence and alternative routes, one bar each across the interval the seed dates it to."""
    return _oil_timeline(oil).copy()


def _oil_timeline(oil: pd.DataFrame) -> pd.DataFrame:
    def build() -> pd.DataFrame:
        rows = oil[interval_bounds(oil)[0].notna() & oil["kind"].isin(list(OIL_TIMELINE_KINDS))]
        if rows.empty:
            return pd.DataFrame(columns=OIL_TIMELINE_COLUMNS)
        rows = with_periods(rows)
        rows["lane"] = rows["route"] + ": " + rows["kind"]
        return rows[OIL_TIMELINE_COLUMNS].sort_values(["start", "id"], kind="stable").reset_index(drop=True)

    return _remembered("oil_timeline", oil, (), build)


def oil_timeline_summary(oil: pd.DataFrame) -> str:
    rows = _oil_timeline(oil)
    if rows.empty:
        return "No dated route events."
    parts = dict.fromkeys(f"{r.date_label}: {r.kind} ({r.route}, {r.source_id})" for r in rows.sort_values("start").itertuples())
    return "; ".join(parts) + "."


def oil_timeline_marks(oil: pd.DataFrame) -> LaneMarks:
    """The route timeline's marks: dated disruptions, dependence and alternatives in sub-rows of route and kind."""
    def build() -> LaneMarks:
        frame = _oil_timeline(oil)
        return lane_marks("oil", frame, "lane", span(frame), oil_timeline_summary(oil))

    return _remembered("oil_marks", oil, (), build)


def oil_share_frame(oil: pd.DataFrame) -> pd.DataFrame:
    """The export shares, one bar per route and seed (conflicting figures side by side), labelled as the seed words them."""
    rows = oil[(oil["kind"] == "export share") & oil["value"].notna()].copy()
    rows["bar"] = rows["route"] + " — " + rows["source_id"]
    rows["label"] = [("about " if "about" in str(a).lower() else "") + f"{v:g}%" for a, v in zip(rows["as_stated"], rows["value"])]
    return rows


def oil_share_summary(oil: pd.DataFrame) -> str:
    rows = oil[(oil["kind"] == "export share") & oil["value"].notna()]
    if rows.empty:
        return "No export shares."
    parts = [f"{r.source_id}: {r.as_stated} ({r.value:g}%) via {r.route}" for r in rows.itertuples()]
    return "Export share: " + "; ".join(parts) + ". Both figures are kept; the seeds disagree."


def stakes_frame(oil: pd.DataFrame) -> pd.DataFrame:
    """The named stakes in percent, one bar each: asset (company)."""
    rows = oil[(oil["kind"] == "stake") & (oil["unit"] == "percent") & oil["value"].notna()].copy()
    rows["bar"] = rows["asset"] + " (" + rows["company"] + ")"
    return rows


def stakes_summary(oil: pd.DataFrame) -> str:
    rows = oil[oil["kind"] == "stake"]
    if rows.empty:
        return "No named stakes."
    parts = [f"{r.as_stated}" + (f" ({r.company})" if isinstance(r.company, str) else "") for r in rows.itertuples()]
    return "Stakes named: " + "; ".join(parts) + "."


# --------------------------------------------------------------------------
# defence budget

#: the defense_budget.scope value of an addition that also went to other security agencies
SECURITY_AND_DEFENCE = "security and defence"
DEFENCE_COLUMNS = ["currency", "part", "amount", "basis", "as_stated", "id"]
CURRENCIES = ("US dollars (billion)", "tenge (billion)")
PARTS = ("previous budget", "additional allocation")


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
    return _defence_label(defence_scope(budget))


def _defence_label(scope: dict[str, Any]) -> str:
    year = f", {scope['year']}" if scope["year"] else ""
    if scope["security_wide"]:
        return f"Security and defence addition{year} (as {scope['reporter'] or 'the seed'} reports it: defence)"
    return f"Defence budget increase{year}"


def _year(row: pd.Series) -> int | None:
    year = row.get("budget_year")
    return None if year is None or pd.isna(year) else int(year)


def defence_frame(budget: pd.DataFrame) -> pd.DataFrame:
    """Bars for the defence chart: the previous budget and the addition, in USD and in tenge; derived values marked.

    The previous budget is converted to tenge only at a rate of its own year:
    the rate the source's own pair of figures implies is the addition's year's,
    so a budget of another (or an unknown) year stays in dollars only.
    """
    return _defence_frame(defence_figures(budget))


def _defence_frame(f: dict[str, Any]) -> pd.DataFrame:
    rows = []
    rate = f["rate"]
    previous, add_usd, add_kzt = f["previous_usd"], f["add_usd"], f["add_kzt"]
    if previous is not None:
        rows.append((CURRENCIES[0], "previous budget", previous["amount"], "stated", previous["as_stated"], previous["id"]))
        same_year = add_usd is not None and _year(previous) is not None and _year(previous) == _year(add_usd)
        if rate and same_year:
            rows.append((CURRENCIES[1], "previous budget", previous["amount"] * rate, "derived",
                         f"{previous['amount']:g} bn $ × {rate:.1f} ₸/$", previous["id"]))
    if add_usd is not None:
        rows.append((CURRENCIES[0], "additional allocation", add_usd["amount"] / 1e3, "stated", add_usd["as_stated"], add_usd["id"]))
    if add_kzt is not None:
        rows.append((CURRENCIES[1], "additional allocation", add_kzt["amount"], "stated", add_kzt["as_stated"], add_kzt["id"]))
    frame = pd.DataFrame(rows, columns=DEFENCE_COLUMNS)
    frame["label"] = [
        (f"₸{a:,.0f}bn" if c.startswith("tenge") else f"${a:,.3g}bn") + f" ({b})"
        for a, c, b in zip(frame["amount"], frame["currency"], frame["basis"])
    ]
    return frame


def defence_summary(budget: pd.DataFrame) -> str:
    return _defence_summary(defence_figures(budget), defence_scope(budget))


def _defence_summary(f: dict[str, Any], scope: dict[str, Any]) -> str:
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


@dataclass(frozen=True, eq=False)
class DefenceMarks:
    """The defence chart's bars and what the rows say about them (read-only)."""

    figures: dict[str, Any]
    scope: dict[str, Any]
    #: one bar per currency and part: amount, basis ('stated' or 'derived'), label
    frame: pd.DataFrame
    label: str
    summary: str

    @property
    def empty(self) -> bool:
        return self.frame.empty

    @property
    def derived(self) -> bool:
        return bool((self.frame["basis"] == "derived").any())


def defence_marks(budget: pd.DataFrame) -> DefenceMarks:
    """The defence chart's marks, its headline label and its summary, from one reading of the rows."""
    figures, scope = defence_figures(budget), defence_scope(budget)
    return DefenceMarks(figures, scope, _defence_frame(figures), _defence_label(scope), _defence_summary(figures, scope))
