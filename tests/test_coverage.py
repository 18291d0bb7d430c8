"""What the data covers is computed from the tables: the texts, their publication window and the acts' span."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard.facts import coverage

SOURCES = pd.DataFrame({"source_id": ["S1", "S2"], "published_from": ["2022-04-01", "2022-09-21"],
                        "published_to": ["2022-04-14", "2022-10-16"]})


def _events(*rows: tuple) -> pd.DataFrame:
    """Rows (date_from, date_to, stance[, corrects])."""
    return pd.DataFrame([{"id": f"E{i}", "date_from": r[0], "date_to": r[1], "stance": r[2],
                          "corrects": r[3] if len(r) > 3 else None} for i, r in enumerate(rows)])


@pytest.mark.parametrize(("rows", "expected"), [
    # the latest act is as precise as its evidence; a context marker (no stance) and a year-long act do not set the span
    ((("2022-01-05", "2022-01-05", 1), ("2022-10-16", "2022-10-16", -1), ("2022-12-01", "2022-12-01", None),
      ("2022-01-01", "2022-12-31", -1)),
     ("Kazakhstan and Russia, January–October 2022: what two texts published in 2022 report",
      "Acts dated January 2022 – October 2022 (latest act 16 Oct 2022), as two texts, published April–October 2022 "
      "report them; nothing after is covered.")),
    # a month-dated act is the latest: its month, not a day; earlier acts are background
    ((("2014-08-29", "2014-08-29", -2), ("2022-03-02", "2022-03-02", 0), ("2022-11-01", "2022-11-30", 1)),
     ("Kazakhstan and Russia, March–November 2022: what two texts published in 2022 report",
      "Acts dated March 2022 – November 2022 (latest act November 2022), as two texts, published April–October 2022 "
      "report them; nothing after is covered. The texts also recall 1 earlier act as background.")),
    # an act whose date a correction moved is drawn at the record's date but does not stretch the texts' span
    ((("2022-02-01", "2022-02-01", 1), ("2022-04-02", "2022-04-03", -1), ("2022-11-01", "2022-11-30", 1, "date; actor")),
     ("Kazakhstan and Russia, February–April 2022: what two texts published in 2022 report",
      "Acts dated February 2022 – April 2022 (latest act 2–3 Apr 2022), as two texts, published April–October 2022 "
      "report them; nothing after is covered.")),
])
def test_coverage_title_and_scope_line(rows, expected) -> None:
    found = coverage({"sources": SOURCES, "events": _events(*rows)})
    assert (found.title, found.scope_line) == expected
    assert found.census_line == ("Counts are what two texts (published April–October 2022) report, not a census of acts "
                                 "or a measure of the relationship.")


def test_coverage_without_tables_says_so() -> None:
    found = coverage({})
    assert (found.texts, found.first_act, found.last_act, found.period) == (0, None, None, "")
    assert found.scope_line == "From 0 texts; no act is dated."


@pytest.mark.shipped_data
def test_coverage_of_the_shipped_data_is_within_the_texts() -> None:
    """Invariant: the span ends no later than the last text's publication, and starts on or after 1 January 2022."""
    from dashboard import data

    frames = data.load_tables().frames
    found = coverage(frames)
    assert found.texts == len(frames["sources"])
    assert dt.date(2022, 1, 1) <= found.first_act <= found.last_act <= found.published_to
