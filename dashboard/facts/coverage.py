"""What the data covers, computed: the texts (how many, when published) and the span of the acts they report.

Every title, as-of line, file name and count in the product states its scope from here, so the room reads the
period the texts cover and that counts are what these texts report, not a census of acts (codebook, "Readings").
The span is that of the scored acts in ``events`` (context markers, such as a 1994 treaty the texts recall, are
reference points, not coverage) whose interval is at most :data:`PRECISE_DAYS` long (an act known only to a year
or a range of years does not stretch the period), and whose date the texts themselves give: an act whose date a
correction moved (``corrects`` names ``date``) is drawn where the record puts it, but it does not stretch what the
texts cover (the Azerbaijan oil agreement, dated September by its seed and November 2022 by the record, is not
evidence that the texts cover November).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Mapping

import pandas as pd

from dashboard.marks import date_label

#: an act dated to an interval longer than this does not set the span (a month is the coarsest date that does)
PRECISE_DAYS = 31
#: number words for the texts, as a room reads them
NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}


def _months(first: dt.date, last: dt.date) -> str:
    """'January–October 2022', 'March 2022', 'November 2021 – February 2022'."""
    if (first.year, first.month) == (last.year, last.month):
        return f"{first:%B %Y}"
    if first.year == last.year:
        return f"{first:%B}–{last:%B %Y}"
    return f"{first:%B %Y} – {last:%B %Y}"


@dataclass(frozen=True)
class Coverage:
    """The texts and the acts' span. Dates are ``None`` when the tables do not give them."""

    texts: int
    published_from: dt.date | None
    published_to: dt.date | None
    first_act: dt.date | None
    last_act: dt.date | None
    #: the latest act's date as precise as its evidence ('16 Oct 2022', 'November 2022')
    last_label: str = ""
    #: scored acts before ``since`` that the texts recall as background (not part of the period)
    background: int = 0

    @property
    def texts_words(self) -> str:
        """'five texts', 'one text'."""
        word = NUMBER_WORDS.get(self.texts, str(self.texts))
        return f"{word} text" if self.texts == 1 else f"{word} texts"

    @property
    def period(self) -> str:
        """The acts' months ('January–November 2022'); '' when no act is dated."""
        return _months(self.first_act, self.last_act) if self.first_act and self.last_act else ""

    @property
    def published(self) -> str:
        """The texts' publication window as months ('April–December 2022'); '' when unknown."""
        return _months(self.published_from, self.published_to) if self.published_from and self.published_to else ""

    @property
    def title(self) -> str:
        """The product's title: the period and whose account it is."""
        period = f", {self.period}" if self.period else ""
        return f"Kazakhstan and Russia{period}: what {self.texts_words} published in 2022 report" if self._all_2022 else \
            f"Kazakhstan and Russia{period}: what {self.texts_words} report"

    @property
    def _all_2022(self) -> bool:
        return bool(self.published_from and self.published_to and self.published_from.year == self.published_to.year == 2022)

    @property
    def census_line(self) -> str:
        """The line every count carries: what the texts report, not a census."""
        when = f" (published {self.published})" if self.published else ""
        return (f"Counts are what {self.texts_words}{when} report, not a census of acts or a measure of the relationship.")

    @property
    def scope_line(self) -> str:
        """The as-of line: the acts' span, the latest act, and the texts."""
        if not self.last_act:
            return f"From {self.texts_words}; no act is dated."
        when = f", published {self.published}" if self.published else ""
        recalled = (f" The texts also recall {self.background} earlier act{'s' if self.background != 1 else ''} as background."
                    if self.background else "")
        return (f"Acts dated {self.first_act:%B %Y} – {self.last_act:%B %Y} (latest act {self.last_label or self.last_act.isoformat()}), "
                f"as {self.texts_words}{when} report them; nothing after is covered.{recalled}")


def _date(value) -> dt.date | None:
    stamp = pd.to_datetime(value, errors="coerce")
    return None if pd.isna(stamp) else stamp.date()


def coverage(frames: Mapping[str, pd.DataFrame], since: dt.date | None = dt.date(2022, 1, 1)) -> Coverage:
    """The coverage of the loaded tables (``sources`` and ``events``) from ``since`` (the product's period starts on
    1 January 2022, the app's default From; earlier acts are counted as background); missing tables give ``None``."""
    sources = frames.get("sources")
    texts = 0 if sources is None else int(sources["source_id"].nunique())
    pub_from = pub_to = first = last = None
    background = 0
    last_label = ""
    if sources is not None and len(sources) and {"published_from", "published_to"} <= set(sources.columns):
        pub_from = _date(pd.to_datetime(sources["published_from"], errors="coerce").min())
        pub_to = _date(pd.to_datetime(sources["published_to"], errors="coerce").max())
    events = frames.get("events")
    if events is not None and len(events) and {"date_from", "date_to"} <= set(events.columns):
        start = pd.to_datetime(events["date_from"], errors="coerce")
        end = pd.to_datetime(events["date_to"], errors="coerce").fillna(start)
        scored = events["stance"].notna() if "stance" in events.columns else pd.Series(True, index=events.index)
        moved = (events["corrects"].fillna("").astype(str).str.contains(r"\bdate\b") if "corrects" in events.columns
                 else pd.Series(False, index=events.index))
        precise = ((end - start).dt.days <= PRECISE_DAYS) & scored & ~moved
        if since is not None:
            before = end < pd.Timestamp(since)
            background = int((scored & before).sum())
            precise &= ~before
        if precise.any():
            first, last = _date(start[precise].min()), _date(end[precise].max())
            latest = end[precise].idxmax()
            last_label = date_label(start[latest], end[latest])
    return Coverage(texts, pub_from, pub_to, first, last, last_label, background)
