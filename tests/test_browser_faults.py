"""The server restarts under an open browser: the page reconnects by itself and shows the same view, which a reload
then restores from the URL alone.

The server is this module's own (it is stopped and started again); the faults that need no browser are in
``test_faults.py``.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from browser import VIEWPORT, AppServer, Recorder, open_page, restart, wait_charts_drawn, wait_done

pytestmark = pytest.mark.browser

LINK = "stance?from=2022-03-01&actor=Russia+government"
DISCONNECTED = '[data-testid="stApp"]:not([data-test-connection-state="CONNECTED"])'
LOADER = "dashboard.ui.tables._load"


@pytest.fixture(scope="module")
def restartable():
    server = AppServer("restart")
    yield server
    server.stop()


def view(page) -> dict:
    """What the visitor sees of the stance view: the URL's state, the filters, the chart's marks and the summaries."""
    wait_charts_drawn(page)
    return {
        "query": parse_qs(urlsplit(page.url).query),
        "dates": [i.input_value() for i in page.get_by_test_id("stDateInput").locator("input").all()],
        "actors": page.get_by_test_id("stMultiSelect").filter(has_text="Actors").inner_text(),
        "credibility": page.get_by_test_id("stSliderThumbValue").first.inner_text(),
        "marks": page.evaluate("""() => document.querySelectorAll('[data-testid="stVegaLiteChart"]')[0]
                                   .querySelectorAll('g.mark-symbol.role-mark > path').length"""),
        "summaries": page.get_by_test_id("stCaptionContainer").all_inner_texts(),
    }


def test_the_page_reconnects_after_a_restart_and_restores_its_view_from_the_url(chromium, restartable) -> None:
    server = restartable
    context = chromium.new_context(viewport=VIEWPORT)
    page = context.new_page()
    recorder = Recorder(server.url).attach(page)
    try:
        open_page(page, f"{server.url}/{LINK}")
        wait_charts_drawn(page)
        # a filter changed in the page, not in the link: the browser writes it into the URL
        slider = page.get_by_role("slider").first
        slider.focus()
        slider.press("ArrowLeft")
        page.wait_for_url(re.compile(r"[?&]cred=5(&|$)"))
        wait_done(page)
        # the fragment's rerun is drawn once the filter line names the new bar (the URL changes before it)
        expect(page.get_by_text("credibility 1–5").first).to_be_visible(timeout=30_000)
        before = view(page)
        assert before["query"] == {"from": ["2022-03-01"], "actor": ["Russia government"], "cred": ["5"]}
        assert before["credibility"] == "5" and before["marks"] > 0

        # the page notices the server is gone, then finds it again without being touched
        restart(server, while_down=lambda: page.wait_for_selector(DISCONNECTED, state="attached", timeout=20_000))
        deadline_ms = 60_000
        page.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]', state="attached",
                               timeout=deadline_ms)
        for _ in range(deadline_ms // 250):  # until the new server (a new process: its metrics start at 0) has run the page
            if server.cache_runs(LOADER) >= 1:
                break
            page.wait_for_timeout(250)
        assert server.cache_runs(LOADER) == 1
        wait_done(page)
        # retried like a web-first expect: under load the page's last fragment (the filter summary) may land a moment
        # after the run reports done
        for _ in range(80):
            if view(page) == before:
                break
            page.wait_for_timeout(250)
        assert view(page) == before

        # a reload has only the URL: the same view again
        open_page(page, page.url)
        assert view(page) == before
        assert "Traceback" not in page.locator("body").inner_text()
        assert page.get_by_test_id("stException").count() == 0
        assert recorder.offsite() == []
    finally:
        context.close()
