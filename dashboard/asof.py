"""The one as-of computation: the data's date is the latest publication date any seed supports.

That is the largest ``sources.published_to``; the app's footer, the exports, the briefing and the release manifests
all state it. :func:`as_of` takes the column's values in any of the forms the layers hold them (a pandas Series of
Timestamps, an Arrow array's Python list of dates, plain dates); no pandas or Arrow import is needed here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

#: the sources column the data's date is read from
PUBLISHED_TO = "published_to"


def _date(value: Any) -> dt.date | None:
    if value is None or value != value:  # None, NaN, NaT
        return None
    if isinstance(value, dt.datetime):  # pandas.Timestamp too
        return value.date()
    return value if isinstance(value, dt.date) else None


def as_of(values: Iterable[Any] | None) -> dt.date | None:
    """The latest date among ``values`` (None when there is none)."""
    dates = [d for d in (_date(v) for v in (values if values is not None else ())) if d is not None]
    return max(dates) if dates else None


def of_sources(sources: Any) -> dt.date | None:
    """The data's date from the sources table (a DataFrame, or a mapping of column name -> Arrow array or list)."""
    if sources is None:
        return None
    column = sources.get(PUBLISHED_TO) if hasattr(sources, "get") else None
    if column is None:
        return None
    return as_of(column.to_pylist() if hasattr(column, "to_pylist") else list(column))


__all__ = ["PUBLISHED_TO", "as_of", "of_sources"]
