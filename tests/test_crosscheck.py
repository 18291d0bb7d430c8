"""The hand-written checks (dashboard.checks) and Frictionless flag the same file, row and field on broken copies of
the shipped data: a bad type, a missing required value, a duplicate key and a broken foreign key."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from dashboard.checks import check
from conftest import REPO

EVENTS = "events.csv"


def _copy(tmp_path: Path) -> tuple[Path, Path]:
    shutil.copytree(REPO / "data", tmp_path / "data")
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    return tmp_path / "data", tmp_path / "seeds"


def _edit(path: Path, row: int, field: str, value: str) -> None:
    """Set one cell; ``row`` counts as the problems do (header = 1, first data row = 2)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[row - 1][rows[0].index(field)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _cell(path: Path, row: int, field: str) -> str:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[row - 1][rows[0].index(field)]


def _frictionless(data_dir: Path) -> set[tuple[int, str | None, str]]:
    """(row, field or None for a row error, error type) of every error Frictionless finds in events.csv."""
    from frictionless import Package, system

    with system.use_context(trusted=True):
        report = Package(str(data_dir / "datapackage.json")).get_resource("events").validate()
    return {(e.row_number, getattr(e, "field_name", None), e.type) for e in report.tasks[0].errors}


def _ours(data_dir: Path, seeds_dir: Path) -> set[tuple[int, str]]:
    return {(p.row, p.field) for p in check(data_dir, seeds_dir) if p.path == f"data/{EVENTS}"}


def test_the_clean_copy_is_clean_for_both(tmp_path: Path) -> None:
    data_dir, seeds_dir = _copy(tmp_path)
    assert _frictionless(data_dir) == set()
    assert _ours(data_dir, seeds_dir) == set()


@pytest.mark.parametrize("row, field, value, expected", [
    # a bad type: an integer field with a word
    (2, "credibility", "high", {(2, "credibility", "type-error")}),
    # a missing required value
    (3, "summary", "", {(3, "summary", "constraint-error")}),
    # a duplicate key: row 4 takes row 2's id (unique and the primary key)
    (4, "id", "EV001", {(4, "id", "unique-error"), (4, None, "primary-key")}),
    # a broken foreign key: a seed that is not in sources
    (5, "source_id", "S999", {(5, None, "foreign-key")}),
], ids=["bad-type", "missing-required", "duplicate-key", "broken-foreign-key"])
def test_both_flag_the_same_row_and_field(tmp_path: Path, row: int, field: str, value: str,
                                          expected: set[tuple[int, str | None, str]]) -> None:
    data_dir, seeds_dir = _copy(tmp_path)
    assert _cell(data_dir / EVENTS, row, field) != value
    _edit(data_dir / EVENTS, row, field, value)
    theirs = _frictionless(data_dir)
    assert theirs == expected
    ours = _ours(data_dir, seeds_dir)
    # the same file, row and field (a Frictionless row error names the row; the field is the one edited)
    assert (row, field) in ours
    assert {(r, f or field) for r, f, _ in theirs} <= ours
    # and nothing on another row of events.csv
    assert {r for r, _ in ours} == {row}
