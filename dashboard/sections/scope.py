"""The scope section: what the deck's title slide and the pages' as-of line say (title, the data's date, the filters, the seeds).

Pure: no Streamlit, no python-pptx.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping, Sequence

import pandas as pd

from dashboard import export
from dashboard.filters import DEFAULT, Filters
from dashboard.sections.base import Section
from dashboard.sections.common import text as _text

TITLE = "Kazakhstan and Russia since 2022"
SOURCE_LINE = "Source: seeds/provenance.csv and the curated tables in data/ (data/README.md is the codebook)"
#: characters of a seed's title on the title slide
SEED_TITLE = 56


def as_of_line(as_of: dt.date | None) -> str:
    """The pages' as-of line ("" when the data's date is unknown)."""
    return f"Data as of {as_of:%-d %B %Y} (the latest publication date any seed supports)." if as_of else ""


def build(frames: Mapping[str, pd.DataFrame], filters: Filters = DEFAULT, as_of: dt.date | None = None,
          topics: Sequence[Any] = (), *, as_of_known: bool = False) -> Section:
    """The title and scope: the title, the data's date (``as_of``, else read from the sources table unless
    ``as_of_known``), the filters in force, the topics and the seeds; the notes give the data's date (the briefing
    adds how to rebuild it: that is the command line's, not the topic's).

    ``extra["as_of"]`` is the date and ``extra["as_of_line"]`` the line the pages show under their title.
    """
    if as_of is None and not as_of_known:
        as_of = export.data_as_of(frames.get("sources"))
    sources = frames.get("sources")
    seeds = []
    if sources is not None:
        for row in sources.sort_values("source_id").to_dict("records"):
            title = _text(row.get("title"))
            title = title if len(title) <= SEED_TITLE else title[:SEED_TITLE].rsplit(" ", 1)[0].rstrip(",.:;") + "…"
            seeds.append(f"{row['source_id']} ({_text(row.get('reliability')) or '?'}) · {title}")
    bullets = (
        *([f"Topics: {', '.join(t.label for t in topics)} (the stance slides keep the events of "
           f"{', '.join(dict.fromkeys(d for t in topics for d in t.domains)) or 'every domain'})."] if topics else []),
        f"Filters in force: {filters.describe()}.",
        ("The stance slides apply every filter and the topics' domains, the indicator slides the dates and sources; the "
         "conflicts and corrections are those of the topics' rows." if topics else
         "The stance slides apply every filter, the indicator slides the dates and sources; the headline figures, map, "
         "conflicts and corrections cover every row."),
        f"Sources: {len(seeds) or 'the'} seed texts (reliability grade in brackets), curated into the tables in data/; "
        "every figure cites its seed and a verbatim quote in the speaker notes.",
        *seeds,
    )
    notes = (f"Data as of {as_of:%-d %B %Y}: the latest publication date any seed supports.",) if as_of else ()
    return Section(
        key="title",
        title=TITLE,
        subtitle=f"Briefing · data as of {as_of:%-d %B %Y}" if as_of else "Briefing · data date unknown",
        bullets=tuple(bullets),
        source_line=SOURCE_LINE,
        notes=notes,
        extra={"as_of": as_of, "as_of_line": as_of_line(as_of)},
    )
