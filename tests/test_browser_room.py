"""Ready for the room (issue 21), in headless Chromium: every page at a projector's 1280 × 720 and at 1600 × 1000, light
and dark, with no text cut off or spilling out of its box, each page its own browser title, headings in order, each
chart page's first chart or map above the fold, and the Present page stepped by a clicker's keys.

One browser context per size and theme visits every page on the session's one server (``app_server``), so the suite
pays for four contexts, not forty. Screenshots go to test-artifacts/room-*.png for a person to look at."""

from __future__ import annotations

import pytest

from browser import ARTIFACTS, app_pages, heading_levels, open_page, overflowing, rerun, wait_charts_drawn

pytestmark = pytest.mark.browser

PAGES = app_pages()
#: the pages whose first chart (or the map) must start above the fold, and the element it is
FIRST_CHART = {"stance": "stVegaLiteChart", "indicators": "stVegaLiteChart", "map": "stDeckGlJsonChart"}
#: views that are not a page's default but must fit too: chosen filters (their chips), another indicator, a topic deck
STATES = ["stance?actor=Russia+government&actor=Kazakhstan+government&domain=sanctions", "indicators?view=sanctions",
          "present?topic=Sanctions&max=6&slide=2"]
#: the display of each chart's Streamlit toolbar
TOOLBARS_JS = """() => [...document.querySelectorAll('[data-testid="stElementContainer"]')]
  .filter(c => c.querySelector('[data-testid="stVegaLiteChart"]'))
  .map(c => { const t = c.querySelector('[data-testid="stElementToolbar"]'); return t ? getComputedStyle(t).display : 'none'; })"""
#: the Curate page is issue 23's (dashboard/views/curate.py): its headings are its own (an h3 under the h1)
HEADINGS_EXEMPT = {"curate"}


@pytest.mark.parametrize("size", [(1280, 720), (1600, 1000)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_fits_a_projector(chromium, app_server, size, scheme) -> None:
    width, height = size
    context = chromium.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    page = context.new_page()
    titles, problems = {}, {}
    try:
        for target in [p.path for p in PAGES] + STATES:
            open_page(page, f"{app_server.url}/{target}")
            name = target.split("?")[0] or "overview"
            if name in FIRST_CHART or target in STATES:
                wait_charts_drawn(page)
            cut = overflowing(page)
            if cut:
                problems[target] = cut
            if "?" not in target:
                titles[name] = page.title()
                levels = heading_levels(page)
                if name not in HEADINGS_EXEMPT:
                    assert levels[:1] == [1] and levels.count(1) == 1, (name, levels)
                    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), (name, levels)  # no level skipped
                if name == "stance":  # Streamlit's own chart toolbar ("Show data": raw arrays) is off; the page has its own table
                    assert page.evaluate(TOOLBARS_JS) == ["none"] * len(page.get_by_test_id("stVegaLiteChart").all())
                if name in FIRST_CHART:
                    top = page.get_by_test_id(FIRST_CHART[name]).first.bounding_box()["y"]
                    assert top < height * 0.62, (name, top)  # starts above the fold, most of it on screen
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"room-{width}x{height}-{scheme}-{target.replace('?', '_').replace('&', '_') or 'overview'}.png"))
    finally:
        context.close()
    assert problems == {}, problems
    expected = {(p.path or "overview"): f"{p.title} · Kazakhstan–Russia indicators" for p in PAGES}
    assert titles == expected


def test_present_follows_a_clicker(chromium, app_server) -> None:
    context = chromium.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    try:
        open_page(page, f"{app_server.url}/present?topic=Sanctions&max=6")
        page.get_by_text("1 / ", exact=False).first.wait_for()
        steps = [("ArrowRight", "2"), ("PageDown", "3"), (" ", "4"), ("PageUp", "3"), ("ArrowLeft", "2")]
        for key, expected in steps:
            rerun(page, lambda key=key: page.keyboard.press(key))
            page.wait_for_function("(n) => new URLSearchParams(location.search).get('slide') === n", arg=expected, timeout=15_000)
            assert page.get_by_text(f"{expected} / ", exact=False).count() >= 1
        # two clicks give the sanctions briefing: the topic and the budget are in the URL and the deck has at most six slides
        assert "topic=Sanctions" in page.url and "max=6" in page.url
        assert page.get_by_text(" / 6", exact=False).count() + page.get_by_text(" / 5", exact=False).count() >= 1
    finally:
        context.close()


def test_the_overflow_check_finds_cut_text(chromium) -> None:
    """The check itself, on a page written here: an ellipsis, a clipped box and a squeezed chip are found; text that
    fits, or wraps, is not."""
    page = chromium.new_page()
    try:
        page.set_content("""<div data-testid="stAppViewContainer">
          <p id="fits" style="width:400px">Fits</p>
          <p style="width:300px">Wraps over several lines when it is longer than its box, which is fine</p>
          <div style="width:60px; overflow:hidden; white-space:nowrap; text-overflow:ellipsis">80% vs about 75%</div>
          <div style="width:60px; overflow:hidden"><span style="white-space:nowrap; display:inline-block">+₸441bn · +$918m</span></div>
          <div style="display:flex; width:30px"><span style="flex:0 0 2px; overflow:hidden">Russia government</span></div>
        </div>""")
        found = overflowing(page)
        assert [f.split(":")[0] for f in found] == ["cut div", "spills span", "squeezed span"], found
        assert not any("Fits" in f or "Wraps" in f for f in found)
    finally:
        page.close()
