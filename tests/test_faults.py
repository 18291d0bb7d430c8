"""Faults under a running app: a table rewritten or broken, a seed file removed, while sessions are open.

One server for the module, on a copy of the shipped data (``$DASHBOARD_DATA_DIR``), driven over Streamlit's own
websocket protocol by the load benchmark's client (``benchmarks.load.Session``: what a browser sends and receives,
without the rendering), so every element a run draws can be compared exactly. Each test restores the copy after it.
The server restarting under an open browser is in ``test_browser_faults.py``.
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import threading
import time
from pathlib import Path

import pytest

from benchmarks.load import Run, Session
from browser import AppServer, app_pages, copy_shipped_data

PAGES = [page.path for page in app_pages()]
STANCE = "stance"
SLIDER = "Minimum credibility"
QUERY = "cred=2"  # a view whose text depends on the events: keep grades 1 and 2


def _run(main):
    """asyncio.run in a thread of its own: Playwright's sync API (the browser tests' session fixture) keeps an event
    loop running on the main thread, and asyncio.run refuses to start under it."""
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, main).result()


class Live:
    def __init__(self, server: AppServer, data_dir: Path, seeds_dir: Path) -> None:
        self.server, self.data, self.seeds = server, data_dir, seeds_dir
        self.port = server.port

    def snapshot(self) -> dict[Path, bytes]:
        return {path: path.read_bytes() for folder in (self.data, self.seeds) for path in folder.iterdir() if path.is_file()}


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> Live:
    data_dir, seeds_dir = copy_shipped_data(tmp_path_factory.mktemp("faults"))
    server = AppServer("faults", {"DASHBOARD_DATA_DIR": str(data_dir)})
    yield Live(server, data_dir, seeds_dir)
    server.stop()


@pytest.fixture
def app(live: Live) -> Live:
    """The live app; whatever the test changed in the data is put back afterwards (atomically, as it was changed)."""
    before = live.snapshot()
    yield live
    for path in set(live.snapshot()) - set(before):
        path.unlink()
    for path, content in before.items():
        if not path.exists() or path.read_bytes() != content:
            replace(path, content)


def replace(path: Path, content: str | bytes) -> None:
    """Write ``path`` as a curator's tool should: a temporary file beside it, then one rename."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    os.replace(temporary, path)


def rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def as_csv(table: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(table)
    return out.getvalue()


def events_until(path: Path, last: str) -> str:
    """events.csv without the acts dated after ``last``: still valid, and the stance page's date bounds move."""
    table = rows(path)
    date_to = table[0].index("date_to")
    return as_csv([table[0]] + [row for row in table[1:] if row[date_to] <= last])


async def visit(port: int, page: str, query: str = "") -> Run:
    """A new session (a new tab) on ``page`` with ``query``: what it draws, whole."""
    session = await Session.open(port)
    session.query_string = query
    try:
        return await session.run(page_name=page)
    finally:
        await session.close()


def drawn(port: int, page: str, query: str = "") -> Run:
    return _run(visit(port, page, query))


def shown(run: Run) -> list[bytes]:
    """The elements as drawn, with widgets reduced to what the data decides (label, bounds, options, default): the
    value a widget holds comes from the session (the browser's state, or the URL for a new one), and what it selects
    shows in the text and charts, which are compared whole."""
    from streamlit.proto.Element_pb2 import Element

    out = []
    for raw in run.drawn:
        element = Element()
        element.ParseFromString(raw)
        widget = getattr(element, element.WhichOneof("type"))
        fields = {f.name for f in widget.DESCRIPTOR.fields}
        if {"set_value", "value"} <= fields:
            widget.ClearField("value")
            widget.ClearField("set_value")
            element.ClearField("has_one_shot_effect")
        out.append(element.SerializeToString(deterministic=True))
    return out


def assert_works(run: Run, page: str) -> None:
    assert run.exceptions == [], (page, run.exceptions)
    assert not any("Traceback" in text for text in run.texts + run.error_boxes), page
    assert not any("could not be drawn" in box for box in run.error_boxes), (page, run.error_boxes)


# --------------------------------------------------------------------------
# a table rewritten while sessions are open


def test_a_rewritten_table_reaches_an_open_session_on_its_next_rerun_whole(app: Live) -> None:
    events = app.data / "events.csv"
    old = drawn(app.port, STANCE, QUERY)
    new_text = events_until(events, "2022-08-31")

    async def scenario() -> tuple[Run, Run]:
        viewer = await Session.open(app.port)
        try:
            await viewer.run(page_name=STANCE)
            slider = viewer.widgets[SLIDER]
            first = await viewer.run(widgets={slider: 2.0})  # a filter change reruns the stance fragment only
            await viewer.run(widgets={slider: 6.0})
            replace(events, new_text)
            viewer.query_string = QUERY  # as the browser has it after the next move
            return first, await viewer.run(widgets={slider: 2.0})
        finally:
            await viewer.close()

    before, after = _run(scenario())
    new = drawn(app.port, STANCE, QUERY)
    assert new.drawn != old.drawn and new.texts != old.texts  # the rewrite shows on the page
    assert before.texts and set(before.texts) <= set(old.texts)  # before it, the old data
    # after it: the whole page again, element for element as a new session draws the new data (the filters' bounds
    # from the new table too, not the old page's bounds around the new chart)
    assert shown(after) == shown(new)


def test_runs_while_a_table_is_replaced_again_and_again_draw_the_old_or_the_new_never_a_mix(app: Live) -> None:
    events = app.data / "events.csv"
    versions = [events.read_text(encoding="utf-8"), events_until(events, "2022-08-31")]
    pages = {}
    for index, text in enumerate(versions):
        replace(events, text)
        pages[index] = drawn(app.port, STANCE, QUERY).drawn
    assert pages[0] != pages[1]
    stop = threading.Event()
    flips = []

    def curator() -> None:  # rewrites the table every 50 ms until the viewers are done (at most 60 s)
        deadline = time.monotonic() + 60
        while not stop.is_set() and time.monotonic() < deadline:
            replace(events, versions[len(flips) % 2])
            flips.append(time.monotonic())
            stop.wait(0.05)

    async def viewers() -> list[Run]:
        async def one() -> list[Run]:  # at least three visits, and on until the table has been replaced 12 times
            out = []
            while len(out) < 3 or (len(flips) < 12 and len(out) < 40):
                out.append(await visit(app.port, STANCE, QUERY))
            return out

        return [run for runs in await asyncio.gather(one(), one()) for run in runs]

    writer = threading.Thread(target=curator)
    writer.start()
    try:
        runs = _run(viewers())
    finally:
        stop.set()
        writer.join()
    assert len(flips) > 10
    for run in runs:
        assert_works(run, STANCE)
        assert run.drawn in (pages[0], pages[1])


# --------------------------------------------------------------------------
# a table made invalid while the app runs


def test_a_table_made_invalid_shows_the_panel_on_the_next_rerun_and_the_other_pages_keep_working(app: Live) -> None:
    events = app.data / "events.csv"
    table = rows(events)
    stance = table[0].index("stance")
    table[1][stance] = "7"
    line = "data/events.csv:2:stance: 7 is above the maximum 2"

    async def scenario() -> Run:
        viewer = await Session.open(app.port)
        try:
            await viewer.run(page_name=STANCE)
            replace(events, as_csv(table))
            return await viewer.run(widgets={viewer.widgets[SLIDER]: 2.0})
        finally:
            await viewer.close()

    open_session = _run(scenario())
    assert_works(open_session, STANCE)
    assert len(open_session.error_boxes) == 1 and line in open_session.error_boxes[0]
    for page in PAGES:
        run = drawn(app.port, page)
        assert_works(run, page)
        assert len(run.error_boxes) == 1 and line in run.error_boxes[0], (page, run.error_boxes)


def test_the_panel_goes_once_the_table_is_valid_again(app: Live) -> None:
    events = app.data / "events.csv"
    good = events.read_bytes()
    table = rows(events)
    table[1][table[0].index("stance")] = "7"
    replace(events, as_csv(table))
    assert len(drawn(app.port, STANCE).error_boxes) == 1
    replace(events, good)
    fixed = drawn(app.port, STANCE)
    assert fixed.error_boxes == [] and fixed.exceptions == []


# --------------------------------------------------------------------------
# a seed file removed at run time


def test_a_removed_seed_file_is_named_and_every_page_keeps_working(app: Live) -> None:
    provenance = rows(app.seeds / "provenance.csv")
    file_column = provenance[0].index("file")
    row, seed_file = len(provenance), provenance[-1][file_column]  # the last seed (row numbers count the header as 1)
    line = f"seeds/provenance.csv:{row}:file: seed file {seed_file} not found in seeds/"
    (app.seeds / seed_file).unlink()
    for page in PAGES:
        run = drawn(app.port, page)
        assert_works(run, page)
        assert len(run.error_boxes) == 1 and line in run.error_boxes[0], (page, run.error_boxes)
