"""The sanctions stance section: stated positions by issue over time, coloured by actor, each with its quote."""

from __future__ import annotations

from typing import Mapping

import pandas as pd

from dashboard import charts
from dashboard import marks as M
from dashboard.filters import Filters, apply
from dashboard.sections.base import Section
from dashboard.sections.common import correction_caveat, quotes, seeds, source, text
from dashboard.sections.oil import chart, indicator_filters, missing

TABLE = "sanctions_stance"
TITLE = "Sanctions stance"


def build(frames: Mapping[str, pd.DataFrame], filters: Filters) -> Section:
    """The dated positions drawn; the summary counts the undated ones listed too. ``extra['rows']``: the rows listed."""
    if TABLE not in frames:
        return missing("sanctions", TITLE, TABLE)
    ind = indicator_filters(filters)
    listed = apply(frames[TABLE], ind, keep_undated=True)
    line = source([f"{TABLE}.csv"], seeds(listed), ind)
    marks = M.sanctions_marks(listed, ind)
    label = lambda r: f"{M.date_label(r.get('date_from'), r.get('date_to'))} · {text(r.get('actor_detail')) or r['actor']} · {r['issue']}"  # noqa: E731
    notes = tuple(quotes(listed, label))
    if listed.empty:
        return Section(key="sanctions", title=TITLE, empty="No stated positions match the filters.", source_line=line,
                       extra={"rows": listed})
    if marks.empty:
        return Section(key="sanctions", title=TITLE, empty="No dated position matches the filters.", source_line=line,
                       notes=notes, extra={"rows": listed})
    drawn = chart("sanctions-stance", charts.lane_spec(marks), marks.rows, marks.summary)
    caveat = correction_caveat(listed)
    return Section(key="sanctions", title=drawn.title, subtitle=drawn.subtitle, charts=(drawn,), summary=drawn.summary,
                   caveats=(caveat,) if caveat else (), source_line=line, notes=notes, extra={"rows": listed})
