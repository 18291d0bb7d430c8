"""The public sentiment section: dated signs of public mood by indicator, coloured by leaning, each with its quote."""

from __future__ import annotations

from typing import Mapping

import pandas as pd

from dashboard import charts
from dashboard import marks as M
from dashboard.filters import Filters, apply, interval_bounds
from dashboard.sections.base import Section
from dashboard.sections.common import quotes, seeds, source
from dashboard.sections.oil import chart, indicator_filters, missing

TABLE = "public_sentiment"
TITLE = "Public sentiment"
#: the slide's subtitle (the chart's own points at the page's table below it)
SUBTITLE = "Dated signs only: a point for a day, a bar across an interval."


def build(frames: Mapping[str, pd.DataFrame], filters: Filters) -> Section:
    """The dated signs drawn; the summary counts the undated ones listed too. ``extra['rows']``: the rows listed."""
    if TABLE not in frames:
        return missing("sentiment", TITLE, TABLE)
    ind = indicator_filters(filters)
    listed = apply(frames[TABLE], ind, keep_undated=True)
    line = source([f"{TABLE}.csv"], seeds(listed), ind)
    label = lambda r: f"{M.date_label(r.get('date_from'), r.get('date_to'))} · {r['indicator']} · {M.figure_text(r)}"  # noqa: E731
    notes = tuple(quotes(listed, label))
    if listed.empty:
        return Section(key="sentiment", title=TITLE, empty="No signs of public mood match the filters.", source_line=line,
                       extra={"rows": listed})
    marks = M.sentiment_marks(listed, ind)
    if marks.empty:
        return Section(key="sentiment", title=TITLE, empty="No dated sign of public mood matches the filters.", source_line=line,
                       notes=notes, extra={"rows": listed})
    undated = int(interval_bounds(listed)[0].isna().sum())
    caveat = ("1 undated sign is not drawn; its quote is in the speaker notes." if undated == 1 else
              f"{undated} undated signs are not drawn; their quotes are in the speaker notes." if undated else "")
    drawn = chart("public-sentiment", charts.lane_spec(marks), marks.rows, marks.summary)
    return Section(key="sentiment", title=drawn.title, subtitle=SUBTITLE, charts=(drawn,), summary=drawn.summary,
                   caveats=(caveat,) if caveat else (), source_line=line, notes=notes, extra={"rows": listed})
