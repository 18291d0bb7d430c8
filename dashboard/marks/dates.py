"""Dates of the marks: a row's inclusive interval [date_from, date_to], its precision and label, and x ranges.

One job: how a date is read and written. An interval is two days, first and
last, inclusive; ``with_periods`` adds the exclusive end the charts draw to;
``date_label`` words an interval as precisely as it is known.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from dashboard.filters import ONE_DAY, Filters, interval_bounds

Span = tuple[pd.Timestamp, pd.Timestamp]




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


def date_labels(first: pd.Series, last: pd.Series | None = None) -> list[str]:
    """:func:`date_label` of each row's interval [first, last] (``last`` omitted: the one day ``first``), worked out on
    whole columns, not by a timestamp per value."""
    first = pd.to_datetime(pd.Series(first).reset_index(drop=True))
    last = first if last is None else pd.to_datetime(pd.Series(last).reset_index(drop=True))
    first, last = first.fillna(last), last.fillna(first)
    frame = pd.DataFrame({"start": first, "end": last + ONE_DAY})
    _label(frame)
    return frame["date_label"].tolist()


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
