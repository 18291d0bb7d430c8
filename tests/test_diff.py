"""The diff between two snapshots (daff underneath): rows added, removed and changed cell by cell, keyed by the
primary key, in Markdown, CSV and JSON, with changed quotes, stances, dates and corrections first."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys

import pytest

from dashboard import diff, releases
from dashboard.releases import Snapshot, TableText

from conftest import REPO
from test_releases import with_releases

HEADER = ("id", "date_from", "stance", "source_id", "quote", "correction", "note")


def table(rows, name="events", header=HEADER, key=("id",)) -> TableText:
    return TableText(name, name.capitalize(), f"data/{name}.csv", tuple(header), tuple(tuple(r) for r in rows), tuple(key))


OLD = table([
    ("EV001", "2022-03-03", "-1", "S000", "would not help", "", ""),
    ("EV002", "2022-04-10", "", "S001", "the parade", "", "first note"),
    ("EV003", "2022-05-01", "1", "S001", "troops arrived", "", ""),
    ("EV004", "2022-06-01", "0", "S000", "abstained", "", ""),
])
NEW = table([
    ("EV001", "2022-03-03", "-1", "S000", "would not help", "", "a new note"),   # a note changed: listed after EV003
    ("EV003", "2022-05-02", "2", "S001", "troops arrived", "Not troops: police.", ""),  # date, stance, correction
    ("EV004", "2022-06-01", "0", "S000", "abstained", "", ""),                   # unchanged
    ("EV005", "2022-07-01", "-2", "S000", "a -> b", "", ""),                     # added, with daff's arrow in a cell
])


def test_rows_added_removed_and_changed_cell_by_cell() -> None:
    result = diff.compare_tables("events", OLD, NEW)
    assert result.key == ("id",)
    assert [(r.kind, r.key, r.cells) for r in result.rows] == [
        ("changed", ("EV003",), (diff.Cell("stance", "1", "2"), diff.Cell("date_from", "2022-05-01", "2022-05-02"),
                                 diff.Cell("correction", "", "Not troops: police."))),
        ("changed", ("EV001",), (diff.Cell("note", "", "a new note"),)),
        ("added", ("EV005",), ()),
        ("removed", ("EV002",), ()),
    ]
    assert result.added[0].row == dict(zip(HEADER, NEW.rows[3]))
    assert result.removed[0].row == dict(zip(HEADER, OLD.rows[1]))
    assert result.counts() == {"added": 1, "removed": 1, "changed": 2}


def test_a_cell_holding_an_arrow_is_read_back_whole() -> None:
    old = table([("EV001", "2022-03-03", "-1", "S000", "x -> y", "", "")])
    new = table([("EV001", "2022-03-03", "-1", "S000", "x -> z", "", "")])
    assert diff.compare_tables("events", old, new).changed[0].cells == (diff.Cell("quote", "x -> y", "x -> z"),)


def test_composite_key_and_columns_added_and_removed() -> None:
    old = table([("R1", "1", "Atyrau", "x"), ("R1", "2", "Samara", "y")], "route_waypoints", ("route_id", "seq", "name", "gone"),
                ("route_id", "seq"))
    new = table([("R1", "1", "Atyrau", "port"), ("R1", "2", "Novorossiysk", ""), ("R2", "1", "Aktau", "port")],
                "route_waypoints", ("route_id", "seq", "name", "role"), ("route_id", "seq"))
    result = diff.compare_tables("route_waypoints", old, new)
    assert (result.columns_added, result.columns_removed) == (("role",), ("gone",))
    assert [(r.kind, r.key, r.cells) for r in result.rows] == [
        ("changed", ("R1", "1"), (diff.Cell("role", "", "port"), diff.Cell("gone", "x", ""))),
        ("changed", ("R1", "2"), (diff.Cell("name", "Samara", "Novorossiysk"), diff.Cell("gone", "y", ""))),
        ("added", ("R2", "1"), ()),
    ]
    assert result.rows[1].key_text == "R1 / 2"


def test_a_table_in_only_one_snapshot_is_all_added_or_all_removed() -> None:
    before = Snapshot("r1", {"events": OLD})
    after = Snapshot(releases.CURRENT, {"figures": table([("FG001", "", "", "S000", "2,500 troops", "", "")], "figures")})
    result = diff.compare(before, after)
    assert [(t.name, t.table, t.counts()) for t in result.tables] == [
        ("figures", "added", {"added": 1, "removed": 0, "changed": 0}),
        ("events", "removed", {"added": 0, "removed": 4, "changed": 0}),
    ]


SMALL_OLD = table([("EV001", "2022-03-03", "-1", "S000", "would not help", "", ""),
                   ("EV002", "2022-04-10", "", "S001", "the parade", "", "")])
SMALL_NEW = table([("EV001", "2022-03-03", "-2", "S000", "would not help", "", ""),
                   ("EV003", "2022-05-01", "1", "S001", "troops arrived", "", "")])


def small() -> diff.Diff:
    return diff.compare(Snapshot("r1", {"events": SMALL_OLD}), Snapshot(releases.CURRENT, {"events": SMALL_NEW}))


def test_markdown_output() -> None:
    assert diff.to_markdown(small()) == (
        "# Changes from r1 to current\n"
        "\n"
        "| table | added | removed | changed |\n"
        "| --- | ---: | ---: | ---: |\n"
        "| events | 1 | 1 | 1 |\n"
        "\n"
        "## events (Events)\n"
        "\n"
        "- changed **EV001**: stance: -1 → -2\n"
        "- added **EV003**: 2022-05-01 · S001 · “troops arrived”\n"
        "- removed **EV002**: 2022-04-10 · S001 · “the parade”\n"
    )


def test_csv_output_is_one_line_per_cell() -> None:
    assert list(csv.reader(io.StringIO(diff.to_csv(small())))) == [
        ["table", "key", "change", "field", "old", "new"],
        ["events", "EV001", "changed", "stance", "-1", "-2"],
        ["events", "EV003", "added", "id", "", "EV003"],
        ["events", "EV003", "added", "date_from", "", "2022-05-01"],
        ["events", "EV003", "added", "stance", "", "1"],
        ["events", "EV003", "added", "source_id", "", "S001"],
        ["events", "EV003", "added", "quote", "", "troops arrived"],
        ["events", "EV002", "removed", "id", "EV002", ""],
        ["events", "EV002", "removed", "date_from", "2022-04-10", ""],
        ["events", "EV002", "removed", "source_id", "S001", ""],
        ["events", "EV002", "removed", "quote", "the parade", ""],
    ]


def test_json_output() -> None:
    body = json.loads(diff.to_json(small()))
    row = lambda values: dict(zip(HEADER, values))  # noqa: E731
    assert body == {
        "old": "r1", "new": "current",
        "tables": [{
            "name": "events", "title": "Events", "key": ["id"], "counts": {"added": 1, "removed": 1, "changed": 1},
            "columns_added": [], "columns_removed": [],
            "changed": [{"key": "EV001", "row": row(SMALL_NEW.rows[0]), "cells": [{"field": "stance", "old": "-1", "new": "-2"}]}],
            "added": [{"key": "EV003", "row": row(SMALL_NEW.rows[1])}],
            "removed": [{"key": "EV002", "row": row(SMALL_OLD.rows[1])}],
        }],
    }


def test_no_change_says_so() -> None:
    same = diff.compare(Snapshot("r1", {"events": SMALL_OLD}), Snapshot("r2", {"events": SMALL_OLD}))
    assert same.changed_tables == ()
    assert diff.to_markdown(same).endswith("| events | 0 | 0 | 0 |\n\nNo table changed.\n")


# --------------------------------------------------------------------------
# the command, on a release of the fixture package and a curator's edits


def _cli(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dashboard", *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})


@pytest.fixture
def edited(pkg):
    with_releases(pkg)
    releases.make_release(pkg.data, None, "r1", today=dt.date(2026, 12, 1))
    pkg.set_cell("data/events.csv", "EV001", "date_to", "2022-03-04")
    pkg.set_cell("data/figures.csv", "FG002", "value", "3100")
    return pkg


def test_cli_diff_defaults_to_the_last_release_against_the_current_data(edited) -> None:
    result = _cli("diff", "--data", str(edited.data), "--format", "csv", cwd=edited.root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "table,key,change,field,old,new",
        "events,EV001,changed,date_to,2022-03-03,2022-03-04",
        "figures,FG002,changed,value,3000,3100",
    ]


@pytest.mark.parametrize(("args", "message"), [
    (["nope"], "error: no release nope in data/releases/releases.csv (releases: r1)"),
    (["r1", "r9"], "error: no release r9 in data/releases/releases.csv (releases: r1)"),
])
def test_cli_diff_names_an_unknown_release(edited, args, message) -> None:
    result = _cli("diff", *args, "--data", str(edited.data), cwd=edited.root)
    assert (result.returncode, result.stdout, result.stderr.strip()) == (1, "", message)


def test_cli_diff_without_a_release_says_how_to_make_one(pkg) -> None:
    with_releases(pkg)
    result = _cli("diff", "--data", str(pkg.data), cwd=pkg.root)
    assert result.returncode == 1
    assert result.stderr == ("error: there is no release in data/releases/releases.csv to compare with; make one with "
                             "python -m dashboard release\n")
