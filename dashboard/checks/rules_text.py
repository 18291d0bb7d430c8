"""The rule kinds of the corrections, the seed dates and the scored acts (issue 18): a value allowed only when, a date stated in words, phrases quoted but not coded, linked or explained, a pattern. Each kind is self-contained, with its own check of its parameters."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dashboard import contract
from dashboard.contract import FIRST_ROW, array, false_where_null, positions, rows_where
from dashboard.contract import short as _short
from dashboard.checks.problems import normalise_space
from dashboard.checks.cells import (_and_all, _and_or, _as_date, _blank, _blank_mask, _field_names, _given, _pairs,
                                    _quoted, _shown)
from dashboard.checks.registry import _Rule, _RuleError, parameters_of, rule_kind

if TYPE_CHECKING:  # annotations only: the engine imports the rules, not the other way round
    from dashboard.checks.engine import _Checker, _Table



@rule_kind("value-in-when", needs=('field', 'in', 'when'))
def _value_in_when(checker: _Checker, rule: _Rule) -> None:
    """``field`` is one of the values ``in`` wherever ``when`` holds (e.g. a row whose ``corrects`` lists "date" has
    ``date_source`` "reference")."""
    assert rule.when is not None and rule.field is not None
    allowed = [str(v) for v in rule.raw["in"]]
    for table, ok in checker.rule_tables(rule, rule.columns()):
        column = table.column(rule.field)
        inside = pc.is_in(column.cast(pa.string()), value_set=array(allowed, pa.string()))
        rows = rows_where(_and_all([ok, rule.when.holds(table), pc.invert(false_where_null(inside))]))
        for row, value, when in zip(rows, table.values(rule.field, rows), table.values(rule.when.field, rows)):
            checker.problem(table.display, row + FIRST_ROW, rule.field,
                            f"{_shown(value)}, but {rule.when.describe(when)}: must be {_quoted(allowed)}")


@parameters_of("value-in-when")
def _check_value_in_when(rule: _Rule, tables: dict[str, _Table]) -> None:
    values = rule.raw.get("in")
    if not isinstance(values, list) or not values or not all(isinstance(v, (str, int)) for v in values):
        raise _RuleError(f'check "{rule.kind}" needs "in", a list of values')
    if rule.when is None:
        raise _RuleError(f'check "{rule.kind}" needs "when"')


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_YEAR_IN_TEXT = re.compile(r"(?<![0-9])([0-9]{4})(?![0-9])")
_MONTH_IN_TEXT = re.compile(r"\b(" + "|".join(_MONTHS) + r")\b")


def _interval_in_words(text: Any, start: dt.date, end: dt.date) -> bool:
    """Does ``text`` name a year (4 digits) within the interval's years, or an English month name (capitalised) of a
    month the interval covers?"""
    if not isinstance(text, str):
        return False
    if any(start.year <= int(y) <= end.year for y in _YEAR_IN_TEXT.findall(text)):
        return True
    first, last = start.year * 12 + start.month - 1, end.year * 12 + end.month - 1
    return any((_MONTHS.index(m) - first) % 12 <= last - first for m in _MONTH_IN_TEXT.findall(text))


def _tokens_per_row(codes: np.ndarray, owners: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Tokens found once per distinct text, handed to every row holding that text: ``codes`` is each row's distinct
    text (-1: none), ``owners`` (ascending) and ``values`` each token's text and value. Returns (row, value) pairs."""
    counts = np.bincount(owners, minlength=int(codes.max(initial=-1)) + 1)
    starts = np.cumsum(counts) - counts
    safe = np.where(codes >= 0, codes, 0)
    per_row = np.where(codes >= 0, counts[safe] if len(counts) else 0, 0)
    rows = np.repeat(np.arange(len(codes)), per_row)
    within = np.arange(len(rows)) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    return rows, values[np.repeat(starts[safe] if len(counts) else safe, per_row) + within]


def _in_words(texts: pa.Array, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Vectorised :func:`_interval_in_words`: where each text names a year (a run of exactly 4 digits) within the years
    of its interval, or a capitalised English month name of a month the interval covers. ``first`` and ``last`` are the
    interval's ends as months counted from year 0 (``year * 12 + month - 1``). Each distinct text is split once."""
    found = np.zeros(len(texts), dtype=bool)
    if not len(texts) or not pa.types.is_string(texts.type):
        return found
    encoded = texts.dictionary_encode()
    distinct, codes = encoded.dictionary, contract._integers(encoded.indices, fill=-1)
    runs = pc.split_pattern_regex(distinct, "[^0-9]+")  # the digit runs of each distinct text
    flat, owners = pc.list_flatten(runs), contract._integers(pc.list_parent_indices(runs))
    four = false_where_null(pc.equal(pc.utf8_length(flat), contract.scalar(4, pa.int32())))
    years = contract._integers(flat.filter(four).cast(pa.int64()))
    rows, year = _tokens_per_row(codes, owners[contract.booleans(four)], years)
    hit = (year >= first[rows] // 12) & (year <= last[rows] // 12)
    found[rows[hit]] = True
    words = pc.split_pattern_regex(distinct, "[^A-Za-z]+")  # the words of each distinct text
    flat, owners = pc.list_flatten(words), contract._integers(pc.list_parent_indices(words))
    months = contract._integers(pc.index_in(flat, value_set=array(list(_MONTHS), pa.string())), fill=-1)
    named = months >= 0
    rows, month = _tokens_per_row(codes, owners[named], months[named])
    hit = (month - first[rows]) % 12 <= last[rows] - first[rows]
    found[rows[hit]] = True
    return found


def _months(dates: pa.Array) -> np.ndarray:
    """Dates as months counted from year 0 (``year * 12 + month - 1``)."""
    if pa.types.is_timestamp(dates.type):
        dates = dates.cast(pa.date32())
    days = contract._integers(dates.cast(pa.int32())).astype("datetime64[D]")
    return days.astype("datetime64[M]").astype(np.int64) + 1970 * 12


@rule_kind("date-in-words", needs=('field', 'other', 'fields', 'when'))
def _date_in_words(checker: _Checker, rule: _Rule) -> None:
    """Where ``when`` holds (e.g. date_source is "seed"), one of the text ``fields`` (the quote, the date_note) names a
    year within the interval ``field``..``other``'s years, or an English month name of a month it covers; else the
    date is not the seed's own words. Reported on the ``when`` field. Vectorised (:func:`_in_words`)."""
    assert rule.when is not None and rule.field is not None and rule.other is not None
    for table, ok in checker.rule_tables(rule, rule.columns()):
        start, end = table.column(rule.field), table.column(rule.other)
        if not all(pa.types.is_date(c.type) or pa.types.is_timestamp(c.type) for c in (start, end)):
            continue
        mask = _and_all([ok, rule.when.holds(table), _given(start), _given(end),
                         false_where_null(pc.less_equal(start, end))])  # an inverted interval is its own rule's
        rows = rows_where(mask)
        if not rows:
            continue
        where = positions(rows)
        first, last = _months(start.take(where)), _months(end.take(where))
        carried = np.zeros(len(rows), dtype=bool)
        for name in rule.fields:
            carried |= _in_words(table.column(name).take(where), first, last)
        bad = [rows[i] for i in np.flatnonzero(~carried).tolist()]
        for row, a, b, when in zip(bad, table.values(rule.field, bad), table.values(rule.other, bad),
                                   table.values(rule.when.field, bad)):
            checker.problem(
                table.display, row + FIRST_ROW, rule.when.field,
                f"{_shown(when)}, but neither {_and_or(rule.fields)} names a year or a month of "
                f"{_as_date(a).isoformat()} to {_as_date(b).isoformat()}: "  # type: ignore[union-attr]
                "a date not in the seed's words is inferred or reference",
            )


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    """``phrase`` found case-insensitively, with any whitespace between its words, and not inside a longer word."""
    words = [re.escape(w) for w in phrase.split()]
    start = r"(?<!\w)" if re.match(r"\w", phrase) else ""
    end = r"(?!\w)" if re.search(r"\w$", phrase) else ""
    return re.compile(start + r"\s+".join(words) + end, re.IGNORECASE)


@rule_kind("phrases-quoted-not-coded", needs=('field', 'other', 'fields'), fields_where_declared=True)
def _phrases_quoted_not_coded(checker: _Checker, rule: _Rule) -> None:
    """Each phrase of ``field`` (a list split at ``separator``, e.g. the words a correction refutes) occurs in
    ``other`` (the quote) and in none of the ``fields`` the table has (the coded text), case-insensitive, whitespace
    collapsed, as whole words."""
    assert rule.field is not None and rule.other is not None
    separator = rule.raw.get("separator", "|")
    for table, ok in checker.rule_tables(rule, rule.columns()):
        coded = [f for f in rule.fields if f in table.cast.values and table.column(f).type == pa.string()]  # type: ignore[union-attr]
        mask = _and_all([ok, _given(table.column(rule.field)), table.ok(coded)])
        columns = {f: table.column(f) for f in (rule.field, rule.other, *coded)}
        verdicts: dict[tuple[Any, ...], list[tuple[str, str]]] = {}
        for values in _pairs(columns, mask):
            found: list[tuple[str, str]] = []
            phrases = [normalise_space(p) for p in str(values[0]).split(separator)]
            if any(not p for p in phrases):
                found.append((rule.field, f'has an empty phrase: phrases are joined by "{separator.strip()}"'))
            for phrase in filter(None, phrases):
                pattern = _phrase_pattern(phrase)
                if not pattern.search(values[1] or ""):
                    found.append((rule.field, f'"{_short(phrase)}" does not occur in {rule.other}'))
                for name, text in zip(coded, values[2:]):
                    if isinstance(text, str) and pattern.search(text):
                        found.append((name, f'repeats "{_short(phrase)}", which {rule.field} lists'))
            if found:
                verdicts[values] = found
        if not verdicts:
            continue
        rows = rows_where(mask)
        for row, values in zip(rows, zip(*(c.take(positions(rows)).to_pylist() for c in columns.values()))):
            for name, message in verdicts.get(values, ()):
                checker.problem(table.display, row + FIRST_ROW, name, message)


@parameters_of("phrases-quoted-not-coded")
def _check_phrases(rule: _Rule, tables: dict[str, _Table]) -> None:
    separator = rule.raw.get("separator", "|")
    if not isinstance(separator, str) or not separator.strip():
        raise _RuleError('"separator" is blank or not a text')


@rule_kind("linked-or-explained", needs=('field', 'other', 'when', 'linked'))
def _linked_or_explained(checker: _Checker, rule: _Rule) -> None:
    """Where ``when`` holds (e.g. a stance is given), ``field`` (the event_key) is a value that a row of the ``linked``
    resource has in its ``linked`` field, or ``other`` (the reason why not) is given."""
    assert rule.when is not None and rule.field is not None and rule.other is not None
    link = rule.raw["linked"]
    target = checker.tables.get(link["resource"])
    if target is None or not target.has([link["field"]]):
        return  # that table's own problems say why
    keys = target.column(link["field"])
    known = pc.unique(keys.filter(pc.and_(target.ok([link["field"]]), _given(keys)))).cast(pa.string())
    for table, ok in checker.rule_tables(rule, rule.columns()):
        column = table.column(rule.field)
        linked = pc.and_(_given(column), false_where_null(pc.is_in(column.cast(pa.string()), value_set=known)))
        rows = rows_where(_and_all([ok, rule.when.holds(table), pc.invert(linked), _blank_mask(table.column(rule.other))]))
        for row, key, when in zip(rows, table.values(rule.field, rows), table.values(rule.when.field, rows)):
            what = "blank" if _blank(key) else f"{_shown(key)} is in no row of {target.display}"
            checker.problem(
                table.display, row + FIRST_ROW, rule.field,
                f"{what}, and {rule.other} is blank: where {rule.when.describe(when)}, the row shares its {rule.field} "
                f"with {target.display} or says why not in {rule.other}",
            )


@parameters_of("linked-or-explained")
def _check_linked(rule: _Rule, tables: dict[str, _Table]) -> None:
    link = rule.raw.get("linked")
    if not (isinstance(link, dict) and all(isinstance(link.get(k), str) and link[k] for k in ("resource", "field"))):
        raise _RuleError('"linked" is not {"resource": ..., "field": ...}')
    if link["resource"] not in tables:
        raise _RuleError(f'linked resource "{link["resource"]}" is not declared')
    if link["field"] not in _field_names(tables[link["resource"]].descriptor):
        raise _RuleError(f'linked resource "{link["resource"]}" declares no field "{link["field"]}"')
    if rule.when is None or rule.other is None:
        raise _RuleError(f'check "{rule.kind}" needs "when" and "other"')


@rule_kind("has-pattern", needs=('field', 'pattern', 'what'))
def _has_pattern(checker: _Checker, rule: _Rule) -> None:
    """A given ``field`` contains a match of ``pattern`` (a regular expression); ``what`` says in words what it must
    contain."""
    assert rule.field is not None
    for table, ok in checker.rule_tables(rule, rule.columns()):
        column = table.column(rule.field)
        if not pa.types.is_string(column.type):
            continue
        found = false_where_null(pc.match_substring_regex(column, rule.raw["pattern"]))
        rows = rows_where(_and_all([ok, _given(column), pc.invert(found)]))
        for row, value in zip(rows, table.values(rule.field, rows)):
            checker.problem(table.display, row + FIRST_ROW, rule.field, f"has no {rule.raw['what']}: {_shown(value)}")


@parameters_of("has-pattern")
def _check_pattern(rule: _Rule, tables: dict[str, _Table]) -> None:
    pattern, what = rule.raw.get("pattern"), rule.raw.get("what")
    if not isinstance(pattern, str) or not isinstance(what, str):
        raise _RuleError('"pattern" and "what" are texts')
    try:
        pc.match_substring_regex(array([""], pa.string()), pattern)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise _RuleError(f'"pattern" is not a regular expression: {exc}') from None
