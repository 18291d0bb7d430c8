"""The generated paragraph: what moved in the scored acts and when, counted as the stance index counts them.

One job: :func:`narrative`.
"""

from __future__ import annotations

import pandas as pd

from dashboard.facts.cards import _text
from dashboard.filters import ONE_DAY, Filters
from dashboard.marks import ALL, acts, signed, turning_points


#: a month is compared in the paragraph only when at least this many acts are dated within it
MONTH_MIN_ACTS = 3


def narrative(events: pd.DataFrame, filters: Filters = Filters(), min_month_acts: int = MONTH_MIN_ACTS) -> str:
    """One paragraph, generated from the events, saying what moved and when.

    Acts are counted once (rows sharing event_key are one act). Months are
    compared on the acts whose whole interval lies within one calendar month
    (a day, or part or all of one month); acts dated to intervals that run
    across months are counted but not placed in a month.
    """
    found = acts(events, filters, ALL)  # the acts the stance index counts, one by one
    marks, scored_rows = found.marks, found.rows
    if marks.empty:
        return "No scored events match the filters, so there is nothing to summarise."
    month = marks["start"].dt.to_period("M")
    in_month = month == (marks["end"] - ONE_DAY).dt.to_period("M")
    dated = marks[in_month.to_numpy(dtype=bool)].assign(month=month[in_month])
    sentences = []
    if len(dated):
        first, last = dated["month"].min(), dated["month"].max()
        span = f"between {first:%B %Y} and {last:%B %Y}" if first != last else f"in {first:%B %Y}"
        placed = f"{len(dated)} of them dated to a day or within a single month, {span}"
    else:
        placed = "none of them dated within a single month"
    sentences.append(
        f"The seeds record {len(marks)} scored acts ({scored_rows} rows; an act told by several seeds counts once), {placed}."
    )
    monthly = dated.groupby("month").agg(mean=("stance", "mean"), n=("stance", "size")).sort_index()
    compared = monthly[monthly["n"] >= min_month_acts]
    if len(compared) >= 2:
        def months(which: pd.Index) -> str:
            names = [f"{m:%B}" for m in which]
            return (" and ".join(names) if len(names) <= 2 else ", ".join(names[:-1]) + " and " + names[-1]) + f" {which[-1]:%Y}"

        def side(value: float, high: bool) -> str:
            which = compared.index[compared["mean"] == value]
            counts = " and ".join(str(int(compared.loc[m, "n"])) for m in which)
            unit = "act" if counts == "1" else "acts"
            return (f"{months(which)} ({signed(value)} over {counts} {unit}, "
                    f"e.g. “{_example(dated, which[0], high=high)}”)")

        sentences.append(
            f"Comparing the months with at least {_acts(min_month_acts)} dated within them, the mean stance was highest in "
            f"{side(compared['mean'].max(), True)} and lowest in {side(compared['mean'].min(), False)}."
        )
        change = compared["mean"].diff()
        if change.abs().max() > 0:
            step = change.abs().idxmax()
            before = compared.index[compared.index.get_loc(step) - 1]
            direction = "fell" if change[step] < 0 else "rose"
            gap = "" if step.ordinal - before.ordinal == 1 else " (the next month compared)"
            sentences.append(
                f"The sharpest move came between {before:%B %Y} and {step:%B %Y}{gap}, when the monthly mean {direction} "
                f"from {signed(compared.loc[before, 'mean'])} to {signed(compared.loc[step, 'mean'])}."
            )
    thin = monthly[monthly["n"] < min_month_acts]
    if len(thin) and len(compared) >= 2:
        sentences.append(
            f"Months with fewer acts ({', '.join(f'{m:%B %Y}' for m in thin.index)}) are not compared: too few acts to read a trend from."
        )
    sides = []
    for name, actors in (
        ("Kazakh", ("Kazakhstan government", "Kazakhstan public")),
        ("Russian", ("Russia government", "Russian politicians and media")),
    ):
        side = marks[marks["actor"].isin(actors)]
        if len(side):
            sides.append(
                f"{len(side)} by {name} actors ({int((side['stance'] > 0).sum())} towards Moscow, "
                f"{int((side['stance'] < 0).sum())} away, {int((side['stance'] == 0).sum())} neutral)"
            )
    if sides:
        sentences.append(f"Of the {len(marks)} acts, " + " and ".join(sides) + ".")
    turns = turning_points(events, filters)
    if len(turns):
        sentences.append(
            "Turning points in the range: " + "; ".join(f"{t.label} ({t.date_label})" for t in turns.itertuples()) + "."
        )
    across = len(marks) - len(dated)
    if across and len(dated):
        sentences.append(
            "The other scored act is dated to an interval that runs across months and is not placed in a month." if across == 1
            else f"The other {across} scored acts are dated to intervals that run across months and are not placed in a month."
        )
    return " ".join(sentences)


def _acts(n: int) -> str:
    return f"{int(n)} act" + ("" if int(n) == 1 else "s")


def _example(dated: pd.DataFrame, month: pd.Period, high: bool) -> str:
    rows = dated[dated["month"] == month].sort_values(["stance", "credibility"], ascending=[not high, True], kind="stable")
    return _text(rows["summary"].iloc[0])
