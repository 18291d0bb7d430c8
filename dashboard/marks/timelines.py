"""Timelines in lanes: the sanctions positions and the signs of public mood, one mark per act or row in sub-rows.

One job: the lane charts' marks (:class:`LaneMarks`) and their one-line
summaries; the oil route timeline uses the same :func:`lane_marks`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.filters import Filters, apply, interval_bounds
from dashboard.marks.merge import is_context, one_per_act
from dashboard.marks.dates import Span, with_periods, x_range
from dashboard.marks.placement import sub_rows
from dashboard.marks.memo import remembered as _remembered
from dashboard.marks.wording import STANCE_TEXT, cut, figure_text
from dashboard.palette import actor_group


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
