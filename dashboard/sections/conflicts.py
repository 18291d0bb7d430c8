"""The conflicts section: every declared conflict between seeds, read by its kind, both sides with their seeds, never averaged.

Only a conflict of kind "disagreement" is called one; "different bases" and "different precision" read as what they
are (codebook, readings.csv ``conflict_label``).

The section holds every conflict (``extra['items']``, one :class:`Item` each, and ``extra['conflicts']``, the
conflicts as :func:`dashboard.facts.conflicts` gives them); the slide cuts them into slides, the page draws each.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

import pandas as pd

from dashboard import facts
from dashboard.filters import Filters
from dashboard.sections.base import Section
from dashboard.sections.common import quote, source

TITLE = "Conflicting figures"
CAVEAT = ("Each conflict is read by its kind: only a disagreement is one; different bases and different precision are "
          "compatible figures shown side by side. Both rows stay, each with its own quote; nothing is averaged or silently picked.")
#: how each kind reads in a conflict's line (conflicts.kind)
KIND_LINE = {"disagreement": "the seeds disagree", "different bases": "different bases: both shown",
             "different precision": "different precision: compatible"}
EMPTY = "No conflicts are declared, or the conflicts table did not load."
#: the characters of each side shown in a conflict's line (the notes keep the quotes whole)
SIDE = 60


@dataclass(frozen=True)
class Item:
    """One conflict as a line of text, with its notes, seeds and tables."""

    key: str
    line: str
    notes: tuple[str, ...]
    seeds: tuple[str, ...]
    tables: tuple[str, ...]


def cut(text: str, limit: int) -> str:
    text = str(text or "")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def side(value: str, limit: int = SIDE) -> str:
    """One side of a conflict cut to a phrase, keeping its '(corrected)' mark whole."""
    mark = " (corrected)"
    if value.endswith(mark):
        return cut(value[: -len(mark)], limit - len(mark)) + mark
    return cut(value, limit)


def _item(conflict: dict) -> Item:
    rows = conflict["rows"]
    # an account (not a figure) is cut to a phrase; the notes keep every quote whole
    figures = " vs ".join(f"{side(r['value'])} ({r['source_id']})" for r in rows.to_dict("records"))
    reading = f" {conflict['reading']}" if conflict["reading"] else ""
    if conflict.get("reference"):
        origin = conflict["reference_source"].split(":")[0] if conflict.get("reference_source") else ""
        reading += f" Outside the seeds: {conflict['reference']}" + (f" ({origin})." if origin else ".")
    kind = conflict.get("kind", "")
    head = f"{conflict['subject']} ({KIND_LINE.get(kind, kind)})" if kind else conflict["subject"]
    line = (f"{head}: {figures}." if figures else f"{head}: no loaded row carries this key.") + reading
    notes = [f"{conflict['subject']} [{conflict['key']}{', ' + kind if kind else ''}]: {conflict['reading']}"]
    if conflict.get("reference_source"):
        notes.append(f"  Outside the seeds: {conflict['reference_source']}")
    notes += [f"  {quote(r)}" for r in rows.to_dict("records")]
    return Item(conflict["key"], line, tuple(notes), tuple(sorted(set(rows["source_id"]))),
                tuple(f"{t}.csv" for t in dict.fromkeys(rows["table"])))


def source_line(items: list[Item] | tuple[Item, ...]) -> str:
    """The source line of some conflicts: the conflicts table, then the tables and seeds of their rows."""
    tables = ["conflicts.csv"]
    for item in items:
        tables += [t for t in item.tables if t not in tables]
    return source(tables, sorted({s for item in items for s in item.seeds}), None)


def build(frames: Mapping[str, pd.DataFrame], filters: Filters | None = None,
          covered: Callable[[str, str], bool] | None = None) -> Section:
    """Every conflict (they cover every row: the filters do not reach them); with ``covered(table, id)``, only those
    with a row it covers (a topic's)."""
    conflicts = facts.conflicts(frames)
    if covered is not None:
        conflicts = [c for c in conflicts if any(covered(r["table"], r["id"]) for r in c["rows"].to_dict("records"))]
    if not conflicts:
        return Section(key="conflicts", title=TITLE, empty=EMPTY, source_line=source(["conflicts.csv"], [], None),
                       extra={"items": (), "conflicts": ()})
    items = tuple(_item(c) for c in conflicts)
    return Section(key="conflicts", title=TITLE, bullets=tuple(i.line for i in items), caveats=(CAVEAT,),
                   source_line=source_line(items), notes=tuple(n for i in items for n in i.notes),
                   extra={"items": items, "conflicts": tuple(conflicts)})
