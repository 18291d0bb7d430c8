"""The stance index section: the Stance page's index chart and the briefing's "index" slide. Pure."""

from __future__ import annotations

from typing import Mapping

import pandas as pd

from dashboard import charts
from dashboard import marks as M
from dashboard.filters import DEFAULT, Filters
from dashboard.sections.base import Chart, Section
from dashboard.sections.stance import CODING, NO_EVENTS, events_of, missing, source_line, spec_title

TITLE = "Stance index"
#: why an act is left out of the index
LEFT_OUT = ("An act the seeds date only to an interval longer than the window is not placed anywhere in it; "
            "the acts left out are listed in the notes.")


def build(frames: Mapping[str, pd.DataFrame], filters: Filters = DEFAULT, *, prepared: pd.DataFrame | None = None) -> Section:
    """The rolling stance index per actor under ``filters``; the acts it leaves out in the notes.

    ``extra["left_out"]`` lists them as (date, actor, summary, row ids) and ``extra["left_out_text"]`` counts them.
    """
    events = events_of(frames, prepared)
    if events is None:
        return missing("index", TITLE)
    source = source_line(events, filters)
    if M.event_rows(events, filters).empty:
        return Section(key="index", title=TITLE, source_line=source, empty=NO_EVENTS, extra={"left_out": [], "left_out_text": ""})
    found = M.index_marks(events, filters)
    summary, left_out, left_text = found.summary, found.left_out, found.left_out_text
    listed = [(m.date_label, m.actor, m.summary, m.ids) for m in left_out.itertuples()]
    notes = (summary, CODING, *([f"Not in the index ({left_text}):", *(f"  {w} · {a} · {s} ({i})" for w, a, s, i in listed)]
                                if listed else []))
    extra = {"left_out": listed, "left_out_text": left_text}
    if not len(found.frame):
        return Section(key="index", title=TITLE, source_line=source, notes=notes, empty=summary, extra=extra)
    spec = charts.index_spec(found)
    title, subtitle = spec_title(spec)
    return Section(
        key="index", title=title, subtitle=subtitle,
        charts=(Chart("stance-index", spec=spec, data=found.frame, title=title, subtitle=subtitle, summary=summary),),
        summary=summary, caveats=(LEFT_OUT,) if listed else (), source_line=source, notes=notes, extra=extra,
    )
