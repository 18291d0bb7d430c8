"""The stance side's sections (scope, headline figures, map, stance, "What moved", index): built once, laid out by the
page and by the slide, which must show the same title, figures, summary and source line."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import data, export, facts, geo, maps
from dashboard import marks as M
from dashboard.brief import model
from dashboard.filters import DEFAULT, Filters
from dashboard.sections import figures as S_figures, index as S_index, map as S_map, narrative as S_narrative
from dashboard.sections import scope as S_scope, stance as S_stance
from dashboard.sections.base import Section
from dashboard.text import unescape

from conftest import REPO, run_page

FILTERS = {
    "default": DEFAULT,
    "after the invasion": Filters(date_from=date(2022, 2, 24)),
    "one actor": Filters(date_from=date(2022, 1, 1), actors=("Russia government",)),
}
#: the same filters as URL parameters, for the pages
PARAMS = {"default": {}, "after the invasion": {"from": "2022-02-24"}, "one actor": {"actor": "Russia government"}}
EVENT_SOURCE = "Source: data/events.csv · seeds "


@pytest.fixture(scope="module")
def shipped():
    return data.load_tables(REPO / "data", REPO / "seeds")


@pytest.fixture(scope="module")
def small(shipped) -> dict[str, pd.DataFrame]:
    """The shipped tables with four events: the first two scored acts since March 2022 of the Russian and of the Kazakh
    government, each told by one row."""
    events = shipped["events"]
    events = events[(events["date_from"] >= pd.Timestamp(2022, 3, 1)) & events["stance"].notna()].sort_values("id")
    events = events.drop_duplicates("event_key", keep=False) if "event_key" in events.columns else events
    russian = events[events["actor"] == "Russia government"].head(2)
    kazakh = events[events["actor"] == "Kazakhstan government"].head(2)
    return {**shipped.frames, "events": pd.concat([russian, kazakh])}


def _stance_slides(frames, filters) -> dict[str, model.Slide]:
    built = model._stance_slides(frames, filters)
    return dict(zip(("stance", "moved", "index"), built))


def _same(slide: model.Slide, section: Section) -> None:
    """The slide shows what the section says (an empty section's message is the slide's one bullet, before the source
    line: Section.texts() lists it after; the slide sets the caveats as one caption line)."""
    if section.empty:
        assert (slide.title, slide.bullets, slide.source_line) == (section.title, (section.empty,), section.source_line)
    else:
        texts = list(section.texts())
        if len(section.caveats) > 1:
            at = texts.index(section.caveats[0])
            texts[at:at + len(section.caveats)] = [" ".join(section.caveats)]
        assert slide.texts() == tuple(texts), section.key


# --------------------------------------------------------------------------
# scope and figures


def test_scope_says_title_date_and_filters(shipped) -> None:
    as_of = export.data_as_of(shipped["sources"])
    for filters in FILTERS.values():
        section = S_scope.build(shipped.frames, filters)
        found = facts.coverage(shipped.frames)  # issue 20 (F10): the title and scope are computed, not "as of"
        assert section.title == found.title
        assert section.subtitle == f"Briefing · latest act {found.last_label} · {found.texts_words} published {found.published}"
        assert f"Filters in force: {filters.describe()}." in section.bullets
        assert section.extra["as_of_line"] == found.scope_line and section.caveats == (found.census_line,)
        slide = model._title_slide(shipped.frames, filters, as_of)
        assert slide.texts() == section.texts()
        assert slide.notes.endswith(f"The texts' latest publication date: {as_of:%-d %B %Y}.")
    unknown = S_scope.build({}, DEFAULT)
    assert (unknown.subtitle, unknown.extra["as_of_line"], unknown.notes) == ("Briefing · no text loaded", "", ())


def test_figures_are_the_headlines_and_the_slide_shows_them(shipped) -> None:
    section = S_figures.build(shipped.frames)
    cards = facts.headlines(shipped.frames)
    assert [(f.label, f.value, f.detail) for f in section.figures] == [(c.label, c.value, c.detail) for c in cards]
    # a figure is styled as a conflict only when its conflict's declared kind is "disagreement"
    kinds = dict(zip(shipped["conflicts"]["conflict_key"], shipped["conflicts"]["kind"]))
    assert [f.conflict for f in section.figures] == [c.kind if c.kind == "disagreement" else "" for c in cards]
    assert section.figures[0].cites == tuple((c.table, c.row_id) for c in cards[0].citations)
    disputed = [c.label for c in cards if c.kind == "disagreement"]
    others = [c for c in cards if c.kind and c.kind != "disagreement"]
    assert all(c.kind in kinds.values() for c in others)
    # the caveat counts only real disagreements; the other kinds read as what they are
    assert ("The seeds disagree" in " ".join(section.caveats)) == bool(disputed)
    assert all(f"{c.label} (" in " ".join(section.caveats) for c in others)
    slide = model._figures_slide(shipped.frames)
    assert (slide.title, slide.caveat, slide.source_line) == (section.title, " ".join(section.caveats), section.source_line)
    assert [(f.label, f.value) for f in slide.figures] == [(f.label, f.value) for f in section.figures]
    assert [f.disputed for f in slide.figures] == [bool(f.conflict) for f in section.figures]
    # the deck names a disputed figure in its detail line (the page in a caption under the card)
    assert [f.detail.endswith(" · seeds disagree: both shown") for f in slide.figures] == [bool(f.conflict) for f in section.figures]


def test_figure_conflict_kind_comes_from_the_conflicts_table_when_it_has_one(shipped) -> None:
    conflicts = shipped["conflicts"]
    conflicts = conflicts.assign(kind=["basis" if k == "cpc_export_share" else "" for k in conflicts["conflict_key"]])
    frames = {**shipped.frames, "conflicts": conflicts}
    cpc = next(c for c in facts.headlines(frames) if c.key == "cpc")
    assert S_figures.conflict_kind(frames, cpc) == "basis"
    assert next(f for f in S_figures.build(frames).figures if f.label == cpc.label).conflict == ""  # not a disagreement


# --------------------------------------------------------------------------
# map


def test_map_section_and_slide_say_the_same(shipped) -> None:
    border = geo.load_border()
    section = S_map.build(shipped.frames, countries=geo.load_countries(), border=border)
    found = maps.border_facts(shipped.frames, border)
    # the title says the period whose route statuses are drawn (route_status), never "two corridors"
    assert section.title == maps.static.map_title(shipped.frames)[0]
    assert section.title.startswith("Kazakhstan's oil export routes") and "corridors" not in section.title
    assert section.bullets[0] == (f"Border: {found['seed_km']:,.0f} km in the seeds ({', '.join(dict.fromkeys(found['seed_rows']['source_id']))}); "
                                  f"the drawn line measures {found['drawn_km']:,.0f} km.")
    assert section.extra["lengths"]["object"].iloc[0] == maps.BORDER
    slide = model._map_slide(shipped.frames, geo.load_countries(), border)
    assert slide.texts() == section.texts()
    assert slide.subtitle == ""
    assert section.notes[-1] == found["explanation"]


# --------------------------------------------------------------------------
# stance, what moved, index


@pytest.mark.parametrize("name", list(FILTERS))
def test_stance_sections_and_slides_say_the_same(shipped, name: str) -> None:
    filters = FILTERS[name]
    events = M.prepare_events(shipped["events"])
    rows = M.event_rows(events, filters)
    stance = S_stance.build(shipped.frames, filters)
    moved = S_narrative.build(shipped.frames, filters)
    index = S_index.build(shipped.frames, filters)
    seeds = ", ".join(sorted(set(rows["source_id"])))
    line = f"{EVENT_SOURCE}{seeds} · filters: {filters.describe()}"
    assert stance.source_line == moved.source_line == index.source_line == line
    assert stance.title == "Stance over time"
    assert stance.summary == M.stance_marks(events, filters, outside=shipped["outside_context"]).summary
    census = facts.coverage(shipped.frames).census_line
    outside = M.stance_marks(events, filters, outside=shipped["outside_context"]).outside_line
    assert stance.caveats == (census, *([outside] if outside else []), S_stance.CODING)
    assert moved.caveats[0] == index.caveats[0] == census
    assert stance.extra["n_rows"] == len(rows)
    assert moved.bullets and " ".join(moved.bullets) == facts.narrative(
        events, filters, texts=S_stance.texts_phrase(shipped.frames), frames=shipped.frames)
    drawn = M.index_marks(events, filters)
    assert index.title == ("Stance index: 90-day trailing mean per actor" if len(drawn.frame) else S_index.TITLE)
    assert (index.summary or index.empty) == drawn.summary
    slides = _stance_slides(shipped.frames, filters)
    for section in (stance, moved, index):
        _same(slides[section.key], section)
        assert slides[section.key].notes.startswith(section.notes[0])


def test_stance_sections_on_a_small_table(small) -> None:
    stance = S_stance.build(small, DEFAULT)
    assert stance.extra["n_rows"] == 4
    data_rows = stance.charts[0].data
    assert sorted(data_rows["actor"]) == ["Kazakhstan government", "Kazakhstan government", "Russia government", "Russia government"]
    moved = S_narrative.build(small, DEFAULT)
    assert moved.bullets[0].startswith("In what these five texts (published April–December 2022) report, there are 4 acts "
                                       "with a stance score (4 rows;")
    one = S_stance.build(small, FILTERS["one actor"])
    assert one.extra["n_rows"] == 2 and set(one.charts[0].data["actor"]) == {"Russia government"}
    slides = _stance_slides(small, DEFAULT)
    index = S_index.build(small, DEFAULT)
    assert index.empty == ("No index line: no actor has 5 acts in any 90-day window. No line for Kazakhstan government: 2 acts; "
                           "Russia government: 2 acts. 0 events dated to intervals longer than 90 days are not in the index.")
    assert index.charts == ()
    for section in (stance, moved, index):
        _same(slides[section.key], section)


def test_stance_sections_when_nothing_matches_or_the_table_is_missing(shipped) -> None:
    later = Filters(date_from=date(2030, 1, 1))
    for build, title in ((S_stance.build, "Stance over time"), (S_narrative.build, "What moved, and when"), (S_index.build, "Stance index")):
        section = build(shipped.frames, later)
        assert (section.title, section.empty, section.charts) == (title, "No events match these filters.", ())
        assert section.source_line == "Source: data/events.csv · filters: dates 2030-01-01 to the end"
        gone = build({k: v for k, v in shipped.frames.items() if k != "events"}, DEFAULT)
        assert (gone.title, gone.empty, gone.source_line) == (title, S_stance.MISSING, "Source: data/events.csv (not loaded)")
    slides = _stance_slides(shipped.frames, later)
    for key, build in (("stance", S_stance.build), ("moved", S_narrative.build), ("index", S_index.build)):
        _same(slides[key], build(shipped.frames, later))


# --------------------------------------------------------------------------
# the pages show what the sections say


def _open(page: str, monkeypatch, **params) -> AppTest:
    monkeypatch.delenv(data.DATA_ENV, raising=False)
    monkeypatch.delenv(data.SEEDS_ENV, raising=False)
    return run_page(page, **params)


def _shown(at: AppTest) -> set[str]:
    """Every text the page shows: titles, headers, captions, markdown, metric labels (read back as plain text)."""
    out = set()
    for kind in ("title", "header", "subheader", "caption", "markdown", "info"):
        out |= {unescape(e.value) for e in getattr(at, kind)}
    out |= {unescape(m.label) for m in at.metric} | {m.value for m in at.metric}
    return out


def _chart_titles(at: AppTest) -> list[str]:
    return [json.loads(c.proto.spec).get("title", {}).get("text", "") for c in at.get("vega_lite_chart")]


def test_overview_shows_the_figures_and_the_paragraph(shipped, monkeypatch) -> None:
    at = _open("overview", monkeypatch)
    shown = _shown(at)
    figures = S_figures.build(shipped.frames)
    moved = S_narrative.build(shipped.frames, DEFAULT)
    scope = S_scope.build(shipped.frames, DEFAULT)
    assert {figures.title, *figures.caveats, figures.source_line, moved.title, *moved.caveats, moved.source_line,
            scope.extra["as_of_line"], " ".join(moved.bullets)} <= shown
    assert all({f.label, f.value, f.detail} <= shown for f in figures.figures)
    assert _chart_titles(at) == ["Stance over time"]


@pytest.mark.parametrize("name", list(FILTERS))
def test_stance_page_shows_the_sections(shipped, monkeypatch, name: str) -> None:
    at = _open("stance", monkeypatch, **PARAMS[name])
    assert _chart_titles(at) == [S_stance.build(shipped.frames, FILTERS[name]).title]  # the index is behind its expander
    at.session_state["stance.index"] = True  # open it
    at.run()
    shown = _shown(at)
    stance = S_stance.build(shipped.frames, FILTERS[name])
    index = S_index.build(shipped.frames, FILTERS[name])
    least = M.index_marks(M.prepare_events(shipped["events"]), FILTERS[name]).min_events  # the declared rule index_line
    empty = f"No index line: no actor has {least} acts in any 90-day window"  # a section without a line: the empty chart
    assert _chart_titles(at) == [stance.title, index.title if index.charts else empty]
    assert {stance.summary, *stance.caveats, stance.source_line, index.summary or index.empty, *index.caveats, index.source_line} <= shown


def test_map_page_shows_the_section(shipped, monkeypatch) -> None:
    at = _open("map", monkeypatch)
    section = S_map.build(shipped.frames, countries=geo.load_countries(), border=geo.load_border())
    assert {section.title, *section.bullets, *section.caveats, section.source_line} <= _shown(at)
