"""The analyst's filters, as a value: parsed from and written to a URL query string, applied to any table.

Framework-free on purpose: the Streamlit pages, the tests and the briefing
command line all build the same :class:`Filters` and call :func:`apply`.

Query parameters (repeat a parameter for several values)::

    from=2022-01-01  to=2022-10-31  actor=China  actor=CSTO  domain=security  cred=3  source=S001

An empty ``from=`` or ``to=`` means "no bound"; a missing parameter means
"the page's default". Values that cannot be parsed are ignored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields, replace
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd

WORST_CREDIBILITY = 6
BEST_CREDIBILITY = 1

#: Filters field -> query parameter name
PARAMS: dict[str, str] = {
    "date_from": "from",
    "date_to": "to",
    "actors": "actor",
    "domains": "domain",
    "min_credibility": "cred",
    "sources": "source",
}


@dataclass(frozen=True)
class Filters:
    """Which rows an analyst is looking at. Empty tuples mean "all"; None dates mean "unbounded".

    ``min_credibility`` is the weakest credibility grade kept (1 best .. 6 worst):
    3 keeps the rows graded 1, 2 or 3.
    """

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    actors: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    min_credibility: int = WORST_CREDIBILITY
    sources: tuple[str, ...] = ()

    # -- query string

    @classmethod
    def from_query_params(cls, params: Mapping[str, Any], default: Filters | None = None) -> Filters:
        """Filters from a query-string mapping (values a string or a list of strings); missing keys keep ``default``."""
        base = default or cls()
        values: dict[str, Any] = {}
        for name, param in PARAMS.items():
            if param not in params:
                continue
            raw = _as_list(params[param])
            if name in ("date_from", "date_to"):
                text = raw[-1].strip() if raw else ""
                if not text:
                    values[name] = None
                elif (parsed := _parse_date(text)) is not None:
                    values[name] = parsed
            elif name == "min_credibility":
                text = raw[-1].strip() if raw else ""
                if text.isdigit() and BEST_CREDIBILITY <= int(text) <= WORST_CREDIBILITY:
                    values[name] = int(text)
            else:
                values[name] = tuple(dict.fromkeys(v.strip() for v in raw if v.strip()))
        return replace(base, **values)

    def to_query_params(self, default: Filters | None = None) -> dict[str, str | list[str]]:
        """The parameters that differ from ``default``, so that ``from_query_params(p, default)`` gives this back."""
        base = default or Filters()
        params: dict[str, str | list[str]] = {}
        for item in fields(self):
            value, other = getattr(self, item.name), getattr(base, item.name)
            if value == other:
                continue
            param = PARAMS[item.name]
            if isinstance(value, tuple):
                params[param] = list(value)
            elif isinstance(value, dt.date):
                params[param] = value.isoformat()
            elif value is None:
                params[param] = ""
            else:
                params[param] = str(value)
        return params

    # -- helpers

    def within(
        self,
        actors: Iterable[str] | None = None,
        domains: Iterable[str] | None = None,
        sources: Iterable[str] | None = None,
    ) -> Filters:
        """A copy without the values that are not among the known options (e.g. a stale link)."""
        changes: dict[str, tuple[str, ...]] = {}
        for name, known in (("actors", actors), ("domains", domains), ("sources", sources)):
            if known is not None:
                allowed = set(known)
                changes[name] = tuple(v for v in getattr(self, name) if v in allowed)
        return replace(self, **changes)

    @property
    def is_empty(self) -> bool:
        """True when the filters keep every row."""
        return self == Filters()

    def describe(self) -> str:
        """The filters in one line of plain text, e.g. for a CSV header or a chart summary."""
        parts = []
        if self.date_from or self.date_to:
            start = self.date_from.isoformat() if self.date_from else "the start"
            end = self.date_to.isoformat() if self.date_to else "the end"
            parts.append(f"dates {start} to {end}")
        if self.actors:
            parts.append("actors " + ", ".join(self.actors))
        if self.domains:
            parts.append("domains " + ", ".join(self.domains))
        if self.min_credibility < WORST_CREDIBILITY:
            parts.append(f"credibility {BEST_CREDIBILITY}–{self.min_credibility}")
        if self.sources:
            parts.append("sources " + ", ".join(self.sources))
        return "; ".join(parts) if parts else "no filters"


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Sequence):
        return [str(v) for v in value]
    return [str(value)]


def _parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


# --------------------------------------------------------------------------
# intervals and applying the filters

#: a row's date is the inclusive interval [date_from, date_to]; both blank: undated
DATE_FROM, DATE_TO = "date_from", "date_to"
ONE_DAY = pd.Timedelta(days=1)


def is_dated_table(frame: pd.DataFrame) -> bool:
    """True when the table has the interval columns ``date_from``/``date_to``."""
    return DATE_FROM in frame.columns


def interval_bounds(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Each row's interval as (start, end-exclusive): ``date_from`` and ``date_to`` + 1 day, NaT when undated.

    The one place that turns the stored inclusive interval into the half-open
    one that charts and overlap tests use. A row with only one end given is
    read as the one day it names (the check rejects such rows in the data).
    """
    if DATE_FROM in frame.columns:
        start = pd.to_datetime(frame[DATE_FROM])
        last = pd.to_datetime(frame[DATE_TO]) if DATE_TO in frame.columns else start
    else:
        empty = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
        return empty, empty
    start = start.fillna(last)
    last = last.fillna(start)
    return start, last + ONE_DAY


def apply(frame: pd.DataFrame, filters: Filters, keep_undated: bool = False) -> pd.DataFrame:
    """The rows of ``frame`` that pass ``filters``, in their original order.

    Each filter applies only when the table has its column (``date_from``/``date_to``,
    ``actor``, ``domain``, ``credibility``, ``source_id``). A dated row passes a
    date filter when its interval [date_from, date_to] overlaps the range
    [from, to]; undated rows pass a date filter only with ``keep_undated`` (the
    other filters still apply).
    """
    keep = pd.Series(True, index=frame.index)
    if is_dated_table(frame) and (filters.date_from or filters.date_to):
        start, end = interval_bounds(frame)
        undated = start.isna()
        overlaps = ~undated
        if filters.date_to:
            overlaps &= (start < pd.Timestamp(filters.date_to) + ONE_DAY).fillna(False)
        if filters.date_from:
            overlaps &= (end > pd.Timestamp(filters.date_from)).fillna(False)
        keep &= overlaps | (undated & keep_undated)
    for column, values in (("actor", filters.actors), ("domain", filters.domains), ("source_id", filters.sources)):
        if values and column in frame.columns:
            keep &= frame[column].isin(values).fillna(False)
    if filters.min_credibility < WORST_CREDIBILITY and "credibility" in frame.columns:
        keep &= (frame["credibility"] <= filters.min_credibility).fillna(False)
    return frame[keep.to_numpy(dtype=bool)]


#: the dashboard's default view: the year of the invasion onwards (a link with ``from=`` shows all dates)
DEFAULT = Filters(date_from=dt.date(2022, 1, 1))
