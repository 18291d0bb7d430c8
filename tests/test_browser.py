"""The running app in headless Chromium: the page a person sees, with a screenshot in test-artifacts/."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from dashboard import data

from conftest import REPO, Pkg

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "test-artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (.ci/run installs it)"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(pkg: Pkg):
    """`streamlit run dashboard/app.py` on loopback, on the fixture package with one broken table."""
    pkg.set_cell("data/events.csv", "EV002", "stance", "7")
    port = _free_port()
    env = {**os.environ, data.DATA_ENV: str(pkg.data)}
    env.pop(data.SEEDS_ENV, None)
    log = open(pkg.root / "streamlit.log", "w")
    process = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", "dashboard/app.py",
            "--server.headless", "true", "--server.address", "127.0.0.1", "--server.port", str(port),
            "--browser.gatherUsageStats", "false",
        ],
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
                pytest.fail("streamlit did not start:\n" + (pkg.root / "streamlit.log").read_text())
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def test_data_page_in_chromium(server: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{server}/data", wait_until="domcontentloaded")  # the app opens on Overview
            expect(page.get_by_role("heading", name="Data")).to_be_visible(timeout=30_000)
            # the error panel names the broken cell; the other tables are still offered
            expect(page.get_by_text("data/events.csv:3:stance: 7 is above the maximum 2")).to_be_visible(timeout=30_000)
            expect(page.get_by_test_id("stDataFrame")).to_be_visible(timeout=30_000)
            expect(page.get_by_test_id("stDownloadButton")).to_be_visible()
            page.wait_for_timeout(500)
            page.screenshot(path=str(ARTIFACTS / "data-page.png"), full_page=True)
            text = page.inner_text("body")
            assert "Traceback" not in text
            assert "Download sources.csv" in text
        finally:
            browser.close()
