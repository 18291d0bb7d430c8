"""The stance index section: the Stance page's index chart and the briefing's "index" slide. Pure."""

from __future__ import annotations

from typing import Mapping

import pandas as pd

from dashboard import charts
from dashboard import marks as M
from dashboard.filters import DEFAULT, Filters
from dashboard.marks.readings import EXTREME, INDEX_LINE, MOOD_TALLY, min_acts
from dashboard.sections.base import Chart, Claim, Section
from dashboard.sections.stance import CODING, NO_EVENTS, census, events_of, missing, source_line, spec_title

#: outside_figures' topic of the poll figures that stand for the Kazakh public instead of an index line
POLL_TOPIC = "public opinion poll"


def poll_note(frames: Mapping[str, pd.DataFrame], actors: list[str]) -> str:
    """The note for actors drawn without an index line by rule mood_tally: their acts are activists' acts, not
    opinion; the poll figures (outside_figures, outside the seeds) are listed instead."""
    if not actors:
        return ""
    figures = frames.get("outside_figures")
    polls = ""
    if figures is not None and {"topic", "subject", "value", "unit"} <= set(figures.columns):
        rows = figures[figures["topic"].astype(str) == POLL_TOPIC]
        listed = [f"{r.subject}: {float(r.value):g}{'%' if str(r.unit) == 'percent' else ' ' + str(r.unit)}" for r in rows.itertuples()]
        polls = (" Poll figures (data/outside_figures.csv, outside the seeds): " + "; ".join(listed) + ".") if listed else ""
    who = " and ".join(actors)
    return (f"No index line for {who}: its scored acts are activists' acts, which are not a measure of opinion "
            f"(readings: {MOOD_TALLY}).{polls or ' See the poll figures in data/outside_figures.csv.'}")

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
    found = M.index_marks(events, filters, min_events=min_acts(INDEX_LINE, frames), extreme_min=min_acts(EXTREME, frames))
    summary, left_out, left_text = found.summary, found.left_out, found.left_out_text
    listed = [(m.date_label, m.actor, m.summary, m.ids) for m in left_out.itertuples()]
    public = poll_note(frames, [a for a, _, rule in found.no_line if rule == MOOD_TALLY])
    notes = (summary, CODING, *([public] if public else []),
             *([f"Not in the index ({left_text}):", *(f"  {w} · {a} · {s} ({i})" for w, a, s, i in listed)] if listed else []))
    extra = {"left_out": listed, "left_out_text": left_text, "no_line": found.no_line, "poll_note": public}
    caveats = (census(frames), *([public] if public else []), *([LEFT_OUT] if listed else []))
    claims = []
    for line in found.lines():
        first, last = line["first"], line["last"]
        claims.append(Claim(f"{line['actor']}: index line from {first['date']:%-d %b %Y} to {last['date']:%-d %b %Y}",
                            "index line", line["least"], INDEX_LINE))
        if line["peak"] is not None:
            claims.append(Claim(f"{line['actor']}: highest window on {line['peak']['date']:%-d %b %Y}", "extreme",
                                int(line["peak"]["n"]), EXTREME))
    if not len(found.frame):
        return Section(key="index", title=TITLE, caveats=caveats, source_line=source, notes=notes, empty=summary, extra=extra)
    spec = charts.index_spec(found)
    title, subtitle = spec_title(spec)
    return Section(
        key="index", title=title, subtitle=subtitle,
        charts=(Chart("stance-index", spec=spec, data=found.frame, title=title, subtitle=subtitle, summary=summary),),
        summary=summary, caveats=caveats, source_line=source, notes=notes, claims=tuple(claims), extra=extra,
    )
