"""What the proposers of every language share: a :class:`Candidate` and how it is scored and ranked, the found
dates and figures, the vocabulary (:class:`Lexicon`), the table guess, and :class:`ProposeError`.

``dashboard.propose`` (English, and the entry point) and ``dashboard.propose_ru`` (Russian) both build on it, so
neither imports the other's internals: propose dispatches to propose_ru, propose_ru imports only this module.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any


#: a candidate is a sentence of at least this many words
MIN_WORDS = 5
#: signal weights: a candidate's score is their sum
WEIGHTS = {"date": 2.0, "figure": 2.0, "actor": 1.0, "act": 1.0, "place": 0.5, "cue": 0.5}


class ProposeError(Exception):
    """A source that cannot be proposed from: one line, for the user."""


@dataclass
class Candidate:
    """One proposed row: its passage (``text[start:end] == quote``), target table, interval, figure and guesses."""

    source_id: str
    rank: int
    score: float
    table: str
    quote: str
    start: int
    end: int
    date_from: str = ""
    date_to: str = ""
    date_text: str = ""
    date_source: str = ""
    value: float | None = None
    unit: str = ""
    figure_text: str = ""
    actor: str = ""
    domain: str = ""
    place: str = ""
    signals: list[str] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        """The candidate as a dict, signals joined with '; '."""
        out = asdict(self)
        out["signals"] = "; ".join(self.signals)
        return out


COLUMNS = list(Candidate.__dataclass_fields__)


@dataclass(frozen=True)
class Dated:
    start: int
    end: int
    text: str
    date_from: dt.date
    date_to: dt.date
    relative: bool


def _interval(day: dt.date, period: str) -> tuple[dt.date, dt.date]:
    if period == "year":
        return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    if period == "month":
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if period == "week":
        monday = day - dt.timedelta(days=day.weekday())
        return monday, monday + dt.timedelta(days=6)
    return day, day


@dataclass(frozen=True)
class Figure:
    start: int
    end: int
    text: str
    value: float
    unit: str


@dataclass(frozen=True)
class Lexicon:
    actors: dict[str, str]  # term as written (matched case-sensitively) -> actor group
    places: dict[str, str]  # term as written -> place name
    domains: dict[str, str]  # lower-case term (matched as a whole word, any case) -> domain
    tables: dict[str, str]  # lower-case term -> table
    actor_groups: tuple[str, ...]
    domain_list: tuple[str, ...]


def _most_common(values: list[str]) -> str:
    return max(values, key=values.count) if values else ""


FIGURE_TABLES = ("defense_budget", "oil_routes", "public_sentiment", "casualties", "security_cooperation")


def guess_table(cues: list[str], has_figure: bool, has_date: bool) -> str:
    """The target table: a lexicon cue, else ``context_figures`` for a figure without a date, else ``events``."""
    if has_figure:
        for table in FIGURE_TABLES:
            if table in cues:
                return table
    for table in ("sanctions_stance", "statehood_rhetoric", "security_cooperation", "casualties"):
        if table in cues:
            return table
    if has_figure and not has_date:
        return "context_figures"
    return "events"


def sentence_candidate(source_id: str, quote: str, start: int, end: int, *, dates: list[Dated], figures: list[Figure],
                       actors: list[str], places: list[str], verbs: list[str], cues: list[str], domains: list[str],
                       from_context: Dated | None, allowed: set[str] | None) -> Candidate | None:
    """One sentence's candidate from what was found in it (in any language), or None when it is neither a dated or
    datable act (an actor doing something) nor a figure."""
    if not figures and not ((dates or from_context) and (actors or verbs)) and not (actors and verbs):
        return None
    signals, score = [], 0.0
    if dates:
        signals += [f"date: {d.text!r} -> {d.date_from}..{d.date_to}" for d in dates]
        score += WEIGHTS["date"]
    if figures:
        signals += [f"figure: {f.text!r} = {f.value:g} {f.unit}" for f in figures]
        score += WEIGHTS["figure"]
    if actors:
        signals += [f"actor: {a}" for a in dict.fromkeys(actors)]
        score += WEIGHTS["actor"]
    if verbs:
        signals.append("act verb: " + ", ".join(verbs[:4]))
        score += WEIGHTS["act"]
    if places:
        signals += [f"place: {p}" for p in dict.fromkeys(places)]
        score += WEIGHTS["place"]
    if cues:
        signals.append("table cue: " + ", ".join(dict.fromkeys(cues)))
        score += WEIGHTS["cue"]
    table = guess_table(cues, bool(figures), bool(dates))
    if allowed is not None and table not in allowed:
        table = "events" if "events" in allowed else sorted(allowed)[0]
    if from_context is not None:
        signals.append(f"date carried from the paragraph: {from_context.text!r} -> {from_context.date_from}..{from_context.date_to}")
        score += WEIGHTS["date"] / 2
    if not dates and from_context is None and not figures:
        signals.append("undated act: the curator dates it from the text or the record")
    first = dates[0] if dates else from_context
    figure = figures[0] if figures else None
    return Candidate(
        source_id=source_id, rank=0, score=score, table=table, quote=quote, start=start, end=end,
        date_from=first.date_from.isoformat() if first else "", date_to=first.date_to.isoformat() if first else "",
        date_text=first.text if first else "",
        date_source=("inferred" if first.relative or from_context is not None else "seed") if first else "",
        value=figure.value if figure else None, unit=figure.unit if figure else "",
        figure_text=figure.text if figure else "", actor=_most_common(actors),
        domain=_most_common(domains), place=_most_common(places), signals=signals,
    )


def ranked(candidates: list[Candidate]) -> list[Candidate]:
    """Best first (by score, then by place in the text), numbered from 1."""
    candidates.sort(key=lambda c: (-c.score, c.start))
    for rank, candidate in enumerate(candidates, start=1):
        candidate.rank = rank
    return candidates
