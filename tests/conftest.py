"""A tiny valid data package, built in code, that tests copy and corrupt.

It follows the shipped package's conventions (a ``sources`` resource at
``../seeds/provenance.csv``, ``source_id`` foreign keys, verbatim quotes,
``conflict_key`` linking rows through ``conflicts``) without depending on the
curated data, so the checks can be tested while the data is still being made.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

# rendered chart images: a fresh cache per test run, so no test reads an image an earlier run rendered
os.environ["DASHBOARD_CACHE_DIR"] = tempfile.mkdtemp(prefix="kz-ru-charts-")

REPO = Path(__file__).resolve().parents[1]

SEEDS = {
    "000_aaaaaaaaaaaaaaaa.txt": (
        "Kazakhstan and Russia\n\n"
        "The ministry said on 3 March 2022 that Kazakhstan would not\n"
        "help Russia circumvent sanctions.\n"
        "About 2,500 troops were deployed in January.\n"
    ),
    "001_bbbbbbbbbbbbbbbb.txt": (
        "A second text.\n"
        "Officials said 3,000 troops arrived, and the parade was cancelled.\n"
    ),
}


def _string(name, description="", **constraints):
    field = {"name": name, "type": "string", "description": description or name}
    if constraints:
        field["constraints"] = constraints
    return field


SOURCE_FK = {"fields": ["source_id"], "reference": {"resource": "sources", "fields": ["source_id"]}}


def _resource(name, path, fields, primary_key, foreign_keys=()):
    schema = {"fields": fields, "primaryKey": primary_key, "missingValues": [""]}
    if foreign_keys:
        schema["foreignKeys"] = list(foreign_keys)
    return {
        "name": name,
        "path": path,
        "title": name.capitalize(),
        "description": f"Test table {name}.",
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": schema,
    }


DATAPACKAGE = {
    "profile": "tabular-data-package",
    "name": "test-package",
    "resources": [
        _resource(
            "sources",
            "../seeds/provenance.csv",
            [
                _string("source_id", required=True, unique=True, pattern="^S[0-9]{3}$"),
                _string("file", required=True, unique=True),
                _string("title", required=True),
                {"name": "published_to", "type": "date", "constraints": {"required": True}},
                _string("sha256", required=True, pattern="^[0-9a-f]{64}$"),
            ],
            ["source_id"],
        ),
        _resource(
            "conflicts",
            "conflicts.csv",
            [_string("conflict_key", required=True, unique=True, pattern="^[a-z0-9_]+$"), _string("subject", required=True)],
            ["conflict_key"],
        ),
        _resource(
            "events",
            "events.csv",
            [
                _string("id", required=True, unique=True, pattern="^EV[0-9]{3}$"),
                {"name": "date_from", "type": "date", "constraints": {"required": True}},
                {"name": "date_to", "type": "date", "constraints": {"required": True}},
                {"name": "stance", "type": "integer", "constraints": {"minimum": -2, "maximum": 2}},
                _string("domain", required=True, enum=["sanctions", "society", "security"]),
                _string("source_id", required=True, pattern="^S[0-9]{3}$"),
                _string("quote", "Verbatim passage from the seed.", required=True, minLength=8),
            ],
            ["id"],
            [SOURCE_FK],
        ),
        _resource(
            "figures",
            "figures.csv",
            [
                _string("id", required=True, unique=True, pattern="^FG[0-9]{3}$"),
                {"name": "value", "type": "number", "constraints": {"required": True, "minimum": 0}},
                _string("unit", required=True, enum=["troops", "percent"]),
                {"name": "date_from", "type": "date"},
                {"name": "date_to", "type": "date"},
                _string("source_id", required=True, pattern="^S[0-9]{3}$"),
                _string("quote", required=True, minLength=8),
                _string("conflict_key"),
            ],
            ["id"],
            [SOURCE_FK, {"fields": ["conflict_key"], "reference": {"resource": "conflicts", "fields": ["conflict_key"]}}],
        ),
    ],
    # the project checks are declared, as in the shipped package (tests/test_check.py covers every kind)
    "rules": [
        {"name": "quote-verbatim", "check": "quote-in-seed", "resources": ["events", "figures"], "field": "quote",
         "description": "Every quote occurs verbatim in its seed."},
        {"name": "seed-checksum", "check": "seed-sha256", "resources": ["sources"], "field": "sha256",
         "description": "Each seed file matches its sha256."},
        {"name": "within-publication", "check": "not-after-publication", "resources": ["events", "figures"], "field": "date_to",
         "description": "No row is dated after its seed's latest publication date."},
        {"name": "conflict-pairs", "check": "conflict-links-two", "resources": ["conflicts"], "field": "conflict_key",
         "description": "Every conflict_key links at least two rows."},
    ],
}

TABLES = {
    "data/conflicts.csv": [
        ["conflict_key", "subject"],
        ["troops_deployed", "Troops deployed in January 2022"],
    ],
    "data/events.csv": [
        ["id", "date_from", "date_to", "stance", "domain", "source_id", "quote"],
        # the quote spans a line break in the seed: whitespace is normalised
        ["EV001", "2022-03-03", "2022-03-03", "-1", "sanctions", "S000", "Kazakhstan would not help Russia circumvent sanctions"],
        ["EV002", "2022-04-10", "2022-04-10", "", "society", "S001", "the parade was cancelled"],
    ],
    "data/figures.csv": [
        ["id", "value", "unit", "date_from", "date_to", "source_id", "quote", "conflict_key"],
        ["FG001", "2500", "troops", "2022-01-01", "2022-01-31", "S000", "About 2,500 troops were deployed", "troops_deployed"],
        ["FG002", "3000", "troops", "", "", "S001", "3,000 troops arrived", "troops_deployed"],
    ],
}


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


class Pkg:
    """A data/ and seeds/ pair under ``root``, with helpers to corrupt them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.seeds = root / "seeds"

    def build(self) -> "Pkg":
        self.data.mkdir(parents=True)
        self.seeds.mkdir(parents=True)
        (self.data / "datapackage.json").write_text(json.dumps(DATAPACKAGE, indent=2), encoding="utf-8")
        provenance = [["source_id", "file", "title", "published_to", "sha256"]]
        for (name, text), (source_id, title, published_to) in zip(
            SEEDS.items(), [("S000", "First seed", "2022-03-31"), ("S001", "Second seed", "2022-04-30")]
        ):
            (self.seeds / name).write_text(text, encoding="utf-8")
            provenance.append([source_id, name, title, published_to, hashlib.sha256(text.encode()).hexdigest()])
        self.write("seeds/provenance.csv", _csv(provenance))
        for rel, rows in TABLES.items():
            self.write(rel, _csv(rows))
        return self

    # -- editing helpers
    def path(self, rel: str) -> Path:
        return self.root / rel

    def read(self, rel: str) -> str:
        return self.path(rel).read_text(encoding="utf-8")

    def write(self, rel: str, text: str) -> None:
        self.path(rel).write_text(text, encoding="utf-8")

    def write_bytes(self, rel: str, data: bytes) -> None:
        self.path(rel).write_bytes(data)

    def remove(self, rel: str) -> None:
        self.path(rel).unlink()

    def replace(self, rel: str, old: str, new: str) -> None:
        text = self.read(rel)
        assert old in text, f"{old!r} not in {rel}"
        self.write(rel, text.replace(old, new, 1))

    def rows(self, rel: str) -> list[list[str]]:
        return list(csv.reader(io.StringIO(self.read(rel), newline="")))

    def set_cell(self, rel: str, key: str, column: str, value: str) -> None:
        """Set ``column`` in the row whose first cell is ``key``."""
        rows = self.rows(rel)
        index = rows[0].index(column)
        matches = [row for row in rows[1:] if row[0] == key]
        assert matches, f"no row {key} in {rel}"
        matches[0][index] = value
        self.write(rel, _csv(rows))

    def drop_column(self, rel: str, column: str) -> None:
        rows = self.rows(rel)
        index = rows[0].index(column)
        self.write(rel, _csv([row[:index] + row[index + 1 :] for row in rows]))

    def add_column(self, rel: str, column: str, value: str) -> None:
        self.write(rel, _csv([rows + [column if i == 0 else value] for i, rows in enumerate(self.rows(rel))]))

    def edit_package(self, edit) -> None:
        path = self.data / "datapackage.json"
        descriptor = json.loads(path.read_text(encoding="utf-8"))
        edit(descriptor)
        path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")

    def copy_to(self, root: Path) -> "Pkg":
        shutil.copytree(self.root, root)
        return Pkg(root)


@pytest.fixture
def pkg(tmp_path: Path) -> Pkg:
    """A fresh valid package in tmp_path/data + tmp_path/seeds."""
    return Pkg(tmp_path / "pkg").build()


# --------------------------------------------------------------------------
# CI runs everything: a skipped test there is a failure


def _skip_fails_in_ci(report) -> None:
    from browser import in_ci

    if in_ci() and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        reason = reason.removeprefix("Skipped: ")
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where every test must run ({reason})"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    _skip_fails_in_ci(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    _skip_fails_in_ci(outcome.get_result())


# --------------------------------------------------------------------------
# the browser tests: one Chromium and one app server per data directory, for the whole session


@pytest.fixture(scope="session")
def chromium():
    """Headless Chromium (see browser.launch); skips without one, except in CI, where that fails."""
    from playwright.sync_api import sync_playwright

    from browser import in_ci, launch

    with sync_playwright() as playwright:
        try:
            instance = launch(playwright)
        except LookupError as exc:
            if in_ci():
                pytest.fail(f"CI must run the browser tests: {exc}")
            pytest.skip(str(exc))
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture(scope="session")
def app_server():
    """The app on the shipped data/ and seeds/."""
    from browser import AppServer

    server = AppServer("shipped")
    yield server
    server.stop()


def _shipped_rows(name: str) -> list[dict[str, str]]:
    """The rows of a shipped table as text; none when there is no shipped data beside this file (a copy elsewhere)."""
    path = REPO / "data" / f"{name}.csv"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _hostile_rows() -> tuple[str, dict[str, str]]:
    """A seed, and two of its rows that the pages show, chosen from the shipped data (not fixed ids the curators may
    change): a sanctions position in the default view (from 2022, or undated) and a territorial claim (the map's
    border lists those)."""
    sanctions = [r for r in _shipped_rows("sanctions_stance") if not r["date_to"] or r["date_to"] >= "2022-01-01"]
    claims = [r for r in _shipped_rows("statehood_rhetoric") if r["claim"] == "territorial claim"]
    for seed in sorted({r["source_id"] for r in sanctions} & {r["source_id"] for r in claims}):
        position = next(r for r in sanctions if r["source_id"] == seed)
        claim = next(r for r in claims if r["source_id"] == seed)
        return seed, {"sanctions_stance": position["id"], "statehood_rhetoric": claim["id"]}
    # no such pair (or no data here): the tests that use them then fail on what the page does not show
    return "S000", {"sanctions_stance": "SS001", "statehood_rhetoric": "SR001"}


#: the broken copy: one bad cell in events.csv (its first row), and quotes that hold HTML and markdown (shown as text,
#: never run or rendered)
BROKEN_EVENT, BROKEN_ROW = next((r["id"] for r in _shipped_rows("events")), "EV001"), 2
BROKEN_LINE = f"data/events.csv:{BROKEN_ROW}:stance: 7 is above the maximum 2"
HOSTILE_SEED, HOSTILE_ROWS = _hostile_rows()
HOSTILE_QUOTE = "A placard read <script>alert(1)</script> and *[click](http://example.com)* outside the akimat."


@pytest.fixture(scope="session")
def broken_server(tmp_path_factory):
    """The app on a copy of the shipped data with a broken events table, and quotes holding a <script> tag and markdown."""
    from browser import AppServer, copy_shipped_data

    pkg = Pkg(tmp_path_factory.mktemp("broken"))
    data_dir, _ = copy_shipped_data(pkg.root)
    pkg.set_cell("data/events.csv", BROKEN_EVENT, "stance", "7")
    # the quote must be in its seed verbatim, and the seed must match its checksum
    provenance = {row[0]: row for row in pkg.rows("seeds/provenance.csv")}
    header = provenance["source_id"]
    seed_file = provenance[HOSTILE_SEED][header.index("file")]
    text = pkg.read(f"seeds/{seed_file}") + "\n" + HOSTILE_QUOTE + "\n"
    pkg.write(f"seeds/{seed_file}", text)
    pkg.set_cell("seeds/provenance.csv", HOSTILE_SEED, "sha256", hashlib.sha256(text.encode("utf-8")).hexdigest())
    for table, row in HOSTILE_ROWS.items():
        pkg.set_cell(f"data/{table}.csv", row, "quote", HOSTILE_QUOTE)
    server = AppServer("broken", {"DASHBOARD_DATA_DIR": str(data_dir)})
    yield server
    server.stop()


@pytest.fixture
def page(chromium, request):
    """A fresh browser context and page (a new Streamlit session) with a Recorder at ``page.recorder``; its server is the
    test's ``app_server`` or ``broken_server`` fixture."""
    from browser import VIEWPORT, Recorder

    server = request.getfixturevalue("broken_server" if "broken_server" in request.fixturenames else "app_server")
    context = chromium.new_context(viewport=VIEWPORT, color_scheme=getattr(request, "param", "light"))
    tab = context.new_page()
    tab.recorder = Recorder(server.url).attach(tab)
    yield tab
    context.close()


# --------------------------------------------------------------------------
# a writable copy of the shipped data, for the curation, bundle and Curate page tests


@pytest.fixture
def project(tmp_path: Path):
    """A copy of the shipped data and seeds (the curation commands need the real declaration's lists)."""
    from dashboard import curate

    shutil.copytree(REPO / "data", tmp_path / "data", ignore=shutil.ignore_patterns(".history"))
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    return curate.open_package(tmp_path / "data", tmp_path / "seeds")


def snapshot(package) -> dict[str, str]:
    """Every file of the data and seeds directories (outside .history) -> its sha256."""
    from dashboard import curate

    out = {}
    for root in (package.data_dir, package.seeds_dir):
        for path in sorted(root.rglob("*")):
            if path.is_file() and curate.HISTORY_DIR not in path.parts:
                out[str(path.relative_to(root.parent))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


# --------------------------------------------------------------------------
# a page of the app under AppTest
#
# The pages are callables (st.Page(<view's main>)), not files, so AppTest.switch_page (which takes a file) cannot open
# them; AppTest has no address bar either. open_app runs the entry point as its script and, on the first run, sends the
# session to the page at url_path with st.switch_page, as a link would, carrying the query parameters set before it.


def _app_at(url_path: str) -> None:
    """AppTest's script (its source is copied into a file of its own, so it imports what it uses)."""
    import streamlit as st

    from dashboard import app, ui

    if url_path and not st.session_state.get("_test_opened_page"):
        st.session_state["_test_opened_page"] = True
        st.navigation(ui.app_pages(), position="hidden")
        params = {name: st.query_params.get_all(name) for name in st.query_params}  # every value of a repeated one
        st.switch_page(ui.page(url_path), query_params=params)
    app.main()


def open_app(url_path: str = "", *, timeout: float = 60):
    """An AppTest of the entry point that opens on the page at ``url_path`` ("" or the default page's url_path: the
    default page), not yet run: set ``at.query_params`` first if the page is opened with some, then ``at.run()``."""
    from streamlit.testing.v1 import AppTest

    return AppTest.from_function(_app_at, args=(url_path,), default_timeout=timeout)


def run_page(url_path: str, *, timeout: float = 90, **params: str):
    """The page at ``url_path`` opened with the query ``params`` and run once; fails on an exception the page drew."""
    at = open_app(url_path, timeout=timeout)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at
