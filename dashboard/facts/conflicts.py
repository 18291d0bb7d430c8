"""Conflicts and corrections: the rows in any table that disagree on one figure, and the rows a curator corrected.

One job: gather those rows side by side, with their seeds and quotes.
"""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from dashboard.facts.cards import Frames, _text
from dashboard.marks import date_label


def short_figure(row: Mapping[str, Any]) -> str:
    """A conflicting figure in a few characters ('80%', 'more than 200 people'); the seed's wording when it has no number."""
    count = row.get("count")
    if count is not None and not pd.isna(count):
        prefix = "more than " if row.get("qualifier") == "more than" else ""
        return f"{prefix}{int(count):,} {_text(row.get('counted'))}".strip()
    value, unit = row.get("value"), _text(row.get("unit"))
    if value is not None and not pd.isna(value):
        high = row.get("value_high")
        number = f"{value:,.4g}" + (f"–{high:,.4g}" if high is not None and not pd.isna(high) else "")
        approx = "about " if "about" in _text(row.get("as_stated")).lower() else "nearly " if "nearly" in _text(row.get("as_stated")).lower() else ""
        return f"{approx}{number}%" if unit == "percent" else f"{approx}{number} {unit}".strip()
    # a row with no figure (an account of events): the seed's wording, else the curator's summary or position
    return _text(row.get("as_stated")) or _text(row.get("summary")) or _text(row.get("position"))


def corrected_figure(row: Mapping[str, Any]) -> str:
    """A corrected row's figure, worded from the record: its ``label``, else its number alone, else its coded summary
    or position; marked corrected."""
    count = row.get("count")
    words = _text(row.get("label")).strip()
    if not words and count is not None and not pd.isna(count):
        words = f"{'more than ' if row.get('qualifier') == 'more than' else ''}{int(count):,}"
    words = words or _text(row.get("summary")).strip() or _text(row.get("position")).strip() or "see the correction"
    return f"{words} (corrected)"


def conflict_rows(frames: Frames, key: str) -> pd.DataFrame:
    """Every row in any table that carries ``conflict_key == key``, side by side: table, id, seed, figure, quote."""
    out = []
    for name, frame in frames.items():
        if name == "conflicts" or "conflict_key" not in frame.columns:
            continue
        for row in frame[frame["conflict_key"] == key].to_dict("records"):
            value, figure = short_figure(row), _text(row.get("as_stated"))
            if _text(row.get("correction")).strip():  # worded from the record, never the seed's refuted words (kept in the quote)
                value = figure = corrected_figure(row)
            out.append(
                {
                    "table": name,
                    "id": _text(row.get("id")),
                    "source_id": _text(row.get("source_id")),
                    "value": value,
                    "figure": figure,
                    "date": date_label(row.get("date_from"), row.get("date_to")),
                    "quote": _text(row.get("quote")),
                    "correction": _text(row.get("correction")),
                }
            )
    return pd.DataFrame(out, columns=["table", "id", "source_id", "value", "figure", "date", "quote", "correction"])


def conflicts(frames: Frames) -> list[dict[str, Any]]:
    """Each declared conflict with its subject, reading and linked rows."""
    table = frames.get("conflicts")
    if table is None:
        return []
    return [
        {"key": r["conflict_key"], "subject": _text(r.get("subject")), "reading": _text(r.get("reading")),
         "kind": _text(r.get("kind")),
         "reference": _text(r.get("reference")), "reference_source": _text(r.get("reference_source")),
         "rows": conflict_rows(frames, r["conflict_key"])}
        for r in table.to_dict("records")
    ]


def corrections(frames: Frames) -> pd.DataFrame:
    """Every row, in any table, with a non-blank ``correction``: what the seed says and the correct fact."""
    out = []
    for name, frame in frames.items():
        if "correction" not in frame.columns:
            continue
        rows = frame[frame["correction"].fillna("").str.strip() != ""]
        for row in rows.to_dict("records"):
            out.append(
                {"table": name, "id": _text(row.get("id")), "source_id": _text(row.get("source_id")),
                 "quote": _text(row.get("quote")), "correction": _text(row.get("correction"))}
            )
    return pd.DataFrame(out, columns=["table", "id", "source_id", "quote", "correction"])
