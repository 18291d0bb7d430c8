"""The benchmark's own pieces, cheaply: the floor apps run, every page has a floor, the table renders.

The benchmark itself is never run here (it is not a timed test); see ``python -m benchmarks``. The load client
(``python -m benchmarks load``) runs once, with two sessions for a few seconds, as a smoke test: its figures are not
checked, only that it ran without errors and wrote them.
"""

from __future__ import annotations

import json

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


def test_load_runs_two_sessions_without_errors_and_writes_its_levels(tmp_path, capsys) -> None:
    """The load client itself, briefly (two fresh servers, a few seconds each): every page loads, every slider move
    reruns the stance page with a changed text, nothing fails, and --json holds one well-formed entry per level."""
    from benchmarks import load

    out = tmp_path / "load.json"
    assert load.main(["--sessions", "2", "--seconds", "3", "--think", "0.1", "0.3", "--json", str(out)]) == 0
    levels = json.loads(out.read_text(encoding="utf-8"))["levels"]
    assert [level["sessions"] for level in levels] == [1, 2]
    for level in levels:
        assert level["errors"] == 0, level["error_examples"]
        assert level["loads"] >= level["sessions"] and level["reruns"] >= 1, level
        for key in ("load_p50_s", "load_p95_s", "rerun_p50_s", "rerun_p95_s", "rss_mb"):
            assert isinstance(level[key], float) and level[key] > 0, (key, level)
        assert level["load_p50_s"] <= level["load_p95_s"] and level["rerun_p50_s"] <= level["rerun_p95_s"]
    assert levels[1]["mb_per_extra_session"] == round(levels[1]["rss_mb"] - levels[0]["rss_mb"], 2)
    assert "| errors | 0 | 0 | ok |" in capsys.readouterr().out


def test_load_percentile_is_a_measured_value() -> None:
    from benchmarks.load import percentile

    assert [percentile([3.0, 1.0, 2.0, 4.0], q) for q in (50, 95, 100)] == [2.0, 4.0, 4.0]
    assert percentile([], 50) is None
    assert percentile(list(map(float, range(1, 101))), 95) == 95.0


def test_load_levels_go_up_to_the_sessions_asked_for() -> None:
    from benchmarks.load import levels_for

    assert [levels_for(n) for n in (1, 2, 10, 30, 50)] == [[1], [1, 2], [1, 10], [1, 10, 25, 30], [1, 10, 25, 50]]


def test_scale_copy_is_a_valid_package(tmp_path) -> None:
    """The benchmark's resampled copy passes the checks (a table gaining a reference to events.id once made the
    100,000-event step fail and lose the run): every row loads, and a denial still answers a copied row."""
    from dashboard import data

    data_dir, seeds_dir = run.scale_copy(tmp_path, 2_000)
    tables = data.load_tables(data_dir, seeds_dir)
    assert not tables.problems, {name: [str(p) for p in problems[:3]] for name, problems in tables.problems.items()}
    events = tables.frames["events"]
    assert len(events) == 2_000
    answers = events["answers"].dropna() if "answers" in events else events.iloc[0:0]
    assert set(answers[answers != ""]) <= set(events["id"])
