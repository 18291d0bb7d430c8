"""The stance chart's marks: scored acts in sub-rows of their level, the context strip, turning-point labels, summary.

One job: put together what the stance chart draws for one table and filter
(:class:`StanceMarks`), from the events marks and the layout.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.filters import ONE_DAY, Filters
from dashboard.marks.dates import Span, date_label, x_range
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
from dashboard.marks.placement import context_strip, label_rows, lay_out_marks
from dashboard.marks.memo import remembered as _remembered


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

    # the turning points are a declared decision: a changed declaration is another result
    return _remembered("stance", events, (filters, max_marks, tuple(turning_point_labels().items())), build)
