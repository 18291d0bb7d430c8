"""The stance chart's marks: scored acts in sub-rows of their level, the context strip, turning-point labels, summary.

One job: put together what the stance chart draws for one table and filter
(:class:`StanceMarks`), from the events marks and the layout.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

import numpy as np

from dashboard.filters import ONE_DAY, Filters, apply
from dashboard.marks.dates import Span, date_label, with_periods, x_range
from dashboard.marks.events import (
    MAX_CONTEXT,
    MAX_MARKS,
    _context,
    _turns,
    acts,
    bin_context,
    mark_for_row,
    turning_point_labels,
)
from dashboard.marks.placement import CONTEXT_TOP, context_strip, label_rows, lay_out_marks
from dashboard.marks.memo import remembered as _remembered

#: outside_context's relation for an act the texts omit (drawn as outside context); "after the texts" is not drawn
OMITTED = "omitted by the texts"
OUTSIDE_COLUMNS = ["key", "ids", "start", "end", "days", "date_label", "summary", "source", "y"]
#: the actor groups the counts are split by (readings: direction_counts); every other actor is 'other'
ACTOR_SIDES = {"Kazakhstan government": "Kazakh", "Kazakhstan public": "Kazakh",
               "Russia government": "Russian", "Russian politicians and media": "Russian"}


def group_counts(marks: pd.DataFrame) -> list[tuple[str, int, int, int, int]]:
    """(group name, acts, towards, away, neutral) per actor group: Kazakh, Russian, then every other actor as 'other'
    (readings: direction_counts), for the groups with acts."""
    sides = marks["actor"].map(lambda a: ACTOR_SIDES.get(a, "other")) if len(marks) else pd.Series(dtype=object)
    out = []
    for name in ("Kazakh", "Russian", "other"):
        side = marks[(sides == name).to_numpy(dtype=bool)] if len(marks) else marks
        if len(side):
            up, down = int((side["stance"] > 0).sum()), int((side["stance"] < 0).sum())
            out.append((name, len(side), up, down, len(side) - up - down))
    return out


def group_text(counts: list[tuple[str, int, int, int, int]]) -> str:
    """'27 by Kazakh actors (5 bring the two closer, 20 push them apart, 2 neutral); 14 by Russian actors (…)': Russian
    acts are worded de-escalating / escalating (a Russian pressure statement and a Kazakh act of distance both score
    negative for different reasons)."""
    parts = []
    for name, n, up, down, flat in counts:
        if name == "Russian":
            words = f"{up} de-escalating, {down} escalating, {flat} neutral"
        else:
            words = f"{up} towards Moscow, {down} away, {flat} neutral"
        parts.append(f"{n} by {name} actors ({words})" if name != "other" else f"{n} by other actors ({words})")
    return "; ".join(parts)


def outside_marks(outside: pd.DataFrame | None, filters: Filters) -> pd.DataFrame:
    """The acts the texts omit (outside_context rows whose relation is :data:`OMITTED`) under ``filters``: never scored,
    each with its source. None under a seed filter (they come from no seed)."""
    if outside is None or outside.empty or filters.sources or "relation" not in outside.columns:
        return pd.DataFrame(columns=OUTSIDE_COLUMNS)
    rows = outside[outside["relation"].astype(str).str.strip() == OMITTED]
    rows = apply(rows, filters)
    if rows.empty:
        return pd.DataFrame(columns=OUTSIDE_COLUMNS)
    out = with_periods(rows)
    out["key"] = out["ids"] = out["id"].astype(str)
    out["source"] = out["source"].astype(str) if "source" in out.columns else ""
    out["y"] = np.nan
    return out.sort_values(["start", "key"], kind="stable").reset_index(drop=True)[OUTSIDE_COLUMNS]


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
    #: acts the texts omit (outside_context, relation "omitted by the texts"): context from outside the seeds, never
    #: scored, each with its ``y`` in the strip and its ``source``
    outside: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=OUTSIDE_COLUMNS))

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
            spans = int((marks["days"] > 1).sum())
            corrected = int(marks["corrected"].sum()) if "corrected" in marks.columns else 0
            fixed = f"{corrected} drawn as the record has {'it' if corrected == 1 else 'them'} (corrected); " if corrected else ""
            return (
                f"{len(marks)} scored acts ({self.scored_rows} rows; an act told by several seeds is one mark) in the range shown, {when}: "
                f"{group_text(group_counts(marks))}; "
                f"{spans} dated only to an interval {'is' if spans == 1 else 'are'} drawn across it; {fixed}{markers}."
            )
        return (
            f"{self.scored_rows} scored rows in the range shown, {when}, too many to draw one by one: binned by {self.resolution} into "
            f"{len(marks)} marks (mean stance per actor, domain and {self.resolution}); {markers}."
        )

    @property
    def outside_line(self) -> str:
        """The caveat of the acts the texts omit drawn on the chart ('' when none): outside the seeds, never scored."""
        n = len(self.outside)
        if not n:
            return ""
        return (f"Hollow triangles and dashed bars under the levels: {n} act{'' if n == 1 else 's'} the texts omit "
                f"(data/outside_context.csv), from outside sources named in the tooltip; context, never scored or counted.")

    def key_of(self, selected: str | None) -> str | None:
        """The key of the mark for ``selected`` (any row id of an act, or a mark's own key), None when not drawn."""
        return mark_for_row(self.marks, selected) or (selected if selected in set(self.marks["key"]) else None)


def stance_marks(events: pd.DataFrame, filters: Filters = Filters(), max_marks: int = MAX_MARKS,
                 outside: pd.DataFrame | None = None) -> StanceMarks:
    """The stance chart's marks for these events and filters: scored acts in sub-rows of their level, context markers
    in their strip (binned past ``MAX_CONTEXT``), turning points with non-overlapping label rows, the x range; with
    ``outside`` (the outside_context table), the acts the texts omit, in the same strip (see :func:`outside_marks`)."""
    def build() -> StanceMarks:
        found = acts(events, filters, max_marks)
        context, turns = _context(events, filters), _turns(events, filters)
        omitted = outside_marks(outside, filters)
        domain = x_range(filters, found.marks, context, *([omitted] if len(omitted) else []))
        laid, step = lay_out_marks(found.marks, domain)
        drawn, resolution = bin_context(context, MAX_CONTEXT)
        if resolution == "event" and len(omitted):  # one strip: an omitted act never hides a context marker
            both = pd.concat([drawn.assign(_outside=False), omitted.drop(columns="y").assign(_outside=True)], ignore_index=True)
            both = context_strip(both.sort_values(["start", "key"], kind="stable").reset_index(drop=True), domain)
            strip = both[~both["_outside"].astype(bool)].drop(columns="_outside").reset_index(drop=True)
            omitted = both[both["_outside"].astype(bool)].reset_index(drop=True)[OUTSIDE_COLUMNS]
        else:
            strip = context_strip(drawn, domain) if len(drawn) else drawn.assign(y=pd.Series(dtype=float))
            omitted = omitted.assign(y=CONTEXT_TOP)
        labelled = label_rows(turns, domain) if len(turns) and domain is not None else turns.iloc[0:0]
        return StanceMarks(filters, laid, found.resolution, step, strip, labelled, found.rows, domain,
                           len(context), resolution, omitted)

    # the turning points are a declared decision: a changed declaration is another result
    key = tuple(map(tuple, outside.astype(str).to_numpy())) if outside is not None else ()
    return _remembered("stance", events, (filters, max_marks, tuple(turning_point_labels().items()), key), build)
