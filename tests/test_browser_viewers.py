"""Many viewers: ten browser sessions at once, for a bounded time, each loading pages and changing a filter.

The server is this module's own, so its memory before and after is this test's. The tables are loaded once for all
sessions, even when the first six arrive together (Streamlit's cache metrics count one run of the loader), and each
session costs little memory. The figures
go to test-artifacts/many-viewers.json and are printed (pytest -s).
"""

from __future__ import annotations

import csv
import json
import re
import time

import pytest

from browser import ARTIFACTS, REPO, VIEWPORT, AppServer, Recorder, wait_done

pytestmark = pytest.mark.browser

VIEWERS = 10
DURATION = 5  # seconds; the last round starts before this and runs to its end (the load benchmark covers 50 sessions)
ROUTE = ["", "sources", "data", "map", "stance"]  # besides the indicators page, where each viewer filters
LOADER = "dashboard.ui.tables._load"
MB = 1024 * 1024
#: bound on the server's memory growth per open session (measured: about 2 to 5 MB)
MAX_MB_PER_SESSION = 30


@pytest.fixture(scope="module")
def viewers_server():
    server = AppServer("viewers")
    yield server
    server.stop()


def fire(page, url: str) -> None:
    """Start loading ``url`` without waiting for the app, so all sessions run at once."""
    page.goto(url, wait_until="commit")


def settle(page) -> None:
    page.locator('[data-testid="stMain"] [data-testid="stElementContainer"]').first.wait_for(state="attached", timeout=120_000)
    wait_done(page, timeout=120_000)


def pick_source(page, source: str) -> None:
    box = page.get_by_test_id("stMultiSelect").filter(has_text="Sources")
    box.click()
    page.keyboard.type(source)
    page.get_by_role("option", name=re.compile(rf"^{source} ")).first.click()
    page.keyboard.press("Escape")


def test_ten_viewers_at_once(chromium, viewers_server) -> None:
    server = viewers_server
    # one viewer first, on six pages at once (so the cache is asked six times before it holds the tables), so every
    # page's code is imported and its caches are warm: what is left to grow is per session
    warm = chromium.new_context(viewport=VIEWPORT)
    tabs = [warm.new_page() for _ in ["indicators", *ROUTE]]
    for tab, path in zip(tabs, ["indicators", *ROUTE]):
        fire(tab, f"{server.url}/{path}")
    for tab in tabs:
        settle(tab)
    warm.close()
    time.sleep(1)
    before = server.rss()
    loads_before = server.cache_runs(LOADER)

    contexts = [chromium.new_context(viewport=VIEWPORT) for _ in range(VIEWERS)]  # ten viewers: nothing shared
    pages = [context.new_page() for context in contexts]
    for tab in pages:
        tab.recorder = Recorder(server.url).attach(tab)
    with (REPO / "seeds" / "provenance.csv").open(encoding="utf-8", newline="") as handle:
        seeds = [row["source_id"] for row in csv.DictReader(handle)]
    started = time.monotonic()
    rounds = 0
    try:
        while rounds == 0 or time.monotonic() - started < DURATION:
            # every viewer opens the indicators page at once, then each changes a filter
            for tab in pages:
                fire(tab, f"{server.url}/indicators")
            for tab in pages:
                settle(tab)
            for i, tab in enumerate(pages):
                pick_source(tab, seeds[(i + rounds) % len(seeds)])
            for i, tab in enumerate(pages):
                tab.wait_for_url(re.compile(r"[?&]source=S\d"), timeout=120_000)
                wait_done(tab, timeout=120_000)
            # then each opens another page, all at once, different viewers on different pages
            for i, tab in enumerate(pages):
                fire(tab, f"{server.url}/{ROUTE[(i + rounds) % len(ROUTE)]}")
            for tab in pages:
                settle(tab)
            rounds += 1
        elapsed = time.monotonic() - started
        during = server.rss()
        metrics = server.metrics()
        active = int(metrics[("active_sessions", frozenset())])
        problems = {
            i: tab.recorder.errors() + tab.recorder.offsite() + (["exception"] if tab.get_by_test_id("stException").count() else [])
            for i, tab in enumerate(pages)
        }
    finally:
        for context in contexts:
            context.close()
    time.sleep(1)
    after = server.rss()
    loads_after = server.cache_runs(LOADER)
    hits = server.cache_lookups(LOADER, "hit")

    figures = {
        "viewers": VIEWERS,
        "rounds": rounds,
        "seconds": round(elapsed, 1),
        "page_loads": rounds * VIEWERS * 2,
        "filter_changes": rounds * VIEWERS,
        "rss_before_mb": round(before / MB, 1),
        "rss_with_viewers_mb": round(during / MB, 1),
        "rss_after_close_mb": round(after / MB, 1),
        "growth_per_session_mb": round((during - before) / MB / VIEWERS, 2),
        "loader_runs": loads_after,
        "loader_cache_hits": hits,
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "many-viewers.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print("\nmany viewers:", json.dumps(figures))

    assert active == VIEWERS
    assert problems == {i: [] for i in range(VIEWERS)}
    assert "Traceback" not in server.log()
    # the tables were read and checked once, when the first viewer came, and served from the cache to all the others
    assert loads_before == loads_after == 1
    assert hits >= figures["page_loads"] + figures["filter_changes"]
    assert (during - before) / VIEWERS < MAX_MB_PER_SESSION * MB, figures
