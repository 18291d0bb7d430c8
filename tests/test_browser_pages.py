"""Every page of the running app in headless Chromium, light and dark: it loads, draws its charts, stays on this machine and
logs no error. Screenshots go to test-artifacts/ for a person to look at."""

from __future__ import annotations

import pytest

from browser import ARTIFACTS, app_pages, colour_counts, open_page, rerun, screenshot, wait_charts_drawn, wait_done
from dashboard import maps

pytestmark = pytest.mark.browser

PAGES = app_pages()
#: pages that must show at least this many charts on first load (others: whatever they show must be drawn)
MIN_CHARTS = {"overview": 1, "stance": 1, "indicators": 1}  # the stance index is behind an expander, drawn only when opened (issue 24)


@pytest.mark.parametrize("page", ["light", "dark"], indirect=True)
@pytest.mark.parametrize("app_page", PAGES, ids=lambda p: p.url_path)
def test_page_loads_offline_without_errors(page, app_server, app_page, request) -> None:
    scheme = request.node.callspec.params["page"]
    log_start = app_server.log_size()
    open_page(page, f"{app_server.url}/{app_page.path}")

    assert page.get_by_test_id("stException").count() == 0
    body = page.locator("body").inner_text()
    assert "Traceback" not in body and "This app has encountered an error" not in body
    # the app's navigation (titles, not file names) is in charge, deep link or not
    nav = page.get_by_test_id("stSidebarNav")
    assert [nav.get_by_text(p.title, exact=True).count() for p in PAGES] == [1] * len(PAGES)

    drawn = wait_charts_drawn(page)
    assert len(drawn) >= MIN_CHARTS.get(app_page.url_path, 0), drawn
    for grid in [g for g in page.get_by_test_id("stDataFrame").all() if g.is_visible()]:  # not those in closed expanders or tabs
        box = grid.locator("canvas").first.bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0

    screenshot(page, f"{scheme}-{app_page.url_path}")
    assert page.recorder.offsite() == [], "requests that leave the machine"
    # Streamlit sets its XSRF cookie only while server.enableXsrfProtection is on
    assert "_streamlit_xsrf" in {cookie["name"] for cookie in page.context.cookies()}
    assert page.recorder.errors() == []
    log = app_server.log(log_start)
    assert "Traceback" not in log and "will be removed" not in log, log


def test_map_draws_land_and_routes_offline(page, app_server) -> None:
    """The pixels of the map, not just its element: Kazakhstan, Russia, the border and both routes, and no tiles."""
    open_page(page, f"{app_server.url}/map")
    chart = page.get_by_test_id("stDeckGlJsonChart").locator("canvas").first
    chart.wait_for(state="visible")
    colours = {
        "Kazakhstan": maps.FOCUS["KAZ"],
        "Russia": maps.FOCUS["RUS"],
        "border": maps.COLOURS[maps.BORDER],
        "CPC route": maps.COLOURS[maps.CPC],
        "Azerbaijan route": maps.COLOURS[maps.AZERBAIJAN],
    }
    # the smallest share of the map each must cover (measured: ~18%, ~37%, 1.1%, 0.18%, 0.21% at 883×641)
    least = {"Kazakhstan": 0.05, "Russia": 0.05, "border": 0.002, "CPC route": 0.0005, "Azerbaijan route": 0.0005}
    counts: dict[str, int] = {}
    for _ in range(40):  # WebGL draws after the element appears
        png = chart.screenshot()
        box = chart.bounding_box()
        area = box["width"] * box["height"]
        counts = colour_counts(png, colours)
        if all(counts[name] >= share * area for name, share in least.items()):
            break
        page.wait_for_timeout(250)
    (ARTIFACTS / "map-canvas.png").write_bytes(png)
    assert all(counts[name] >= share * area for name, share in least.items()), counts
    assert page.recorder.offsite() == []
    assert page.recorder.errors() == []


def test_online_basemap_is_what_the_offline_check_catches(page, app_server) -> None:
    """Turning the online basemap on fetches CARTO tiles, and the request recorder sees them: the check can fail."""
    open_page(page, f"{app_server.url}/map")
    assert page.recorder.offsite() == []
    rerun(page, lambda: page.get_by_text("Online basemap").click())
    page.wait_for_url("**/map?*online=1*")
    wait_done(page)
    for _ in range(40):
        if page.recorder.offsite():
            break
        page.wait_for_timeout(250)
    assert any("cartocdn.com" in url for url in page.recorder.offsite()), page.recorder.offsite()[:5]
