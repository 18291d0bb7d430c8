"""Figures and text computed from the tables: headlines, the generated paragraph, conflicts, corrections."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import facts
from dashboard.filters import Filters

from conftest import REPO
from test_charts import BUDGET, EVENTS, OIL, WIDE

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
         "correction": [None, "A correction."], "date_from": pd.to_datetime(["2022-01-01"] * 2),
         "date_to": pd.to_datetime(["2022-01-31"] * 2)}
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
         "as_stated": ["The 2,000-plus troops", "about two weeks"], "source_id": ["S001", "S001"], "quote": ["q1", "q2"],
         "date_from": pd.to_datetime(["2022-01-05", "2022-01-01"]), "date_to": pd.to_datetime(["2022-01-19", "2022-01-31"])}
    ),
}


def test_headlines_select_each_figure_and_keep_both_sides_of_a_conflict() -> None:
    got = [(h.key, h.label, h.value, [c.row_id for c in h.citations]) for h in facts.headlines(FRAMES)]
    assert got == [
        ("border", "Kazakhstan–Russia border", "7,500 km", ["CF001"]),
        ("cpc", "Oil exports through the CPC", "80% vs about 75%", ["OR001", "OR002"]),
        ("defence", "Defence budget increase", "+₸441bn · +$918m", ["DB001", "DB002", "DB004", "DB003"]),
        ("deaths", "Deaths in the January 2022 unrest", ">200 vs 238", ["CA001", "CA002"]),
        ("russian_view", "Public holding the Russian view of the war", "At least a third", ["PS012"]),
        ("csto", "CSTO deployment, 5–19 Jan 2022", "2,000-plus troops", ["SC001", "SC002"]),  # the narrowest interval
    ]
    by_key = {h.key: h for h in facts.headlines(FRAMES)}
    # the reading is kept; the disagreement styling (conflict) only for conflicts.kind == "disagreement" (none declared here)
    assert (by_key["cpc"].reading, by_key["cpc"].conflict) == ("Different bases.", "")
    assert by_key["defence"].detail == (
        "“nearly 1.5-fold” as stated; 1.54-fold from its own figures (on $1.7 billion); implied 480.4 ₸/$"
    )
    assert by_key["russian_view"].detail == "S000: “at least a third of Kazakhstanis”, coded as 33.3%; undated"


@pytest.mark.parametrize(
    ("notes", "detail"),
    [
        (["Base: Kazakh oil loaded for delivery abroad.", "Base: oil exports to the west."],
         "S000: 80% of Kazakh oil loaded for delivery abroad · S001: about 75% of oil exports to the west"),
        ([None, "A note without a basis."], "S000: 80% “80% of Kazakh oil” · S001: about 75% “About 75% of exports”"),
    ],
    ids=["basis-from-the-note", "the-seed-s-words-otherwise"],
)
def test_cpc_headline_gives_each_figure_with_its_basis(notes, detail: str) -> None:
    frames = FRAMES | {"oil_routes": OIL.assign(note=notes + [None] * (len(OIL) - 2))}
    cpc = next(h for h in facts.headlines(frames) if h.key == "cpc")
    assert (cpc.value, cpc.detail) == ("80% vs about 75%", detail)


def test_defence_headline_says_when_the_addition_is_not_all_defence() -> None:
    card = next(h for h in facts.headlines(FRAMES | {"defense_budget": WIDE}) if h.key == "defence")
    assert card.label == "Security and defence addition, 2022 (as WSJ reports it: defence)"
    assert card.value == "+₸441bn · +$918m"
    assert card.detail == (
        "Not all defence: the addition also went to law-enforcement and emergency agencies (see the correction); "
        "“nearly 1.5-fold” as stated; 1.54-fold from its own figures (on $1.7 billion, mixing scopes); implied 480.4 ₸/$"
    )
    assert [c.correction for c in card.citations][:2] == [WIDE["correction"][0]] * 2  # the full correction stays cited


def test_headlines_say_plainly_when_a_table_is_missing() -> None:
    frames = {k: v for k, v in FRAMES.items() if k != "oil_routes"}
    cpc = next(h for h in facts.headlines(frames) if h.key == "cpc")
    assert (cpc.value, cpc.detail, cpc.citations) == ("not available", "The oil_routes table did not load (see the error panel).", ())


def test_narrative_counts_each_act_once_and_months_only_from_acts_within_them() -> None:
    assert facts.narrative(EVENTS, min_month_acts=2) == (
        "In what the seeds report, there are 7 acts with a stance score (9 rows; an act told by several texts counts once), "
        "5 of them dated to a day or within a single month, between January 2022 and August 2022. "
        "By actor group: 3 by Kazakh actors (0 towards Moscow, 3 away, 0 neutral); 3 by Russian actors (1 de-escalating, "
        "2 escalating, 0 neutral); 1 by other actors (1 towards Moscow, 0 away, 0 neutral). "
        "Mean stance by month, for the months with at least 2 acts dated within them: March 2022 −1 (2 acts); "
        "August 2022 −0.5 (2 acts). "
        "Months with fewer acts give counts, not a mean: January 2022, 1 act (other 1 towards Moscow). "
        "Turning points in the range: January unrest (January 2022); Invasion of Ukraine (24 Feb 2022); Medvedev post (1 Aug 2022). "
        "The other 2 scored acts are dated to intervals that run across months and are not placed in a month."
    )
    assert facts.narrative(EVENTS, Filters(actors=("Belarus",))) == "No scored events match the filters, so there is nothing to summarise."


@pytest.mark.parametrize(
    ("first", "last", "month"),
    [
        ("2022-03-06", "2022-03-06", "March 2022"),  # a day
        ("2022-03-01", "2022-03-31", "March 2022"),  # a whole month
        ("2022-03-10", "2022-03-20", "March 2022"),  # part of one month
        ("2022-03-29", "2022-04-01", None),  # four days across two months: not placed
        ("2022-01-01", "2022-12-31", None),  # a year: not placed
    ],
)
def test_an_act_counts_in_a_month_only_when_its_interval_lies_within_it(first: str, last: str, month: str | None) -> None:
    # two acts (the Medvedev post and the denial), both given the interval
    events = EVENTS.iloc[[6, 7]].assign(date_from=pd.Timestamp(first), date_to=pd.Timestamp(last)).reset_index(drop=True)
    text = facts.narrative(events)
    if month:
        assert f"2 of them dated to a day or within a single month, in {month}." in text
    else:
        assert "none of them dated within a single month" in text


def test_conflict_rows_sit_side_by_side_with_short_figures() -> None:
    rows = facts.conflict_rows(FRAMES, "jan2022_deaths")
    assert rows[["table", "id", "source_id", "value", "figure", "date"]].to_dict("records") == [
        {"table": "casualties", "id": "CA001", "source_id": "S000", "value": "more than 200 people", "figure": "more than 200 people", "date": "January 2022"},
        # a corrected row is worded from the record (its number alone here) and marked corrected; its words stay in the quote
        {"table": "casualties", "id": "CA002", "source_id": "S002", "value": "238 (corrected)", "figure": "238 (corrected)", "date": "January 2022"},
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


@pytest.mark.parametrize(
    ("reference", "source", "tail"),
    [
        ("about 81% of exports", "Operator release, 1 May 2023: 'about 81%'", " · Outside the seeds: about 81% of exports (Operator release, 1 May 2023)"),
        ("about 81% of exports", "", " · Outside the seeds: about 81% of exports"),
        ("", "Operator release, 1 May 2023: 'x'", ""),
    ],
    ids=["value-and-source", "value-only", "no-reference"],
)
def test_cpc_headline_adds_the_outside_reference_labelled_as_such(reference: str, source: str, tail: str) -> None:
    conflicts = pd.DataFrame({"conflict_key": ["cpc_export_share"], "subject": ["s"], "reading": ["r"],
                              "reference": [reference or None], "reference_source": [source or None]})
    frames = FRAMES | {"oil_routes": OIL.assign(note=["Base: loaded abroad.", "Base: exports west."] + [None] * (len(OIL) - 2)),
                       "conflicts": conflicts}
    cpc = next(h for h in facts.headlines(frames) if h.key == "cpc")
    assert cpc.detail == "S000: 80% of loaded abroad · S001: about 75% of exports west" + tail


def test_narrative_compares_only_months_with_enough_acts() -> None:
    text = facts.narrative(EVENTS)
    assert "Comparing the months" not in text and "sharpest move" not in text  # the fixture's months hold one or two acts


def test_facts_seeds_and_maps_read_the_marks_layer_not_the_chart_module() -> None:
    import subprocess
    import sys

    code = ("import sys; import dashboard.marks; assert not {'altair', 'streamlit'} & set(sys.modules), 'marks'; "
            "import dashboard.facts, dashboard.seeds, dashboard.maps; assert 'dashboard.charts' not in sys.modules, 'charts'")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
