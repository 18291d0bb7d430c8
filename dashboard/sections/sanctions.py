"""The sanctions stance section: stated positions by issue over time, coloured by actor, each with its quote."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Mapping

import pandas as pd

from dashboard import charts
from dashboard import marks as M
from dashboard.filters import Filters, apply
from dashboard.sections.base import Section
from dashboard.sections.common import correction_caveat, quotes, seeds, source, text
from dashboard.sections.oil import census, chart, indicator_filters, missing

CORRECTED = " (corrected)"


def act_label(rows: list[Mapping[str, Any]]) -> str:
    """The words of one act told by ``rows``: from a row without a correction where there is one (its ``label``, else
    its position), else from the corrected record's ``label``; marked corrected when any telling was corrected (F13)."""
    def blank(value: Any) -> bool:
        return not text(value).strip()

    clean = [r for r in rows if blank(r.get("correction"))]
    pick = (clean or rows)[0] if rows else {}
    words = text(pick.get("label")).strip() or (text(pick.get("position")).strip() if clean else "")
    if not clean and not words:
        words = "see the correction"
    return words + (CORRECTED if len(clean) < len(rows) else "")


def labelled(marks: M.LaneMarks, table: pd.DataFrame) -> M.LaneMarks:
    """The marks with each act's position worded by :func:`act_label` from the rows it stands for."""
    if marks.empty or "ids" not in marks.rows.columns:
        return marks
    by_id = {text(r.get("id")): r for r in table.to_dict("records")}
    rows = marks.rows.copy()
    rows["position"] = [act_label([by_id[i] for i in (x.strip() for x in str(ids).split(",")) if i in by_id])
                        for ids in rows["ids"]]
    return replace(marks, rows=rows)

TABLE = "sanctions_stance"
TITLE = "Sanctions stance"


def build(frames: Mapping[str, pd.DataFrame], filters: Filters) -> Section:
    """The dated positions drawn; the summary counts the undated ones listed too. ``extra['rows']``: the rows listed."""
    if TABLE not in frames:
        return missing("sanctions", TITLE, TABLE)
    ind = indicator_filters(filters)
    listed = apply(frames[TABLE], ind, keep_undated=True)
    line = source([f"{TABLE}.csv"], seeds(listed), ind)
    marks = labelled(M.sanctions_marks(listed, ind), listed)
    label = lambda r: f"{M.date_label(r.get('date_from'), r.get('date_to'))} · {text(r.get('actor_detail')) or r['actor']} · {r['issue']}"  # noqa: E731
    notes = tuple(quotes(listed, label))
    if listed.empty:
        return Section(key="sanctions", title=TITLE, empty="No stated positions match the filters.", source_line=line,
                       extra={"rows": listed})
    if marks.empty:
        return Section(key="sanctions", title=TITLE, empty="No dated position matches the filters.", source_line=line,
                       notes=notes, extra={"rows": listed})
    drawn = chart("sanctions-stance", charts.lane_spec(marks), marks.rows, marks.summary)
    caveats = tuple(c for c in (correction_caveat(listed), census(frames)) if c)
    return Section(key="sanctions", title=drawn.title, subtitle=drawn.subtitle, charts=(drawn,), summary=drawn.summary,
                   caveats=caveats, source_line=line, notes=notes, extra={"rows": listed})
