"""Profile one page load or one filter change: where the time goes, in the browser and on the server.

    python -m benchmarks.profile [--page map] [--floor bare_pydeck] [--slider] [--reps 3] [--py-spy] [--out DIR]

Not a benchmark (no targets, no ratio): a diagnosis of what bounds a measure. For the page (and its floor, loaded
alternately in the same browser with a warm HTTP cache, as ``python -m benchmarks`` does) it records, per load:

* a timeline: navigation to the first websocket frame, to the last frame, and to "done" (``benchmarks.run.READY``);
  the part after the last frame is the browser's own (parse, lay out, draw), the part before it is mostly the server;
* the websocket frames' count and bytes (the largest one too);
* Chromium's ``Performance.getMetrics`` deltas: script, layout, style and task time on the page's main thread;
* a JavaScript CPU profile (CDP ``Profiler``, 200 µs sampling): self time by script (bundle chunk) and by function;
* with ``--py-spy``: ``py-spy record`` on the Streamlit server process during the loads, folded stacks summarised
  by the project's own functions (``dashboard/``) and by Streamlit's.

``--slider`` profiles the page's first slider moved between its ends instead of the load (the filter change).
Everything goes to ``--out`` (``profile.json`` and the raw py-spy stacks) and a summary to stdout.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import time
from pathlib import Path

from benchmarks import run

SAMPLING_US = 200


def _cpu_summary(profile: dict, top: int = 25) -> dict:
    """Self time (ms) by script URL and by function of a CDP CPU profile."""
    nodes = {n["id"]: n for n in profile["nodes"]}
    deltas = profile.get("timeDeltas") or []
    self_us: collections.Counter = collections.Counter()
    for sample, delta in zip(profile.get("samples", [])[1:], deltas[1:]):
        self_us[sample] += delta
    by_url: collections.Counter = collections.Counter()
    by_fn: collections.Counter = collections.Counter()
    for node_id, us in list(self_us.items()):
        frame = nodes[node_id]["callFrame"]
        if frame.get("functionName") == "(idle)":  # waiting (for the server, a timer): not the page's work
            del self_us[node_id]
            continue
        url = frame.get("url", "").rsplit("/", 1)[-1] or frame.get("functionName") or "(native)"
        name = frame.get("functionName") or "(anonymous)"
        by_url[url] += us
        by_fn[f"{name} @ {url}:{frame.get('lineNumber', 0) + 1}"] += us
    total = sum(self_us.values())
    return {
        "total_ms": total / 1000,
        "by_script_ms": {k: round(v / 1000, 1) for k, v in by_url.most_common(top)},
        "by_function_ms": {k: round(v / 1000, 1) for k, v in by_fn.most_common(top)},
    }


METRICS = ("ScriptDuration", "LayoutDuration", "RecalcStyleDuration", "TaskDuration", "JSHeapUsedSize")


def _metrics(cdp) -> dict[str, float]:
    return {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"] if m["name"] in METRICS}


def profile_load(context, url: str, slider: bool = False) -> dict:
    """One load (or one slider move after a load) in a new tab of ``context``: timeline, frames, metrics, CPU profile."""
    page = context.new_page()
    frames: list[tuple[float, int]] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append((time.perf_counter(), len(payload)))))
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable")
    cdp.send("Profiler.enable")
    cdp.send("Profiler.setSamplingInterval", {"interval": SAMPLING_US})
    if slider:
        page.goto(url, wait_until="commit")
        run.wait_done(page)
        page.bring_to_front()
        frames.clear()
    before = _metrics(cdp)
    cdp.send("Profiler.start")
    start = time.perf_counter()
    if slider:
        thumb = page.locator('[data-testid="stSlider"] input[type="range"]').first
        text = page.evaluate(run.RENDERED_TEXT)
        thumb.press("Home" if thumb.get_attribute("value") != thumb.get_attribute("min") else "End")
        page.wait_for_function(f"(before) => ({run.RENDERED_TEXT})() !== before && ({run.READY})()", arg=text, polling=10)
    else:
        page.goto(url, wait_until="commit")
        run.wait_done(page)
    done = time.perf_counter()
    cpu = cdp.send("Profiler.stop")["profile"]
    after = _metrics(cdp)
    page.close()
    sizes = [n for _, n in frames]
    return {
        "done_s": done - start,
        "first_frame_s": frames[0][0] - start if frames else None,
        "last_frame_s": frames[-1][0] - start if frames else None,
        "after_last_frame_s": done - frames[-1][0] if frames else None,
        "frames": len(frames),
        "frame_bytes": sum(sizes),
        "largest_frame_bytes": max(sizes, default=0),
        "metrics_s": {k: round(after[k] - before.get(k, 0), 4) for k in after if k != "JSHeapUsedSize"},
        "cpu": _cpu_summary(cpu),
    }


def _merge(runs: list[dict]) -> dict:
    """Medians of the scalar figures, and the CPU tables summed over the runs then divided by their number."""
    out: dict = {}
    for key in ("done_s", "first_frame_s", "last_frame_s", "after_last_frame_s", "frames", "frame_bytes", "largest_frame_bytes"):
        values = [r[key] for r in runs if r[key] is not None]
        out[key] = statistics.median(values) if values else None
    out["metrics_s"] = {k: statistics.median(r["metrics_s"][k] for r in runs) for k in runs[0]["metrics_s"]}
    for table in ("by_script_ms", "by_function_ms"):
        summed: collections.Counter = collections.Counter()
        for r in runs:
            summed.update(r["cpu"][table])
        out[table] = {k: round(v / len(runs), 1) for k, v in summed.most_common(20)}
    out["cpu_total_ms"] = statistics.median(r["cpu"]["total_ms"] for r in runs)
    return out


def _py_spy_summary(raw: Path, top: int = 30) -> dict:
    """Folded stacks -> samples by the innermost project function (dashboard/) and by innermost frame overall."""
    own: collections.Counter = collections.Counter()
    inner: collections.Counter = collections.Counter()
    total = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        inner[frames[-1]] += n
        mine = [f for f in frames if "dashboard/" in f or "benchmarks/" in f]
        own[mine[-1] if mine else "(no project frame: Streamlit, Tornado, idle)"] += n
    return {"samples": total, "by_innermost_project_frame": dict(own.most_common(top)), "by_innermost_frame": dict(inner.most_common(top))}


@contextlib.contextmanager
def py_spy(pid: int, raw: Path, enabled: bool):
    """py-spy record --format raw on ``pid`` while the block runs (idle threads left out)."""
    if not enabled:
        yield
        return
    exe = shutil.which("py-spy") or str(Path(os.sys.executable).with_name("py-spy"))
    proc = subprocess.Popen([exe, "record", "--pid", str(pid), "--format", "raw", "--output", str(raw), "--rate", "200",
                             "--nonblocking"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(1.0)  # py-spy attaches
    try:
        yield
    finally:
        proc.send_signal(2)  # SIGINT: py-spy writes its output and exits
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=20)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile", description=__doc__.splitlines()[0])
    parser.add_argument("--page", default="map", help="the dashboard page's url path (default: map)")
    parser.add_argument("--floor", help="floor app to profile alternately (default: the page's floor)")
    parser.add_argument("--slider", action="store_true", help="profile the first slider's move instead of the load")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--py-spy", action="store_true", help="also record the dashboard server with py-spy")
    parser.add_argument("--out", type=Path, default=Path("/tmp/p24-profile"))
    parser.add_argument("--env", action="append", default=[], help="KEY=VALUE for the dashboard server (e.g. DASHBOARD_DATA_DIR)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    floor = args.floor or run.floor_of(args.page)
    env = dict(item.split("=", 1) for item in args.env)
    results: dict = {"page": args.page, "floor": floor, "slider": args.slider, "reps": args.reps}
    with sync_playwright() as p, run.Server(run.APP, env=env) as dash, run.Server(run.FLOOR_APPS[floor]) as base:
        browser = run.launch(p)
        context = browser.new_context(viewport={"width": 1600, "height": 1000})
        page_url, floor_url = f"{dash.url}/{args.page}", base.url
        for url in (page_url, floor_url):  # warm-up: HTTP cache, server caches
            warm = context.new_page()
            warm.goto(url, wait_until="commit")
            run.wait_done(warm)
            warm.close()
        page_runs, floor_runs = [], []
        raw = args.out / f"py-spy-{args.page}{'-slider' if args.slider else ''}.txt"
        with py_spy(dash.process.pid, raw, args.py_spy):
            for _ in range(args.reps):
                page_runs.append(profile_load(context, page_url, args.slider))
                floor_runs.append(profile_load(context, floor_url, args.slider))
        browser.close()
    results["dashboard"], results["floor_app"] = _merge(page_runs), _merge(floor_runs)
    results["dashboard_runs"], results["floor_runs"] = page_runs, floor_runs
    if args.py_spy and raw.exists():
        results["py_spy"] = _py_spy_summary(raw)
    name = f"{args.page}{'-slider' if args.slider else ''}"
    (args.out / f"profile-{name}.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    for label, r in (("dashboard " + args.page, results["dashboard"]), ("floor " + floor, results["floor_app"])):
        print(f"== {label}: done {r['done_s']:.3f} s; first frame {r['first_frame_s'] or 0:.3f} s, last frame "
              f"{r['last_frame_s'] or 0:.3f} s, after the last frame {r['after_last_frame_s'] or 0:.3f} s; "
              f"{r['frames']:.0f} frames, {r['frame_bytes'] / 1000:.0f} KB (largest {r['largest_frame_bytes'] / 1000:.0f} KB); "
              f"JS self time {r['cpu_total_ms']:.0f} ms")
        print("   metrics (s):", {k: round(v, 3) for k, v in r["metrics_s"].items()})
        print("   by script (ms):", list(r["by_script_ms"].items())[:8])
        print("   by function (ms):")
        for fn, ms in list(r["by_function_ms"].items())[:12]:
            print(f"      {ms:8.1f}  {fn}")
    if "py_spy" in results:
        s = results["py_spy"]
        print(f"== py-spy on the dashboard server: {s['samples']} samples at 200 Hz")
        for fn, n in list(s["by_innermost_project_frame"].items())[:15]:
            print(f"   {n:6d}  {fn}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
