"""Helpers on the typed columns and cells the checks share: blank and given masks, masks combined, the distinct
combinations of columns, a cell or a list of names as a message shows them, the declared fields of a resource."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Iterable

import pyarrow as pa
import pyarrow.compute as pc

from dashboard import contract
from dashboard.contract import false_where_null, flags, positions, rows_where
from dashboard.contract import short as _short


def _fields(resource: dict[str, Any]) -> list[dict[str, Any]]:
    schema = resource.get("schema")
    if isinstance(schema, dict) and isinstance(schema.get("fields"), list):
        return [f for f in schema["fields"] if isinstance(f, dict)]
    return []


def _field_names(resource: dict[str, Any]) -> list[str]:
    return [str(f.get("name")) for f in _fields(resource)]


def _is_tabular(resource: dict[str, Any]) -> bool:
    return isinstance(resource.get("schema"), dict)


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


_EMPTY = contract.scalar("", pa.string())


def _blank_mask(column: pa.Array) -> pa.Array:
    """Blank cells: missing, or (text) only whitespace."""
    missing = pc.is_null(column)
    if pa.types.is_string(column.type):
        return pc.or_(missing, false_where_null(pc.equal(pc.utf8_trim_whitespace(column), _EMPTY)))
    return missing


def _given(column: pa.Array) -> pa.Array:
    return false_where_null(pc.invert(_blank_mask(column)))


def _and_all(masks: list[pa.Array]) -> pa.Array:
    mask = masks[0]
    for other in masks[1:]:
        mask = pc.and_(mask, other)
    return mask


def _or_all(masks: list[pa.Array]) -> pa.Array:
    mask = masks[0]
    for other in masks[1:]:
        mask = pc.or_(mask, other)
    return mask


def _list_has(column: pa.Array, item: str, separator: str) -> pa.Array:
    """Where a text ``column`` is a list, split at ``separator`` (whitespace around items ignored), holding ``item``."""
    if not pa.types.is_string(column.type):
        return flags(False, len(column))
    sep, token = re.escape(separator), re.escape(item)
    return false_where_null(pc.match_substring_regex(column, rf"(^|{sep})\s*{token}\s*({sep}|$)"))


def _pairs(columns: dict[str, pa.Array], mask: pa.Array) -> list[tuple[Any, ...]]:
    """The distinct combinations of ``columns`` over the rows of ``mask``."""
    rows = rows_where(mask)
    if not rows:
        return []
    everywhere = len(rows) == len(mask)
    firsts = contract.first_rows(list(columns.values()), None if everywhere else rows).tolist()
    return list(zip(*(c.take(positions(firsts)).to_pylist() for c in columns.values())))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _shown(value: Any) -> str:
    """A cell in a message: blank, "text", or a number or date as written."""
    if _blank(value):
        return "blank"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, str):
        return f'"{_short(value)}"'
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a number as written: 2500, not 2500.0
    return _short(value)


def _and(names: Iterable[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _quoted(values: Iterable[str]) -> str:
    values = [f'"{v}"' for v in values]
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " or " + values[-1]


def _and_or(names: Iterable[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " nor " + names[-1]
