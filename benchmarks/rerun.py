"""Server rerun time of each page, in process with ``streamlit.testing.v1.AppTest``.

    python -m benchmarks.rerun [--reps N]

For every page of ``dashboard.pages.PAGES`` (and every floor app): run it
once (which fills the caches), then time ``at.run()`` again with nothing
changed, ``--reps`` times; print one JSON object, name -> median milliseconds,
on stdout. No browser: this is the server's share of a rerun (the script and
the delta messages it produces), without the network or the front end.
``benchmarks/run.py`` calls it in a fresh process so its caches start cold.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
APP = REPO / "dashboard" / "app.py"
FLOOR_SCRIPTS = {
    "bare": REPO / "benchmarks" / "bare_app.py",
    "bare_altair": REPO / "benchmarks" / "bare_altair.py",
    "bare_pydeck": REPO / "benchmarks" / "bare_pydeck.py",
}


def _open_page(url_path: str) -> None:
    """AppTest's script for one page of the app (its source is copied into a file of its own): the entry point, sent to
    the page at ``url_path`` on the first run with st.switch_page (a page is a callable, which AppTest.switch_page cannot
    open)."""
    import streamlit as st

    from dashboard import app, ui

    if not st.session_state.get("_benchmark_opened_page"):
        st.session_state["_benchmark_opened_page"] = True
        st.navigation(ui.app_pages(), position="hidden")
        st.switch_page(ui.page(url_path))
    app.main()


def rerun_ms(script: Path | None, reps: int, page: str | None = None, timeout: float = 180) -> float:
    """Median milliseconds of ``at.run()`` after a first run, for ``script``, or for the app's page at ``page``."""
    from streamlit.testing.v1 import AppTest

    if page is not None:
        at = AppTest.from_function(_open_page, args=(page,), default_timeout=timeout)
    else:
        at = AppTest.from_file(str(script), default_timeout=timeout)
    at.run()
    if at.exception:
        raise RuntimeError(f"{page or script.name}: {[e.value for e in at.exception]}")
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def measure(reps: int) -> dict[str, dict[str, float | None]]:
    from dashboard.pages import PAGES

    out: dict[str, dict[str, float | None]] = {"pages": {}, "floors": {}}
    for page in PAGES:
        try:
            out["pages"][page.url_path] = rerun_ms(None, reps, page.url_path)
        except Exception as exc:  # noqa: BLE001 - one failing page must not lose the others' figures
            print(f"  rerun of {page.url_path} failed: {exc}", file=sys.stderr)
            out["pages"][page.url_path] = None
    for name, script in FLOOR_SCRIPTS.items():
        out["floors"][name] = rerun_ms(script, reps)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.rerun", description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5, help="timed reruns per page after the first run (default 5)")
    args = parser.parse_args(argv)
    import streamlit.runtime.scriptrunner_utils.script_run_context as context

    # AppTest's "missing ScriptRunContext" warnings are noise here; disabled survives Streamlit resetting log levels
    logging.getLogger(context.__name__).disabled = True
    sys.path.insert(0, str(REPO))
    print(json.dumps(measure(max(1, args.reps))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
