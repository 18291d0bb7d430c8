"""Issue 20: an honest scope, computed. The title, the scope line, the file name and the "Not covered" slide come from
what the data covers (dashboard.facts.coverage and data/outside_context.csv), never from a fixed date; the PDF goes
beside the deck. Behaviour on small fixtures with exact outputs; invariants on the shipped data."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from dashboard import brief, data, facts
from dashboard.brief import model, topics as T
from dashboard.brief.slide import Brief
from dashboard.filters import DEFAULT, Filters
from dashboard.sections import common, scope

from conftest import REPO

D = dt.date


def _frames() -> dict[str, pd.DataFrame]:
    """Two texts, four acts (one to a day, one to a month, one known only to a span of years, one before 2022), and
    outside context: two acts after the texts, one omission, one row of another relation."""
    sources = pd.DataFrame({"source_id": ["S1", "S2"], "title": ["First text", "Second text"], "reliability": ["B", "C"],
                            "published_from": pd.to_datetime(["2022-04-01", "2022-05-01"]),
                            "published_to": pd.to_datetime(["2022-06-30", "2022-09-30"])})
    events = pd.DataFrame({"id": ["E1", "E2", "E3", "E4"],
                           "date_from": pd.to_datetime(["2022-02-10", "2022-06-01", "2021-01-01", "2020-05-05"]),
                           "date_to": pd.to_datetime(["2022-02-10", "2022-06-30", "2022-12-31", "2020-05-05"]),
                           "stance": pd.array([1, -1, 0, 2], dtype="Int64")})
    context = pd.DataFrame({
        "id": ["OC1", "OC2", "OC3", "OC4"],
        "date_from": ["2022-07-15", "2022-03-03", "2022-08-01", "2022-04-04"],
        "date_to": ["2022-07-15", "2022-03-03", "2022-08-31", "2022-04-04"],
        "relation": ["after the texts", "omitted by the texts", "after the texts", "background"],
        "summary": ["Re-election", "Abstention", "Visit", "Not listed"],
        "source": ["Agency A, 16 July 2022", "Agency B, 4 March 2022", "Agency C, August 2022", "Agency D"],
        "url": ["https://a.example/1", "https://b.example/2", "", ""], "note": ["", "", "", ""]})
    return {"sources": sources, "events": events, "outside_context": context}


TITLE = "Kazakhstan and Russia, February–June 2022: what two texts published in 2022 report"
SCOPE = ("Acts dated February 2022 – June 2022 (latest act June 2022), as two texts, published April–September 2022 "
         "report them; nothing after is covered. The texts also recall 1 earlier act as background.")
CENSUS = "Counts are what two texts (published April–September 2022) report, not a census of acts or a measure of the relationship."


def test_title_scope_and_census_line_are_computed_from_the_tables() -> None:
    frames = _frames()
    section = scope.build(frames)
    assert (scope.title(frames), section.title) == (TITLE, TITLE)
    assert section.subtitle == "Briefing · latest act June 2022 · two texts published April–September 2022"
    assert (scope.scope_line(frames), section.extra["as_of_line"], section.bullets[0]) == (SCOPE, SCOPE, SCOPE)
    assert section.caveats == (CENSUS,) and common.census_caveat(frames) == CENSUS
    assert section.notes == (SCOPE, "The texts' latest publication date: 30 September 2022.")
    assert not any("as of" in t.lower() or "since 2022" in t for t in (section.title, section.subtitle, *section.bullets))


def test_the_title_moves_with_the_data() -> None:
    frames = _frames()
    frames["events"] = pd.concat([frames["events"], pd.DataFrame({
        "id": ["E5"], "date_from": pd.to_datetime(["2022-10-16"]), "date_to": pd.to_datetime(["2022-10-16"]),
        "stance": pd.array([0], dtype="Int64")})], ignore_index=True)
    assert scope.title(frames) == "Kazakhstan and Russia, February–October 2022: what two texts published in 2022 report"
    assert scope.build(frames).subtitle == "Briefing · latest act 16 Oct 2022 · two texts published April–September 2022"
    assert scope.not_covered_heading(facts.coverage(frames)) == "Not covered: developments after the latest act (16 Oct 2022)"


def test_no_tables_no_title_date() -> None:
    section = scope.build({})
    assert (section.title, section.subtitle, section.caveats, section.extra["as_of_line"], section.notes) == (
        "Kazakhstan and Russia", "Briefing · no text loaded", (), "", ())


def test_file_stem_names_the_period_to_the_latest_acts_month() -> None:
    found = facts.coverage(_frames())
    made = Brief((), D(2022, 9, 30), DEFAULT, (), D(2022, 1, 1), title=found.title, last_act=found.last_act)
    assert made.stem == "brief_all-topics_2022-01-01_to_2022-06"
    assert made.document_title == f"{TITLE}: briefing"
    earlier = Brief((), D(2022, 9, 30), Filters(date_from=D(2022, 3, 1), date_to=D(2022, 3, 31)), ("oil",), D(2022, 1, 1),
                    last_act=found.last_act)
    assert earlier.stem == "brief_oil_2022-03-01_to_2022-03-31"  # the filters' To ends before the latest act
    later = Brief((), D(2022, 9, 30), Filters(date_from=D(2022, 1, 1), date_to=D(2022, 12, 31)), (), D(2022, 1, 1),
                  last_act=found.last_act)
    assert later.stem == "brief_all-topics_2022-01-01_to_2022-06"  # nothing after the latest act is covered
    assert Brief((), None, DEFAULT, (), D(2022, 1, 1)).stem == "brief_all-topics_2022-01-01_to_undated"


def test_not_covered_slide_lists_exactly_the_rows_after_the_texts_then_the_omissions() -> None:
    slide = model._not_covered_slide(_frames())
    assert slide.title == "Not covered: developments after the latest act (June 2022)"
    assert slide.bullets == (
        "15 Jul 2022: Re-election (outside the seeds; OC1)",
        "August 2022: Visit (outside the seeds; OC3)",
        "Known omissions (1): acts of the period the texts do not report.",
        "3 Mar 2022: Abstention (outside the seeds; OC2)",
    )
    assert slide.caveat == CENSUS and slide.source_line.startswith("Source: data/outside_context.csv (outside the seeds")
    assert slide.notes.splitlines() == [
        "OC1 (after the texts): Re-election · Source: Agency A, 16 July 2022 · https://a.example/1",
        "OC3 (after the texts): Visit · Source: Agency C, August 2022",
        "OC2 (omitted by the texts): Abstention · Source: Agency B, 4 March 2022 · https://b.example/2",
    ]
    line = scope.build_not_covered(_frames()).extra["line"]
    assert line == ("Not covered: developments after the latest act (June 2022): 15 Jul 2022, Re-election; August 2022, Visit. The texts also "
                    "leave out 1 known act of the period (listed on the Method page and in the briefing's Not covered slide).")
    overlapping = _frames()
    overlapping["outside_context"].loc[0, ["date_from", "date_to"]] = ["2022-06-20", "2022-06-20"]  # inside June 2022
    assert model._not_covered_slide(overlapping).title == "Not covered: developments after the texts (latest act June 2022)"
    missing = model._not_covered_slide({k: v for k, v in _frames().items() if k != "outside_context"})
    assert missing.bullets == ("The outside_context table did not load, so the acts outside the texts are not listed.",)


def test_not_covered_is_a_fixed_slide_of_every_deck() -> None:
    catalogue = T.catalogue()
    assert "not_covered" in catalogue.fixed and "not_covered" in T.SLIDE_KEYS
    assert T.SLIDE_KEYS.index("not_covered") == T.SLIDE_KEYS.index("changes") + 1  # read before any count


# --------------------------------------------------------------------------
# the shipped data: invariants


@pytest.fixture(scope="module")
def shipped() -> data.Tables:
    loaded = data.load_tables(REPO / "data")
    assert not loaded.problems, loaded.all_problems
    return loaded


FILTERS = [DEFAULT, Filters(date_from=D(2022, 2, 24)), Filters(actors=("Russia government",)), Filters(domains=("energy",)),
           *(Filters(min_credibility=k) for k in range(1, 7))]


@pytest.mark.shipped_data
@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: f.describe())
def test_shipped_title_slide_states_the_computed_scope(shipped, filters) -> None:
    found = facts.coverage(shipped.frames)
    section = scope.build(shipped.frames, filters)
    assert found.period and found.period in section.title and section.title == found.title
    assert found.census_line in section.caveats and section.extra["as_of_line"] == found.scope_line
    texts = " ".join((section.title, section.subtitle, *section.bullets, *section.caveats, *section.notes))
    assert "since 2022" not in texts and "as of 31 December" not in texts and "Data as of" not in texts
    assert section.claims == ()  # the scope states no reading that needs a minimum (readings.csv: scope)


@pytest.mark.shipped_data
def test_shipped_deck_title_file_name_and_not_covered(shipped) -> None:
    found = facts.coverage(shipped.frames)
    built = brief.build_brief(shipped, DEFAULT, topics=("sanctions",), max_slides=6)
    assert built.title == found.title and built.document_title.startswith(found.title)
    assert built.stem.endswith(f"_to_{found.last_act:%Y-%m}")
    assert [s.key for s in built.slides[:2]] == ["title", "not_covered"]
    context = shipped.frames["outside_context"]
    after = context[context["relation"] == scope.AFTER]["id"].tolist()
    omitted = context[context["relation"] == scope.OMITTED]["id"].tolist()
    listed = [b.rsplit("; ", 1)[-1].rstrip(")") for b in built.slides[1].bullets if b.endswith(")") and "outside the seeds" in b]
    assert sorted(listed[: len(after)]) == sorted(after) and sorted(listed[len(after):]) == sorted(omitted)
    assert built.slides[1].caveat == found.census_line


# --------------------------------------------------------------------------
# the PDF beside the deck (F27)


def test_cli_writes_the_pdf_beside_the_pptx_and_prints_absolute_paths(tmp_path) -> None:
    result = subprocess.run([sys.executable, "-m", "dashboard", "brief", "--topic", "sanctions", "--max-slides", "3",
                             "-o", "talks/room.pptx", "--pdf", "--data", str(REPO / "data")],
                            cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    printed = [line.split(": ", 1)[0] for line in result.stdout.splitlines()]
    assert printed[:2] == [str(tmp_path / "talks" / "room.pptx"), str(tmp_path / "talks" / "room.pdf")]
    assert all(Path(p.rstrip("/")).is_absolute() for p in printed)
    assert (tmp_path / "talks" / "room.pdf").stat().st_size > 0 and not (tmp_path / "room.pdf").exists()


# --------------------------------------------------------------------------
# the Method page: the readings and the scope


def _method(tab: str):
    from conftest import open_app

    at = open_app("method", timeout=90)
    at.query_params["tab"] = tab
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.shipped_data
def test_method_rules_tab_shows_the_readings_table_and_what_is_not_covered(shipped) -> None:
    from dashboard.text import unescape

    at = _method("rules")
    readings = shipped.frames["readings"]
    shown = next(d.value for d in at.dataframe if "min_acts" in d.value.columns)
    assert shown["reading"].tolist() == readings["reading"].tolist()  # read from data/readings.csv, as it is
    captions = [unescape(c.value) for c in at.caption]
    assert any("Readings: what evidence a claim needs" in c and "data/readings.csv" in c for c in captions)
    found = facts.coverage(shipped.frames)
    assert scope.build_not_covered(shipped.frames).title in [unescape(s.value) for s in at.subheader]
    assert scope.build_not_covered(shipped.frames).title.startswith("Not covered: developments after ")


@pytest.mark.shipped_data
def test_method_codebook_tab_opens_with_the_computed_title_and_scope(shipped) -> None:
    from dashboard.text import unescape

    at = _method("codebook")
    found = facts.coverage(shipped.frames)
    assert found.title in [unescape(s.value) for s in at.header]  # an h2 under the page's h1
    assert found.scope_line in [unescape(c.value) for c in at.caption]
