"""The Present page, run headless with AppTest: the deck's slides one at a time, the slide number in the URL."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import brief, charts, data, facts, ui
from dashboard.brief import layout
from dashboard.filters import DEFAULT, Filters
from dashboard.text import unescape

from conftest import REPO, open_app
from test_pages import browser_url, share_link_query



@pytest.fixture(scope="module")
def shipped() -> brief.Brief:
    loaded = data.load_tables(REPO / "data")
    assert not loaded.problems, loaded.all_problems
    return brief.build_brief(loaded, DEFAULT)


@pytest.fixture(autouse=True)
def _shipped_data(monkeypatch):
    monkeypatch.delenv(data.DATA_ENV, raising=False)
    monkeypatch.delenv(data.SEEDS_ENV, raising=False)


def open_present(**params) -> AppTest:
    at = open_app("present", timeout=120)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown_title(at: AppTest) -> str:
    """The slide's title: the page's one h1 (data is text: shown escaped, so read back as the reader sees it)."""
    titles = [unescape(t.value) for t in at.title]
    assert len(titles) == 1, titles
    return titles[0]


def url(at: AppTest) -> dict[str, list[str]]:
    return {k: v if isinstance(v, list) else [v] for k, v in at.query_params.items()}


def slide_picker(at: AppTest):
    return at.pagination(key="slide")


def test_present_opens_on_the_title_slide(shipped) -> None:
    at = open_present()
    assert shown_title(at) == shipped.slides[0].title
    assert slide_picker(at).value == 1 and f"1 / {len(shipped.slides)}" in [c.value for c in at.caption]
    assert url(at) == {} == share_link_query(at)  # the first slide is the default: not spelled out
    assert slide_picker(at).proto.num_pages == len(shipped.slides)


def test_present_slide_in_the_url_restores_that_slide(shipped) -> None:
    number = next(i for i, s in enumerate(shipped.slides, 1) if s.chart is not None and layout.is_map(s.chart))
    at = open_present(slide=str(number))
    assert shown_title(at) == shipped.slides[number - 1].title
    assert slide_picker(at).value == number
    assert url(at) == {"slide": [str(number)]} == share_link_query(at)
    assert len(at.get("image")) == 1  # the map, drawn as the deck draws it


def test_present_stepping_and_picking_change_the_slide_and_the_url(shipped) -> None:
    stance = next(i for i, s in enumerate(shipped.slides, 1) if s.title == "Stance over time")
    at = open_present(slide=str(stance - 1))
    slide_picker(at).set_value(stance).run()  # the picker's next arrow
    assert (shown_title(at), browser_url(at)) == (shipped.slides[stance - 1].title, {"slide": [str(stance)]})
    assert len(at.get("vega_lite_chart")) == 1
    assert open_present(**browser_url(at)).get("vega_lite_chart")[0].proto.spec == at.get("vega_lite_chart")[0].proto.spec
    slide_picker(at).set_value(stance - 2).run()
    assert (shown_title(at), browser_url(at)) == (shipped.slides[stance - 3].title, {"slide": [str(stance - 2)]})
    total = len(shipped.slides)
    slide_picker(at).set_value(total).run()
    assert (shown_title(at), browser_url(at)) == (shipped.slides[-1].title, {"slide": [str(total)]})
    assert shipped.slides[-1].title == "Sources"


@pytest.mark.parametrize(("given", "last"), [("999", True), ("0", False), ("two", False)])
def test_present_out_of_range_slide_numbers_are_clamped(shipped, given: str, last: bool) -> None:
    shown = len(shipped.slides) if last else 1
    at = open_present(slide=given)
    assert slide_picker(at).value == shown
    assert url(at) == ({"slide": [str(shown)]} if last else {})


def test_present_shows_each_slide_as_the_deck_does(shipped) -> None:
    at = open_present()
    for number, slide in enumerate(shipped.slides, 1):
        if number > 1:
            slide_picker(at).set_value(number).run()
        assert not at.exception, [e.value for e in at.exception]
        assert shown_title(at) == slide.title
        assert slide.source_line in [unescape(c.value) for c in at.caption], slide.title
        markdown = [m.value for m in at.markdown]
        if slide.summary:
            assert ui._md(slide.summary) in markdown, slide.title
        if slide.caveat:
            assert f":orange[{ui._md(slide.caveat)}]" in markdown, slide.title
        if slide.bullets:
            assert "\n".join(f"- {ui._md(b)}" for b in slide.bullets) in markdown, slide.title
        assert [(unescape(m.label), m.value) for m in at.metric] == [(f.label, f.value) for f in slide.figures]
        notes = "  \n".join(ui._md(line) for line in slide.notes.splitlines())
        assert notes in markdown, slide.title


def test_present_notes_carry_the_quotes(shipped) -> None:
    number = next(i for i, s in enumerate(shipped.slides, 1) if s.kind == "figures")
    at = open_present(slide=str(number))
    assert at.expander[0].label == "Speaker notes: the quotes behind the figures"
    loaded = data.load_tables(REPO / "data")
    for card in facts.headlines(loaded.frames):
        for cite in card.citations:
            assert any(ui._md(f"“{cite.quote}”") in m.value for m in at.markdown), cite.row_id


def test_present_filters_come_from_the_url_and_reach_the_slides() -> None:
    at = open_present(slide="5", actor="Russia government", **{"from": "2022-03-01"})
    filters = Filters(date_from=dt.date(2022, 3, 1), actors=("Russia government",))
    events = data.load_tables(REPO / "data")["events"]
    assert ui._md(charts.stance_summary(events, filters)) in [m.value for m in at.markdown]
    assert at.multiselect(key="actor").value == ["Russia government"]
    assert url(at) == {"from": ["2022-03-01"], "actor": ["Russia government"], "slide": ["5"]} == share_link_query(at)
    at.multiselect(key="actor").unselect("Russia government").run()
    assert ui._md(charts.stance_summary(events, Filters(date_from=dt.date(2022, 3, 1)))) in [m.value for m in at.markdown]
    assert browser_url(at) == {"from": ["2022-03-01"], "slide": ["5"]}


def test_present_offers_both_downloads() -> None:
    at = open_present(slide="5")
    buttons = {b.proto.label: b.proto for b in at.get("download_button")}
    assert list(buttons) == ["Briefing (.pptx)", "Briefing (.pdf)"]
    assert buttons["Briefing (.pptx)"].help.startswith("Download briefing (.pptx)")
    assert buttons["Briefing (.pdf)"].help.startswith("Download briefing (.pdf)")
    assert all(b.deferred_file_id for b in buttons.values())  # built on click, not on every run


def test_present_since_a_release_adds_the_what_changed_slide_from_the_url(shipped) -> None:
    from dashboard import releases

    last = releases.latest(REPO / "data")
    at = open_present(since=last, slide="2")
    assert shown_title(at) == f"What changed since {last}"
    assert at.button_group(key="since").value == last
    assert at.button_group(key="since").proto.query_param_key == "since"
    assert f"2 / {len(shipped.slides) + 1}" in [c.value for c in at.caption]
    # none picked (the default): the deck without it
    plain = open_present(slide="2")
    assert shown_title(plain) == shipped.slides[1].title


def test_present_since_an_unknown_release_is_refused_plainly(shipped) -> None:
    at = open_present(since="no-such-release")
    assert at.button_group(key="since").value is None
    assert shown_title(at) == shipped.slides[0].title
    assert f"1 / {len(shipped.slides)}" in [c.value for c in at.caption]
