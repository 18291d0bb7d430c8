"""Candidate rows from a seed text: passages with a datable act or a figure, each with its exact offsets.

A candidate is one sentence (spaCy's blank English pipeline with its rule-based ``sentencizer``; no model weights)
that has a date (``dateparser``'s date search, resolved against the text's publication dates) or a figure
(``quantulum3``), with a guessed actor and domain (a spaCy ``EntityRuler`` built from the codebook's actor groups,
the actors named in the curated rows, the lexicon and the places table) and a target table. Opinion with no date
and no figure is not proposed.

Known false positives of the libraries, filtered here (``tests/test_propose.py`` tests each):

- dateparser reads "12%" as December and a bare number ("2,000", "17") as a day or a year; it takes "may"
  (the verb) and "march" (the verb) for months; it drags the next word into a match ("In March the"). A match is
  kept only if it names a month (capitalised), a weekday, a year from 1900 to 2099, or a relative expression
  ("last week", "yesterday", "two days ago"), and is trimmed to its dated words.
- quantulum3 reads the day of a date ("17 June") and a year ("2022") as dimensionless numbers, "one" in
  "one of" as 1 and "a day" as 1 day. Quantities inside a date, bare years, and values below 2 written without
  a digit or with no unit are dropped.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import json
import re
import warnings
from dataclasses import asdict
from functools import lru_cache
from typing import Any, Iterable

from dashboard import csvsafe
from dashboard.curate import SOURCES, CurateError, Package
from dashboard.propose_common import (COLUMNS, FIGURE_TABLES, MIN_WORDS, WEIGHTS, Candidate, Dated, Figure, Lexicon,  # noqa: F401 - re-exported
                                      ProposeError, _interval, _most_common, guess_table, ranked, sentence_candidate)

#: verbs of a reported act: with a date, they make a sentence a candidate event
ACT_VERBS = (
    "said", "says", "announced", "signed", "banned", "refused", "rejected", "met", "visited", "agreed", "deployed",
    "withdrew", "opened", "closed", "suspended", "stopped", "halted", "launched", "called", "declared", "denied",
    "recognised", "recognized", "condemned", "abstained", "voted", "sent", "arrested", "detained", "expelled",
    "allowed", "permitted", "cancelled", "canceled", "resumed", "imposed", "lifted", "proposed", "warned", "stated",
    "told", "held", "hosted", "ordered", "approved", "ratified", "pledged", "promised", "threatened", "fired",
    "talked", "provided", "published", "introduced", "restricted", "blocked", "joined", "left", "returned",
    "reopened", "criticised", "criticized", "supported", "accused", "claimed", "demanded", "delivered", "invited",
    "offered", "increased", "decreased", "fell", "rose", "doubled", "exported", "built", "began", "ended",
)
RELATIVE = re.compile(
    r"\b(yesterday|today|tomorrow|(last|this|next|past|previous) (week|month|year|spring|summer|autumn|winter)|"
    r"(a|one|two|three|four|five|six|\d+) (days?|weeks?|months?|years?) ago)\b", re.I)
MONTHS = [m for m in calendar.month_name if m] + [m for m in calendar.month_abbr if m and m != "May"]
MONTH = re.compile(r"\b(" + "|".join(MONTHS) + r")\b")  # case-sensitive: "may" and "march" the verbs are not months
WEEKDAY = re.compile(r"\b(" + "|".join(calendar.day_name) + r")\b")
YEAR = re.compile(r"\b(19|20)\d\d\b")
#: dated words a match is trimmed to: from the first to the last of these
DATED_WORD = re.compile(
    r"\b(\d{1,2}(st|nd|rd|th)?|" + "|".join(MONTHS) + "|" + "|".join(calendar.day_name)
    + r"|(19|20)\d\d|yesterday|today|tomorrow|last|this|next|past|previous|week|month|year|spring|summer|autumn|winter|"
    r"ago|days?|weeks?|months?|years?|a|one|two|three|four|five|six)\b", re.I)


# --------------------------------------------------------------------------
# dates


def _parser(base: dt.date):
    from dateparser.date import DateDataParser

    return DateDataParser(languages=["en"], settings={
        "RELATIVE_BASE": dt.datetime.combine(base, dt.time()), "PREFER_DATES_FROM": "past",
        "RETURN_TIME_AS_PERIOD": True, "PREFER_DAY_OF_MONTH": "first"})


def _looks_dated(surface: str) -> bool:
    return bool(MONTH.search(surface) or WEEKDAY.search(surface) or YEAR.search(surface) or RELATIVE.search(surface))


def _trim(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The match narrowed to its first and last dated word ("In March the" -> "March")."""
    words = list(DATED_WORD.finditer(sentence, start, end))
    words = [w for w in words if w.group(0).lower() not in {"a", "one", "this", "last", "next", "past", "previous"}
             or RELATIVE.search(sentence[w.start():end])]
    if not words:
        return start, end
    return words[0].start(), words[-1].end()


def find_dates(sentence: str, published_from: dt.date, published_to: dt.date) -> list[Dated]:
    """The dated expressions in ``sentence``, each resolved to an interval no later than publication.

    A relative or year-less expression ("last week", "on 17 June") is resolved against both ends of the
    publication interval and takes the union (the text could have been written on any day of it). An interval
    that would start after publication (a future date) is dropped; one that ends after it is cut there.
    """
    from dateparser.search import search_dates

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = search_dates(sentence, languages=["en"], settings={
            "RELATIVE_BASE": dt.datetime.combine(published_to, dt.time()), "PREFER_DATES_FROM": "past"}) or []
    out, cursor = [], 0
    for surface, _ in found:
        at = sentence.find(surface, cursor)
        if at < 0:
            continue
        cursor = at + len(surface)
        if not _looks_dated(surface):
            continue
        start, end = _trim(sentence, at, at + len(surface))
        text = sentence[start:end]
        if not _looks_dated(text):
            continue
        intervals = []
        for base in {published_from, published_to}:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                data = _parser(base).get_date_data(text)
            if data and data.date_obj:
                intervals.append(_interval(data.date_obj.date(), data.period or "day"))
        if not intervals:
            continue
        first, last = min(i[0] for i in intervals), max(i[1] for i in intervals)
        if first > published_to:
            continue
        relative = not YEAR.search(text)
        out.append(Dated(start, end, text, first, min(last, published_to), relative))
    return out


# --------------------------------------------------------------------------
# figures


@lru_cache(maxsize=1)
def _quantities():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from quantulum3 import parser
    return parser


def find_figures(sentence: str, dates: Iterable[Dated] = ()) -> list[Figure]:
    """The quantities in ``sentence`` with a unit, or counts of 2 and more, that are not part of a date or a year."""
    parser = _quantities()
    spans = [(d.start, d.end) for d in dates]
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = parser.parse(sentence)
    for q in found:
        start, end = q.span
        if any(s <= start < e or s < end <= e for s, e in spans):
            continue
        if float(q.value) < 2 and not re.search(r"\d", q.surface):
            continue  # "a day", "one of": a word, not a figure
        unit = q.unit.name if q.unit is not None else "dimensionless"
        if unit == "dimensionless":
            if q.value < 2 or (float(q.value).is_integer() and 1900 <= q.value <= 2099 and "," not in q.surface):
                continue
            unit = "count"
        out.append(Figure(start, end, sentence[start:end], float(q.value), unit))
    return out


# --------------------------------------------------------------------------
# actors, places, domains and tables


def lexicon_of(frames: dict[str, Any], package: Package) -> Lexicon:
    """The proposer's vocabulary, from the declaration's lists, the curated rows, the lexicon and the places."""
    groups = tuple(package.enum("events", "actor"))
    domains = tuple(package.enum("events", "domain"))
    actors: dict[str, str] = {g: g for g in groups if g != "Other"}  # terms as written: matched case-sensitively
    for name in ("events", "sanctions_stance"):
        frame = frames.get(name)
        if frame is not None and {"actor_detail", "actor"} <= set(frame.columns):
            pairs = frame[["actor_detail", "actor"]].dropna()
            for detail, group in pairs.value_counts().index:
                if 3 <= len(str(detail)) <= 40 and group in groups:
                    actors.setdefault(str(detail), group)
    terms = frames.get("lexicon")
    domain_terms, table_terms, place_terms = {}, {}, {}
    if terms is not None:
        for term, kind, value in terms[["term", "field", "value"]].itertuples(index=False):
            if kind == "actor" and value in groups:
                actors[str(term)] = value
            elif kind == "domain" and value in domains:
                domain_terms[str(term).lower()] = value
            elif kind == "table":
                table_terms[str(term).lower()] = value
            elif kind == "place":
                place_terms[str(term)] = str(value)
    places: dict[str, str] = {}
    if frames.get("places") is not None:
        for name, aliases in frames["places"][["name", "aliases"]].itertuples(index=False):
            for term in [name, *str(aliases or "").split(";")]:
                if isinstance(term, str) and term.strip() and term.strip() != "nan":
                    places[term.strip()] = name
    known_places = set(places.values())
    places.update({term: name for term, name in place_terms.items() if name in known_places or not known_places})
    return Lexicon(actors, places, domain_terms, table_terms, groups, domains)


@lru_cache(maxsize=4)
def _pipeline(key: tuple):
    import spacy

    actors, places = dict(key[0]), dict(key[1])
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler")  # case-sensitive: "the west" is not the West
    patterns = [{"label": "ACTOR", "pattern": term, "id": group} for term, group in actors.items()]
    patterns += [{"label": "PLACE", "pattern": term, "id": name} for term, name in places.items()]
    ruler.add_patterns(patterns)
    return nlp


def nlp_for(lexicon: Lexicon):
    """spaCy's blank English pipeline: the rule-based sentencizer and an EntityRuler of the lexicon (no weights)."""
    return _pipeline((tuple(sorted(lexicon.actors.items())), tuple(sorted(lexicon.places.items()))))


def _terms_in(text: str, terms: dict[str, str]) -> list[str]:
    lower = text.lower()
    return [value for term, value in terms.items() if re.search(r"\b" + re.escape(term) + r"\b", lower)]


# --------------------------------------------------------------------------
# proposing


def propose_text(text: str, source_id: str, published_from: dt.date, published_to: dt.date, lexicon: Lexicon,
                 tables: Iterable[str] | None = None, language: str = "en") -> list[Candidate]:
    """The candidates in ``text``, best first: each a sentence with a datable act or a figure.

    ``language`` is the source's (``sources.language``): ``ru`` is read by :mod:`dashboard.propose_ru`; any other
    but ``en`` (Kazakh among them) is refused with a one-line :class:`ProposeError`."""
    if language != "en":
        from dashboard import propose_ru

        why = propose_ru.refusal(source_id, language, text)
        if why:
            raise ProposeError(why)
        return propose_ru.propose_text(text, source_id, published_from, published_to, lexicon, tables)
    allowed = set(tables) if tables is not None else None
    doc = nlp_for(lexicon)(text)
    breaks = [m.end() for m in re.finditer(r"\n\s*\n", text)]
    candidates = []
    carried: tuple[int, Dated] | None = None  # the last date seen, and its paragraph
    for sentence in doc.sents:
        raw = sentence.text
        stripped = raw.strip()
        if len(stripped.split()) < MIN_WORDS:
            continue  # a heading, a dateline or a ticker line ("USD90.99"), not a sentence
        start = sentence.start_char + (len(raw) - len(raw.lstrip()))
        end = start + len(stripped)
        paragraph = sum(1 for b in breaks if b <= start)
        dates = find_dates(stripped, published_from, published_to)
        figures = find_figures(stripped, dates)
        actors = [e.ent_id_ for e in sentence.ents if e.label_ == "ACTOR"]
        places = [e.ent_id_ for e in sentence.ents if e.label_ == "PLACE"]
        lower = stripped.lower()
        verbs = [v for v in ACT_VERBS if re.search(rf"\b{v}\b", lower)]
        from_context = None
        if not dates and carried is not None and carried[0] == paragraph and actors and verbs:
            from_context = carried[1]  # an act in a paragraph whose earlier sentence gives the date
        if dates:
            carried = (paragraph, dates[0])
        candidate = sentence_candidate(source_id, stripped, start, end, dates=dates, figures=figures, actors=actors,
                                       places=places, verbs=verbs, cues=_terms_in(stripped, lexicon.tables),
                                       domains=_terms_in(stripped, lexicon.domains), from_context=from_context,
                                       allowed=allowed)
        if candidate is not None:
            candidates.append(candidate)
    return ranked(candidates)


def for_source(package: Package, source_id: str) -> list[Candidate]:
    """The candidates of one seed of the package (its text, publication dates and the package's lexicon)."""
    from dashboard import data

    loaded = data.load_tables(package.data_dir, package.seeds_dir)
    sources = loaded.frames.get(SOURCES)
    if sources is None:
        raise ProposeError(f"the sources table did not validate: run python -m dashboard check")
    record = sources[sources["source_id"] == source_id]
    if record.empty:
        raise ProposeError(f"no source {source_id!r}: one of {', '.join(sources['source_id'])}")
    text = loaded.seed_texts.get(source_id)
    if text is None:
        raise ProposeError(f"the text of {source_id} could not be read: run python -m dashboard check")
    row = record.iloc[0]
    return propose_text(text, source_id, row["published_from"].date(), row["published_to"].date(),
                        lexicon_of(loaded.frames, package), tables=package.tables(), language=language_of(row))


def language_of(record: Any) -> str:
    """A source's language code (``en`` where the column is missing or blank)."""
    value = record.get("language") if hasattr(record, "get") else None
    return str(value).strip().lower() if isinstance(value, str) and value.strip() else "en"


def to_csv(candidates: list[Candidate]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    # formula-like cells neutralised, as in every CSV written (the JSON format keeps each quote exactly as in the text)
    writer.writerows(csvsafe.dict_rows({k: ("" if v is None else v) for k, v in c.row().items()} for c in candidates))
    return buffer.getvalue()


def to_json(candidates: list[Candidate]) -> str:
    return json.dumps([asdict(c) for c in candidates], ensure_ascii=False, indent=1) + "\n"


__all__ = ["Candidate", "CurateError", "ProposeError", "find_dates", "find_figures", "for_source", "propose_text"]
