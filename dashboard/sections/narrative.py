"""The "What moved, and when" section: the paragraph generated from the events (the Overview's and the "moved" slide). Pure."""

from __future__ import annotations

from typing import Mapping

import pandas as pd

from dashboard import facts
from dashboard import marks as M
from dashboard.filters import DEFAULT, Filters
from dashboard.sections.base import Section
from dashboard.sections.common import sentences
from dashboard.sections.stance import NO_EVENTS, events_of, missing, source_line, turning_point_notes

TITLE = "What moved, and when"
CAVEAT = "Generated from data/events.csv each time the page or the briefing is built; not hand-written."


def build(frames: Mapping[str, pd.DataFrame], filters: Filters = DEFAULT, *, prepared: pd.DataFrame | None = None) -> Section:
    """The paragraph, one sentence per bullet (``extra["paragraph"]`` is it whole), with the turning points' quotes in
    the notes."""
    events = events_of(frames, prepared)
    if events is None:
        return missing("moved", TITLE)
    source = source_line(events, filters)
    if M.event_rows(events, filters).empty:
        return Section(key="moved", title=TITLE, source_line=source, empty=NO_EVENTS, extra={"paragraph": ""})
    paragraph = facts.narrative(events, filters)
    turns = turning_point_notes(events, filters)
    return Section(key="moved", title=TITLE, bullets=sentences(paragraph), caveats=(CAVEAT,), source_line=source,
                   notes=(paragraph, *(["Turning points and their quotes:", *turns] if turns else [])),
                   extra={"paragraph": paragraph})

