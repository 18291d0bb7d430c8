"""The stance-over-time section: the Stance page's chart (and the Overview's compact one) and the briefing's "stance" slide.

Also the parts the stance sections share: the events as the charts take them, the source line, the coding caveat and
the turning points' quotes. Pure.
"""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from dashboard import charts, facts
from dashboard import marks as M
from dashboard.marks.readings import DIRECTION_COUNTS
from dashboard.filters import DEFAULT, Filters
from dashboard.sections.base import Chart, Claim, Section
from dashboard.sections.common import quote as _quote, seeds as _seeds, source as _source

TITLE = "Stance over time"
#: what the scores are (the caveat of the stance chart and the notes of the index)
CODING = "Scores are the curators' coding of what each seed reports (codebook: data/README.md), not a measure of importance."
NO_EVENTS = "No events match these filters."
MISSING = "The events table did not pass validation, so this slide has nothing to show."
MISSING_SOURCE = "Source: data/events.csv (not loaded)"


def census(frames: Mapping[str, pd.DataFrame]) -> str:
    """The coverage's census line: every section that counts acts carries it (readings: scope)."""
    return facts.coverage(frames).census_line


def texts_phrase(frames: Mapping[str, pd.DataFrame]) -> str:
    """'these five texts (published April–December 2022)': whose account the counts are."""
    found = facts.coverage(frames)
    return f"these {found.texts_words}" + (f" (published {found.published})" if found.published else "")


def spec_title(spec: Any) -> tuple[str, str]:
    """A builder's spec's title and subtitle texts."""
    title = spec.spec.get("title") if isinstance(spec, charts.Spec) else None
    text, subtitle = (title.get("text", ""), title.get("subtitle", "")) if isinstance(title, dict) else (title or "", "")
    text, subtitle = (" ".join(t) if isinstance(t, list) else str(t or "") for t in (text, subtitle))
    return text, subtitle


def events_of(frames: Mapping[str, pd.DataFrame], prepared: pd.DataFrame | None = None) -> pd.DataFrame | None:
    """The events as the charts take them (``prepared`` when the caller holds them already); None when not loaded."""
    if prepared is not None:
        return prepared
    return M.prepare_events(frames["events"]) if "events" in frames else None


def source_line(events: pd.DataFrame, filters: Filters) -> str:
    return _source(["events.csv"], _seeds(M.event_rows(events, filters)), filters)


def turning_point_notes(events: pd.DataFrame, filters: Filters) -> list[str]:
    """The turning points' verbatim quotes, one notes line per row."""
    rows = M.event_rows(events, filters)
    out = []
    for turn in M.turning_points(events, filters).itertuples():
        for row in rows[rows["event_key"] == turn.event_key].sort_values("id").to_dict("records"):
            out.append(_quote(row, f"{M.turning_point_text(turn.label, turn.date_label)} — "))
    return out


def missing(key: str, title: str) -> Section:
    return Section(key=key, title=title, source_line=MISSING_SOURCE, empty=MISSING)


def event_choices(marks: pd.DataFrame, context: pd.DataFrame) -> dict[str, str]:
    """Selectable events: one per mark (scored) and per context marker, labelled date · actor · summary."""
    choices = {m.key: f"{m.date_label} · {m.actor} · {m.summary}" for m in marks.itertuples()}
    for m in context.itertuples():
        choices.setdefault(m.key, f"{m.date_label} · context · {m.summary}")
    return choices


def build(frames: Mapping[str, pd.DataFrame], filters: Filters = DEFAULT, *, selected: str | None = None,
          compact: bool = False, prepared: pd.DataFrame | None = None) -> Section:
    """Every scored event on a time axis under ``filters`` (``selected`` outlines a mark; ``compact`` is the Overview's).

    ``extra``: ``n_rows`` (rows the filters keep), ``marks`` (the drawn marks) and ``choices`` (the page's event picker).
    """
    events = events_of(frames, prepared)
    if events is None:
        return missing("stance", TITLE)
    rows = M.event_rows(events, filters)
    source = source_line(events, filters)
    if rows.empty:
        return Section(key="stance", title=TITLE, source_line=source, empty=NO_EVENTS,
                       extra={"n_rows": 0, "marks": None, "choices": {}})
    drawn = M.stance_marks(events, filters, outside=frames.get("outside_context"))
    spec = charts.stance_spec(drawn, selected=selected, compact=compact)
    title, subtitle = spec_title(spec)
    turns = turning_point_notes(events, filters)
    summary = drawn.summary
    claims = () if drawn.binned or drawn.marks.empty else (
        Claim(M.group_text(M.group_counts(drawn.marks)), "tally", int(len(drawn.marks)), DIRECTION_COUNTS),)
    return Section(
        key="stance", title=title, subtitle=subtitle,
        charts=(Chart("stance-over-time", spec=spec, data=drawn.marks, title=title, subtitle=subtitle, summary=summary),),
        summary=summary, caveats=(census(frames), *([drawn.outside_line] if drawn.outside_line else []), CODING),
        source_line=source, claims=claims,
        notes=(summary, *(["Turning points and their quotes:", *turns] if turns else [])),
        extra={"n_rows": int(len(rows)), "marks": drawn.marks, "choices": event_choices(drawn.marks, drawn.context)},
    )
