"""Remembering the marks: results kept per table content and arguments, so a page computes a chart's marks once.

One job: the marks layer's cache. A result is keyed by what it is (``kind``),
the arguments and a fingerprint of the table's *content* (its values, index,
column names and dtypes, through ``pd.util.hash_pandas_object``), never by the
table object's ``id()``: two tables cannot be confused, and two tables with
the same content rightly share their results.

Hashing a table costs about as much as one pass over it, so the fingerprint is
worked out once per table object and kept on that object (an instance
attribute, which pandas never copies to a derived frame: a filtered or copied
table gets its own). Tables are read-only (the marks' contract); a table whose
length or columns changed in place is hashed again. The results are shared
and must be treated as read-only too.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Any, Callable, TypeVar

import numpy as np
import pandas as pd

#: results remembered (least recently used first out); a page's charts for a few filters
MEMO_SIZE = 48
#: the attribute a table's fingerprint is kept in, with the shape it was taken at
_ATTRIBUTE = "_dashboard_marks_fingerprint"

_MEMO: OrderedDict[tuple, Any] = OrderedDict()
_LOCK = threading.Lock()
T = TypeVar("T")


def _shape(table: pd.DataFrame) -> tuple:
    return (len(table), tuple(map(str, table.columns)))


def content_hash(table: pd.DataFrame) -> str:
    """A digest of the table's content: every value and the index (row by row), the column names and dtypes."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr([(str(c), str(t)) for c, t in table.dtypes.items()]).encode())
    digest.update(np.ascontiguousarray(pd.util.hash_pandas_object(table, index=True).to_numpy(dtype="uint64")).tobytes())
    return digest.hexdigest()


def fingerprint(table: pd.DataFrame) -> str | None:
    """The table's content hash, worked out once per table object; None for a table that cannot be hashed."""
    shape = _shape(table)
    kept = table.__dict__.get(_ATTRIBUTE)
    if kept is not None and kept[0] == shape:
        return kept[1]
    try:
        value = content_hash(table)
    except (TypeError, ValueError):  # a cell pandas cannot hash (a list, a dict): computed every time, never cached
        return None
    object.__setattr__(table, _ATTRIBUTE, (shape, value))  # not DataFrame.__setattr__: that would look for a column
    return value


def remembered(kind: str, table: pd.DataFrame, args: tuple, build: Callable[[], T]) -> T:
    """``build()``, remembered for a table of this content and these (hashable) arguments."""
    stamp = fingerprint(table)
    if stamp is None:
        return build()
    key = (kind, stamp, *args)
    with _LOCK:
        if key in _MEMO:
            _MEMO.move_to_end(key)
            return _MEMO[key]
    value = build()
    with _LOCK:
        _MEMO[key] = value
        while len(_MEMO) > MEMO_SIZE:
            _MEMO.popitem(last=False)
    return value


def clear_cache() -> None:
    """Forget every remembered result (tests and benchmarks time a cold computation)."""
    with _LOCK:
        _MEMO.clear()
