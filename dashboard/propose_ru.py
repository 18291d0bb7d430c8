"""Candidate rows from a Russian text: the same contract as :mod:`dashboard.propose`, for Russian.

- **Sentences and actors**: spaCy's blank Russian pipeline (rule-based ``sentencizer``; no model weights), a
  lemmatiser component that gives each word its dictionary form with ``pymorphy3`` (its Russian dictionaries ship
  inside the ``pymorphy3-dicts-ru`` package), and an ``EntityRuler`` matching on lemmas, so the lexicon's "Токаев",
  "Кремль", "Астана" or "Росатом" find "Токаева", "в Кремле", "в Астане", "«Росатома»" without listing the forms.
  Domain and table cues and act verbs are matched on lemmas too ("санкций" -> "санкция", "заявил" -> "заявить").
- **Dates**: ``dateparser``'s Russian parser resolves each expression against the publication dates. Its date
  *search* is not used: in Russian it misses or misreads most expressions (``search_dates`` finds nothing in
  "В марте Кремль сообщил", reads "В октябре 2024 года" as "2024 года" on the publication day, "2022 года" as the
  year 2 and "Около 1,1" as a date, and turns "через год" into a future date). So the expressions are found by the
  grammar below (:data:`DATE`), and each is handed to the parser in a form it reads: the month in the nominative or
  genitive ("в октябре 2024 года" -> "октябрь 2024"), the year without "года"/"году". Seasons with a year
  ("летом 2022 года") are resolved by the grammar (June to August), which dateparser does not read.
  "через год", "через неделю" and the like are left out: they count from an event of the text, not from publication.
  "до", "к", "после" and "через" before a date make it a bound, not the act's date: left out.
- **Figures**: a tested grammar (:data:`FIGURE`): a number with a comma or point for decimals and spaces for
  thousands, a scale (тыс., млн, миллиона, млрд, трлн) and a unit (процентов, %, тонн, баррелей, тенге, рублей,
  долларов, $, евро, км, кубометров, человек). quantulum3 has no Russian; natasha (whose money extractor would read
  "$918 млн") requires pymorphy2 0.9.1, whose analyser calls ``inspect.getargspec``, removed in Python 3.11.
  The day of a date, a year, and values below 2 without a unit are not figures.

Kazakh texts are refused (:func:`refuse_kazakh`): dateparser's Kazakh data reads the nominative ("9 қараша 2023") but
not the case endings a Kazakh sentence uses ("2023 жылғы 9 қарашада", "наурызда", "өткен аптада": all unread), its
date search finds only the bare year, and there is no Kazakh morphological dictionary for pymorphy3.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from functools import lru_cache
from typing import Iterable

from dashboard.propose_common import (ranked, sentence_candidate, MIN_WORDS, Candidate, Dated, Figure, Lexicon, ProposeError, _interval)

LANGUAGE = "ru"
#: the languages propose reads, by code
SUPPORTED = {"en": "English", "ru": "Russian"}

# --------------------------------------------------------------------------
# dates

#: each month's forms (nominative, genitive, dative, instrumental, prepositional), its number, nominative and genitive
_MONTHS = [
    ("январ(?:ь|я|е|ю|ём|ем)", "январь", "января"), ("феврал(?:ь|я|е|ю|ём|ем)", "февраль", "февраля"),
    ("март(?:а|е|у|ом)?", "март", "марта"), ("апрел(?:ь|я|е|ю|ем)", "апрель", "апреля"),
    ("ма(?:й|я|е|ю|ем)", "май", "мая"), ("июн(?:ь|я|е|ю|ем)", "июнь", "июня"), ("июл(?:ь|я|е|ю|ем)", "июль", "июля"),
    ("август(?:а|е|у|ом)?", "август", "августа"), ("сентябр(?:ь|я|е|ю|ём|ем)", "сентябрь", "сентября"),
    ("октябр(?:ь|я|е|ю|ём|ем)", "октябрь", "октября"), ("ноябр(?:ь|я|е|ю|ём|ем)", "ноябрь", "ноября"),
    ("декабр(?:ь|я|е|ю|ём|ем)", "декабрь", "декабря"),
]
_MONTH = "|".join(f"(?:{forms})" for forms, _, _ in _MONTHS)
_YEAR = r"(?:19|20)\d\d"
_YEAR_WORD = r"(?:\s*(?:года|году|год|г\.))"
_START = r"(?<![\w\-–])"
_END = r"(?![\w])"
#: the date grammar, most specific first; each alternative is a named group
DATE = re.compile("|".join([
    rf"(?P<days>{_START}(?P<d1>\d{{1,2}})\s*[–—-]\s*(?P<d2>\d{{1,2}})\s+(?P<dm>{_MONTH})(?:\s+(?P<dy>{_YEAR}){_YEAR_WORD}?)?{_END})",
    rf"(?P<day>{_START}(?P<d>\d{{1,2}})\s+(?P<m>{_MONTH})(?:\s+(?P<y>{_YEAR}){_YEAR_WORD}?)?{_END})",
    rf"(?P<season>{_START}(?P<s>весной|летом|осенью)\s+(?P<sy>{_YEAR}){_YEAR_WORD}?{_END})",
    rf"(?P<month>{_START}(?:(?:в|во)\s+)?(?:(?:начале|середине|конце)\s+)?(?P<mm>{_MONTH})(?:\s+(?P<my>{_YEAR}){_YEAR_WORD}?)?{_END})",
    rf"(?P<years>{_START}(?:в\s+)?(?P<y1>{_YEAR})\s*[–—-]\s*(?P<y2>{_YEAR})\s*(?:годах|годы|гг\.)(?!\w))",
    rf"(?P<year>{_START}(?:в\s+)?(?P<yy>{_YEAR}){_YEAR_WORD}(?!\w)|{_START}в\s+(?P<yb>{_YEAR}){_END})",
    rf"(?P<relative>{_START}(?:позавчера|вчера|сегодня|на\s+(?:прошлой|этой)\s+неделе|в\s+(?:прошлом|этом)\s+(?:месяце|году)"
    r"|(?:\d+|два|две|три|четыре|пять|шесть)\s+(?:дня|дней|недели|недель|месяца|месяцев|года|лет)\s+назад"
    rf"|(?:неделю|месяц|год)\s+назад|в\s+(?:понедельник|среду|четверг|пятницу|субботу|воскресенье)|во\s+вторник){_END})",
]), re.I)
#: a date after one of these is a bound or counts from another event ("до 2030 года", "через год"): not the act's date
_BOUND = re.compile(r"(?:^|[\s(«\"])(?:до|к|после|через|по)\s*$", re.I)
_SEASONS = {"весной": (3, 5), "летом": (6, 8), "осенью": (9, 11)}


def _month_number(word: str) -> int:
    for number, (forms, _, _) in enumerate(_MONTHS, start=1):
        if re.fullmatch(forms, word, re.I):
            return number
    raise ValueError(word)


@lru_cache(maxsize=64)
def _parser(base: dt.date):
    from dateparser.date import DateDataParser

    return DateDataParser(languages=["ru"], settings={
        "RELATIVE_BASE": dt.datetime.combine(base, dt.time()), "PREFER_DATES_FROM": "past",
        "RETURN_TIME_AS_PERIOD": True, "PREFER_DAY_OF_MONTH": "first"})


def _parse(text: str, base: dt.date) -> tuple[dt.date, dt.date] | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = _parser(base).get_date_data(text)
    if not data or not data.date_obj:
        return None
    return _interval(data.date_obj.date(), data.period or "day")


def _resolve(expression: str, published_from: dt.date, published_to: dt.date) -> tuple[dt.date, dt.date] | None:
    """An expression dateparser reads, against both ends of the publication interval (their union)."""
    found = [i for base in dict.fromkeys((published_from, published_to)) if (i := _parse(expression, base))]
    if not found:
        return None
    return min(i[0] for i in found), max(i[1] for i in found)


def _normal(match: re.Match) -> tuple[str, bool] | tuple[tuple[dt.date, dt.date], bool] | None:
    """What dateparser is given for a match (or the interval itself, for what it does not read), and whether the
    year is written."""
    g = match.groupdict()
    if g["days"]:
        month = _MONTHS[_month_number(g["dm"]) - 1][2]
        return f"{g['d1']} {month} {g['dy'] or ''}|{g['d2']} {month} {g['dy'] or ''}", bool(g["dy"])
    if g["day"]:
        return f"{g['d']} {_MONTHS[_month_number(g['m']) - 1][2]} {g['y'] or ''}".strip(), bool(g["y"])
    if g["season"]:
        year, (first, last) = int(g["sy"]), _SEASONS[g["s"].lower()]
        end = _interval(dt.date(year, last, 1), "month")[1]
        return (dt.date(year, first, 1), end), True
    if g["month"]:
        return f"{_MONTHS[_month_number(g['mm']) - 1][1]} {g['my'] or ''}".strip(), bool(g["my"])
    if g["years"]:
        return (dt.date(int(g["y1"]), 1, 1), dt.date(int(g["y2"]), 12, 31)), True
    if g["year"]:
        return g["yy"] or g["yb"], True
    if g["relative"]:
        return re.sub(r"\s+", " ", g["relative"].lower()), False
    return None


def find_dates(sentence: str, published_from: dt.date, published_to: dt.date, year: int | None = None) -> list[Dated]:
    """The dated expressions of a Russian ``sentence``, each resolved to an interval no later than publication.

    As in English: a year-less or relative expression is resolved against both ends of the publication interval
    (their union); an interval that starts after publication is dropped, one that ends after it is cut there.
    ``year``, the year an earlier sentence of the paragraph wrote ("5 января 2022 года … Вывод начался 13 января"),
    dates a year-less day or month ("13 января") in that year instead (still ``relative``: an inferred date)."""
    out = []
    for match in DATE.finditer(sentence):
        if _BOUND.search(sentence[:match.start()]):
            continue
        normal = _normal(match)
        if normal is None:
            continue
        what, year_written = normal
        start, end = published_from, published_to
        calendar_date = bool(match.group("day") or match.group("days") or match.group("month"))
        if year is not None and not year_written and calendar_date and dt.date(year, 12, 31) < published_from:
            start = end = dt.date(year, 12, 31)  # the paragraph's year: the latest such day or month in it
        if isinstance(what, tuple):
            interval = what
        else:
            parts = [_resolve(p.strip(), start, end) for p in what.split("|")]
            if not all(parts):
                continue
            interval = (min(p[0] for p in parts), max(p[1] for p in parts))
        first, last = interval
        if first > published_to:
            continue
        out.append(Dated(match.start(), match.end(), match.group(0), first, min(last, published_to), not year_written))
    return out


# --------------------------------------------------------------------------
# figures

_NUMBER = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[,.]\d+)?|\d+(?:[,.]\d+)?"
_SCALES = [(r"тыс\.|тысяч[аи]?", 1e3), (r"млн\.?|миллион(?:а|ов|ами)?", 1e6), (r"млрд\.?|миллиард(?:а|ов|ами)?", 1e9),
           (r"трлн\.?|триллион(?:а|ов|ами)?", 1e12)]
_UNITS = [
    (r"%|процент(?:а|ов|ам|ами|ах)?", "percentage"), (r"тонн(?:а|ы|у|ой|ам|ами|ах)?", "tonne"),
    (r"баррел(?:ь|я|ей|ям|ями|ях)", "barrel"), (r"тенге", "kazakhstani tenge"),
    (r"рубл(?:ь|я|ей|ям|ями|ях)|руб\.", "russian ruble"), (r"доллар(?:а|ов|ам|ами|ах)?|долл\.", "dollar"),
    (r"евро", "euro"), (r"км|километр(?:а|ов|ам|ами|ах)?", "kilometre"), (r"кубометр(?:а|ов|ам|ами|ах)?|куб\.\s?м", "cubic metre"),
    (r"человек|военнослужащих|солдат|граждан|жителей", "count"),
]
_SCALE = "|".join(f"(?:{s})" for s, _ in _SCALES)
_UNIT = "|".join(f"(?:{u})" for u, _ in _UNITS)
_CURRENCY = {"$": "dollar", "€": "euro", "₸": "kazakhstani tenge"}
#: the figure grammar: [currency] number [scale] [unit]
FIGURE = re.compile(
    rf"(?P<currency>[$€₸])?\s?(?<![\w.,\-])(?P<number>{_NUMBER})(?!\d)(?:\s*(?P<scale>{_SCALE})(?!\w))?(?:\s*(?P<unit>{_UNIT})(?!\w))?",
    re.I)


def _value(number: str) -> float:
    return float(re.sub(r"[ \u00a0\u202f]", "", number).replace(",", "."))


def find_figures(sentence: str, dates: Iterable[Dated] = ()) -> list[Figure]:
    """The figures of a Russian ``sentence`` (value times scale, and unit), not part of a date nor a bare year
    (a date left out as a bound, "к 19 января 2022 года", still holds no figure)."""
    spans = [(d.start, d.end) for d in dates] + [m.span() for m in DATE.finditer(sentence)]
    out = []
    for match in FIGURE.finditer(sentence):
        start = match.start("currency") if match.group("currency") else match.start("number")
        end = match.end()
        while end > start and sentence[end - 1].isspace():
            end -= 1
        if any(s <= match.start("number") < e for s, e in spans):
            continue
        number, scale, unit_word = match.group("number"), match.group("scale"), match.group("unit")
        value = _value(number)
        if scale:
            value *= next(factor for pattern, factor in _SCALES if re.fullmatch(pattern, scale, re.I))
        unit = ""
        if unit_word:
            unit = next(name for pattern, name in _UNITS if re.fullmatch(pattern, unit_word, re.I))
        if match.group("currency"):
            unit = _CURRENCY[match.group("currency")]
        if not unit:
            if value < 2 or (not scale and value.is_integer() and 1900 <= value <= 2099 and re.fullmatch(r"\d{4}", number)):
                continue  # a bare year, or a word-like 1
            unit = "count"
        out.append(Figure(start, end, sentence[start:end], value, unit))
    return out


# --------------------------------------------------------------------------
# lemmas, the pipeline, actors and cues

#: verbs of a reported act (lemmas): with a date, they make a sentence a candidate event
ACT_VERBS = frozenset("""
заявить объявить подписать запретить отказаться отклонить встретиться посетить согласиться направить развернуть
вывести открыть закрыть приостановить остановить прекратить запустить призвать отрицать признать осудить
воздержаться проголосовать отправить арестовать задержать выслать разрешить отменить возобновить ввести снять
предложить предупредить сообщить провести принять приказать одобрить ратифицировать пообещать пригрозить уволить
обсудить предоставить опубликовать ограничить заблокировать присоединиться вступить вернуть раскритиковать
поддержать обвинить потребовать доставить пригласить увеличить сократить снизить вырасти упасть удвоить
экспортировать построить начать завершить договориться назначить выступить заключить поставить запустить
отгрузить перевезти выделить достигнуть достичь составить превысить пройти состояться
""".split())


@lru_cache(maxsize=1)
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


@lru_cache(maxsize=200_000)
def lemmas(word: str) -> tuple[str, ...]:
    """Every dictionary form pymorphy3 gives ``word`` (lower case), most likely first."""
    clean = word.strip("«»\"'“”„").lower()
    if not clean or not re.search(r"[а-яё]", clean):
        return (clean,)
    return tuple(dict.fromkeys(p.normal_form for p in _morph().parse(clean)))


def lemma(word: str, known: frozenset[str] = frozenset()) -> str:
    """The word's key for matching: the word itself (lower case) or one of its lemmas when the lexicon knows it,
    else its most likely lemma. So "Токаев", "Токаева", "Токаевым" all give "токаев" (pymorphy3 reads "Токаев"
    alone as a form of "токай", and "Токаева" first as the feminine surname), "Кремле" gives "кремль"."""
    forms = lemmas(word)
    return next((f for f in (word.strip("«»\"'“”„").lower(), *forms) if f in known), forms[0])


def known_words(terms: Iterable[str]) -> frozenset[str]:
    """The keys the lexicon's Russian terms may match: each word of a term in lower case, and its lemmas."""
    words = [w for term in terms if _cyrillic(term) for w in re.findall(r"\w+", term)]
    return frozenset([w.lower() for w in words] + [f for w in words for f in lemmas(w)])


def _lemmatizer_factory(known: frozenset[str]):
    def component(doc):
        for token in doc:
            token.lemma_ = lemma(token.text, known)
        return doc

    return component


@lru_cache(maxsize=4)
def _pipeline(key: tuple):
    import spacy
    from spacy.attrs import ORTH
    from spacy.language import Language

    actors, places, known = dict(key[0]), dict(key[1]), key[2]
    nlp = spacy.blank("ru")
    for abbreviation in ("тыс.", "руб.", "долл.", "т.е.", "т.д."):  # not "млн." nor "г.": they often end a sentence
        nlp.tokenizer.add_special_case(abbreviation, [{ORTH: abbreviation}])
    name = f"ru_lemmas_{abs(hash(known))}"
    if name not in Language.factories:
        Language.component(name, func=_lemmatizer_factory(known))
    nlp.add_pipe("sentencizer")
    nlp.add_pipe(name)
    patterns = [{"label": "ACTOR", "pattern": term, "id": group} for term, group in actors.items() if _cyrillic(term)]
    patterns += [{"label": "PLACE", "pattern": term, "id": name_} for term, name_ in places.items() if _cyrillic(term)]
    if patterns:  # case-insensitive by construction: lemmas are lower case
        nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LEMMA"}).add_patterns(patterns)
    return nlp


def _cyrillic(term: str) -> bool:
    return bool(re.search(r"[А-Яа-яЁё]", term))


def nlp_for(lexicon: Lexicon):
    """spaCy's blank Russian pipeline: sentencizer, pymorphy3 lemmas, and an EntityRuler on the lexicon's Russian
    terms matched by lemma."""
    return _pipeline((tuple(sorted(lexicon.actors.items())), tuple(sorted(lexicon.places.items())), _known(lexicon)))


def _known(lexicon: Lexicon) -> frozenset[str]:
    return known_words([*lexicon.actors, *lexicon.places, *lexicon.domains, *lexicon.tables])


def _lemma_text(doc_or_span) -> str:
    return " " + " ".join(t.lemma_ for t in doc_or_span if not t.is_punct) + " "


@lru_cache(maxsize=4096)
def _term_lemmas(term: str, known: frozenset[str]) -> str:
    return " " + " ".join(lemma(w, known) for w in re.findall(r"\w+", term)) + " "


def _cues(span, terms: dict[str, str], known: frozenset[str]) -> list[str]:
    """The values of the lexicon terms (Russian ones) whose lemmas occur in the span's lemmas."""
    text = _lemma_text(span)
    return [value for term, value in terms.items() if _cyrillic(term) and _term_lemmas(term, known) in text]


# --------------------------------------------------------------------------
# Kazakh

_KAZAKH_LETTERS = re.compile(r"[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")


def looks_kazakh(text: str) -> bool:
    """More than 1 in 200 Cyrillic letters are Kazakh-only letters (ә ғ қ ң ө ұ ү һ і): a Kazakh text."""
    cyrillic = len(re.findall(r"[А-Яа-яЁёәғқңөұүһіӘҒҚҢӨҰҮҺІ]", text))
    return cyrillic > 0 and len(_KAZAKH_LETTERS.findall(text)) / cyrillic > 1 / 200


def refusal(source_id: str, language: str, text: str = "") -> str | None:
    """Why propose cannot read this text (one line), or None when it can."""
    supported = ", ".join(f"{name} ({code})" for code, name in SUPPORTED.items())
    if language == "kk" or (language == LANGUAGE and looks_kazakh(text)):
        return (f"{source_id} is in Kazakh: propose reads {supported} only (dateparser does not read Kazakh case "
                "endings and no Kazakh morphology ships with the libraries); curate its rows by hand")
    if language not in SUPPORTED:
        return f"{source_id} is in '{language}': propose reads {supported} only; curate its rows by hand"
    return None


# --------------------------------------------------------------------------
# proposing


def propose_text(text: str, source_id: str, published_from: dt.date, published_to: dt.date, lexicon: Lexicon,
                 tables: Iterable[str] | None = None) -> list[Candidate]:
    """The candidates in a Russian ``text``, best first, by the contract of :func:`dashboard.propose.propose_text`."""
    why = refusal(source_id, LANGUAGE, text)
    if why:
        raise ProposeError(why)
    allowed = set(tables) if tables is not None else None
    doc = nlp_for(lexicon)(text)
    known = _known(lexicon)
    breaks = [m.end() for m in re.finditer(r"\n\s*\n", text)]
    candidates = []
    carried: tuple[int, Dated] | None = None
    carried_year: tuple[int, int] | None = None  # the last year written in a date, and its paragraph
    for sentence in doc.sents:
        raw = sentence.text
        stripped = raw.strip()
        if len(stripped.split()) < MIN_WORDS:
            continue
        start = sentence.start_char + (len(raw) - len(raw.lstrip()))
        end = start + len(stripped)
        paragraph = sum(1 for b in breaks if b <= start)
        written = carried_year if carried_year is not None and carried_year[0] == paragraph else None
        dates = find_dates(stripped, published_from, published_to, written[1] if written else None)
        figures = find_figures(stripped, dates)
        years = [d for d in dates if not d.relative and d.date_from.year == d.date_to.year]
        if years:
            carried_year = (paragraph, years[-1].date_from.year)
        actors = [e.ent_id_ for e in sentence.ents if e.label_ == "ACTOR"]
        places = [e.ent_id_ for e in sentence.ents if e.label_ == "PLACE"]
        verbs = list(dict.fromkeys(t.lemma_ for t in sentence if t.lemma_ in ACT_VERBS))
        from_context = None
        if not dates and carried is not None and carried[0] == paragraph and actors and verbs:
            from_context = carried[1]
        if dates:
            carried = (paragraph, dates[0])
        candidate = sentence_candidate(source_id, stripped, start, end, dates=dates, figures=figures, actors=actors,
                                       places=places, verbs=verbs, cues=_cues(sentence, lexicon.tables, known),
                                       domains=_cues(sentence, lexicon.domains, known), from_context=from_context,
                                       allowed=allowed)
        if candidate is not None:
            candidates.append(candidate)
    return ranked(candidates)
