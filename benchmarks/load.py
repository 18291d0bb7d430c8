"""Load: many viewers at once, through Streamlit's own websocket protocol, on loopback, bounded in count and time.

    python -m benchmarks load [--sessions N] [--seconds S] [--think A B] [--json PATH]

Each viewer is a coroutine that speaks the protocol the browser speaks: ``BackMsg`` protobufs up and ``ForwardMsg``
protobufs down on ``/_stcore/stream`` (the messages ``streamlit.proto`` ships), as Streamlit's own load tests do. It
renders nothing, so one process drives fifty viewers on a two-core machine and leaves the server the other core.

A viewer loops over the pages of ``dashboard/pages.py`` (each starting at a different one, the first at the stance
page) until the time is up:

* **page load**: open a new websocket (a new Streamlit session, as a new tab or a shared link does) and ask for the
  page (``rerun_script`` with its ``page_name``), timed until the run finishes (``script_finished``);
* on the stance page, **reruns**: move the credibility slider between 2 and 6 (a ``WidgetStates`` message with the
  slider's id, as the browser sends it), each timed until its run finishes; a move that leaves the page's text as it
  was is an error too (the move was lost);
* between actions it waits as a reader would (``--think``, uniform in seconds).

Errors are exceptions drawn by the app (``exception`` elements in its deltas), runs that end on a compile error,
timeouts and dropped connections. Memory is the resident set of the server and its children, sampled every half
second; each level has a fresh server, warmed by one session that loads every page first.

The levels are 1, 10, 25 and 50 sessions, up to ``--sessions`` (which is always a level). The targets at the top
level: no errors; p95 rerun at most 3 times the single session's; at most 5 MB of server memory per extra session.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import random
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.run import APP, Server

LEVELS = (1, 10, 25, 50)
MAX_SESSIONS = 100  # bounds, whatever is asked: this is a benchmark on a shared machine
MAX_SECONDS = 600
TIMEOUT_S = 60.0  # one page load or rerun; longer counts as an error
STANCE = "stance"
SLIDER_LABEL = "Minimum credibility"
CREDIBILITY = (2, 6)  # the slider's values in turn, from its default 6: 2 leaves rows out, so every move changes the page
RERUNS_PER_VISIT = 4
THINK_S = (1.0, 3.0)
TARGET_RERUN_RATIO = 3.0
TARGET_MB_PER_SESSION = 5.0
SERVER_FLAGS = ("--server.address=127.0.0.1", "--server.fileWatcherType=none")


def _run(main):
    """asyncio.run in a thread of its own, so the client also runs where an event loop is already running (a test
    session with Playwright's sync API open)."""
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, main).result()


def routes() -> list[str]:
    """The page names a viewer visits in turn, from the registry the app's navigation is built from ("" = default)."""
    from dashboard.pages import PAGES

    return [page.path for page in PAGES]


# --------------------------------------------------------------------------
# one session over the websocket


class LoadError(RuntimeError):
    """A run the viewer saw fail: ``kind`` is exception, compile_error, timeout or disconnect."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind


@dataclass
class Run:
    """What one script run sent: how long it took, the widgets it drew (label -> id) and the exceptions."""

    seconds: float
    widgets: dict[str, str] = field(default_factory=dict)
    exceptions: list[str] = field(default_factory=list)
    elements: int = 0
    texts: list[str] = field(default_factory=list)  # markdown bodies, in order: what the page says
    drawn: list[bytes] = field(default_factory=list)  # every element as sent (widgets with their options and bounds)
    error_boxes: list[str] = field(default_factory=list)  # st.error bodies: the problem panel, a section that failed


class Session:
    """One Streamlit session over ``/_stcore/stream``: a browser tab without the rendering."""

    def __init__(self, socket) -> None:
        self.socket = socket
        self.page_script_hash = ""
        self.query_string = ""
        self.widgets: dict[str, str] = {}  # label -> widget id
        self.fragments: dict[str, str] = {}  # widget id -> the fragment that draws it (a change reruns only that)

    @classmethod
    async def open(cls, port: int) -> "Session":
        from websockets.asyncio.client import connect

        socket = await connect(f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"], max_size=None,
                               open_timeout=TIMEOUT_S, ping_interval=None)
        return cls(socket)

    async def close(self) -> None:
        await self.socket.close()

    async def run(self, page_name: str | None = None, widgets: dict[str, float] | None = None,
                  timeout: float = TIMEOUT_S) -> Run:
        """Ask for a run (a page by name, or a rerun of this page with the given slider values) and wait for it to
        finish; runs that end early for another run (``st.rerun``) are part of it. A slider drawn in a fragment reruns
        only its fragment, as in the browser."""
        from streamlit.proto.BackMsg_pb2 import BackMsg

        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query_string
        if page_name is not None:
            state.page_name = page_name
        else:
            state.page_script_hash = self.page_script_hash
        for widget_id, value in (widgets or {}).items():
            state.fragment_id = self.fragments.get(widget_id, "")
            widget = state.widget_states.widgets.add()
            widget.id = widget_id
            widget.double_array_value.data.append(value)
        from websockets.exceptions import ConnectionClosed

        started = time.perf_counter()
        try:
            await self.socket.send(message.SerializeToString())
        except ConnectionClosed as exc:
            raise LoadError("disconnect", str(exc)) from None
        try:
            run = await asyncio.wait_for(self._until_finished(), timeout)
        except asyncio.TimeoutError:
            raise LoadError("timeout", f"no script_finished within {timeout:.0f} s") from None
        run.seconds = time.perf_counter() - started
        return run

    async def _until_finished(self) -> Run:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        from websockets.exceptions import ConnectionClosed

        run = Run(0.0)
        while True:
            try:
                raw = await self.socket.recv()
            except ConnectionClosed as exc:
                raise LoadError("disconnect", str(exc)) from None
            message = ForwardMsg()
            message.ParseFromString(raw)
            kind = message.WhichOneof("type")
            if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                element = message.delta.new_element
                run.elements += 1
                what = element.WhichOneof("type")
                if what == "download_button":  # a new file id each run: the rest is what was drawn
                    element.download_button.ClearField("deferred_file_id")
                    element.download_button.ClearField("url")
                run.drawn.append(element.SerializeToString(deterministic=True))
                if what == "exception":
                    run.exceptions.append(f"{element.exception.type}: {element.exception.message}"[:200])
                elif what == "markdown":
                    run.texts.append(element.markdown.body)
                elif what == "alert" and element.alert.format == element.alert.ERROR:
                    run.error_boxes.append(element.alert.body)
                elif what == "slider":
                    run.widgets[element.slider.label] = element.slider.id
                    self.fragments[element.slider.id] = message.delta.fragment_id
            elif kind == "navigation":
                self.page_script_hash = message.navigation.page_script_hash
            elif kind == "page_info_changed":
                self.query_string = message.page_info_changed.query_string
            elif kind == "script_finished":
                status = message.script_finished
                if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    raise LoadError("compile_error", "the script did not compile")
                if status in (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY):
                    self.widgets.update(run.widgets)
                    return run


# --------------------------------------------------------------------------
# a level: N viewers for S seconds


@dataclass
class Tally:
    loads: list[float] = field(default_factory=list)
    reruns: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)

    def error(self, kind: str, detail: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1
        if len(self.examples) < 5:
            self.examples.append(f"{kind}: {detail}"[:240])

    def check(self, run: Run, what: str) -> None:
        for text in run.exceptions:
            self.error("exception", f"{what}: {text}")


async def viewer(index: int, port: int, deadline: float, tally: Tally, think: tuple[float, float], rng: random.Random) -> None:
    from websockets.exceptions import InvalidHandshake

    pages = routes()
    step = pages.index(STANCE) + index  # the first viewer starts where the reruns are, so even a short run has some
    while time.monotonic() < deadline:
        page = pages[step % len(pages)]
        step += 1
        session = None
        try:
            started = time.perf_counter()
            try:
                session = await Session.open(port)
            except (OSError, asyncio.TimeoutError, InvalidHandshake) as exc:
                raise LoadError("disconnect", f"connect: {exc}") from None
            run = await session.run(page_name=page)
            tally.loads.append(time.perf_counter() - started)  # from opening the websocket
            tally.check(run, f"load /{page}")
            if page == STANCE:
                slider = session.widgets.get(SLIDER_LABEL)
                if slider is None:
                    raise LoadError("exception", f"/{page} drew no '{SLIDER_LABEL}' slider")
                before = None  # a fragment's text, to compare with the next move's
                for move in range(RERUNS_PER_VISIT):  # a new session starts at the default, 6
                    await asyncio.sleep(rng.uniform(*think))
                    if time.monotonic() >= deadline:
                        break
                    value = CREDIBILITY[move % len(CREDIBILITY)]
                    run = await session.run(widgets={slider: float(value)})
                    tally.reruns.append(run.seconds)
                    tally.check(run, f"rerun /{page} cred={value}")
                    if run.texts == before:  # the move was lost
                        tally.error("unchanged", f"rerun /{page} cred={value} drew the same text as before")
                    before = run.texts
            await asyncio.sleep(rng.uniform(*think))
        except LoadError as exc:
            tally.error(exc.kind, f"/{page}: {exc}")
        finally:
            if session is not None:
                try:
                    await session.close()
                except Exception:  # noqa: BLE001 - the server may be gone; the error is counted already
                    pass


class Sampler:
    """The resident memory of a process and its children, sampled in a thread; ``peak`` in MB."""

    def __init__(self, pid: int, every: float = 0.5) -> None:
        import psutil

        self.process = psutil.Process(pid)
        self.every = every
        self.peak = self.now()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def now(self) -> float:
        import psutil

        total = 0
        for process in (self.process, *self.process.children(recursive=True)):
            try:
                total += process.memory_info().rss
            except psutil.Error:
                pass
        return total / 2**20

    def _loop(self) -> None:
        while not self._stop.wait(self.every):
            self.peak = max(self.peak, self.now())

    def __enter__(self) -> "Sampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.now())


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100): a value that was measured."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


async def warm_up(port: int) -> None:
    """One session loads every page once: imports, the tables and the per-filter caches are then in place."""
    for page in routes():
        session = await Session.open(port)
        try:
            await session.run(page_name=page, timeout=180)
        finally:
            await session.close()


def level(sessions: int, seconds: float, think: tuple[float, float], seed: int = 14) -> dict:
    """N viewers on a fresh server for ``seconds`` (actions start until then; one in flight finishes)."""
    with Server(APP, args=SERVER_FLAGS) as server:
        assert server.process is not None
        _run(warm_up(server.port))
        sampler = Sampler(server.process.pid)
        baseline = sampler.now()
        tally = Tally()
        cpu_before = sampler.process.cpu_times()
        client_before = time.process_time()
        started = time.monotonic()

        async def viewers() -> None:
            deadline = time.monotonic() + seconds
            await asyncio.gather(*(viewer(i, server.port, deadline, tally, think, random.Random(seed * 1000 + i))
                                   for i in range(sessions)))

        with sampler:
            _run(viewers())
        wall = time.monotonic() - started
        cpu_after = sampler.process.cpu_times()
        server_cpu = (cpu_after.user + cpu_after.system - cpu_before.user - cpu_before.system) / wall
        client_cpu = (time.process_time() - client_before) / wall
    return {
        "sessions": sessions,
        "seconds": round(wall, 1),
        "errors": sum(tally.errors.values()),
        "error_kinds": tally.errors,
        "error_examples": tally.examples,
        "loads": len(tally.loads),
        "load_p50_s": percentile(tally.loads, 50),
        "load_p95_s": percentile(tally.loads, 95),
        "reruns": len(tally.reruns),
        "rerun_p50_s": percentile(tally.reruns, 50),
        "rerun_p95_s": percentile(tally.reruns, 95),
        "rss_mb": round(sampler.peak, 1),
        "rss_baseline_mb": round(baseline, 1),
        "server_cpu": round(server_cpu, 2),  # cores busy, on average
        "client_cpu": round(client_cpu, 2),
    }


def levels_for(top: int) -> list[int]:
    return sorted({n for n in LEVELS if n < top} | {top})


def run(top: int, seconds: float, think: tuple[float, float], log=print) -> dict:
    results: dict = {
        "machine": f"{platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()} · {platform.platform()}",
        "client": "Streamlit websocket protocol (streamlit.proto BackMsg/ForwardMsg over /_stcore/stream, websockets)",
        "seconds": seconds,
        "think_s": list(think),
        "reruns_per_stance_visit": RERUNS_PER_VISIT,
        "levels": [],
    }
    for n in levels_for(top):
        log(f"load: {n} session{'s' * (n != 1)} for {seconds:g} s …", file=sys.stderr)
        results["levels"].append(level(n, seconds, think))
    single = results["levels"][0]
    for entry in results["levels"]:
        extra = entry["sessions"] - single["sessions"]
        entry["mb_per_extra_session"] = round((entry["rss_mb"] - single["rss_mb"]) / extra, 2) if extra else None
    results["targets"] = targets(results)
    return results


def targets(results: dict) -> dict:
    """The issue's targets at the top level, each with the figure and whether it was met."""
    single, top = results["levels"][0], results["levels"][-1]
    ratio = (top["rerun_p95_s"] / single["rerun_p95_s"]) if top["rerun_p95_s"] and single["rerun_p95_s"] else None
    per = top.get("mb_per_extra_session")
    return {
        "sessions": top["sessions"],
        "no_errors": {"errors": top["errors"], "ok": top["errors"] == 0},
        "rerun_p95_ratio": {"ratio": ratio, "target": TARGET_RERUN_RATIO, "ok": ratio is not None and ratio <= TARGET_RERUN_RATIO},
        "mb_per_extra_session": {"mb": per, "target": TARGET_MB_PER_SESSION, "ok": per is not None and per <= TARGET_MB_PER_SESSION},
    }


def _s(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f} s"


def table(results: dict) -> str:
    lines = [
        f"Machine: {results['machine']}; {results['seconds']:g} s per level, think time {results['think_s'][0]:g}–{results['think_s'][1]:g} s; "
        "a fresh, warmed server per level.",
        "",
        "| sessions | page loads | load p50 | load p95 | reruns | rerun p50 | rerun p95 | errors | server RSS (peak) | per extra session | server CPU |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for e in results["levels"]:
        per = "" if e["mb_per_extra_session"] is None else f"{e['mb_per_extra_session']:.2f} MB"
        lines.append(f"| {e['sessions']} | {e['loads']} | {_s(e['load_p50_s'])} | {_s(e['load_p95_s'])} | {e['reruns']} | "
                     f"{_s(e['rerun_p50_s'])} | {_s(e['rerun_p95_s'])} | {e['errors']} | {e['rss_mb']:.0f} MB | {per} | "
                     f"{e['server_cpu']:.2f} cores |")
    t = results["targets"]
    mark = lambda ok: "ok" if ok else "MISSED"  # noqa: E731
    ratio = t["rerun_p95_ratio"]["ratio"]
    per = t["mb_per_extra_session"]["mb"]
    lines += [
        "",
        f"| target at {t['sessions']} sessions | figure | target | result |",
        "| --- | ---: | --- | --- |",
        f"| errors | {t['no_errors']['errors']} | 0 | {mark(t['no_errors']['ok'])} |",
        f"| p95 rerun vs one session's | {'n/a' if ratio is None else f'{ratio:.2f}×'} | ≤ {TARGET_RERUN_RATIO:g}× | {mark(t['rerun_p95_ratio']['ok'])} |",
        f"| server memory per extra session | {'n/a' if per is None else f'{per:.2f} MB'} | ≤ {TARGET_MB_PER_SESSION:g} MB | "
        f"{mark(t['mb_per_extra_session']['ok'])} |",
    ]
    for e in results["levels"]:
        for example in e["error_examples"]:
            lines.append(f"\n{e['sessions']} sessions, error: {example}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks load", description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=LEVELS[-1],
                        help=f"the top level; the levels are {', '.join(map(str, LEVELS))} up to it (default {LEVELS[-1]}, at most {MAX_SESSIONS})")
    parser.add_argument("--seconds", type=float, default=60, help=f"how long each level runs (default 60, at most {MAX_SECONDS})")
    parser.add_argument("--think", type=float, nargs=2, default=THINK_S, metavar=("MIN", "MAX"),
                        help=f"a viewer's pause between actions, uniform (default {THINK_S[0]:g} {THINK_S[1]:g} s)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    if not 1 <= args.sessions <= MAX_SESSIONS:
        parser.error(f"--sessions must be 1 to {MAX_SESSIONS}")
    if not 0 < args.seconds <= MAX_SECONDS:
        parser.error(f"--seconds must be above 0 and at most {MAX_SECONDS}")
    think = (max(0.0, min(args.think)), max(0.0, max(args.think)))
    results = run(args.sessions, args.seconds, think)
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0
