"""The "What moved, and when" section: the paragraph generated from the events (the Overview's and the "moved" slide). Pure."""

from __future__ import annotations

from typing import Mapping

import pandas as pd

from dashboard import marks as M
from dashboard.filters import DEFAULT, Filters
from dashboard.facts.narrative import narrative_readings
from dashboard.sections.base import Claim, Section
from dashboard.sections.common import sentences
from dashboard.sections.stance import NO_EVENTS, census, events_of, missing, source_line, texts_phrase, turning_point_notes

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
    paragraph, readings = narrative_readings(events, filters, texts=texts_phrase(frames), frames=frames)
    turns = turning_point_notes(events, filters)
    claims = tuple(Claim(r.text, r.kind, r.n, r.rule) for r in readings)
    return Section(key="moved", title=TITLE, bullets=sentences(paragraph), caveats=(census(frames), CAVEAT), source_line=source,
                   notes=(paragraph, *(["Turning points and their quotes:", *turns] if turns else [])), claims=claims,
                   extra={"paragraph": paragraph})

