"""The rolling stance index: a trailing mean stance per actor, each act counted once, spread over its interval.

One job: the index of the codebook and its wording (:class:`IndexMarks`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.filters import ONE_DAY, Filters
from dashboard.marks.dates import Span
from dashboard.marks.events import ALL, acts
from dashboard.marks.memo import remembered as _remembered
from dashboard.marks.wording import signed
from dashboard.palette import ACTOR_GROUP, actor_group


#: trailing window of the stance index, in days
INDEX_WINDOW_DAYS = 90
#: actors with fewer events in the index than this get no index line
INDEX_MIN_EVENTS = 3
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
