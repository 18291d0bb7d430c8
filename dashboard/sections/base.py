"""The value every topic returns: :class:`Section`, with its :class:`Chart`, :class:`Figure` and :class:`Claim` parts.

Framework-free (no Streamlit, no python-pptx): the page and the slide render it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import pandas as pd


@dataclass(frozen=True)
class Chart:
    """One chart of a section: its spec and the rows it draws.

    ``spec`` is an Altair chart or a pydeck deck (``None`` when nothing matches:
    ``message`` says so instead). ``name`` is the file stem of its downloads.
    ``data`` is the table behind the picture (what the download and the notes
    give); ``summary`` its one-line reading and ``alt`` the picture's alt text.
    """

    name: str
    spec: Any = field(default=None, compare=False, repr=False)
    data: pd.DataFrame | None = field(default=None, compare=False, repr=False)
    title: str = ""
    subtitle: str = ""
    summary: str = ""
    message: str = ""
    alt: str = ""
    #: what kind of chart the picture is ("Timeline chart", "Bar chart", "Map")
    chart_type: str = ""


@dataclass(frozen=True)
class Figure:
    """One headline figure: a label, its value and a detail line.

    ``conflict`` is the kind of conflict behind the figure ("" when none): only a
    real disagreement is styled as one.
    """

    label: str
    value: str
    detail: str = ""
    conflict: str = ""
    #: the rows the figure rests on, as (table, id)
    cites: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Claim:
    """One reading a section makes (a count, a mean, a trend, a tally, a 'lowest month', an index line).

    ``n`` is how many acts or rows it rests on; ``rule`` names the declared
    reading rule it was stated under (see the codebook). Tests hold every claim
    to its rule.
    """

    text: str
    kind: str
    n: int | None = None
    rule: str = ""


@dataclass(frozen=True)
class Section:
    """Everything one topic says, once: the page and the slide both lay this out."""

    key: str
    title: str
    subtitle: str = ""
    charts: tuple[Chart, ...] = ()
    figures: tuple[Figure, ...] = ()
    summary: str = ""
    caveats: tuple[str, ...] = ()
    source_line: str = ""
    #: speaker notes: the verbatim quotes behind each figure, one paragraph each
    notes: tuple[str, ...] = ()
    claims: tuple[Claim, ...] = ()
    #: key facts shown beside a chart (the map's), in reading order
    bullets: tuple[str, ...] = ()
    #: the message shown when nothing matches the filters ("" when something does)
    empty: str = ""
    #: topic-specific parts a page needs beyond these (e.g. the stance page's event choices)
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def texts(self) -> tuple[str, ...]:
        """Every text the section shows, in reading order: what the page and the slide must both show."""
        out = [self.title] + ([self.subtitle] if self.subtitle else [])
        for figure in self.figures:
            out += [figure.label, figure.value] + ([figure.detail] if figure.detail else [])
        out += list(self.bullets)
        out += [t for t in (self.summary, self.empty, *self.caveats, self.source_line) if t]
        return tuple(out)
