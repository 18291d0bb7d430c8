"""Figures and text computed from the tables: headlines, the generated paragraph, conflicts, corrections."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import facts
from dashboard.filters import Filters

from conftest import REPO
from test_charts import BUDGET, EVENTS, OIL

FRAMES = {
    "conflicts": pd.DataFrame(
        {"conflict_key": ["cpc_export_share", "jan2022_deaths"], "subject": ["CPC share", "January deaths"],
         "reading": ["Different bases.", "Different precision."]}
    ),
    "oil_routes": OIL,
    "defense_budget": BUDGET,
    "casualties": pd.DataFrame(
        {"id": ["CA001", "CA002"], "count": pd.array([200, 238], dtype="Int64"), "qualifier": ["more than", "exact"],
         "counted": ["people", "people"], "as_stated": ["more than 200 people", "238 people"], "source_id": ["S000", "S002"],
         "quote": ["the deaths of more than 200 people", "the death of 238 people"], "conflict_key": ["jan2022_deaths"] * 2,
         "correction": [None, "A correction."], "date": pd.to_datetime(["2022-01-01"] * 2), "date_precision": ["month"] * 2}
    ),
    "context_figures": pd.DataFrame(
        {"id": ["CF001", "CF002"], "subject": ["Length of the common border", "Something else"], "value": [7500.0, 9.0],
         "unit": ["km", "minutes"], "as_stated": ["a 7,500 km common border", "about 9 minutes"], "source_id": ["S000", "S004"],
         "quote": ["a 7,500 km common border leaves no chance", "about 9 minutes"]}
    ),
    "public_sentiment": pd.DataFrame(
        {"id": ["PS012"], "indicator": ["poll"], "leaning": ["pro-Russia"], "value": [33.3], "as_stated": ["at least a third of Kazakhstanis"],
         "source_id": ["S000"], "quote": ["at least a third of Kazakhstanis fully agree"]}
    ),
    "security_cooperation": pd.DataFrame(
        {"id": ["SC001", "SC002"], "kind": ["deployment", "deployment"], "unit": ["troops", "weeks"], "value": [2000.0, 2.0],
         "as_stated": ["The 2,000-plus troops", "about two weeks"], "source_id": ["S001", "S001"], "quote": ["q1", "q2"]}
    ),
}


def test_headlines_select_each_figure_and_keep_both_sides_of_a_conflict() -> None:
    got = [(h.key, h.label, h.value, [c.row_id for c in h.citations]) for h in facts.headlines(FRAMES)]
    assert got == [
        ("border", "Kazakhstan–Russia border", "7,500 km", ["CF001"]),
        ("cpc", "Oil exports through the CPC", "80% vs about 75%", ["OR001", "OR002"]),
        ("defence", "Defence budget increase, 2022", "+₸441bn · +$918m", ["DB001", "DB002", "DB004", "DB003"]),
        ("deaths", "Deaths in the January 2022 unrest", ">200 vs 238", ["CA001", "CA002"]),
        ("russian_view", "Public holding the Russian view of the war", "At least a third", ["PS012"]),
        ("csto", "CSTO deployment, January 2022", "2,000-plus troops", ["SC001", "SC002"]),
    ]
    by_key = {h.key: h for h in facts.headlines(FRAMES)}
    assert by_key["cpc"].detail == "S000: “80% of Kazakh oil” · S001: “About 75% of exports”"
    assert by_key["cpc"].conflict == "Different bases."
    assert by_key["defence"].detail == (
        "“nearly 1.5-fold” as stated; 1.54-fold from the source's own figures (on $1.7 billion); implied rate 480.4 ₸ per $"
    )


def test_headlines_say_plainly_when_a_table_is_missing() -> None:
    frames = {k: v for k, v in FRAMES.items() if k != "oil_routes"}
    cpc = next(h for h in facts.headlines(frames) if h.key == "cpc")
    assert (cpc.value, cpc.detail, cpc.citations) == ("not available", "The oil_routes table did not load (see the error panel).", ())


def test_narrative_is_generated_from_the_events() -> None:
    assert facts.narrative(EVENTS) == (
        "The seeds record 6 scored events, 5 of them dated to a day or month between January 2022 and August 2022 "
        "(7 rows; an event told by several seeds counts once). "
        "The mean stance was highest in January 2022 (+2 over 2 events, e.g. “CSTO deploys”) and lowest in March 2022 "
        "(−1 over 1, e.g. “Rally allowed (S001)”). "
        "The sharpest move came between January 2022 and March 2022 (the next month with dated events), when the monthly "
        "mean fell from +2 to −1. "
        "Of these, 2 by Kazakh actors (0 towards Moscow, 2 away, 0 neutral) and 3 by Russian actors (2 towards Moscow, 1 away, 0 neutral). "
        "Turning points in the range: Invasion of Ukraine (24 Feb 2022); Medvedev post (1 Aug 2022). "
        "The other scored event is dated only to a year and is not placed in a month."
    )
    assert facts.narrative(EVENTS, Filters(actors=("Belarus",))) == "No scored events match the filters, so there is nothing to summarise."


def test_conflict_rows_sit_side_by_side_with_short_figures() -> None:
    rows = facts.conflict_rows(FRAMES, "jan2022_deaths")
    assert rows[["table", "id", "source_id", "value", "figure", "date"]].to_dict("records") == [
        {"table": "casualties", "id": "CA001", "source_id": "S000", "value": "more than 200 people", "figure": "more than 200 people", "date": "January 2022"},
        {"table": "casualties", "id": "CA002", "source_id": "S002", "value": "238 people", "figure": "238 people", "date": "January 2022"},
    ]
    assert [c["key"] for c in facts.conflicts(FRAMES)] == ["cpc_export_share", "jan2022_deaths"]


def test_corrections_lists_every_row_with_a_correction() -> None:
    assert facts.corrections(FRAMES)[["table", "id", "correction"]].to_dict("records") == [
        {"table": "casualties", "id": "CA002", "correction": "A correction."}
    ]


@pytest.mark.parametrize("scale", [facts.RELIABILITY, facts.CREDIBILITY])
def test_grading_scales_are_worded_as_in_the_codebook(scale: dict) -> None:
    codebook = " ".join((REPO / "data" / "README.md").read_text(encoding="utf-8").split())
    for grade, meaning in scale.items():
        assert f"{grade} {meaning}" in codebook
