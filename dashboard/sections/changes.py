"""The changes section: what changed between a release and a later state (the current data, or a later release).

Built from a :class:`dashboard.diff.Diff`: the new events with their dates and seeds, the changed figures as
old → new, and the new corrections; the notes give every change with its quotes.
"""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from dashboard import marks as M
from dashboard.sections.base import Section
from dashboard.sections.common import quote

#: items listed (the notes list them all)
LISTED = 9
#: long text cells: a change to one is named ("quote revised"), not shown old → new (the notes show it)
LONG_FIELDS = ("quote", "summary", "note", "date_note", "position", "as_stated", "correction", "definition", "example",
               "reading", "reference", "date_evidence", "reliability_reason")
CURRENT = "current"


def cut(text: str, limit: int) -> str:
    text = str(text or "")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def when(row: Mapping[str, str]) -> str:
    start, end = row.get("date_from") or "", row.get("date_to") or ""
    if not start:
        return "undated"
    return M.date_label(pd.Timestamp(start), pd.Timestamp(end or start))


def shown_cell(field_name: str, value: str) -> str:
    if value == "":
        return "blank"
    if field_name == "stance":
        try:
            return M.signed(float(value))
        except ValueError:
            return value
    return value


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def build(changes: Any) -> Section:
    """What changed from ``changes.old`` to ``changes.new``: ``summary`` counts it, ``bullets`` list the first
    :data:`LISTED` items (and how many more), the notes every change with its quotes."""
    release, new = changes.old, changes.new
    events = changes.table("events")
    new_events = list(events.added) if events is not None else []
    items: list[str] = []
    notes: list[str] = []
    for r in new_events:
        row = r.row
        items.append(f"New event · {when(row)} · {cut(row.get('summary') or row.get('actor_detail') or '', 90)} "
                     f"({row.get('source_id', '?')}, {r.key_text})")
        notes.append(quote(row, f"New event {r.key_text}, {when(row)} — "))
    figures: list[str] = []
    corrections: list[str] = []
    for table in changes.changed_tables:
        for r in table.changed:
            shown = [f"{c.field} {shown_cell(c.field, c.old)} → {shown_cell(c.field, c.new)}" for c in r.cells
                     if c.field not in LONG_FIELDS]
            revised = [c.field for c in r.cells if c.field in LONG_FIELDS and c.field != "correction"]
            if shown or revised:
                figures.append(f"Changed · {table.name} {r.key_text}: " + "; ".join(shown + [f"{f} revised" for f in revised]))
            for c in r.cells:
                notes.append(f"Changed {table.name} {r.key_text}: {c.field}: “{c.old}” → “{c.new}”")
                if c.field == "correction" and c.new.strip():
                    corrections.append(f"{'New' if not c.old.strip() else 'Revised'} correction · {r.row.get('source_id', '?')} "
                                       f"({r.key_text}): {cut(c.new, 140)}")
        for r in table.added:
            if (r.row.get("correction") or "").strip():
                corrections.append(f"New correction · {r.row.get('source_id', '?')} ({r.key_text}): {cut(r.row['correction'], 140)}")
            if table.name != "events":
                notes.append(f"New row {table.name} {r.key_text}: " + quote(r.row) if r.row.get("quote") else f"New row {table.name} {r.key_text}")
        for r in table.removed:
            notes.append(f"Removed {table.name} {r.key_text}")
    notes += [f"Correction: {c}" for c in corrections]
    added = sum(len(t.added) for t in changes.changed_tables)
    removed = sum(len(t.removed) for t in changes.changed_tables)
    changed = sum(len(t.changed) for t in changes.changed_tables)
    listed = items + figures + corrections
    since = release if new == CURRENT else f"{release} to {new}"
    command = f"python -m dashboard diff {release}" + ("" if new == CURRENT else f" {new}")
    if listed:
        summary = (f"{_plural(len(new_events), 'new event')}, {_plural(len(figures), 'changed row')}, "
                   f"{_plural(len(corrections), 'new or revised correction')} "
                   f"({_plural(added, 'row')} added, {removed} removed, {changed} changed in all tables).")
        bullets = listed[:LISTED] + ([f"… and {len(listed) - LISTED} more: see the notes, or {command}."] if len(listed) > LISTED else [])
    else:
        summary = f"Nothing changed in the tables since release {release}." if new == CURRENT else \
            f"Nothing changed in the tables from release {release} to {new}."
        bullets = []
    where = "the current tables in data/" if new == CURRENT else f"data/releases/{new}/"
    intro = f"Every change since release {release}, with the quotes:" if new == CURRENT else \
        f"Every change from release {release} to {new}, with the quotes:"
    return Section(
        key="changes", title=f"What changed since {since}" if new == CURRENT else f"What changed from {release} to {new}",
        summary=summary, bullets=tuple(bullets),
        source_line=f"Source: data/releases/{release}/ against {where} · {command}",
        notes=(intro, *notes), extra={"listed": tuple(listed)},
    )
