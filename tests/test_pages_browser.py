"""Every analyst page in headless Chromium, light and dark: it renders, deep links restore the view, screenshots for a person to look at."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

import pytest

from dashboard import data

from conftest import REPO
from test_browser import ARTIFACTS, CHROMIUM, _free_port

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (.ci/run installs it)"),
]

PAGES = [
    # (path and query, screenshot name, text that proves the view was restored)
    ("", "overview", "80% vs about 75%"),
    ("stance?actor=Russia+government&event=EV060", "stance", "Medvedev post"),
    ("indicators?view=oil", "indicators-oil", "about 75%"),
    ("indicators?view=defence", "indicators-defence", "480.4 ₸/$"),
    ("indicators?view=sanctions&source=S001", "indicators-sanctions", "Who said what"),
    ("indicators?view=sentiment", "indicators-sentiment", "Thousands of protesters"),
    ("sources?seed=S004&row=SR015", "sources", "Selected: SR015"),
    ("method?tab=tables", "method", "Seed provenance"),
]


@pytest.fixture(scope="module")
def shipped_server():
    """`streamlit run dashboard/app.py` on the shipped data, on loopback."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in (data.DATA_ENV, data.SEEDS_ENV)}
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / "pages-streamlit.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard/app.py", "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("streamlit did not start:\n" + (ARTIFACTS / "pages-streamlit.log").read_text())
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_in_chromium(shipped_server: str, scheme: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        try:
            page = browser.new_context(viewport={"width": 1600, "height": 1000}, color_scheme=scheme).new_page()
            for path, name, proof in PAGES:
                # each page opened cold from its link: the link alone must restore the view
                page.goto(f"{shipped_server}/{path}", wait_until="domcontentloaded")
                page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)
                page.wait_for_timeout(700)
                body = page.inner_text("body")
                assert "Traceback" not in body and "This app has encountered an error" not in body, name
                assert proof in body, (name, proof)
                # the app's own navigation (titles, not file names) is in charge, deep link or not
                assert page.get_by_test_id("stSidebarNav").get_by_text("Stance over time").count() == 1, name
                charts = page.get_by_test_id("stVegaLiteChart")
                if charts.count():
                    charts.first.wait_for(state="visible", timeout=30_000)
                height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
                page.set_viewport_size({"width": 1600, "height": min(max(1000, height + 40), 8000)})
                page.wait_for_timeout(600)
                page.screenshot(path=str(ARTIFACTS / f"{scheme}-{name}.png"))
                page.set_viewport_size({"width": 1600, "height": 1000})
        finally:
            browser.close()
