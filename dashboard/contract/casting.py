"""Casting a table from its declaration (:func:`cast`): every declared column typed and its constraints checked,
reading each distinct cell text once; then unique and the primary key; and the foreign keys between cast tables."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.contract.arrays import (DEFAULT_MISSING, FIRST_ROW, INVALID, NO_FIELD, _any, _integers, _mask_of, array,
                                       as_text, booleans, first_rows, flags, positions, rows_where, short)
from dashboard.contract.types import (INT64_MAX, INT64_MIN, FieldType, _WHOLE, _value_checks, constraint_message,
                                      field_type)
from dashboard.contract.declaration import key_names
from dashboard.contract.csvfile import RawTable


# --------------------------------------------------------------------------
# casting a table


@dataclass
class CastTable:
    """A table cast from its declaration: typed columns, which cells failed, and the problems found."""

    #: declared field -> typed array, for the declared fields the file has, in declaration order
    values: dict[str, pa.Array]
    #: field -> True where the cell failed the schema (type, constraint, unique, missing value); absent: none failed
    invalid: dict[str, pa.Array]
    num_rows: int
    problems: list[tuple[int, str, str]]


def missing_values(schema: dict[str, Any], spec: dict[str, Any] | None = None) -> list[str]:
    if spec is not None and isinstance(spec.get("missingValues"), list):
        return spec["missingValues"]
    values = schema.get("missingValues")
    return values if isinstance(values, list) else DEFAULT_MISSING


def cast(raw: RawTable, resource: dict[str, Any]) -> CastTable:
    """Type every declared column of ``raw`` and check the schema's constraints, keys aside from foreign keys."""
    schema = resource["schema"]
    specs = {f["name"]: f for f in schema["fields"]}
    position = {label: i for i, label in reversed(list(enumerate(raw.labels)))}
    n = raw.num_rows
    problems: list[tuple[int, str, str]] = []

    # a row whose every cell is missing is one "blank row" problem, and nothing else
    blank: pa.Array | None = flags(True, n) if raw.labels and n else None
    for label, column in zip(raw.labels, raw.columns):
        if blank is None:
            break
        missing = missing_values(schema, specs.get(label))
        mask = pc.is_in(column, value_set=array(missing, pa.string())) if missing else flags(False, n)
        if column.null_count:
            mask = pc.or_(mask, pc.is_null(column))
        blank = pc.and_(blank, mask)
        if not _any(blank):
            blank = None
    blank_rows = set(rows_where(blank))
    for row in sorted(blank_rows):
        problems.append((row + FIRST_ROW, NO_FIELD, "blank row"))

    invalid_rows: dict[str, set[int]] = {}
    values: dict[str, pa.Array] = {}
    for name, spec in specs.items():
        if name not in position:
            continue
        column = raw.columns[position[name]]
        typed, bad = _cast_column(column, spec, missing_values(schema, spec), blank_rows, problems)
        values[name] = typed
        if bad:
            invalid_rows[name] = bad
        if (spec.get("constraints") or {}).get("unique") is True:
            _unique(name, typed, problems, invalid_rows)

    # rows with fewer or more values than the header
    width = len(raw.labels)
    for row, count in sorted(raw.ragged.items()):
        if row in blank_rows:
            continue
        for index in range(count, width):
            problems.append((row + FIRST_ROW, raw.labels[index], "missing value: the row has fewer values than the header"))
            invalid_rows.setdefault(raw.labels[index], set()).add(row)
        for number in range(width + 1, count + 1):
            problems.append((row + FIRST_ROW, NO_FIELD, f"extra value at position {number}: the row has more values than the header"))

    pk = key_names(schema.get("primaryKey")) or []
    if pk and all(k in values for k in pk):
        _primary_key(pk, values, blank_rows, n, problems, specs)

    invalid = {name: _mask_of(rows, n) for name, rows in invalid_rows.items() if rows and name in specs}
    return CastTable(values, invalid, n, problems)


def _cast_column(column: pa.Array, spec: dict[str, Any], missing: list[str], blank_rows: set[int],
                 problems: list[tuple[int, str, str]]) -> tuple[pa.Array, set[int]]:
    """The typed column, and the rows whose cell failed; each distinct text is read and checked once."""
    ftype = field_type(spec)
    name = spec["name"]
    constraints = spec.get("constraints") or {}
    required = constraints.get("required") is True
    checks = dict(_value_checks(spec))
    missing_text = pc.is_in(column, value_set=array(missing, pa.string())) if missing else None
    if not _any(missing_text):
        missing_text = None
    if ftype.name == "string" and not checks:  # text as it is: only the missing values to find
        if missing_text is None:
            return column, set()
        typed = pc.if_else(missing_text, pa.nulls(len(column), pa.string()), column)
        bad = {row for row in rows_where(missing_text) if row not in blank_rows} if required else set()
        problems += [(row + FIRST_ROW, name, constraint_message("required", "", spec)) for row in sorted(bad)]
        return typed, bad

    # the distinct texts, each read and checked once
    encoded = column.dictionary_encode()
    dictionary = encoded.dictionary
    texts: list[str] = dictionary.to_pylist()
    k = len(texts)
    is_missing = booleans(pc.is_in(dictionary, value_set=array(missing, pa.string()))) if missing else np.zeros(k, bool)
    notes: dict[int, list[str]] = {}
    if ftype.name == "string":
        values: list[Any] = texts
        readable = ~is_missing
    else:
        read = ftype.reader(spec)
        values = [None if gone else read(text) for text, gone in zip(texts, is_missing.tolist())]
        readable = np.fromiter((v is not None and v is not INVALID for v in values), dtype=bool, count=k)
        for index in np.flatnonzero(~readable & ~is_missing).tolist():
            notes[index] = [_unreadable(ftype, texts[index])]
    if required:
        for index in np.flatnonzero(is_missing).tolist():
            notes[index] = [constraint_message("required", texts[index], spec)]
    for constraint, test in checks.items():
        limit = constraints[constraint]
        if ftype.name == "string" and constraint in ("minLength", "maxLength"):
            lengths = _integers(pc.utf8_length(dictionary))
            failing = lengths < limit if constraint == "minLength" else lengths > limit
        elif ftype.name == "string" and constraint == "enum":
            failing = ~booleans(pc.is_in(dictionary, value_set=array(list(limit), pa.string())))
        else:
            failing = np.zeros(k, bool)
            candidates = np.flatnonzero(readable).tolist()
            failing[[i for i in candidates if not test(values[i])]] = True
        for index in np.flatnonzero(failing & readable).tolist():
            notes.setdefault(index, []).append(constraint_message(constraint, texts[index], spec))

    if ftype.name == "string":
        typed = pc.if_else(missing_text, pa.nulls(len(column), pa.string()), column) if missing_text is not None else column
    elif k:
        stored = [ftype.store(v) if ok else None for v, ok in zip(values, readable.tolist())]
        typed = array(stored, ftype.arrow()).take(encoded.indices)
    else:
        typed = pa.nulls(len(column), ftype.arrow())
    bad: set[int] = set()
    if notes:
        flagged = pc.is_in(encoded.indices, value_set=array(list(notes), encoded.indices.type))
        rows = rows_where(flagged)
        at = encoded.indices.take(positions(rows)).to_pylist() if rows else []
        for row, index in zip(rows, at):
            if row in blank_rows:
                continue
            bad.add(row)
            for message in notes[index]:
                problems.append((row + FIRST_ROW, name, message))
    return typed, bad


def _unreadable(ftype: FieldType, text: str) -> str:
    """Why a cell's text is not a value of its type (a whole number too large for the column says so)."""
    if ftype.name == "integer" and _WHOLE.fullmatch(text):
        return f'"{short(text)}" is out of range: a whole number here is between {INT64_MIN} and {INT64_MAX}'
    return f'"{short(text)}" is not {ftype.hint}'


def _unique(name: str, typed: pa.Array, problems: list[tuple[int, str, str]], invalid_rows: dict[str, set[int]]) -> None:
    given = len(typed) - typed.null_count
    if not given or pc.count_distinct(typed).as_py() == given:
        return
    seen: dict[Any, int] = {}
    for row, value in enumerate(typed.to_pylist()):
        if value is None:
            continue
        first = seen.get(value)
        seen[value] = row + FIRST_ROW
        if first is not None:
            problems.append((row + FIRST_ROW, name, f'duplicate value "{short(as_text(value))}" (first in row {first})'))
            invalid_rows.setdefault(name, set()).add(row)


def _primary_key(pk: list[str], values: dict[str, pa.Array], blank_rows: set[int], n: int, problems: list[tuple[int, str, str]], specs: dict[str, dict[str, Any]]) -> None:
    columns = [values[k] for k in pk]
    if all(c.null_count == 0 for c in columns):
        distinct = pc.count_distinct(columns[0]).as_py() if len(pk) == 1 else len(first_rows(columns))
        if distinct == n:
            return
    unique_single = len(pk) == 1 and (specs[pk[0]].get("constraints") or {}).get("unique") is True
    where = ",".join(pk)
    seen: dict[tuple[Any, ...], int] = {}
    for row, cells in enumerate(zip(*(c.to_pylist() for c in columns))):
        if all(c is None for c in cells):
            if row not in blank_rows:
                problems.append((row + FIRST_ROW, where, "primary key is blank"))
            continue
        first = seen.get(cells)
        seen[cells] = row + FIRST_ROW
        if first is not None and row not in blank_rows and not unique_single:
            problems.append((row + FIRST_ROW, where, f"duplicate primary key (first in row {first})"))


def foreign_key_problems(fk: dict[str, Any], own: CastTable, ref_name: str, ref: CastTable) -> list[tuple[int, str, str]]:
    """Rows of ``own`` whose key (not all blank) is not among the keys of ``ref`` (rows with a blank key aside)."""
    fields, ref_fields = key_names(fk["fields"]) or [], key_names(fk["reference"]["fields"]) or []
    if not all(f in own.values for f in fields) or not all(f in ref.values for f in ref_fields):
        return []
    targets, sources = [own.values[f] for f in fields], [ref.values[f] for f in ref_fields]
    if len(fields) == 1 and targets[0].type == sources[0].type:
        found = pc.is_in(targets[0], value_set=pc.unique(sources[0].drop_null()))
        rows = rows_where(pc.and_(pc.invert(found), pc.is_valid(targets[0])))
    else:
        keys = {cells for cells in zip(*(s.to_pylist() for s in sources)) if any(c is not None for c in cells)}
        rows = [row for row, cells in enumerate(zip(*(t.to_pylist() for t in targets)))
                if any(c is not None for c in cells) and cells not in keys]
    if not rows:
        return []
    cells = [own.values[f].take(positions(rows)).to_pylist() for f in fields]
    where, target = ",".join(fields), f"{ref_name}.{','.join(ref_fields)}"
    return [(row + FIRST_ROW, where, f"{', '.join(chr(34) + short(as_text(v)) + chr(34) for v in values)} not found in {target}")
            for row, values in zip(rows, zip(*cells))]
