"""The corrections section: every row that keeps a seed's wrong statement verbatim and states the correct fact beside it.

The section holds every corrected row (``extra['rows']``: :func:`dashboard.facts.corrections` with what each corrects);
the slides rank or page them, the page lists them.
"""

from __future__ import annotations

from typing import Callable, Mapping

import pandas as pd

from dashboard import facts
from dashboard.filters import Filters
from dashboard.sections.base import Section
from dashboard.sections.common import source, text

TITLE = "Corrections"
CAVEAT = "Where a seed is wrong on a checkable fact, the row keeps the seed's quote and states the correct fact."
EMPTY = "No row carries a correction."
SOURCE = "Source: data/ (the correction column of every table) · all rows"


def rows(frames: Mapping[str, pd.DataFrame], covered: Callable[[str, str], bool] | None = None) -> pd.DataFrame:
    """Every corrected row (:func:`dashboard.facts.corrections`) with what it corrects; with ``covered``, a topic's."""
    out = facts.corrections(frames)
    corrects = {(name, text(r.get("id"))): text(r.get("corrects")) for name, frame in frames.items()
                if {"corrects", "correction", "id"} <= set(frame.columns)
                for r in frame[frame["correction"].fillna("").str.strip() != ""][["id", "corrects"]].to_dict("records")}
    out["corrects"] = [corrects.get((t, i), "") for t, i in zip(out["table"], out["id"])]
    if covered is not None and len(out):
        out = out[[covered(t, i) for t, i in zip(out["table"], out["id"])]]
    return out.reset_index(drop=True)


def line(row: Mapping) -> str:
    """One correction as a line: the seed, the row and the correct fact."""
    return f"{row['source_id']} ({row['id']}): {row['correction']}"


def note(row: Mapping) -> str:
    return f"{row['source_id']} ({row['id']}): the seed says “{row['quote']}” Correction: {row['correction']}"


def source_line(corrected: pd.DataFrame) -> str:
    return source([f"{t}.csv" for t in dict.fromkeys(corrected["table"])], sorted(set(corrected["source_id"])), None)


def build(frames: Mapping[str, pd.DataFrame], filters: Filters | None = None,
          covered: Callable[[str, str], bool] | None = None, corrected: pd.DataFrame | None = None) -> Section:
    """Every correction (they cover every row: the filters do not reach them); with ``covered``, a topic's rows'.
    ``corrected``: the rows of :func:`rows`, when already read."""
    corrected = rows(frames, covered) if corrected is None else corrected
    if corrected.empty:
        return Section(key="corrections", title=TITLE, empty=EMPTY, source_line=SOURCE, extra={"rows": corrected})
    records = corrected.to_dict("records")
    return Section(key="corrections", title=TITLE,
                   summary=f"{len(corrected)} rows keep a seed's wrong statement verbatim and state the correct fact beside it.",
                   bullets=tuple(line(r) for r in records), caveats=(CAVEAT,), source_line=source_line(corrected),
                   notes=tuple(note(r) for r in records), extra={"rows": corrected})
