"""The data contract of ``datapackage.json``, read and cast once.

This is the project's one type system.  Each Table Schema field type is declared once, in :data:`FIELD_TYPES`: how
a cell's text is read (the Frictionless reading: ``int()`` of the stripped text, ``Decimal`` for numbers,
``strptime`` for dates...), which constraints apply to it, and its Arrow type, from which :func:`to_pandas` gives
the app its dtypes.

Everything is vectorised over Arrow arrays (pyarrow, which imports without pandas so ``python -m dashboard check``
starts fast):

* :func:`read_csv` parses a CSV file once, with pyarrow's multi-threaded reader, into one string array per column.
  A file that pyarrow cannot read as a regular table (rows of the wrong length, text that is not UTF-8, an odd number
  of quote characters, another encoding) is read instead by Python's strict ``csv`` module, which says exactly what
  is wrong; both give the same columns.
* :func:`cast` types every declared column and checks its constraints, reading each *distinct* cell text once
  (through a dictionary encoding), so 100,000 rows cost what their distinct values cost; then ``unique`` and the
  primary key, vectorised, with a row-by-row pass only where there is something to report.
* :func:`foreign_key_problems` checks the foreign keys between cast tables.
* :func:`to_pandas` turns a cast table into the DataFrame the app uses.

Problems come back as ``(row, field, message)``; :mod:`dashboard.checks` adds the path.  Row numbers count the
header as row 1.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

NO_FIELD = "-"
HEADER_ROW = 1
FIRST_ROW = 2  #: row number of the first data row (the header is row 1)
DEFAULT_MISSING = [""]
_MAX_CELL = 60


_EPOCH_DAY = dt.date(1970, 1, 1).toordinal()
_EPOCH = dt.datetime(1970, 1, 1)
_MICROSECOND = dt.timedelta(microseconds=1)


def array(values: list[Any], type: pa.DataType) -> pa.Array:
    """An Arrow array of Python values (None for null), built from its buffers.

    Not ``pa.array``: given anything but an Arrow object, pyarrow first imports pandas to ask whether it is a
    pandas object, and ``python -m dashboard check`` must start without pandas.
    """
    n = len(values)
    valid = np.fromiter((v is not None for v in values), dtype=bool, count=n)
    null_count = n - int(valid.sum())
    validity = pa.py_buffer(np.packbits(valid, bitorder="little")) if null_count else None
    if pa.types.is_string(type):
        encoded = [v.encode("utf-8") if v is not None else b"" for v in values]
        offsets = np.zeros(n + 1, dtype=np.int32)
        np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=n), out=offsets[1:], dtype=np.int32)
        return pa.Array.from_buffers(type, n, [validity, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))], null_count)
    if pa.types.is_boolean(type):
        bits = np.packbits(np.fromiter((bool(v) for v in values), dtype=bool, count=n), bitorder="little")
        return pa.Array.from_buffers(type, n, [validity, pa.py_buffer(bits)], null_count)
    if pa.types.is_date32(type):
        numbers = [v.toordinal() - _EPOCH_DAY if v is not None else 0 for v in values]
        data = np.asarray(numbers, dtype=np.int32)
    elif pa.types.is_timestamp(type):
        data = np.asarray([(v - _EPOCH) // _MICROSECOND if v is not None else 0 for v in values], dtype=np.int64)
    elif pa.types.is_floating(type):
        data = np.asarray([v if v is not None else 0.0 for v in values], dtype=np.float64)
    elif pa.types.is_integer(type):
        data = np.asarray([v if v is not None else 0 for v in values], dtype=type.to_pandas_dtype())
    else:  # pragma: no cover - every field type is one of the above
        raise TypeError(f"no array of {type}")
    return pa.Array.from_buffers(type, n, [validity, pa.py_buffer(data)], null_count)


def scalar(value: Any, type: pa.DataType) -> pa.Scalar:
    """An Arrow scalar, for compute functions (given a Python value they call ``pa.scalar``, which loads pandas)."""
    return array([value], type)[0]


def false_where_null(mask: pa.Array) -> pa.Array:
    """A boolean mask with its nulls read as false (``pc.fill_null(mask, False)``, whose ``pa.scalar`` loads pandas)."""
    return pc.fill_null(mask, scalar(False, pa.bool_())) if mask.null_count else mask


def positions(rows: list[int]) -> pa.Array:
    """Row indices as an Arrow array, for ``take``."""
    return pa.Array.from_buffers(pa.int64(), len(rows), [None, pa.py_buffer(np.asarray(rows, dtype=np.int64))])


def flags(value: bool, n: int) -> pa.Array:
    """``n`` times ``value``, as a boolean mask."""
    return pa.Array.from_buffers(pa.bool_(), n, [None, pa.py_buffer(np.packbits(np.full(n, value, dtype=bool), bitorder="little"))])


class _Invalid:
    """A cell whose text is not a value of the field's type."""

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return "INVALID"


INVALID = _Invalid()


def as_text(value: Any) -> str:
    """A cast value written out, as Frictionless words it: blank for none, a whole number without ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def short(value: Any) -> str:
    """A cell as shown in a message: one line, at most 60 characters."""
    text = "" if value is None else str(value)
    text = text.replace("\n", " ")
    return text if len(text) <= _MAX_CELL else text[: _MAX_CELL - 1] + "…"


# --------------------------------------------------------------------------
# the field types


def _read_string(spec: dict[str, Any]) -> Callable[[str], Any]:
    return lambda text: text


_NOT_BARE = re.compile(r"((^[^-\d]*)|(\D*$))")


#: the whole numbers an integer column holds (Arrow's int64); a larger one is a problem on its row and field
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
_WHOLE = re.compile(r"\s*[+-]?[0-9][0-9_]*\s*")


def _read_integer(spec: dict[str, Any]) -> Callable[[str], Any]:
    bare = spec.get("bareNumber", True)

    def read(text: str) -> Any:
        text = text.strip()
        if not bare:
            text = _NOT_BARE.sub("", text)
        try:
            value = int(text)
        except ValueError:  # also a number of more than 4,300 digits
            return INVALID
        return value if INT64_MIN <= value <= INT64_MAX else INVALID

    return read


def _read_number(spec: dict[str, Any]) -> Callable[[str], Any]:
    bare = spec.get("bareNumber", True)
    group, decimal = spec.get("groupChar", ""), spec.get("decimalChar", ".")

    def read(text: str) -> Any:
        text = text.strip()
        if not bare:
            text = _NOT_BARE.sub("", text)
        if group:
            text = text.replace(group, "")
        if decimal != ".":
            if "." in text:
                return INVALID
            text = text.replace(decimal, ".")
        try:
            value = Decimal(text)
            float(value)  # a signalling NaN has no float
        except (InvalidOperation, ValueError):
            return INVALID
        return value

    return read


def _read_boolean(spec: dict[str, Any]) -> Callable[[str], Any]:
    mapping = {**{v: True for v in spec.get("trueValues", ["true", "True", "TRUE", "1"])},
               **{v: False for v in spec.get("falseValues", ["false", "False", "FALSE", "0"])}}
    return lambda text: mapping.get(text, INVALID)


def _read_date(spec: dict[str, Any]) -> Callable[[str], Any]:
    fmt = spec.get("format", "default")
    pattern = "%Y-%m-%d" if fmt == "default" else fmt

    def read(text: str) -> Any:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            return INVALID

    return read


def _read_datetime(spec: dict[str, Any]) -> Callable[[str], Any]:
    fmt = spec.get("format", "default")

    def read(text: str) -> Any:
        try:
            if fmt == "default":
                if len(text) < 19 or text[16] != ":":  # a full date and time, not a shorter ISO form
                    return INVALID
                value = dt.datetime.fromisoformat(text)
            else:
                value = dt.datetime.strptime(text, fmt)
        except ValueError:
            return INVALID
        if value.tzinfo is not None:  # one column, one clock: aware times are kept in UTC
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value

    return read


def _read_year(spec: dict[str, Any]) -> Callable[[str], Any]:
    def read(text: str) -> Any:
        if len(text) != 4:
            return INVALID
        try:
            value = int(text)
        except ValueError:
            return INVALID
        return value if 0 <= value <= 9999 else INVALID

    return read


_BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class FieldType:
    """One Table Schema field type: how its cells are read, and what they become."""

    name: str
    #: the words in "... is not <hint>"
    hint: str
    #: spec -> reader of one cell's text (returns the value, or INVALID)
    reader: Callable[[dict[str, Any]], Callable[[str], Any]]
    #: the constraints that apply (``unique`` applies to every type)
    constraints: tuple[str, ...]
    #: the Arrow type of the cast column
    arrow: Callable[[], pa.DataType]
    #: the declared "format"s understood: "default" and, where True, any strptime pattern
    strptime_formats: bool = False
    #: value -> what the Arrow column stores (a number's Decimal as a float)
    store: Callable[[Any], Any] = _same


FIELD_TYPES: dict[str, FieldType] = {
    t.name: t
    for t in (
        FieldType("string", "a string", _read_string, ("required", "minLength", "maxLength", "pattern", "enum"), pa.string),
        FieldType("integer", "a whole number", _read_integer, ("required", *_BOUNDS, "enum"), pa.int64),
        FieldType("number", "a number", _read_number, ("required", *_BOUNDS, "enum"), pa.float64, store=float),
        FieldType("boolean", "true or false", _read_boolean, ("required", "enum"), pa.bool_),
        FieldType("date", "a date (YYYY-MM-DD)", _read_date, ("required", *_BOUNDS, "enum"), pa.date32, strptime_formats=True),
        FieldType("datetime", "a date and time (ISO 8601)", _read_datetime, ("required", *_BOUNDS, "enum"),
                  lambda: pa.timestamp("us"), strptime_formats=True),
        FieldType("year", "a year", _read_year, ("required", *_BOUNDS, "enum"), pa.int64),
    )
}


def field_type(spec: dict[str, Any]) -> FieldType:
    return FIELD_TYPES[spec.get("type", "string")]


def _coerce(kind: str, read: Callable[[str], Any], value: Any) -> Any:
    """A constraint's value as a value of the field: text is read like a cell; a JSON number stands for itself in
    numeric fields (a whole one in integer and year fields)."""
    if isinstance(value, str):
        return read(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return INVALID
    if kind == "number":
        return Decimal(str(value))
    if kind in ("integer", "year") and float(value).is_integer():
        return int(value)
    return INVALID


def _value_checks(spec: dict[str, Any]) -> list[tuple[str, Callable[[Any], bool]]]:
    """(constraint, test of a read value) for each declared constraint on values (``required`` and ``unique`` aside)."""
    kind = spec.get("type", "string")
    read = field_type(spec).reader(spec)
    checks: list[tuple[str, Callable[[Any], bool]]] = []
    for name, limit in (spec.get("constraints") or {}).items():
        if name == "minLength":
            checks.append((name, lambda v, n=limit: len(v) >= n))
        elif name == "maxLength":
            checks.append((name, lambda v, n=limit: len(v) <= n))
        elif name == "pattern":
            # matched whole (fullmatch): "S001" plus a newline does not match "S[0-9]{3}", as "^...$" would let it
            checks.append((name, lambda v, p=re.compile(limit): p.fullmatch(v) is not None))
        elif name == "enum":
            allowed = [_coerce(kind, read, item) for item in limit]
            checks.append((name, lambda v, a=allowed: v in a))
        elif name in _BOUNDS:
            bound = _coerce(kind, read, limit)
            compare = {"minimum": lambda v, b: v >= b, "maximum": lambda v, b: v <= b,
                       "exclusiveMinimum": lambda v, b: v > b, "exclusiveMaximum": lambda v, b: v < b}[name]
            checks.append((name, lambda v, b=bound, c=compare: v == v and c(v, b)))  # NaN is within no bound
    return checks


def constraint_message(constraint: str, cell: str, spec: dict[str, Any]) -> str:
    value = (spec.get("constraints") or {}).get(constraint)
    shown = short(cell)
    if constraint == "required":
        return "required value is blank"
    if constraint == "enum":
        return f'"{shown}" is not one of the allowed values: {", ".join(str(v) for v in value or [])}'
    if constraint == "minimum":
        return f"{shown} is below the minimum {value}"
    if constraint == "maximum":
        return f"{shown} is above the maximum {value}"
    if constraint == "exclusiveMinimum":
        return f"{shown} is not above {value}"
    if constraint == "exclusiveMaximum":
        return f"{shown} is not below {value}"
    if constraint == "pattern":
        return f'"{shown}" does not match the pattern {value}'
    if constraint == "minLength":
        return f'"{shown}" is shorter than {value} characters'
    if constraint == "maxLength":
        return f'"{shown}" is longer than {value} characters'
    return f'"{shown}" breaks the constraint {constraint}'  # pragma: no cover - every declared constraint is known


# --------------------------------------------------------------------------
# the declaration: what the engine reads must be well formed

_RESOURCE_KEYS_READ = ("format", "encoding", "dialect", "compression", "hash", "bytes")
#: the CSV layout the readers implement: a dialect may restate these, nothing else
_DIALECT_DEFAULTS = {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "header": True, "headerRows": [1],
                     "skipInitialSpace": False}
_DIALECT_IGNORED = ("$schema", "name", "title", "description", "lineTerminator")
_NAME = re.compile(r"[-a-z0-9._/]+")  # matched whole (fullmatch)


def declaration_problems(package: dict[str, Any]) -> list[str]:
    """What is wrong with the resources of a parsed ``datapackage.json``, as the checks would read them ([] when fine).

    Covers what the checks interpret: resource names and paths, the CSV layout, field names and types, formats and
    type options, constraints, missing values, primary and foreign keys.  (The rules are checked when they run.)
    """
    problems: list[str] = []
    resources = package.get("resources")
    names: dict[str, dict[str, Any]] = {}
    for index, resource in enumerate(resources):
        if not isinstance(resource, dict):
            problems.append(f"resource {index}: is not an object")
            continue
        name = resource.get("name")
        label = f'resource "{name}"' if isinstance(name, str) else f"resource {index}"
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            problems.append(f'{label}: "name" must be lower-case letters, digits and -._/ only')
        elif name in names:
            problems.append(f"{label}: is declared more than once")
        else:
            names[name] = resource
        if not isinstance(resource.get("path"), str) and "data" not in resource:
            problems.append(f'{label}: has neither "path" (a file) nor "data"')
        if "schema" in resource:
            problems += [f"{label}: {p}" for p in _resource_problems(resource)]
    for name, resource in names.items():
        schema = resource.get("schema")
        if isinstance(schema, dict) and not _resource_problems(resource):
            problems += [f'resource "{name}": {p}' for p in _foreign_key_problems(resource, names)]
    return problems


def _resource_problems(resource: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    fmt = resource.get("format", "csv")
    if fmt != "csv":
        problems.append(f'format "{fmt}" is not supported: the tables are CSV')
    encoding = resource.get("encoding", "utf-8")
    try:
        codecs.lookup(encoding)
    except (LookupError, TypeError):
        problems.append(f'encoding "{encoding}" is unknown')
    if resource.get("compression") not in (None, "", "no"):
        problems.append(f'compression "{resource["compression"]}" is not supported')
    dialect = resource.get("dialect")
    if dialect is not None:
        if not isinstance(dialect, dict):
            problems.append('"dialect" is not an object')
        else:
            options = {**(dialect.get("csv") if isinstance(dialect.get("csv"), dict) else {}),
                       **{k: v for k, v in dialect.items() if k != "csv"}}
            for key, value in options.items():
                if key in _DIALECT_IGNORED:
                    continue
                if key not in _DIALECT_DEFAULTS or value != _DIALECT_DEFAULTS[key]:
                    problems.append(f'dialect "{key}": {json_repr(value)} is not supported (the tables are plain CSV)')
    hash_ = resource.get("hash")
    if hash_ is not None and not (isinstance(hash_, str) and re.fullmatch(r"(sha256:[0-9a-f]{64}|(md5:)?[0-9a-f]{32})", hash_)):
        problems.append('"hash" is neither "sha256:<64 hex digits>" nor an md5 of 32 hex digits')
    if resource.get("bytes") is not None and (not isinstance(resource["bytes"], int) or isinstance(resource["bytes"], bool)):
        problems.append('"bytes" is not a whole number')
    schema = resource.get("schema")
    if not isinstance(schema, dict):
        return problems + ['"schema" is not an object']
    problems += _missing_values_problems(schema, "schema")
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        return problems + ['"schema.fields" is not a list of fields']
    seen: set[str] = set()
    for position, spec in enumerate(fields, start=1):
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str) or not spec["name"]:
            problems.append(f"field {position}: is not an object with a name")
            continue
        if spec["name"] in seen:
            problems.append(f'field "{spec["name"]}": is declared more than once')
        seen.add(spec["name"])
        problems += [f'field "{spec["name"]}": {p}' for p in _field_problems(spec)]
    pk = schema.get("primaryKey")
    if pk is not None:
        keys = key_names(pk)
        if not keys:
            problems.append('"primaryKey" is not a list of field names')
        else:
            problems += [f'primary key field "{k}" is not declared' for k in keys if k not in seen]
    fks = schema.get("foreignKeys")
    if fks is not None and not isinstance(fks, list):
        problems.append('"foreignKeys" is not a list')
    for number, fk in enumerate(fks if isinstance(fks, list) else [], start=1):
        if not isinstance(fk, dict) or not isinstance(fk.get("reference"), dict):
            problems.append(f"foreign key {number}: is not an object with a reference")
            continue
        own, ref = key_names(fk.get("fields")), key_names(fk["reference"].get("fields"))
        if own is None or ref is None or len(own) != len(ref) or not own:
            problems.append(f'foreign key {number}: "fields" and "reference.fields" are not lists of field names of one length')
            continue
        problems += [f'foreign key {number}: field "{k}" is not declared' for k in own if k not in seen]
        if not isinstance(fk["reference"].get("resource", ""), str):
            problems.append(f'foreign key {number}: "reference.resource" is not a resource name')
    return problems


def _foreign_key_problems(resource: dict[str, Any], resources: dict[str, dict[str, Any]]) -> list[str]:
    problems = []
    for number, fk in enumerate(resource["schema"].get("foreignKeys") or [], start=1):
        target = fk["reference"].get("resource") or resource["name"]
        declared = resources.get(target)
        if declared is None or not isinstance(declared.get("schema"), dict):
            problems.append(f'foreign key {number}: resource "{target}" is not declared')
            continue
        fields = declared["schema"].get("fields")
        names = {f.get("name") for f in fields if isinstance(f, dict) and isinstance(f.get("name"), str)} \
            if isinstance(fields, list) else set()
        problems += [f'foreign key {number}: resource "{target}" declares no field "{k}"'
                     for k in key_names(fk["reference"]["fields"]) or [] if k not in names]
    return problems


def key_names(value: Any) -> list[str] | None:
    """A key's field names (a non-empty list of names, as Data Package v2 has them), or None when it is not one."""
    if isinstance(value, list) and value and all(isinstance(v, str) and v for v in value):
        return list(value)
    return None


def json_repr(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def _missing_values_problems(spec: dict[str, Any], where: str) -> list[str]:
    values = spec.get("missingValues")
    if values is not None and not (isinstance(values, list) and all(isinstance(v, str) for v in values)):
        return [f'"{where}.missingValues" is not a list of strings']
    return []


def _field_problems(spec: dict[str, Any]) -> list[str]:
    kind = spec.get("type", "string")
    if not isinstance(kind, str) or kind not in FIELD_TYPES:
        return [f'type {json_repr(kind)} is not supported (supported: {", ".join(FIELD_TYPES)})']
    ftype = FIELD_TYPES[kind]
    problems = _missing_values_problems(spec, "field")
    fmt = spec.get("format", "default")
    if fmt != "default" and not (ftype.strptime_formats and isinstance(fmt, str) and "%" in fmt):
        problems.append(f'format "{fmt}" is not supported for type {kind}')
    for option in ("trueValues", "falseValues"):
        if option in spec and not (isinstance(spec[option], list) and all(isinstance(v, str) for v in spec[option])):
            problems.append(f'"{option}" is not a list of strings')
    for option in ("groupChar", "decimalChar"):
        if option in spec and not isinstance(spec[option], str):
            problems.append(f'"{option}" is not a string')
    if "bareNumber" in spec and not isinstance(spec["bareNumber"], bool):
        problems.append('"bareNumber" is not true or false')
    if problems:
        return problems
    constraints = spec.get("constraints", {})
    if not isinstance(constraints, dict):
        return ['"constraints" is not an object']
    read = ftype.reader(spec)
    for name, value in constraints.items():
        if name not in ("unique", *ftype.constraints):
            problems.append(f'constraint "{name}" does not apply to type {kind}')
        elif name in ("required", "unique"):
            if not isinstance(value, bool):
                problems.append(f'constraint "{name}" is not true or false')
        elif name in ("minLength", "maxLength"):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                problems.append(f'constraint "{name}" is not a whole number')
        elif name == "pattern":
            try:
                re.compile(f"^{value}$") if isinstance(value, str) else None
            except re.error as exc:
                problems.append(f'constraint "pattern" is not a valid regular expression: {exc}')
            if not isinstance(value, str):
                problems.append('constraint "pattern" is not a string')
        elif name == "enum":
            if not isinstance(value, list) or not value:
                problems.append('constraint "enum" is not a list of values')
            elif any(_coerce(kind, read, item) is INVALID for item in value):
                problems.append(f'constraint "enum" has a value that is not {ftype.hint}')
        elif _coerce(kind, read, value) is INVALID:
            problems.append(f'constraint "{name}" is not {ftype.hint}')
    return problems


# --------------------------------------------------------------------------
# reading a CSV file


class FileProblem(Exception):
    """A problem with the whole file (row 0)."""


@dataclass
class RawTable:
    """A CSV file as text cells: the header's labels and one string array per label."""

    labels: list[str]
    #: one array per label; a cell is null where the row has fewer values than the header
    columns: list[pa.Array]
    num_rows: int
    #: row index -> number of values, for the rows with fewer or more values than the header
    ragged: dict[int, int] = field(default_factory=dict)


_BOM = codecs.BOM_UTF8


def _is_utf8(encoding: str) -> bool:
    return encoding.lower().replace("_", "-") in ("utf-8", "utf8", "utf-8-sig")


def read_csv(raw: bytes, encoding: str = "utf-8") -> RawTable:
    """Parse a CSV file's bytes, once; raises :class:`FileProblem` when it cannot be read as a table."""
    if not raw or raw.isspace():  # (not raw.strip(): that copies the file)
        raise FileProblem("file is empty")
    if _is_utf8(encoding):
        if raw.startswith(_BOM):  # a byte-order mark is not part of the header
            raw = raw[len(_BOM):]
        # An odd number of quote characters means a quoted field that never ends, or a quote inside an unquoted
        # value: pyarrow would read either silently, so the strict reader decides.
        if raw.count(b'"') % 2 == 0:
            table = _read_fast(raw)
            if table is not None:
                return table
    return _read_strict(raw, encoding)


def _read_fast(raw: bytes) -> RawTable | None:
    """pyarrow's reader, when the file is a regular table of UTF-8 text (else None: let the strict reader say why)."""
    try:
        head = raw[: 1 << 20].decode("utf-8", errors="replace")
        labels = next(csv.reader(io.StringIO(head, newline=""), strict=True))
    except (csv.Error, StopIteration):
        return None
    names = [f"c{i}" for i in range(len(labels))]
    try:
        table = pa_csv.read_csv(
            pa.py_buffer(raw),
            read_options=pa_csv.ReadOptions(column_names=names, block_size=1 << 24),
            parse_options=pa_csv.ParseOptions(delimiter=",", quote_char='"', double_quote=True, escape_char=False,
                                              newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(column_types={n: pa.string() for n in names}, strings_can_be_null=False,
                                                  quoted_strings_can_be_null=False),
        )
    except pa.ArrowException:  # anything pyarrow cannot read: the strict reader says what is wrong
        return None
    if table.num_rows == 0 or [table.column(i)[0].as_py() for i in range(len(names))] != labels:
        return None
    table = table.slice(1)
    return RawTable(labels, [table.column(i).combine_chunks() for i in range(len(names))], table.num_rows)


def _read_strict(raw: bytes, encoding: str) -> RawTable:
    if _is_utf8(encoding):
        encoding = "utf-8-sig"
    try:
        text = raw.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        detail = f" (byte {exc.start})" if isinstance(exc, UnicodeDecodeError) else ""
        raise FileProblem(f"file is not valid {encoding.removesuffix('-sig')} text{detail}") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise FileProblem(f"malformed CSV near line {reader.line_num}: {exc}") from None
    if not records:
        raise FileProblem("file is empty")
    labels, body = records[0], records[1:]
    width = len(labels)
    ragged = {i: len(r) for i, r in enumerate(body) if len(r) != width}
    if ragged:
        body = [r[:width] + [None] * (width - len(r)) if i in ragged else r for i, r in enumerate(body)]
    columns = [array(list(c), pa.string()) for c in zip(*body)] if body else [array([], pa.string())] * width
    return RawTable(labels, columns, len(body), ragged)


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


def rows_where(mask: pa.Array | None) -> list[int]:
    """Row indices where ``mask`` is true (nulls count as false)."""
    if mask is None:
        return []
    return pc.indices_nonzero(false_where_null(mask)).to_pylist()


def _any(mask: pa.Array | None) -> bool:
    return mask is not None and bool(pc.any(mask).as_py())


def _integers(values: pa.Array, fill: int = 0) -> np.ndarray:
    """An integer array as int64 NumPy values, nulls as ``fill`` (read from its buffers: ``to_numpy`` loads pandas)."""
    validity, data = values.buffers()[:2]
    start, stop = values.offset, values.offset + len(values)
    numbers = np.frombuffer(data, dtype=values.type.to_pandas_dtype())[start:stop].astype(np.int64)
    if values.null_count:
        valid = np.unpackbits(np.frombuffer(validity, dtype=np.uint8), bitorder="little")[start:stop].astype(bool)
        numbers = np.where(valid, numbers, fill)
    return numbers


def booleans(mask: pa.Array) -> np.ndarray:
    """A boolean Arrow array as NumPy booleans, nulls as false."""
    validity, data = mask.buffers()[:2]
    start, stop = mask.offset, mask.offset + len(mask)
    values = np.unpackbits(np.frombuffer(data, dtype=np.uint8), bitorder="little")[start:stop].astype(bool)
    if mask.null_count:
        values &= np.unpackbits(np.frombuffer(validity, dtype=np.uint8), bitorder="little")[start:stop].astype(bool)
    return values


def _codes(ids: np.ndarray) -> np.ndarray:
    """``ids`` renumbered 0, 1, 2... in order of first appearance (Arrow's hashing, not a sort)."""
    wrapped = pa.Array.from_buffers(pa.int64(), len(ids), [None, pa.py_buffer(np.ascontiguousarray(ids, dtype=np.int64))])
    return _integers(wrapped.dictionary_encode().indices)


def group_ids(columns: list[pa.Array]) -> np.ndarray:
    """One integer per row, equal exactly where all of ``columns`` are equal (nulls equal to each other), numbered
    0, 1, 2... in order of first appearance.  (Arrow's own ``group_by`` would load pyarrow.dataset, and pandas.)"""
    ids: np.ndarray | None = None
    for column in columns:
        encoded = column.dictionary_encode()  # codes in order of first appearance
        size = len(encoded.dictionary)
        codes = _integers(encoded.indices, fill=size)
        if ids is None and not encoded.indices.null_count:
            ids = codes
        else:  # combined (or with nulls coded last): numbered again in order of first appearance
            ids = _codes(codes if ids is None else ids * (size + 1) + codes)
    return ids if ids is not None else np.zeros(0, dtype=np.int64)


def first_rows(columns: list[pa.Array], rows: list[int] | None = None) -> np.ndarray:
    """The first row (in order) of each distinct combination of ``columns``, among ``rows`` (default: all)."""
    if rows is not None:
        picked = np.asarray(rows, dtype=np.int64)
        return picked[first_rows([c.take(positions(rows)) for c in columns])]
    ids = group_ids(columns)
    if not len(ids):
        return ids
    # ids are numbered in order of first appearance: a row is a first exactly where its id exceeds all before it
    before = np.concatenate([[-1], np.maximum.accumulate(ids)[:-1]])
    return np.flatnonzero(ids > before)


def _mask_of(rows: Iterable[int], n: int) -> pa.Array:
    mask = np.zeros(n, dtype=bool)
    mask[list(rows)] = True
    return pa.Array.from_buffers(pa.bool_(), n, [None, pa.py_buffer(np.packbits(mask, bitorder="little"))])


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


# --------------------------------------------------------------------------
# to pandas


def to_pandas(values: dict[str, pa.Array]):
    """The DataFrame of a cast table: text as pandas strings, integers as Int64, numbers as float64, booleans as
    boolean, dates and datetimes as datetime64[us]."""
    import pandas as pd

    columns = {}
    for name, array in values.items():
        if pa.types.is_date(array.type) or pa.types.is_timestamp(array.type):
            array = array.cast(pa.timestamp("us"))
        columns[name] = array
    mapping = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}
    return pa.table(columns).to_pandas(types_mapper=mapping.get) if columns else pd.DataFrame()
