"""The indicator-side sections (dashboard/sections: defence, oil, sanctions, sentiment, conflicts, corrections, sources,
changes): each built once, and the page and the slide show the same title, summary and source line."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import data
from dashboard.brief import model
from dashboard.filters import DEFAULT, Filters
from dashboard.sections import changes, conflicts, corrections, defence, oil, sanctions, sentiment, sources
from dashboard.text import unescape

from conftest import REPO, run_page

APP = str(REPO / "dashboard" / "app.py")

#: slide key -> its builder
BUILDERS = {"defence": defence.build, "oil_shares": oil.build_shares, "oil_disruptions": oil.build_disruptions,
            "oil_stakes": oil.build_stakes, "sanctions": sanctions.build, "sentiment": sentiment.build}


@pytest.fixture(scope="module")
def frames():
    return data.load_tables(REPO / "data").frames


def _filters(frames) -> dict[str, Filters]:
    seed = sorted(frames["sources"]["source_id"])[1]
    return {"default": DEFAULT, "range": Filters(date_from=dt.date(2022, 3, 1), date_to=dt.date(2022, 12, 31)),
            "source": Filters(sources=(seed,))}


# --------------------------------------------------------------------------
# slides: the brief lays out the sections


@pytest.mark.parametrize("which", ["default", "range", "source"])
@pytest.mark.parametrize("key", list(BUILDERS))
def test_indicator_slide_shows_what_its_section_says(frames, which: str, key: str) -> None:
    filters = _filters(frames)[which]
    section = BUILDERS[key](frames, filters)
    assert section.key == key
    (slide,) = model._indicator_slides(frames, filters, only={key})
    assert slide.key == key
    assert slide.title == section.title
    assert slide.source_line == section.source_line
    assert slide.caveat == " ".join(section.caveats)
    if section.empty:
        assert slide.kind == "text" and slide.bullets == (section.empty,)
    else:
        assert slide.kind == "chart" and slide.summary == section.summary
        chart = section.charts[0]
        assert chart.spec is not None and chart.data is not None and len(chart.data) > 0
        assert chart.title == section.title
    for note in section.notes:
        assert note in slide.notes


def test_indicator_sections_are_deterministic(frames) -> None:
    for key, build in BUILDERS.items():
        first, second = build(frames, DEFAULT), build(frames, DEFAULT)
        assert first == second, key
        assert [c.spec.spec for c in first.charts] == [c.spec.spec for c in second.charts], key


def test_conflict_slides_cut_the_section_into_pages(frames) -> None:
    section = conflicts.build(frames)
    slides = model._conflicts_slides(frames)
    assert len(section.extra["items"]) == len(section.bullets) > 0
    assert [b for s in slides for b in s.bullets] == list(section.bullets)
    assert all(s.caveat == conflicts.CAVEAT for s in slides)
    assert all(s.title.startswith(section.title) for s in slides)
    assert "\n".join(s.notes for s in slides) == "\n".join(section.notes)


def test_correction_slides_cut_the_section_into_pages(frames) -> None:
    section = corrections.build(frames)
    rows = section.extra["rows"]
    slides = model._corrections_slides(frames)
    assert len(slides) == -(-len(rows) // model.CORRECTIONS_PER_SLIDE)
    assert [b for s in slides for b in s.bullets] == list(section.bullets)
    assert section.summary == f"{len(rows)} rows keep a seed's wrong statement verbatim and state the correct fact beside it."
    assert all(s.caveat == corrections.CAVEAT for s in slides)


def test_sources_slide_is_the_section(frames) -> None:
    section = sources.build(frames)
    slide = model._sources_slide(frames)
    assert slide.texts() == section.texts()
    assert len(section.bullets) == len(frames["sources"]) + 1 and section.bullets[-1] == sources.GEOGRAPHY
    assert section.source_line == "Source: seeds/provenance.csv · all rows"


def test_changes_slide_is_the_section() -> None:
    found = model.changes_since("2026-12-01", REPO / "data")
    section = changes.build(found)
    slide = model.changes_slide(found)
    assert slide.title == section.title == "What changed since 2026-12-01"
    assert slide.bullets == (section.summary, *section.bullets)
    assert slide.source_line == section.source_line == (
        "Source: data/releases/2026-12-01/ against the current tables in data/ · python -m dashboard diff 2026-12-01")


# --------------------------------------------------------------------------
# a small fixture: exact texts


def _oil() -> pd.DataFrame:
    columns = ["id", "route", "kind", "asset", "company", "value", "unit", "as_stated", "date_from", "date_to", "source_id",
               "quote", "quote_en", "quote_en_by", "conflict_key", "correction", "note"]
    nat = pd.NaT
    rows = [
        ["OR1", "CPC", "export share", "CPC terminal", "", 80.0, "percent", "80% of oil", nat, nat, "S1", "80% of oil goes via CPC", "", "", "share", None, ""],
        ["OR2", "CPC", "export share", "CPC terminal", "", 75.0, "percent", "about 75%", nat, nat, "S2", "about 75% goes west via CPC", "", "", "share", None, ""],
        ["OR3", "CPC", "disruption", "CPC terminal", "", None, "", "halted", pd.Timestamp("2022-03-22"), pd.Timestamp("2022-04-10"), "S1",
         "the terminal halted loadings", "", "", None, "It was storm damage.", ""],
        ["OR4", "Kashagan", "stake", "Kashagan", "Lukoil", 5.0, "percent", "5%", nat, nat, "S2", "Lukoil holds 5% of Kashagan", "", "", None, None, ""],
    ]
    frame = pd.DataFrame(rows, columns=columns)
    for column in ("date_from", "date_to"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def test_oil_sections_on_a_small_table() -> None:
    frames = {"oil_routes": _oil()}
    shares = oil.build_shares(frames, DEFAULT)
    assert shares.title == "Share of oil exports through each route, as each seed states it"
    # no conflicts table: the shares are given as stated, never read as a disagreement
    assert shares.summary == "Export share in the seeds: S1: 80% of oil (80%) via CPC; S2: about 75% (75%) via CPC."
    assert shares.source_line == "Source: data/oil_routes.csv · seeds S1, S2 · filters: dates 2022-01-01 to the end"
    assert shares.notes == ("CPC — S1 (OR1): “80% of oil goes via CPC”", "CPC — S2 (OR2): “about 75% goes west via CPC”")
    assert shares.charts[0].data["id"].tolist() == ["OR1", "OR2"]

    disruptions = oil.build_disruptions(frames, DEFAULT)
    assert disruptions.summary == "22 Mar – 10 Apr 2022: disruption (CPC, S1)."
    assert disruptions.caveats == ("1 of these rows (OR3) repeats a seed's error on a checkable fact: see the corrections slide.",)
    assert disruptions.notes == ("disruption (CPC) — S1 (OR3): “the terminal halted loadings” Correction: It was storm damage.",)

    stakes = oil.build_stakes(frames, DEFAULT)
    assert (stakes.title, stakes.summary, stakes.caveats) == ("Named stakes in Kazakh oil fields", "Stakes named: 5% (Lukoil).", ())
    assert stakes.source_line == "Source: data/oil_routes.csv · seeds S2 · filters: dates 2022-01-01 to the end"

    one = oil.build_shares(frames, Filters(sources=("S1",)))
    assert one.source_line == "Source: data/oil_routes.csv · seeds S1 · filters: sources S1"
    later = oil.build_disruptions(frames, Filters(date_from=dt.date(2023, 1, 1)))
    assert (later.empty, later.charts) == ("No dated disruption or alternative route matches the filters.", ())
    slide = model.slide_of(later, "oil_disruptions")
    assert slide.texts() == (later.title, later.empty, later.source_line)


def test_missing_tables_give_a_message_not_an_error() -> None:
    for key, build in BUILDERS.items():
        section = build({}, DEFAULT)
        assert section.empty.endswith("did not pass validation, so this slide has nothing to show."), key
        assert section.charts == ()
    assert conflicts.build({}).empty == conflicts.EMPTY
    assert corrections.build({}).empty == corrections.EMPTY
    assert sources.build({}).source_line == "Source: data/sources.csv (not loaded)"


# --------------------------------------------------------------------------
# pages: the same texts on the page


@pytest.fixture
def shipped(monkeypatch):
    monkeypatch.delenv(data.DATA_ENV, raising=False)
    monkeypatch.delenv(data.SEEDS_ENV, raising=False)
    return data.load_tables()


def _open(page: str, **params) -> AppTest:
    return run_page(page, **params)


def _captions(at: AppTest) -> list[str]:
    return [unescape(c.value) for c in at.caption]


def _chart_titles(at: AppTest) -> list[str]:
    out = []
    for element in at.get("vega_lite_chart"):
        title = json.loads(element.proto.spec).get("title")
        out.append(title.get("text") if isinstance(title, dict) else title)
    return out


@pytest.mark.parametrize("view", ["defence", "oil", "sanctions", "sentiment"])
def test_indicators_page_shows_what_the_slides_show(shipped, view: str) -> None:
    at = _open("indicators", view=view)
    keys = {"defence": ["defence"], "oil": ["oil_shares", "oil_disruptions", "oil_stakes"], "sanctions": ["sanctions"],
            "sentiment": ["sentiment"]}[view]
    titles, captions = _chart_titles(at), _captions(at)
    slides = {s.key: s for s in model._indicator_slides(shipped.frames, DEFAULT, only=set(keys))}
    for key in keys:
        section = BUILDERS[key](shipped.frames, DEFAULT)
        slide = slides[key]
        assert not section.empty, key
        assert section.title == slide.title and section.title in titles
        assert section.summary == slide.summary and section.summary in captions
        assert section.source_line == slide.source_line and section.source_line in captions
        for caveat in section.caveats:
            assert caveat in captions


def test_indicators_page_says_the_section_message_when_nothing_matches(shipped) -> None:
    at = _open("indicators", view="sanctions", **{"from": "2010-01-01", "to": "2010-01-02"})  # no position in these two days
    section = sanctions.build(shipped.frames, Filters(date_from=dt.date(2010, 1, 1), date_to=dt.date(2010, 1, 2)))
    assert section.empty == "No stated positions match the filters."
    assert section.empty in [unescape(i.value) for i in at.info]
    assert section.source_line in _captions(at)
    assert not at.get("vega_lite_chart")


def test_method_page_shows_the_conflicts_and_corrections_sections(shipped) -> None:
    at = _open("method", tab="conflicts")
    captions = _captions(at)
    found, corrected = conflicts.build(shipped.frames), corrections.build(shipped.frames)
    slides = model._conflicts_slides(shipped.frames)
    assert slides[0].caveat == found.caveats[0] and found.caveats[0] in captions
    assert found.source_line in captions
    assert corrected.summary in captions and corrected.source_line in captions
    assert model._corrections_slides(shipped.frames)[0].caveat == corrected.caveats[0] in captions


def test_sources_page_shows_the_sources_section(shipped) -> None:
    at = _open("sources")
    section = sources.build(shipped.frames)
    slide = model._sources_slide(shipped.frames)
    captions = _captions(at)
    assert slide.caveat in captions and slide.source_line in captions
    assert section.title == slide.title == at.title[0].value


def test_changes_page_shows_the_changes_section(shipped) -> None:
    at = _open("changes")
    section = changes.build(model.changes_since("2026-12-01", REPO / "data"))
    slide = model.changes_slide(model.changes_since("2026-12-01", REPO / "data"))
    captions = _captions(at)
    assert slide.bullets[0] == section.summary and section.summary in captions
    assert slide.source_line == section.source_line and section.source_line in captions
