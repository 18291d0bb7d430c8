"""Filters: the query-string round trip and applying them to a table."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard.filters import DEFAULT, Filters, apply, interval_bounds

D = dt.date


@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        DEFAULT,
        Filters(date_from=None),  # "all dates", against a default that starts in 2022
        Filters(date_from=D(2022, 3, 1), date_to=D(2022, 6, 30)),
        Filters(actors=("China", "CSTO"), domains=("security",)),
        Filters(min_credibility=1),
        Filters(sources=("S001", "S004"), min_credibility=3, date_to=D(2022, 10, 31)),
        Filters(actors=("Russian politicians and media",), date_from=D(1994, 1, 1)),
    ],
)
@pytest.mark.parametrize("default", [Filters(), DEFAULT], ids=["no-default", "page-default"])
def test_filters_round_trip_through_query_params(filters: Filters, default: Filters) -> None:
    assert Filters.from_query_params(filters.to_query_params(default), default) == filters


@pytest.mark.parametrize(
    ("filters", "default", "params"),
    [
        (Filters(), Filters(), {}),
        (DEFAULT, DEFAULT, {}),
        (DEFAULT, Filters(), {"from": "2022-01-01"}),
        (Filters(), DEFAULT, {"from": ""}),
        (Filters(actors=("China", "CSTO"), min_credibility=3), Filters(), {"actor": ["China", "CSTO"], "cred": "3"}),
        (Filters(date_to=D(2022, 4, 30), sources=("S000",)), Filters(), {"to": "2022-04-30", "source": ["S000"]}),
        (Filters(domains=("energy", "security")), Filters(), {"domain": ["energy", "security"]}),
    ],
)
def test_filters_to_query_params_exact(filters: Filters, default: Filters, params: dict) -> None:
    assert filters.to_query_params(default) == params


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, DEFAULT),
        ({"from": "2022-13-01"}, DEFAULT),  # not a date: ignored
        ({"from": ""}, Filters()),
        ({"cred": "9"}, DEFAULT),  # out of 1..6: ignored
        ({"cred": "x"}, DEFAULT),
        ({"cred": ["6", "2"]}, Filters(date_from=D(2022, 1, 1), min_credibility=2)),  # the last value wins
        ({"actor": ["China", "China", " "]}, Filters(date_from=D(2022, 1, 1), actors=("China",))),
        ({"actor": "CSTO"}, Filters(date_from=D(2022, 1, 1), actors=("CSTO",))),
        ({"to": "2022-05-08", "from": "2022-04-01"}, Filters(date_from=D(2022, 4, 1), date_to=D(2022, 5, 8))),
        ({"unrelated": "1"}, DEFAULT),
    ],
)
def test_filters_from_query_params_ignores_what_it_cannot_read(params: dict, expected: Filters) -> None:
    assert Filters.from_query_params(params, DEFAULT) == expected


def test_filters_within_drops_unknown_values() -> None:
    stale = Filters(actors=("China", "Mars"), domains=("energy", "sport"), sources=("S000", "S999"))
    assert stale.within(actors=["China"], domains=["energy"], sources=["S000"]) == Filters(
        actors=("China",), domains=("energy",), sources=("S000",)
    )


@pytest.mark.parametrize(
    ("filters", "text"),
    [
        (Filters(), "no filters"),
        (DEFAULT, "dates 2022-01-01 to the end"),
        (Filters(actors=("China",), min_credibility=2, sources=("S001",)), "actors China; credibility 1–2; sources S001"),
    ],
)
def test_filters_describe(filters: Filters, text: str) -> None:
    assert filters.describe() == text


ROWS = pd.DataFrame(
    {
        "id": ["A", "B", "C", "D", "E", "F"],
        # a day, a month, a year, undated, a day, and an interval that is none of these (24 Feb – 8 May 2022)
        "date_from": pd.to_datetime(["2022-03-20", "2022-03-01", "2022-01-01", None, "2021-12-31", "2022-02-24"]),
        "date_to": pd.to_datetime(["2022-03-20", "2022-03-31", "2022-12-31", None, "2021-12-31", "2022-05-08"]),
        "actor": ["China", "Kazakhstan government", "Russia government", "China", "CSTO", "West"],
        "domain": ["energy", "security", "security", "energy", "security", "sanctions"],
        "credibility": pd.array([1, 2, 4, 3, 6, 2], dtype="Int64"),
        "source_id": ["S000", "S001", "S002", "S000", "S001", "S004"],
    }
)


def test_interval_bounds_are_date_from_and_the_day_after_date_to() -> None:
    start, end = interval_bounds(ROWS)
    assert start.dt.strftime("%Y-%m-%d").fillna("-").tolist() == ["2022-03-20", "2022-03-01", "2022-01-01", "-", "2021-12-31", "2022-02-24"]
    assert end.dt.strftime("%Y-%m-%d").fillna("-").tolist() == ["2022-03-21", "2022-04-01", "2023-01-01", "-", "2022-01-01", "2022-05-09"]


@pytest.mark.parametrize(
    ("filters", "ids"),
    [
        (Filters(), ["A", "B", "C", "D", "E", "F"]),
        # an interval passes when it overlaps [from, to]; undated rows drop out of a date filter
        (Filters(date_from=D(2022, 3, 25)), ["B", "C", "F"]),
        (Filters(date_from=D(2022, 3, 31)), ["B", "C", "F"]),  # the last day of March still overlaps
        (Filters(date_from=D(2022, 4, 1)), ["C", "F"]),
        (Filters(date_from=D(2022, 5, 8)), ["C", "F"]),  # F's last day
        (Filters(date_from=D(2022, 5, 9)), ["C"]),
        (Filters(date_to=D(2022, 2, 23)), ["C", "E"]),
        (Filters(date_to=D(2022, 2, 24)), ["C", "E", "F"]),  # F's first day
        (Filters(date_to=D(2021, 12, 31)), ["E"]),
        (Filters(date_from=D(2022, 1, 1), date_to=D(2022, 3, 1)), ["B", "C", "F"]),
        (Filters(date_from=D(2022, 3, 20), date_to=D(2022, 3, 20)), ["A", "B", "C", "F"]),  # one day inside all four
        (Filters(date_from=D(2023, 1, 1)), []),
        (Filters(actors=("China",)), ["A", "D"]),
        (Filters(domains=("security",), actors=("CSTO", "China")), ["E"]),
        (Filters(min_credibility=2), ["A", "B", "F"]),
        (Filters(min_credibility=3), ["A", "B", "D", "F"]),
        (Filters(sources=("S001",)), ["B", "E"]),
        (Filters(actors=("Belarus",)), []),
    ],
)
def test_apply_keeps_the_rows_that_pass(filters: Filters, ids: list[str]) -> None:
    assert apply(ROWS, filters)["id"].tolist() == ids


def test_apply_keep_undated_keeps_undated_rows_under_a_date_filter_only() -> None:
    assert apply(ROWS, Filters(date_from=D(2022, 4, 1)), keep_undated=True)["id"].tolist() == ["C", "D", "F"]
    assert apply(ROWS, Filters(date_from=D(2022, 4, 1), sources=("S001",)), keep_undated=True)["id"].tolist() == []


def test_apply_ignores_filters_on_columns_the_table_lacks() -> None:
    figures = pd.DataFrame({"id": ["X"], "value": [1.0]})
    assert apply(figures, Filters(actors=("China",), min_credibility=1, date_from=D(2022, 1, 1)))["id"].tolist() == ["X"]
