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
from dashboard.marks.readings import EXTREME, INDEX_LINE, MOOD_TALLY, min_acts as _min_acts
from dashboard.marks.wording import signed
from dashboard.palette import ACTOR_GROUP, actor_group


#: trailing window of the stance index, in days
INDEX_WINDOW_DAYS = 90
#: the index line's declared rule (data/readings.csv): a line is drawn only on days when the actor has at least this
#: many acts in the window; the value is read from the table (this is the shipped one, for callers without it)
INDEX_MIN_EVENTS = _min_acts(INDEX_LINE)
#: actors that get no index line whatever their count (readings: mood_tally): the Kazakh public's scored acts are
#: activists' acts, not opinion; the poll figures stand for it instead
NO_INDEX_LINE = {"Kazakhstan public": MOOD_TALLY}
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
    #: acts a window needs for a 'highest' reading (readings: extreme)
    extreme_min: int = 10**9

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
    def no_line(self) -> list[tuple[str, int, str]]:
        """(actor, acts in the index, rule) for each actor with acts in the index but no line: too few acts in any
        window (rule index_line) or none drawn by rule (:data:`NO_INDEX_LINE`)."""
        drawn = set(self.frame["actor"]) if len(self.frame) else set()
        counts = self.used["actor"].value_counts() if len(self.used) else pd.Series(dtype=int)
        found = [(a, int(n), NO_INDEX_LINE.get(a, INDEX_LINE)) for a, n in counts.items() if a not in drawn]
        return sorted(found, key=lambda f: (-f[1], f[0]))

    def lines(self) -> list[dict]:
        """Per drawn actor: its first and last drawn point (date, mean, acts in window), the fewest acts any drawn point
        rests on, and its highest point when that window holds enough acts for a 'highest' reading (rule extreme)."""
        out = []
        for actor, rows in self.frame.groupby("actor", sort=False):
            first, last = rows.iloc[0], rows.iloc[-1]
            top = rows.loc[rows["mean"].idxmax()]
            out.append({"actor": actor, "first": first, "last": last, "least": int(rows["n"].min()),
                        "peak": top if int(top["n"]) >= self.extreme_min else None})
        return out

    @property
    def summary(self) -> str:
        left_out = self.left_out_text
        rule = f"drawn only where an actor has at least {self.min_events} acts in the window"
        missing = "; ".join(f"{a}: {n} act{'' if n == 1 else 's'}" + (" (no line for the public's signs: see the poll figures)"
                                                                       if r == MOOD_TALLY else "")
                            for a, n, r in self.no_line)
        missing = f" No line for {missing}." if missing else ""
        if self.frame.empty:
            return f"No index line: no actor has {self.min_events} acts in any {self.window_days}-day window.{missing} {left_out[:1].upper() + left_out[1:]}."
        parts = []
        for line in self.lines():
            first, last, peak = line["first"], line["last"], line["peak"]
            high = (f", highest {signed(peak['mean'])} on {peak['date']:%-d %b %Y} ({int(peak['n'])} acts)" if peak is not None else "")
            parts.append(
                f"{line['actor']} from {first['date']:%-d %b %Y} ({signed(first['mean'])} over {int(first['n'])} acts){high}, "
                f"ending {signed(last['mean'])} on {last['date']:%-d %b %Y} ({int(last['n'])} acts)"
            )
        return (f"{self.window_days}-day trailing mean stance, {rule}, each act counted once and spread over the days of its "
                f"interval: " + "; ".join(parts) + f".{missing} {left_out[:1].upper() + left_out[1:]}.")


def index_marks(events: pd.DataFrame, filters: Filters = Filters(), window_days: int = INDEX_WINDOW_DAYS,
                min_events: int | None = None, extreme_min: int | None = None) -> IndexMarks:
    """The stance index chart's marks (remembered per table and filter); ``min_events`` and ``extreme_min`` default to
    the declared rules index_line and extreme (data/readings.csv)."""
    min_events = _min_acts(INDEX_LINE) if min_events is None else min_events
    extreme_min = _min_acts(EXTREME) if extreme_min is None else extreme_min

    def build() -> IndexMarks:
        marks = acts(events, filters, ALL).marks
        fits = (marks["days"] <= window_days).to_numpy(dtype=bool)
        used, left_out = marks[fits], marks[~fits]
        frame = _index_frame(used, left_out, filters, window_days, min_events)
        return IndexMarks(filters, window_days, min_events, frame, used, left_out, extreme_min)

    return _remembered("index", events, (filters, window_days, min_events, extreme_min), build)


def stance_index(
    events: pd.DataFrame,
    filters: Filters = Filters(),
    window_days: int = INDEX_WINDOW_DAYS,
    min_events: int | None = None,
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
    range, left out or not) or of the filter. A line is drawn only on the days
    when the actor has at least ``min_events`` acts in the window (the declared
    rule index_line); actors in :data:`NO_INDEX_LINE` get none.
    """
    return index_marks(events, filters, window_days, min_events).frame.copy()


def _index_frame(marks: pd.DataFrame, left_out: pd.DataFrame, filters: Filters, window_days: int, min_events: int) -> pd.DataFrame:
    if marks.empty:
        return pd.DataFrame(columns=INDEX_COLUMNS)
    counts = marks["actor"].value_counts()
    keep = [a for a in counts[counts >= min_events].index if a not in NO_INDEX_LINE]
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
        present = (w > 1e-9) & (n >= min_events)  # a line only over windows with enough acts (readings: index_line)
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
