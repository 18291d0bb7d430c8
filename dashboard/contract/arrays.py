"""The Arrow helpers every contract module uses: arrays and scalars of a type, masks and row positions, the
row numbering (header = row 1), a cell as a message shows it, and grouping rows by the values of columns."""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


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
