"""The scope section: what the deck's title slide and the pages' scope line say (the title and the period it covers,
computed from the data; the texts; the filters; the seeds), and the "Not covered" section (what came after the texts,
and what they leave out).

Pure: no Streamlit, no python-pptx.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping, Sequence

import pandas as pd

from dashboard import export
from dashboard.facts.coverage import Coverage, coverage
from dashboard.filters import DEFAULT, Filters
from dashboard.marks import date_label
from dashboard.sections.base import Section
from dashboard.sections.common import census_caveat, text as _text  # noqa: F401 - census_caveat: the pages' import

#: the title when the tables give no texts and no dates (the computed one is :attr:`Coverage.title`)
TITLE = "Kazakhstan and Russia"
SOURCE_LINE = "Source: seeds/provenance.csv and the curated tables in data/ (data/README.md is the codebook)"
#: characters of a seed's title on the title slide
SEED_TITLE = 56
#: the outside_context relations: acts after the latest act the texts report, and acts the texts leave out
AFTER, OMITTED = "after the texts", "omitted by the texts"
NOT_COVERED_SOURCE = "Source: data/outside_context.csv (outside the seeds: each row names its own source; context, never scored)"


def title(frames: Mapping[str, pd.DataFrame]) -> str:
    """The product's title: the period the acts cover and whose account it is (:attr:`Coverage.title`)."""
    return coverage(frames).title


def scope_line(frames: Mapping[str, pd.DataFrame]) -> str:
    """The line the pages show under their title: the acts' span, the latest act, the texts (:attr:`Coverage.scope_line`);
    '' when the tables name no text."""
    found = coverage(frames)
    return found.scope_line if found.texts else ""


def subtitle(found: Coverage) -> str:
    """The title slide's subtitle: the latest act as precise as its evidence, and the texts."""
    if not found.texts:
        return "Briefing · no text loaded"
    when = f" published {found.published}" if found.published else ""
    latest = f"latest act {found.last_label}" if found.last_act else "no dated act"
    return f"Briefing · {latest} · {found.texts_words}{when}"


def as_of_line(as_of: dt.date | None) -> str:
    """The texts' latest publication date as a line ("" when unknown). The pages show :func:`scope_line` instead: the
    publication date says when the texts stop, not what they cover."""
    return f"The texts were published up to {as_of:%-d %B %Y}." if as_of else ""


def build(frames: Mapping[str, pd.DataFrame], filters: Filters = DEFAULT, as_of: dt.date | None = None,
          topics: Sequence[Any] = (), *, as_of_known: bool = False) -> Section:
    """The title and scope: the title and period (computed from the data, :func:`dashboard.facts.coverage`), the latest
    act and the texts, the filters in force, the topics and the seeds; the caveat is the census line; the notes give
    the scope line and the texts' latest publication date (``as_of``, else read from the sources table unless
    ``as_of_known``).

    ``extra["as_of"]`` is the publication date, ``extra["as_of_line"]`` the scope line the pages show under their
    title, ``extra["coverage"]`` the :class:`~dashboard.facts.coverage.Coverage`.
    """
    if as_of is None and not as_of_known:
        as_of = export.data_as_of(frames.get("sources"))
    found = coverage(frames)
    sources = frames.get("sources")
    seeds = []
    if sources is not None:
        for row in sources.sort_values("source_id").to_dict("records"):
            name = _text(row.get("title"))
            name = name if len(name) <= SEED_TITLE else name[:SEED_TITLE].rsplit(" ", 1)[0].rstrip(",.:;") + "…"
            seeds.append(f"{row['source_id']} ({_text(row.get('reliability')) or '?'}) · {name}")
    line = found.scope_line if found.texts else ""
    bullets = (
        *([line] if line else []),
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
    notes = tuple(n for n in (line, f"The texts' latest publication date: {as_of:%-d %B %Y}." if as_of else "") if n)
    return Section(
        key="title",
        title=found.title if found.texts or found.last_act else TITLE,
        subtitle=subtitle(found),
        bullets=tuple(bullets),
        caveats=(found.census_line,) if found.texts else (),
        source_line=SOURCE_LINE,
        notes=notes,
        claims=(),
        extra={"as_of": as_of, "as_of_line": line, "coverage": found},
    )


def _rows(frames: Mapping[str, pd.DataFrame], relation: str) -> list[dict]:
    context = frames.get("outside_context")
    if context is None or "relation" not in context.columns:
        return []
    rows = context[context["relation"].map(_text).str.strip() == relation]
    order = [c for c in ("date_from", "id") if c in rows.columns]
    return rows.sort_values(order).to_dict("records") if order else rows.to_dict("records")


def _when(row: Mapping[str, Any]) -> str:
    start = pd.to_datetime(row.get("date_from"), errors="coerce")
    end = pd.to_datetime(row.get("date_to"), errors="coerce")
    if pd.isna(start):
        return "undated"
    return date_label(start, start if pd.isna(end) else end)


def outside_line(row: Mapping[str, Any]) -> str:
    """One outside-context act as a line: its date, what happened, labelled outside the seeds with its source."""
    return f"{_when(row)}: {_text(row.get('summary'))} (outside the seeds; {row.get('id', '')})"


def outside_note(row: Mapping[str, Any]) -> str:
    """The notes line of an outside-context act: its source in full, its address and the curator's note."""
    parts = [f"{row.get('id', '')} ({_text(row.get('relation'))}): {_text(row.get('summary'))}",
             f"Source: {_text(row.get('source'))}" if _text(row.get("source")) else "",
             _text(row.get("url")), _text(row.get("note"))]
    return " · ".join(p for p in parts if p)


def not_covered_heading(found: Coverage, after: Sequence[Mapping[str, Any]] = ()) -> str:
    """'Not covered: developments after the latest act (30 Sep – 16 Oct 2022)'; when a row the data marks as after the texts falls within the
    latest act's own dates (an act known only to its month), 'Not covered: developments after the texts (latest act
    November 2022)', so the heading does not say a 20 November act comes after November."""
    if not found.last_act:
        return "Not covered"
    starts = [pd.to_datetime(r.get("date_from"), errors="coerce") for r in after]
    if any(pd.notna(d) and d.date() <= found.last_act for d in starts):
        return f"Not covered: developments after the texts (latest act {found.last_label})"
    return f"Not covered: developments after the latest act ({found.last_label})"


def build_not_covered(frames: Mapping[str, pd.DataFrame]) -> Section:
    """"Not covered": the outside_context rows whose relation is 'after the texts' (what came after the latest act the
    texts report), then the 'Known omissions' (relation 'omitted by the texts'), each labelled outside the seeds with its
    source in the notes. Never scored, never counted: context for the room.

    ``extra["after"]`` and ``extra["omitted"]`` are the rows; ``extra["line"]`` the one-line version (the Overview)."""
    found = coverage(frames)
    after, omitted = _rows(frames, AFTER), _rows(frames, OMITTED)
    heading = not_covered_heading(found, after)
    if frames.get("outside_context") is None:
        return Section(key="not_covered", title=heading, source_line=NOT_COVERED_SOURCE,
                       empty="The outside_context table did not load, so the acts outside the texts are not listed.",
                       caveats=(found.census_line,) if found.texts else ())
    bullets = [*(outside_line(r) for r in after)]
    if not after:
        bullets.append("No act after the texts is recorded in data/outside_context.csv.")
    if omitted:
        bullets.append(f"Known omissions ({len(omitted)}): acts of the period the texts do not report.")
        bullets += [outside_line(r) for r in omitted]
    line = heading + (": " + "; ".join(f"{_when(r)}, {_text(r.get('summary'))}" for r in after) if after else "") + "."
    if omitted:
        line += (f" The texts also leave out {len(omitted)} known act{'s' if len(omitted) != 1 else ''} of the period "
                 "(listed on the Method page and in the briefing's Not covered slide).")
    return Section(
        key="not_covered",
        title=heading,
        subtitle="Outside the seeds: context from named outside sources, never scored or counted",
        bullets=tuple(bullets),
        caveats=(found.census_line,) if found.texts else (),
        source_line=NOT_COVERED_SOURCE,
        notes=tuple(outside_note(r) for r in (*after, *omitted)),
        extra={"after": after, "omitted": omitted, "line": line},
    )
