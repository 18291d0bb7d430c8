"""The rule kinds that read the seed texts and their provenance: quotes verbatim in their seed, the seed files' sha256, dates not after publication, no other seed named, translations by the seed's language."""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

from dashboard.contract import FIRST_ROW, array, false_where_null, positions, rows_where
from dashboard.contract import short as _short
from dashboard.checks.problems import ENGLISH, LANGUAGE, SEED_FILE, SOURCES, SOURCE_ID, normalise_space
from dashboard.checks.cells import _and, _and_all, _blank, _given, _pairs
from dashboard.checks.registry import _Rule, rule_kind

if TYPE_CHECKING:  # annotations only: the engine imports the rules, not the other way round
    from dashboard.checks.engine import _Checker



@rule_kind("quote-in-seed", needs=('field',), implies=(SOURCE_ID,))
def _quote_in_seed(checker: _Checker, rule: _Rule) -> None:
    """Every ``field`` (the quote) occurs verbatim in the seed of the row's source_id, whitespace runs collapsed."""
    seeds = checker.seeds()
    known = array(sorted(seeds.texts), pa.string())
    for table, ok in checker.rule_tables(rule, rule.columns()):
        quotes, ids = table.column(rule.field), table.column(SOURCE_ID)
        if not (pa.types.is_string(quotes.type) and pa.types.is_string(ids.type)):
            continue
        mask = _and_all([ok, _given(quotes), pc.is_in(ids, value_set=known)])
        # each distinct (quote, seed) is looked up once
        missing = {(q, s) for q, s in _pairs({"q": quotes, "s": ids}, mask) if normalise_space(q) not in seeds.texts[s]}
        if not missing:
            continue
        rows = rows_where(mask)
        for row, quote, source_id in zip(rows, table.values(rule.field, rows), table.values(SOURCE_ID, rows)):
            if (quote, source_id) in missing:
                checker.problem(table.display, row + FIRST_ROW, rule.field,
                                f"not found verbatim in {source_id} ({seeds.files[source_id]}): \"{_short(quote)}\"")


@rule_kind("seed-sha256", needs=('field',), implies=(SEED_FILE,))
def _seed_sha256(checker: _Checker, rule: _Rule) -> None:
    """Each row's seed ``file`` exists in the seeds dir, is UTF-8 text and has the sha256 in ``field``."""
    for table, ok in checker.rule_tables(rule, rule.columns()):
        rows = rows_where(pc.and_(ok, _given(table.column(SEED_FILE))))
        for row, name, expected in zip(rows, table.values(SEED_FILE, rows), table.values(rule.field, rows)):
            if not isinstance(name, str) or not name:
                continue
            data, why = checker.seed_file(name)
            if data is None:
                checker.problem(table.display, row + FIRST_ROW, SEED_FILE, why or f"seed file {name} cannot be read")
                continue
            actual = hashlib.sha256(data).hexdigest()
            if isinstance(expected, str) and expected and expected != actual:
                checker.problem(table.display, row + FIRST_ROW, rule.field, f"does not match {name}, whose sha256 is {actual}")
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                checker.problem(table.display, row + FIRST_ROW, SEED_FILE, f"seed file {name} is not valid UTF-8 text")


@rule_kind("not-after-publication", needs=('field',), implies=(SOURCE_ID,))
def _not_after_publication(checker: _Checker, rule: _Rule) -> None:
    """The date in ``field`` is not after the latest publication date (sources.published_to) of the row's seed."""
    published_to = checker.seeds().published_to
    if not published_to:
        return
    ids = list(published_to)
    latest_dates = array([published_to[i] for i in ids], pa.date32())
    for table, ok in checker.rule_tables(rule, rule.columns()):
        dates, sources = table.column(rule.field), table.column(SOURCE_ID)
        if pa.types.is_timestamp(dates.type):
            dates = dates.cast(pa.date32())
        if not pa.types.is_date(dates.type) or not pa.types.is_string(sources.type):
            continue
        latest = latest_dates.take(pc.index_in(sources, value_set=array(ids, pa.string())))
        rows = rows_where(pc.and_(ok, false_where_null(pc.greater(dates, latest))))
        for row, date, source_id in zip(rows, dates.take(positions(rows)).to_pylist(), table.values(SOURCE_ID, rows)):
            latest_date = published_to[source_id]
            checker.problem(
                table.display, row + FIRST_ROW, rule.field,
                f"{date.isoformat()} is after {source_id}'s latest publication date {latest_date.isoformat()}",
            )


_SEED_ID = re.compile(r"(?<![A-Za-z0-9])S[0-9]{3}(?![0-9])")


@rule_kind("no-other-seed", needs=('field',), implies=(SOURCE_ID,))
def _no_other_seed(checker: _Checker, rule: _Rule) -> None:
    """``field`` names no seed (S000-S999) other than the row's own source_id, where ``when`` holds (if given)."""
    for table, ok in checker.rule_tables(rule, rule.columns()):
        texts = table.column(rule.field)
        if not pa.types.is_string(texts.type):
            continue
        # the rows that name any seed at all; the exact pattern and the row's own seed are looked at only there
        masks = [ok, false_where_null(pc.match_substring_regex(texts, "S[0-9]{3}"))]
        if rule.when is not None:
            masks.append(rule.when.holds(table))
        rows = rows_where(_and_all(masks))
        whens = table.values(rule.when.field, rows) if rule.when is not None else [None] * len(rows)
        for row, text, own, when in zip(rows, table.values(rule.field, rows), table.values(SOURCE_ID, rows), whens):
            others = list(dict.fromkeys(s for s in _SEED_ID.findall(text) if s != own))
            if others:
                why = f", while {rule.when.describe(when)}" if rule.when is not None else ""
                checker.problem(table.display, row + FIRST_ROW, rule.field,
                                f"names {_and(others)}, not the row's own seed {own}{why}")


@rule_kind("translation-by-language", needs=('field',), implies=(SOURCE_ID,))
def _translation_by_language(checker: _Checker, rule: _Rule) -> None:
    """``field`` (the English translation of a quote) is given on every row of a non-English seed (by
    ``sources.language``) and blank on every row of an English one."""
    sources = checker.tables.get(SOURCES)
    if sources is None or not sources.has([SOURCE_ID, LANGUAGE]):
        return
    languages = {i: l for i, l in zip(sources.column(SOURCE_ID).to_pylist(), sources.column(LANGUAGE).to_pylist())
                 if isinstance(i, str) and isinstance(l, str) and l}
    for table, ok in checker.rule_tables(rule, rule.columns()):
        rows = rows_where(ok)
        for row, source_id, value in zip(rows, table.values(SOURCE_ID, rows), table.values(rule.field, rows)):
            language = languages.get(source_id)
            if language is None:
                continue
            if language != ENGLISH and _blank(value):
                checker.problem(table.display, row + FIRST_ROW, rule.field,
                                f"required: {source_id} is in {language}, so the quote needs its English translation")
            elif language == ENGLISH and not _blank(value):
                checker.problem(table.display, row + FIRST_ROW, rule.field,
                                f"must be blank: {source_id} is in English, so its quote needs no translation")
