"""The field types, declared once in :data:`FIELD_TYPES`: how a cell's text is read, the constraints that apply
and the Arrow type; and the message for a broken constraint."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

import pyarrow as pa

from dashboard.contract.arrays import INVALID, short


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
