"""The briefing's values: a :class:`Slide` (what every renderer shows), a :class:`Figure` on the figures slide, the
:class:`Brief` (the slides, the data's date and the filters) and :class:`BriefError`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from dashboard.brief import topics as T
from dashboard.filters import DEFAULT, Filters


class BriefError(ValueError):
    """A filter value the briefing cannot use (the message is one line, for the command line)."""


@dataclass(frozen=True)
class Figure:
    """One headline figure on the figures slide."""

    label: str
    value: str
    detail: str = ""
    disputed: bool = False


@dataclass(frozen=True)
class Slide:
    """One slide: what every renderer shows, in the same order.

    ``kind`` is ``title``, ``figures``, ``chart`` or ``text``. A chart slide's
    ``chart`` is the page's chart without its title (the slide's title is the
    chart's title, its subtitle the chart's subtitle); renderers size it.
    ``bullets`` on a chart slide are key facts shown beside the chart.
    """

    title: str
    kind: str
    subtitle: str = ""
    bullets: tuple[str, ...] = ()
    figures: tuple[Figure, ...] = ()
    chart: Any = field(default=None, compare=False, repr=False)
    summary: str = ""
    caveat: str = ""
    source_line: str = ""
    notes: str = ""
    #: what kind of chart the picture is ("Timeline chart", "Bar chart", "Map"), the first words of its alt text
    chart_type: str = ""
    #: the data the chart draws, as a table (see :func:`chart_table`): in the notes and as a CSV beside the deck
    data: Any = field(default=None, compare=False, repr=False)
    #: which kind of slide this is (:data:`SLIDE_KEYS`, or ``appendix``): what a topic or a slide budget selects
    key: str = ""

    @property
    def alt_text(self) -> str:
        """The chart picture's alternative text: its type and title, then its one-line summary (the map, which has
        none, gives its key facts)."""
        what = " ".join(self.bullets) if not self.summary else self.summary
        return f"{self.chart_type or 'Chart'}: {self.title}. {what}".strip()

    def texts(self) -> tuple[str, ...]:
        """Every text shown on the slide, in reading order (what renderers must show, and tests compare)."""
        out = [self.title]
        if self.subtitle:
            out.append(self.subtitle)
        for figure in self.figures:
            out += [figure.label, figure.value] + ([figure.detail] if figure.detail else [])
        out += list(self.bullets)
        out += [t for t in (self.summary, self.caveat, self.source_line) if t]
        return tuple(out)


@dataclass(frozen=True)
class Brief:
    """The slides, the texts' latest publication date (``as_of``), the filters they were built with, and the scope."""

    slides: tuple[Slide, ...]
    as_of: dt.date | None
    filters: Filters
    #: the topics the deck was cut to (none: every topic)
    topics: tuple[str, ...] = ()
    #: the first date the data covers under the filters (the filters' From, else the earliest row)
    first: dt.date | None = None
    #: the deck's title (the title slide's: the period the acts cover, computed from the data)
    title: str = ""
    #: the latest act the texts report (:attr:`dashboard.facts.coverage.Coverage.last_act`): where the period ends
    last_act: dt.date | None = None

    @property
    def stem(self) -> str:
        """The default file name without extension: ``brief_<topics>_<filters>_<from>_to_<to>``, naming the topics
        (``all-topics``), each filter away from the app's default, and the period covered (see
        :func:`dashboard.brief.topics.file_stem`): from the filters' From (else the first act), to the month of the
        latest act the texts report (``2022-11``), or the filters' To when it ends earlier. Not the texts' publication
        date: that says when they stop, not what they cover."""
        last: dt.date | str | None = f"{self.last_act:%Y-%m}" if self.last_act else None
        if self.filters.date_to and (self.last_act is None or self.filters.date_to < self.last_act):
            last = self.filters.date_to
        return T.file_stem(self.topics, self.filters.to_query_params(DEFAULT), (self.filters.date_from or self.first, last))

    @property
    def document_title(self) -> str:
        """The .pptx and PDF document title."""
        return f"{self.title or 'Kazakhstan and Russia'}: briefing"
