"""The benchmark's own pieces, cheaply: the floor apps run, every page has a floor, the table renders.

The benchmark itself is never run here (it is not a timed test); see ``python -m benchmarks``.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from benchmarks import run
from dashboard.pages import PAGES


def test_floor_apps_run_and_the_chart_slider_changes_the_caption() -> None:
    for name in ("bare", "bare_altair", "bare_pydeck"):
        at = AppTest.from_file(str(run.FLOOR_APPS[name]), default_timeout=60).run()
        assert not at.exception, (name, [e.value for e in at.exception])
    at = AppTest.from_file(str(run.FLOOR_APPS["bare_altair"]), default_timeout=60).run()
    before = at.caption[0].value
    at.select_slider[0].set_value(1).run()
    assert at.caption[0].value != before  # the benchmark sees a redraw by this text changing


def test_every_page_has_a_floor_app() -> None:
    assert {run.floor_of(page.url_path) for page in PAGES} <= set(run.FLOOR_APPS)
    assert run.floor_of("map") == "bare_pydeck"


def test_table_renders_every_target() -> None:
    page = {"median_s": 1.2, "bare_median_s": 0.6, "ratio": 2.0, "floor": "bare_altair", "floor_median_s": 1.0, "floor_ratio": 1.2,
            "drawn": {"charts": 0, "maps": 0}}
    results = {
        "machine": "test", "reps": 1, "http_cache": "warm",
        "floors": {"bare": {"median_s": 0.6, "rerun_ms": 3.0}, "bare_altair": {"median_s": 1.0, "rerun_ms": 40.0},
                   "bare_pydeck": {"median_s": 1.1}, "slider": {"median_s": 0.2}},
        "pages": {"method": page, "map": {**page, "median_s": None, "ratio": None, "floor_ratio": None, "floor": "bare_pydeck",
                                          "error": "map: TypeError", "drawn": None}},
        "interaction": {"median_s": 0.4, "bare_median_s": 0.1, "ratio": 4.0, "floor": "slider", "floor_median_s": 0.2, "floor_ratio": 2.0},
        "rerun_ms": {"method": 45.0, "map": None},
        "scale": {"rows": 100_000, "first_load_s": 2.5, "load_tables_s": None, "stance_load_s": 1.0, "interaction_median_s": 0.5,
                  "real_interaction_median_s": 0.4, "ratio": 1.25, "max_chart_bytes": None},
        "brief_s": {"cold": 3.0, "warm": 1.9}, "check_s": {"cold": None, "warm": None},
        "memory_mb": {"one_session": 250.0, "ten_sessions": 260.0, "per_extra_session": 1.1},
    }
    text = run.table(results)
    assert "| page `method` first full render | 1.20 s | 1.00 s (`bare_altair`) | 1.20 | ≤ 1.3 (stretch 1.15) | ok |" in text
    assert "| page `method` (no chart or map) vs the bare page |" in text
    assert "| page `map` first full render | broken | 1.00 s (`bare_pydeck`) | n/a |" in text
    assert "| 2.00 | ≤ 1.5 | MISSED |" in text  # the filter change against the slider floor
    assert "| server rerun of `method`, nothing changed | 45 ms |" in text and "| server rerun of `map`, nothing changed | failed |" in text
    assert "| data check (`python -m dashboard check`) | failed | | | | MISSED |" in text
