"""The rule kinds that compare the cells of a row, or rows of a table with each other or a lookup: both or neither, not after, required when, lookup allows, group agrees, unique together, conflicts link two."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dashboard import contract
from dashboard.contract import FIRST_ROW, array, false_where_null, positions, rows_where
from dashboard.checks.cells import _EMPTY, _and, _and_all, _blank, _blank_mask, _given, _or_all, _pairs, _shown
from dashboard.checks.registry import _Rule, rule_kind

if TYPE_CHECKING:  # annotations only: the engine imports the rules, not the other way round
    from dashboard.checks.engine import _Checker, _Table



@rule_kind("both-or-neither", needs=('fields',))
def _both_or_neither(checker: _Checker, rule: _Rule) -> None:
    """The ``fields`` are all given or all blank; each blank one beside a given one is reported."""
    for table, ok in checker.rule_tables(rule, rule.columns()):
        given = [_given(table.column(f)) for f in rule.fields]
        rows = rows_where(_and_all([ok, _or_all(given), pc.invert(_and_all(given))]))
        if not rows:
            continue
        cells = {f: table.column(f).take(positions(rows)) for f in rule.fields}
        for position, row in enumerate(rows):
            present = [f for f in rule.fields if not _blank(cells[f][position].as_py())]
            for blank in (f for f in rule.fields if f not in present):
                checker.problem(
                    table.display, row + FIRST_ROW, blank,
                    f"blank while {_and(present)} {'is' if len(present) == 1 else 'are'} given: "
                    f"{_and(rule.fields)} are given together or not at all",
                )


@rule_kind("not-after", needs=('field', 'other'))
def _not_after(checker: _Checker, rule: _Rule) -> None:
    """``field`` is not after (greater than) ``other`` where both are given."""
    for table, ok in checker.rule_tables(rule, rule.columns()):
        value, other = table.column(rule.field), table.column(rule.other)
        try:
            after = pc.greater(value, other)
        except (pa.ArrowNotImplementedError, pa.ArrowInvalid, pa.ArrowTypeError):
            continue  # values that do not compare: nothing to say
        rows = rows_where(_and_all([ok, _given(value), _given(other), false_where_null(after)]))
        for row, a, b in zip(rows, table.values(rule.field, rows), table.values(rule.other, rows)):
            checker.problem(table.display, row + FIRST_ROW, rule.field, f"{_shown(a)} is after {rule.other} {_shown(b)}")


@rule_kind("required-when-present", needs=('field', 'when'))
@rule_kind("required-when-in", needs=('field', 'when'))
def _required_when(checker: _Checker, rule: _Rule) -> None:
    """``field`` is given whenever the rule's ``when`` holds (a field given, or one of the listed values)."""
    assert rule.when is not None
    for table, ok in checker.rule_tables(rule, rule.columns()):
        rows = rows_where(_and_all([ok, rule.when.holds(table), _blank_mask(table.column(rule.field))]))
        for row, value in zip(rows, table.values(rule.when.field, rows)):
            checker.problem(table.display, row + FIRST_ROW, rule.field, f"required when {rule.when.describe(value)}")


@rule_kind("lookup-allows", needs=('field', 'by', 'reference'))
def _lookup_allows(checker: _Checker, rule: _Rule) -> None:
    """``field`` is one of the space-separated values that the reference row named by ``by`` allows; when it
    allows none, ``field`` is blank, and when it allows some, ``field`` is given."""
    ref = rule.reference
    assert ref is not None and rule.by is not None and rule.field is not None
    lookup = checker.tables.get(ref.resource)
    if lookup is None or not lookup.has([ref.key, ref.values]):
        return  # the lookup table's own problems are reported
    allowed: dict[str, tuple[str, ...]] = {}
    rows = rows_where(lookup.ok([ref.key, ref.values]))
    for key, values in zip(lookup.values(ref.key, rows), lookup.values(ref.values, rows)):
        if not _blank(key):
            allowed.setdefault(str(key), tuple(_score(v) for v in str(values or "").split()))
    where = f"{ref.resource}.{ref.values}"

    def verdict(key: Any, value: Any) -> str | None:
        if _blank(key) or str(key) not in allowed:
            return None  # a blank or unknown key is the schema's (required, foreign key) to report
        scores = allowed[str(key)]
        named = f'{rule.by} "{key}"'
        if not scores:
            if not _blank(value):
                return f"{_shown(value)} given, but {named} allows none ({where} is blank): leave {rule.field} blank"
        elif _blank(value):
            return f"blank, but {named} needs one of {', '.join(scores)} ({where})"
        elif _score(value) not in scores:
            return f"{_shown(value)} is not allowed for {named}, which allows {', '.join(scores)} ({where})"
        return None

    for table, ok in checker.rule_tables(rule, rule.columns()):
        # each distinct (key, value) is judged once; rows are looked at only for the pairs that fail
        bad = {pair: message for pair in _pairs({"k": table.column(rule.by), "v": table.column(rule.field)}, ok)
               if (message := verdict(*pair)) is not None}
        if not bad:
            continue
        rows = rows_where(ok)
        for row, key, value in zip(rows, table.values(rule.by, rows), table.values(rule.field, rows)):
            if (key, value) in bad:
                checker.problem(table.display, row + FIRST_ROW, rule.field, bad[(key, value)])


def _score(value: Any) -> str:
    """A value as a comparable token: integers without sign or padding quirks ("+1" -> "1"), else the text."""
    text = str(value).strip()
    try:
        return str(int(text))
    except ValueError:
        return text


def _comparable_column(column: pa.Array) -> pa.Array:
    """Blank cells as null, so that every blank compares equal."""
    if pa.types.is_string(column.type):
        return pc.if_else(pc.equal(pc.utf8_trim_whitespace(column), _EMPTY), pa.nulls(len(column), column.type), column)
    return column


@rule_kind("group-agrees", needs=('group', 'fields'), fields_where_declared=True)
def _group_agrees(checker: _Checker, rule: _Rule) -> None:
    """Rows sharing a non-blank ``group`` value, across the rule's resources, agree on each of ``fields`` that
    their tables have; each later row that differs from the first row with that field is reported."""
    assert rule.group is not None
    tables = list(checker.rule_tables(rule, [rule.group]))
    for column in rule.fields:
        # (table, rows, keys, values) of the rows that have the field, valid, and a non-blank key
        parts = []
        for table, ok in tables:
            if column not in table.cast.values:  # type: ignore[union-attr]
                continue
            keys = table.column(rule.group)
            mask = _and_all([ok, _given(keys), table.ok([column])])
            parts.append((table, mask, keys, _comparable_column(table.column(column))))
        if not parts:
            continue
        # the keys whose rows hold more than one value; only those rows are compared one by one
        key_types = {p[2].type for p in parts}
        value_types = {p[3].type for p in parts}
        suspects: set[str] | None = None
        if len(key_types) == 1 and len(value_types) == 1 and pa.types.is_string(next(iter(key_types))):
            keys = pa.concat_arrays([p[2].filter(p[1]) for p in parts])
            values = pa.concat_arrays([p[3].filter(p[1]) for p in parts])
            if not len(keys):
                continue
            # distinct (key, value) pairs, then the keys that have more than one
            pairs = contract.first_rows([keys, values])
            key_ids = contract.group_ids([keys])
            several = np.bincount(key_ids[pairs]) > 1
            suspects = set(keys.take(positions(np.flatnonzero(several[key_ids]).tolist())).to_pylist())
            if not suspects:
                continue
        first: dict[str, tuple[_Table, int, Any]] = {}
        for table, mask, keys, values in parts:
            if suspects is not None:
                mask = pc.and_(mask, pc.is_in(keys, value_set=array(sorted(suspects), pa.string())))
            rows = rows_where(mask)
            for row, key, value in zip(rows, table.values(rule.group, rows), values.take(positions(rows)).to_pylist()):
                seen = first.setdefault(str(key), (table, row, value))
                if seen[:2] == (table, row):
                    continue
                if value != seen[2]:
                    checker.problem(
                        table.display, row + FIRST_ROW, column,
                        f"{_shown(value)} differs from {seen[0].display}:{seen[1] + FIRST_ROW}, which has {_shown(seen[2])} "
                        f'(same {rule.group} "{key}")',
                    )


@rule_kind("unique-together", needs=('fields',))
def _unique_together(checker: _Checker, rule: _Rule) -> None:
    """No two rows of one resource share the same values in all of ``fields`` (rows with a blank one are exempt)."""
    for table, ok in checker.rule_tables(rule, rule.columns()):
        mask = _and_all([ok, *(_given(table.column(f)) for f in rule.fields)])
        count = pc.sum(mask.cast(pa.int64())).as_py() or 0
        if len(_pairs({f: table.column(f) for f in rule.fields}, mask)) == count:
            continue
        rows = rows_where(mask)
        seen: dict[tuple[Any, ...], int] = {}
        for row, values in zip(rows, zip(*(table.values(f, rows) for f in rule.fields))):
            if values in seen:
                described = " with ".join(f"{f} {_shown(v)}" for f, v in zip(rule.fields, values))
                checker.problem(table.display, row + FIRST_ROW, ",".join(rule.fields),
                                f"{described} is already in row {seen[values]}")
            else:
                seen[values] = row + FIRST_ROW


@rule_kind("conflict-links-two", needs=('field',), across=True)
def _conflict_links_two(checker: _Checker, rule: _Rule) -> None:
    """Every value of ``field`` links at least two rows across all the other tables that have that column:
    a value used once is reported on its row, and a key declared in the rule's resources on the declaring row."""
    key_field = rule.field
    assert key_field is not None
    users = [t for t in checker.tables.values()
             if t.name not in rule.resources and t.has([key_field]) and pa.types.is_string(t.column(key_field).type)]
    uses: dict[str, int] = defaultdict(int)
    for table in users:
        keys = table.column(key_field).filter(_given(table.column(key_field)))
        for item in pc.value_counts(keys).to_pylist():
            uses[item["values"]] += item["counts"]
    once = [key for key, count in uses.items() if count == 1]
    if once:
        value_set = array(once, pa.string())
        for table in users:
            rows = rows_where(pc.is_in(table.column(key_field), value_set=value_set))
            for row, key in zip(rows, table.values(key_field, rows)):
                checker.problem(table.display, row + FIRST_ROW, key_field,
                                f'"{key}" is used by no other row; a conflict links at least two')
    for table, ok in checker.rule_tables(rule, rule.columns()):
        keys = table.column(key_field)
        if not pa.types.is_string(keys.type):
            continue
        linked = array([key for key, count in uses.items() if count >= 2], pa.string())
        rows = rows_where(_and_all([ok, _given(keys), pc.invert(pc.is_in(keys, value_set=linked))]))
        for row, key in zip(rows, table.values(key_field, rows)):
            count = uses.get(key, 0)
            checker.problem(
                table.display, row + FIRST_ROW, key_field,
                f'"{key}" is used by {count} row{"" if count == 1 else "s"} in the tables; a conflict links at least two',
            )
