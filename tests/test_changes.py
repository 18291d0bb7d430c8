"""The Changes page, run headless with AppTest, on a copy of the shipped data released and then edited as a curator
would: the counts, each added or changed row with its quote and seed, the ringed marks, and the view in the URL."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import data, releases
from dashboard.text import unescape
from dashboard.checks import check

from browser import copy_shipped_data
from conftest import REPO, open_app

APP = str(REPO / "dashboard" / "app.py")
ADDED = "EV999"
CORRECTION = "The seed's date is a day late (curator's test correction; Example News, 2 March 2022)."


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def curate(data_dir: Path) -> dict[str, str]:
    """A curator's edits to the events table, on rows chosen from the data (not fixed ids): a new scored event (a copy
    of a scored one under a new id and event key), a scored event moved to the first day of its interval, and a new
    correction on that row. Returns the ids."""
    path = data_dir / "events.csv"
    rows = _rows(path)
    # scored and dated in the chart's default view (from 2022), so that the ring can be seen
    scored = [r for r in rows if r["stance"] and r["act"] != "context" and r["date_from"] >= "2022-01-01"]
    keys = [r["event_key"] for r in rows]
    moved = next(r for r in scored if r["date_from"] < r["date_to"] and not r["correction"] and keys.count(r["event_key"]) == 1)
    template = next(r for r in scored if r is not moved)
    rows.append({**template, "id": ADDED, "event_key": "curator_test_added_event", "conflict_key": "", "correction": ""})
    moved["date_to"] = moved["date_from"]
    moved["correction"] = CORRECTION
    # a correction says what it corrects; a corrected date is dated from the record, which date_note names
    moved["corrects"], moved["refuted"] = "date", ""
    moved["date_source"], moved["date_note"] = "reference", "Example News, 2 March 2022, dates it to its first day."
    _write(path, rows)
    return {"added": ADDED, "moved": moved["id"], "added_quote": template["quote"], "moved_quote": moved["quote"]}


@pytest.fixture(scope="module")
def curated(tmp_path_factory) -> dict:
    """A copy of the shipped data with release ``base``, the curator's edits, then release ``after``."""
    root = tmp_path_factory.mktemp("changes")
    data_dir, seeds_dir = copy_shipped_data(root)
    releases.make_release(data_dir, seeds_dir, "base", today=dt.date(2026, 12, 1))
    ids = curate(data_dir)
    assert check(data_dir, seeds_dir) == []
    releases.make_release(data_dir, seeds_dir, "after", today=dt.date(2026, 12, 2))
    return {"data": data_dir, "seeds": seeds_dir, **ids}


@pytest.fixture
def on_copy(curated, monkeypatch):
    monkeypatch.setenv(data.DATA_ENV, str(curated["data"]))
    monkeypatch.setenv(data.SEEDS_ENV, str(curated["seeds"]))
    return curated


def open_changes(**params) -> AppTest:
    at = open_app("changes", timeout=120)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def texts(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_changes_from_the_url_show_counts_rows_quotes_and_ringed_marks(on_copy) -> None:
    at = open_changes(old="base", new="after")
    assert [s.value for s in at.selectbox] == ["base", "after"]
    assert metrics(at) == {"Rows added": "1", "Rows removed": "0", "Rows changed": "1"}
    counts = at.dataframe[0].value
    events = counts[counts["table"] == "events"].iloc[0]
    assert (events["added"], events["removed"], events["changed"]) == (1, 0, 1)
    assert counts["table"].tolist() == ["events"]  # only the tables that changed are listed
    shown = texts(at)
    assert f"**New row: {ADDED}**" in shown and f"**Changed: {on_copy['moved']}**" in shown
    assert "**correction**: *(blank)* →" in shown and "**date\\_to**:" in shown
    # each row's evidence: its quote (quote_card's block quote) and the correction
    quotes = [m.value for m in at.markdown if m.value.startswith("> ")]
    assert len(quotes) == 2
    assert [unescape(w.value) for w in at.warning] == [f"Correction: {CORRECTION}"]  # data is text: escaped
    caption = next(c.value for c in at.caption if "Ringed:" in c.value)
    assert "Ringed: 2 marks of new or moved events (1 new row, 1 with a changed stance, date or grade)." in caption


def test_changes_default_view_is_the_last_release_against_the_current_data(on_copy) -> None:
    at = open_changes()
    assert [s.value for s in at.selectbox] == ["after", releases.CURRENT]
    assert metrics(at) == {"Rows added": "0", "Rows removed": "0", "Rows changed": "0"}
    assert [s.value for s in at.success] == ["No table changed."]
    # nothing moved: no chart, and no table of zero counts
    assert len(at.get("vega_lite_chart")) == 0 and len(at.dataframe) == 0
    assert "No event is new, and none changed its stance, dates or grade, so there is no chart to draw." in [c.value for c in at.caption]


def test_changes_pickers_are_bound_to_the_url_and_picking_changes_the_view(on_copy) -> None:
    at = open_changes()
    assert {s.key: s.proto.query_param_key for s in at.selectbox} == {"old": "old", "new": "new"}
    at.selectbox(key="old").set_value("base").run()
    assert not at.exception
    assert metrics(at) == {"Rows added": "1", "Rows removed": "0", "Rows changed": "1"}
    # the same view from a link: base against the current data
    again = open_changes(old="base")
    assert metrics(again) == metrics(at)


def test_changes_same_state_twice_asks_for_two(on_copy) -> None:
    at = open_changes(old="after", new="after")
    assert [i.value for i in at.info] == ["Pick two different states to compare."]


def test_changes_without_a_release_says_how_to_make_one(tmp_path, monkeypatch) -> None:
    data_dir, seeds_dir = copy_shipped_data(tmp_path)
    index = data_dir / releases.DIR / releases.INDEX
    for folder in (data_dir / releases.DIR).iterdir():
        if folder.is_dir():
            for file in folder.iterdir():
                file.unlink()
            folder.rmdir()
    index.write_text(",".join(releases.INDEX_COLUMNS) + "\n", encoding="utf-8")
    monkeypatch.setenv(data.DATA_ENV, str(data_dir))
    monkeypatch.setenv(data.SEEDS_ENV, str(seeds_dir))
    at = open_changes()
    assert [i.value for i in at.info] == [
        "No release has been made yet, so there is nothing to compare with: run `python -m dashboard release`."]


def test_seed_heads_are_worked_out_once_per_sources_frame() -> None:
    """Quote cards look up their seed's title and grade in a table worked out once per sources frame object (not by
    hashing the whole table per card); a new frame, even at a reused id, gets its own."""
    import pandas as pd

    from dashboard.ui import evidence

    first = pd.DataFrame([{"source_id": "S001", "title": "One", "reliability": "A"}])
    heads = evidence._seed_heads(first)
    assert heads == {"S001": ("One", "A")} and evidence._seed_heads(first) is heads
    del first, heads
    second = pd.DataFrame([{"source_id": "S001", "title": "Two", "reliability": "B"}])
    assert evidence._seed_heads(second) == {"S001": ("Two", "B")}
