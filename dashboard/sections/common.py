"""Small text helpers every section uses: a cell as text, the seeds behind rows, the source line, notes lines of quotes."""

from __future__ import annotations

import re
from typing import Any, Callable, Mapping, Sequence

import pandas as pd

from dashboard import marks as M
from dashboard.filters import Filters


def text(value: Any) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def seeds(*frames: pd.DataFrame | None) -> list[str]:
    """The distinct seeds (``source_id``) behind the rows of the frames, sorted; worked out per column (the
    distinct values first, then their text), not per row: a section may stand on 100,000 rows."""
    ids: set[str] = set()
    for frame in frames:
        if frame is not None and "source_id" in frame.columns:
            ids.update(str(s) for s in frame["source_id"].dropna().unique())
    return sorted(ids)


def source(files: Sequence[str], seeds: Sequence[str], filters: Filters | None) -> str:
    """The slide's source line: tables, the seeds its rows come from, and the filters applied."""
    line = "Source: " + ", ".join(f"data/{f}" for f in files)
    if seeds:
        line += " · seeds " + ", ".join(seeds)
    line += " · " + ("all rows" if filters is None or filters.is_empty else "filters: " + filters.describe())
    return line


def quote(row: Mapping[str, Any], lead: str = "") -> str:
    """One notes line: who and where, then the verbatim quote (and any correction)."""
    line = f"{lead}{row.get('source_id', '')} ({row.get('id', '')}): " + M.with_translation(
        text(row.get("quote")), text(row.get("quote_en")), text(row.get("quote_en_by")))
    if text(row.get("correction")).strip():
        line += f" Correction: {row['correction']}"
    return line


def quotes(frame: pd.DataFrame, label: Callable[[Mapping[str, Any]], str] | None = None) -> list[str]:
    return [quote(row, (label(row) + " — ") if label else "") for row in frame.to_dict("records")]


def notes(*parts: str | Sequence[str]) -> str:
    lines: list[str] = []
    for part in parts:
        if isinstance(part, str):
            if part:
                lines.append(part)
        else:
            lines.extend(p for p in part if p)
    return "\n".join(lines)


def sentences(paragraph: str) -> tuple[str, ...]:
    """A generated paragraph split into sentences (one bullet each)."""
    return tuple(s for s in re.split(r"(?<=[.)])\s+(?=[A-Z])", paragraph.strip()) if s)


def correction_caveat(rows: pd.DataFrame) -> str:
    if "correction" not in rows.columns:
        return ""
    corrected = rows[rows["correction"].fillna("").str.strip() != ""]
    if corrected.empty:
        return ""
    ids = ", ".join(corrected["id"])
    verb = "repeats" if len(corrected) == 1 else "repeat"
    return f"{len(corrected)} of these rows ({ids}) {verb} a seed's error on a checkable fact: see the corrections slide."


def census_caveat(frames: Mapping[str, pd.DataFrame]) -> str:
    """The standing caveat every count of acts carries (codebook, "Readings": scope): what these texts report, not a
    census (:attr:`dashboard.facts.coverage.Coverage.census_line`, computed from the loaded tables)."""
    from dashboard.facts.coverage import coverage

    return coverage(frames).census_line
