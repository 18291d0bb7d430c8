"""Helpers for the browser tests: the app started as Streamlit Community Cloud starts it, headless Chromium, and what a page did.

The fixtures that use these live in ``conftest.py``; the tests are ``test_browser_*.py``.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
ENTRY_POINT = "dashboard/app.py"  # the file Streamlit Community Cloud is told to run
ARTIFACTS = REPO / "test-artifacts"  # screenshots, server logs, figures; ignored by git

CHROMIUM_ENV = "CHROMIUM_PATH"  # a Chromium binary to use instead of Debian's or Playwright's own
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",  # WebGL (the map) falls back to SwiftShader
    "--enable-unsafe-swiftshader",
    "--disable-background-networking",  # Chromium's own calls home would spoil the offline check
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1400, "height": 1000}

#: Streamlit's frontend, opened at /<page>, first looks for its server under that path; the 404s are expected.
BASE_PATH_PROBE = re.compile(r"^/[^/]+/_stcore/(health|host-config)$")


def in_ci() -> bool:
    """True when running in CI (``$CI`` set and not false), where a browser test may fail but never skip."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


# --------------------------------------------------------------------------
# the pages, from the registry


@dataclass(frozen=True)
class AppPage:
    """One ``st.Page`` of the entry point."""

    url_path: str
    title: str
    script: str  # "<stem>.py": the name tests pick a page by (a page is its view's main(), dashboard/views/<stem>.py)
    default: bool = False

    @property
    def path(self) -> str:
        """The path a visitor opens: "" for the default page, else the url_path."""
        return "" if self.default else self.url_path


def app_pages() -> list[AppPage]:
    """Every page, from the one registry the entry point also builds its navigation from (dashboard/pages.py)."""
    from dashboard.pages import PAGES as REGISTRY

    return sorted((AppPage(p.url_path, p.title, f"{p.stem}.py", p.default) for p in REGISTRY), key=lambda page: not page.default)


# --------------------------------------------------------------------------
# the server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AppServer:
    """``streamlit run dashboard/app.py`` from the repository root, as Streamlit Community Cloud runs it, on a free port.

    Besides the port, the flags only keep the test quiet and local: loopback only, no usage statistics, and no file
    watcher (nothing edits the code during a test). Its output goes to test-artifacts/server-<name>.log.
    """

    def __init__(self, name: str, env: dict[str, str] | None = None) -> None:
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        ARTIFACTS.mkdir(exist_ok=True)
        self.log_path = ARTIFACTS / f"server-{name}.log"
        self._log = open(self.log_path, "w", encoding="utf-8")
        clean = {k: v for k, v in os.environ.items() if k not in ("DASHBOARD_DATA_DIR", "DASHBOARD_SEEDS_DIR")}
        # -P: like the `streamlit` command, do not put the working directory on sys.path,
        # so the entry point's own imports are what is tested
        self.process = subprocess.Popen(
            [
                sys.executable, "-P", "-m", "streamlit", "run", ENTRY_POINT,
                "--server.headless=true", "--server.address=127.0.0.1", f"--server.port={self.port}",
                "--browser.gatherUsageStats=false", "--server.fileWatcherType=none",
            ],
            cwd=REPO, env={**clean, **(env or {})}, stdout=self._log, stderr=subprocess.STDOUT,
        )
        try:
            self._wait_healthy(timeout=90)
        except BaseException:
            self.stop()
            raise

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start ({self.name}):\n{self.log()}")
            time.sleep(0.2)

    def log(self, since: int = 0) -> str:
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")[since:]

    def log_size(self) -> int:
        return len(self.log())

    def rss(self) -> int:
        """Resident memory of the server process, in bytes."""
        import psutil

        return psutil.Process(self.process.pid).memory_info().rss

    def metrics(self) -> dict[tuple[str, frozenset], float]:
        """Streamlit's /_stcore/metrics as {(name, labels): value}."""
        with urllib.request.urlopen(f"{self.url}/_stcore/metrics", timeout=10) as response:
            text = response.read().decode("utf-8")
        out = {}
        for line in text.splitlines():
            match = re.match(r"^([a-z_]+)(?:\{(.*)\})? ([0-9.e+-]+)$", line)
            if match:
                labels = frozenset(re.findall(r'(\w+)="([^"]*)"', match.group(2) or ""))
                out[(match.group(1), labels)] = float(match.group(3))
        return out

    def cache_lookups(self, function: str, result: str) -> int:
        """How often a cached function was called and found its value ("hit") or not ("miss"; callers that wait for
        another's computation count as misses too)."""
        return int(sum(v for (name, labels), v in self.metrics().items()
                       if name == "cache_lookups_total" and ("cache", function) in labels and ("result", result) in labels))

    def cache_runs(self, function: str) -> int:
        """How often a cached function actually ran."""
        return int(sum(v for (name, labels), v in self.metrics().items()
                       if name == "cache_compute_duration_seconds_count" and ("cache", function) in labels))

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()


# --------------------------------------------------------------------------
# the browser


def chromium_executable() -> str | None:
    """$CHROMIUM_PATH, else Debian's /usr/bin/chromium, else None (Playwright's own browser, if installed)."""
    if os.environ.get(CHROMIUM_ENV):
        return os.environ[CHROMIUM_ENV]
    return str(DEBIAN_CHROMIUM) if DEBIAN_CHROMIUM.exists() else None


def launch(playwright):
    """Headless Chromium: the one named by $CHROMIUM_PATH, Debian's, or Playwright's. Raises LookupError when there is none."""
    executable = chromium_executable()
    if executable is None and not Path(playwright.chromium.executable_path).exists():
        raise LookupError(
            f"no Chromium: set ${CHROMIUM_ENV}, install Debian's chromium (.ci/run does), or run `playwright install chromium`"
        )
    return playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)


@dataclass
class Recorder:
    """Everything a page asked for and complained about: requests, console errors, uncaught errors, failed responses, dialogs."""

    server: str
    requests: list[str] = field(default_factory=list)
    console_errors: list[tuple[str, str]] = field(default_factory=list)  # (text, url of the resource or script)
    page_errors: list[str] = field(default_factory=list)
    failed: dict[str, int] = field(default_factory=dict)  # url -> HTTP status >= 400
    dialogs: list[str] = field(default_factory=list)

    def attach(self, page) -> "Recorder":
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("websocket", lambda socket: self.requests.append(socket.url))
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("response", lambda response: self.failed.__setitem__(response.url, response.status) if response.status >= 400 else None)
        page.on("dialog", self._dialog)
        return self

    def _console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append((message.text, (message.location or {}).get("url", "")))

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def clear(self) -> None:
        for items in (self.requests, self.console_errors, self.page_errors, self.dialogs):
            items.clear()
        self.failed.clear()

    def offsite(self) -> list[str]:
        """Requests (and websockets) to anywhere but the app's own server: any other host or port; data: and blob: are local."""
        origin = urlsplit(self.server)
        schemes = {origin.scheme, origin.scheme.replace("http", "ws")}
        out = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob"):
                continue
            if parts.scheme not in schemes or (parts.hostname, parts.port) != (origin.hostname, origin.port):
                out.append(url)
        return out

    def errors(self) -> list[str]:
        """Console errors and uncaught page errors, except Streamlit's own base-path probes (a 404 under /<page>/_stcore/)."""
        out = [f"uncaught: {e}" for e in self.page_errors]
        for text, url in self.console_errors:
            path = urlsplit(url).path
            expected_probe = (text.startswith("Failed to load resource") and BASE_PATH_PROBE.match(path)
                              and self.failed.get(url) == 404 and url.startswith(self.server))
            if not expected_probe:
                out.append(f"console: {text} ({url})")
        return out


# --------------------------------------------------------------------------
# waiting for and reading a page

DONE = '[data-testid="stApp"][data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]'


def wait_done(page, timeout: float = 60_000) -> None:
    """Wait as Streamlit's own e2e tests do: connected, the script not running, no skeletons or stale elements left."""
    page.wait_for_selector(DONE, state="attached", timeout=timeout)
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stSkeleton"]')
                 && !document.querySelector('[data-stale="true"]')
                 && !!document.querySelector('[data-testid="stApp"][data-test-script-state="notRunning"]')""",
        timeout=timeout,
    )


def open_page(page, url: str, timeout: float = 60_000) -> None:
    """Go to ``url`` and wait until the page's script has run."""
    page.goto(url, wait_until="domcontentloaded", timeout=timeout)
    # elements appear while the script runs, so "not running" after the first one means the run is over
    page.locator('[data-testid="stMain"] [data-testid="stElementContainer"]').first.wait_for(state="attached", timeout=timeout)
    wait_done(page, timeout)


def rerun(page, action, timeout: float = 60_000) -> None:
    """Do ``action`` (a click, a key press) and wait for the rerun it starts to finish."""
    action()
    try:  # the rerun may already be over by the time we look
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="running"]', state="attached", timeout=2_000)
    except Exception:  # noqa: BLE001 - playwright's TimeoutError
        pass
    wait_done(page, timeout)


def main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


CHARTS_JS = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].map(chart => {
    const drawing = chart.querySelector('.vega-embed svg, .vega-embed canvas');
    if (!drawing) return {kind: null, width: 0, height: 0, marks: 0};
    const box = drawing.getBoundingClientRect();
    let marks = 0;
    if (drawing.tagName.toLowerCase() === 'svg') {
        marks = drawing.querySelectorAll('.role-mark > path, .role-mark > rect, .role-mark > line, .role-mark > text, .role-mark > g').length;
    } else {
        const data = drawing.getContext('2d').getImageData(0, 0, drawing.width, drawing.height).data;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) marks++;
    }
    return {kind: drawing.tagName.toLowerCase(), width: box.width, height: box.height, marks: marks};
})"""


def charts(page) -> list[dict]:
    """Each Vega-Lite chart on the page: svg or canvas, its size, and how many marks (or drawn pixels) it has."""
    return page.evaluate(CHARTS_JS)


def wait_charts_drawn(page, timeout: float = 30_000) -> list[dict]:
    """Wait until every chart on the page has a non-empty drawing; returns what charts() saw."""
    page.wait_for_function(f"() => ({CHARTS_JS})().every(c => c.kind && c.width > 0 && c.height > 0 && c.marks > 0)", timeout=timeout)
    return charts(page)


def stance_marks(page, index: int = 0) -> int:
    """How many symbol marks (events) the index-th chart draws."""
    return page.evaluate(
        """(i) => { const chart = document.querySelectorAll('[data-testid="stVegaLiteChart"]')[i];
                    return chart ? chart.querySelectorAll('.mark-symbol path').length : -1; }""",
        index,
    )


def colour_counts(png: bytes, colours: dict[str, tuple[int, int, int]], tolerance: int = 12) -> dict[str, int]:
    """How many pixels of the screenshot are within ``tolerance`` (per channel) of each colour."""
    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    return {name: int((np.abs(pixels - np.array(rgb)).max(axis=2) <= tolerance).sum()) for name, rgb in colours.items()}


def screenshot(page, name: str) -> Path:
    """The whole page (Streamlit scrolls inside its main block, so grow the viewport to fit) under test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    size = page.viewport_size or VIEWPORT
    height = page.evaluate("() => (document.querySelector('[data-testid=\"stMain\"]') || document.body).scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": min(max(size["height"], height + 40), 8000)})
    try:
        wait_done(page)
        page.screenshot(path=str(path))
    finally:
        page.set_viewport_size(size)
    return path


# --------------------------------------------------------------------------
# copies of the shipped data to break


def copy_shipped_data(root: Path) -> tuple[Path, Path]:
    """data/ and seeds/ copied under ``root`` (the package's sources path ../seeds still resolves)."""
    shutil.copytree(REPO / "data", root / "data")
    shutil.copytree(REPO / "seeds", root / "seeds")
    return root / "data", root / "seeds"


# --------------------------------------------------------------------------
# a server that goes away under open pages


def restart(server: AppServer, env: dict[str, str] | None = None, while_down=None) -> None:
    """Stop ``server`` and run its command again on the same port, as a redeploy or a crash and its restart do; calls
    ``while_down()`` in between. ``env`` is what the server was started with (its data directories)."""
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
    if while_down is not None:
        while_down()
    clean = {k: v for k, v in os.environ.items() if k not in ("DASHBOARD_DATA_DIR", "DASHBOARD_SEEDS_DIR")}
    server.process = subprocess.Popen(server.process.args, cwd=REPO, env={**clean, **(env or {})}, stdout=server._log,
                                      stderr=subprocess.STDOUT)
    try:
        server._wait_healthy(timeout=90)
    except BaseException:
        server.stop()
        raise


# --------------------------------------------------------------------------
# text that does not fit its box (tests/test_browser_room.py)

#: every element with text of its own that is cut (an ellipsis, a clipped box, a clamped line), squeezed to nothing,
#: scrolled out of a button group, or spilling out of the nearest box that clips it; Streamlit's own visually hidden
#: "skip to content" link is not text a reader sees
OVERFLOW_JS = r"""() => {
  const out = [];
  const root = document.querySelector('[data-testid="stAppViewContainer"]') || document.body;
  const describe = el => (el.getAttribute('data-testid') || el.tagName.toLowerCase()) + ': ' + (el.innerText || el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 60);
  for (const el of root.querySelectorAll('*')) {
    if (!el.offsetParent && getComputedStyle(el).position !== 'fixed') continue;
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const st = getComputedStyle(el);
    if (st.visibility === 'hidden') continue;
    const r = el.getBoundingClientRect();
    if (el.closest('[data-testid="stSkipToContent"]')) continue;
    if (r.height > 1 && r.width <= 4) { out.push('squeezed ' + describe(el)); continue; }
    if (r.width === 0 || r.height === 0) continue;
    const clip = st.overflowX !== 'visible' || st.textOverflow === 'ellipsis';
    const group = el.closest('[data-testid="stButtonGroup"]');
    if (group) { let g = el; while (g && g !== group.parentElement) { if (g.scrollWidth > g.clientWidth + 1 && getComputedStyle(g).overflowX !== 'visible') { out.push('scrolls ' + describe(el)); break; } g = g.parentElement; } }
    if (clip && st.overflowX !== 'auto' && st.overflowX !== 'scroll' && el.scrollWidth > el.clientWidth + 1) { out.push('cut ' + describe(el) + ` (${el.scrollWidth}>${el.clientWidth})`); continue; }
    if (st.webkitLineClamp && st.webkitLineClamp !== 'none' && el.scrollHeight > el.clientHeight + 1) { out.push('clamped ' + describe(el)); continue; }
    // spills out of a clipping ancestor
    let a = el.parentElement;
    while (a && a !== root) {
      const s = getComputedStyle(a);
      if (s.overflowX !== 'visible') {
        const ar = a.getBoundingClientRect();
        if (r.right > ar.right + 2 || r.left < ar.left - 2) out.push('spills ' + describe(el) + ` from ${a.getAttribute('data-testid') || a.tagName}`);
        break;
      }
      a = a.parentElement;
    }
  }
  return [...new Set(out)];
}"""


def overflowing(page) -> list[str]:
    """What text on the page does not fit its box (see :data:`OVERFLOW_JS`): empty when everything fits."""
    return page.evaluate(OVERFLOW_JS)


HEADINGS_JS = """() => [...document.querySelectorAll('[data-testid="stMain"] h1, [data-testid="stMain"] h2, [data-testid="stMain"] h3, '
  + '[data-testid="stMain"] h4, [data-testid="stMain"] h5, [data-testid="stMain"] h6')].filter(h => h.offsetParent)
  .map(h => Number(h.tagName[1]))"""


def heading_levels(page) -> list[int]:
    """The levels of the visible headings of the page's main area, in order."""
    return page.evaluate(HEADINGS_JS)
