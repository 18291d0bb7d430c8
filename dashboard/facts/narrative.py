"""The generated paragraph: what the scored acts are, counted as the stance index counts them, and only the readings the
declared rules allow (codebook, "Readings: what evidence a claim needs"; data/readings.csv).

One job: :func:`narrative` (the paragraph) and :func:`narrative_readings` (the paragraph with the readings it states).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import pandas as pd

from dashboard.facts.cards import _text
from dashboard.filters import ONE_DAY, Filters
from dashboard.marks import ALL, acts, signed, turning_point_text, turning_points
from dashboard.marks.readings import DIRECTION_COUNTS, EXTREME, MONTHLY_MEAN, MOVE, SCOPE, min_acts
from dashboard.marks.stance import group_counts, group_text

#: a month's mean is stated only when at least this many acts are dated within it: the declared rule monthly_mean, as
#: shipped (the paragraph reads the loaded table's value; this name stays for callers that read it)
MONTH_MIN_ACTS = min_acts(MONTHLY_MEAN)


@dataclass(frozen=True)
class Reading:
    """One reading the paragraph states: its text, kind, the acts it rests on and its rule (data/readings.csv)."""

    text: str
    kind: str
    n: int | None
    rule: str


def narrative(events: pd.DataFrame, filters: Filters = Filters(), min_month_acts: int | None = None, *,
              texts: str = "", frames: Mapping[str, pd.DataFrame] | None = None) -> str:
    """The paragraph (see :func:`narrative_readings`)."""
    return narrative_readings(events, filters, min_month_acts, texts=texts, frames=frames)[0]


def _months(which) -> str:
    names = [f"{m:%B %Y}" for m in which]
    return " and ".join(names) if len(names) <= 2 else ", ".join(names[:-1]) + " and " + names[-1]


def _acts(n: int) -> str:
    return f"{int(n)} act" + ("" if int(n) == 1 else "s")


def narrative_readings(events: pd.DataFrame, filters: Filters = Filters(), min_month_acts: int | None = None, *,
                       texts: str = "", frames: Mapping[str, pd.DataFrame] | None = None) -> tuple[str, tuple[Reading, ...]]:
    """The paragraph, generated from the events, and the readings it states.

    It opens with the scope (``texts``: 'these five texts (published April–December 2022)'), then counts: acts once
    (rows sharing event_key are one act; a denial is read with the act it answers), by actor group (Kazakh, Russian,
    other; Russian acts worded de-escalating / escalating). A month's mean stance is given only for months with at least
    the rule monthly_mean's acts dated within them (acts whose whole interval lies in one calendar month); other months
    give their counts. A 'highest / lowest month' sentence needs every compared month to hold the rule extreme's acts,
    a 'sharpest move' sentence two adjacent months with the rule move's each: otherwise there is none. The rules are read
    from ``frames['readings']`` (else the shipped data/readings.csv); ``min_month_acts`` overrides monthly_mean.
    """
    month_min = min_acts(MONTHLY_MEAN, frames) if min_month_acts is None else min_month_acts
    extreme_min, move_min = min_acts(EXTREME, frames), min_acts(MOVE, frames)
    found = acts(events, filters, ALL)  # the acts the stance index counts, one by one
    marks, scored_rows = found.marks, found.rows
    if marks.empty:
        return "No scored events match the filters, so there is nothing to summarise.", ()
    readings: list[Reading] = []
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
    who = texts or "the seeds"
    opening = (f"In what {who} report, there are {_acts(len(marks))} with a stance score ({scored_rows} rows; an act told by "
               f"several texts counts once), {placed}.")
    sentences.append(opening)
    readings.append(Reading(opening, "tally", len(marks), SCOPE))
    groups = f"By actor group: {group_text(group_counts(marks))}."
    sentences.append(groups)
    readings.append(Reading(groups, "tally", len(marks), DIRECTION_COUNTS))
    monthly = dated.groupby("month").agg(mean=("stance", "mean"), n=("stance", "size"),
                                         up=("stance", lambda s: int((s > 0).sum())),
                                         down=("stance", lambda s: int((s < 0).sum()))).sort_index()
    means = monthly[monthly["n"] >= month_min]
    if len(means):
        listed = "; ".join(f"{m:%B %Y} {signed(r['mean'])} ({_acts(r['n'])})" for m, r in means.iterrows())
        text = f"Mean stance by month, for the months with at least {_acts(month_min)} dated within them: {listed}."
        sentences.append(text)
        for m, r in means.iterrows():
            readings.append(Reading(f"{m:%B %Y} {signed(r['mean'])} ({_acts(r['n'])})", "mean", int(r["n"]), MONTHLY_MEAN))
    counted = monthly[monthly["n"] < month_min]
    if len(counted):
        listed = "; ".join(
            f"{m:%B %Y}, {_acts(r['n'])} ({_compact(group_counts(dated[dated['month'] == m]))})" for m, r in counted.iterrows())
        text = (f"Months with fewer acts give counts, not a mean: {listed}." if len(means)
                else f"No month has {_acts(month_min)} dated within it, so no month's mean is given; the counts: {listed}.")
        sentences.append(text)
        readings.append(Reading(text, "tally", int(counted["n"].sum()), DIRECTION_COUNTS))
    compared = monthly[monthly["n"] >= extreme_min]
    if len(compared) >= 2 and len(compared) == len(means):  # every month with a mean holds enough acts to be ranked
        high, low = compared["mean"].idxmax(), compared["mean"].idxmin()
        if compared.loc[high, "mean"] != compared.loc[low, "mean"]:
            text = (f"Of these months, the mean stance was highest in {high:%B %Y} ({signed(compared.loc[high, 'mean'])} over "
                    f"{_acts(compared.loc[high, 'n'])}, e.g. “{_example(dated, high, True)}”) and lowest in {low:%B %Y} "
                    f"({signed(compared.loc[low, 'mean'])} over {_acts(compared.loc[low, 'n'])}, "
                    f"e.g. “{_example(dated, low, False)}”).")
            sentences.append(text)
            readings.append(Reading(text, "extreme", int(min(compared.loc[high, "n"], compared.loc[low, "n"])), EXTREME))
    pairs = [(a, b) for a, b in zip(monthly.index[:-1], monthly.index[1:])
             if b.ordinal - a.ordinal == 1 and monthly.loc[a, "n"] >= move_min and monthly.loc[b, "n"] >= move_min]
    if pairs:
        a, b = max(pairs, key=lambda p: abs(monthly.loc[p[1], "mean"] - monthly.loc[p[0], "mean"]))
        change = monthly.loc[b, "mean"] - monthly.loc[a, "mean"]
        if change:
            text = (f"The sharpest move between adjacent months with at least {_acts(move_min)} each came between {a:%B %Y} "
                    f"and {b:%B %Y}, when the monthly mean {'fell' if change < 0 else 'rose'} from "
                    f"{signed(monthly.loc[a, 'mean'])} to {signed(monthly.loc[b, 'mean'])}.")
            sentences.append(text)
            readings.append(Reading(text, "move", int(min(monthly.loc[a, "n"], monthly.loc[b, "n"])), MOVE))
    turns = turning_points(events, filters)
    if len(turns):
        sentences.append(
            "Turning points in the range: " + "; ".join(turning_point_text(t.label, t.date_label) for t in turns.itertuples()) + "."
        )
    across = len(marks) - len(dated)
    if across and len(dated):
        sentences.append(
            "The other scored act is dated to an interval that runs across months and is not placed in a month." if across == 1
            else f"The other {across} scored acts are dated to intervals that run across months and are not placed in a month."
        )
    return " ".join(sentences), tuple(readings)


def _compact(counts: list[tuple[str, int, int, int, int]]) -> str:
    """'Kazakh 1 away, 1 neutral; Russian 1 escalating': a month's counts by actor group, the non-zero ones."""
    parts = []
    for name, _, up, down, flat in counts:
        words = ("de-escalating", "escalating") if name == "Russian" else ("towards Moscow", "away")
        pieces = [f"{n} {w}" for n, w in ((up, words[0]), (down, words[1]), (flat, "neutral")) if n]
        parts.append(f"{name} {', '.join(pieces)}")
    return "; ".join(parts)


def _example(dated: pd.DataFrame, month: pd.Period, high: bool) -> str:
    rows = dated[dated["month"] == month].sort_values(["stance", "credibility"], ascending=[not high, True], kind="stable")
    return _text(rows["summary"].iloc[0])
