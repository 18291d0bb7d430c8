"""dashboard.validate.check and `python -m dashboard check` on a tiny fixture package, valid and corrupted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.validate import Problem, check, run

from conftest import REPO, Pkg


def locations(problems: list[Problem]) -> list[str]:
    return [p.location for p in problems]


def test_fixture_package_is_clean(pkg: Pkg) -> None:
    assert check(pkg.data) == []


def test_report_counts_rows(pkg: Pkg) -> None:
    report = run(pkg.data)
    assert report.rows == {"sources": 2, "conflicts": 1, "events": 2, "figures": 2}
    assert report.paths["sources"] == "seeds/provenance.csv"
    assert report.paths["events"] == "data/events.csv"


def _drop_field_type(descriptor: dict) -> None:
    descriptor["resources"][2]["schema"]["fields"][2]["type"] = "strang"


BAD_INPUTS = [
    # file level: row 0, field "-"
    ("missing file", lambda p: p.remove("data/events.csv"), ["data/events.csv:0:-"]),
    ("empty file", lambda p: p.write("data/events.csv", ""), ["data/events.csv:0:-"]),
    ("malformed CSV", lambda p: p.write("data/events.csv", 'id,date\nEV001,"2022-03-03\n'), ["data/events.csv:0:-"]),
    ("not UTF-8", lambda p: p.write_bytes("data/events.csv", b"id,date\n\xff\xfe\n"), ["data/events.csv:0:-"]),
    ("missing provenance", lambda p: p.remove("seeds/provenance.csv"), ["seeds/provenance.csv:0:-"]),
    ("datapackage.json not JSON", lambda p: p.write("data/datapackage.json", "{"), ["data/datapackage.json:0:-"]),
    ("datapackage.json bad field type", lambda p: p.edit_package(_drop_field_type), ["data/datapackage.json:0:-"]),
    # header: row 1, the column's name
    ("missing column", lambda p: p.drop_column("data/events.csv", "domain"), ["data/events.csv:1:domain"]),
    (
        "renamed column",
        lambda p: p.replace("data/events.csv", "id,date,", "id,when,"),
        ["data/events.csv:1:date", "data/events.csv:1:when"],
    ),
    ("undeclared column", lambda p: p.add_column("data/events.csv", "colour", "red"), ["data/events.csv:1:colour"]),
    # cells: frictionless row numbers (header = 1)
    ("wrong type", lambda p: p.set_cell("data/events.csv", "EV001", "stance", "minus one"), ["data/events.csv:2:stance"]),
    ("unparseable date", lambda p: p.set_cell("data/events.csv", "EV002", "date", "2022-02-30"), ["data/events.csv:3:date"]),
    ("above maximum", lambda p: p.set_cell("data/events.csv", "EV001", "stance", "3"), ["data/events.csv:2:stance"]),
    ("below minimum", lambda p: p.set_cell("data/figures.csv", "FG001", "value", "-5"), ["data/figures.csv:2:value"]),
    ("outside enum", lambda p: p.set_cell("data/events.csv", "EV002", "domain", "sports"), ["data/events.csv:3:domain"]),
    ("pattern", lambda p: p.set_cell("data/events.csv", "EV002", "id", "E2"), ["data/events.csv:3:id"]),
    ("required blank", lambda p: p.set_cell("data/events.csv", "EV002", "quote", ""), ["data/events.csv:3:quote"]),
    ("duplicate id", lambda p: p.set_cell("data/events.csv", "EV002", "id", "EV001"), ["data/events.csv:3:id"]),
    (
        "source_id that does not exist",
        lambda p: p.set_cell("data/events.csv", "EV002", "source_id", "S009"),
        ["data/events.csv:3:source_id"],
    ),
    ("extra value in a row", lambda p: p.replace("data/events.csv", "was cancelled\n", "was cancelled,x\n"), ["data/events.csv:3:-"]),
    # project-specific checks
    (
        "quote not in its seed",
        lambda p: p.set_cell("data/events.csv", "EV001", "quote", "Kazakhstan will help Russia circumvent sanctions"),
        ["data/events.csv:2:quote"],
    ),
    (
        "seed checksum changed",
        lambda p: p.write("seeds/000_aaaaaaaaaaaaaaaa.txt", p.read("seeds/000_aaaaaaaaaaaaaaaa.txt") + "Edited.\n"),
        ["seeds/provenance.csv:2:sha256"],
    ),
    ("seed file missing", lambda p: p.remove("seeds/001_bbbbbbbbbbbbbbbb.txt"), ["seeds/provenance.csv:3:file"]),
    (
        "dated after its seed was published",
        lambda p: p.set_cell("data/events.csv", "EV001", "date", "2022-04-15"),
        ["data/events.csv:2:date"],
    ),
    (
        "conflict key used once",
        lambda p: p.set_cell("data/figures.csv", "FG002", "conflict_key", ""),
        ["data/conflicts.csv:2:conflict_key", "data/figures.csv:2:conflict_key"],
    ),
    (
        "conflict key not in conflicts.csv",
        lambda p: p.set_cell("data/figures.csv", "FG002", "conflict_key", "troops_arrived"),
        [
            "data/conflicts.csv:2:conflict_key",  # troops_deployed now used once
            "data/figures.csv:2:conflict_key",  # ... by this row
            "data/figures.csv:3:conflict_key",  # troops_arrived: not declared
            "data/figures.csv:3:conflict_key",  # troops_arrived: used once
        ],
    ),
]


@pytest.mark.parametrize("corrupt, expected", [case[1:] for case in BAD_INPUTS], ids=[case[0] for case in BAD_INPUTS])
def test_bad_input_is_reported_at_exact_location(pkg: Pkg, corrupt, expected: list[str]) -> None:
    corrupt(pkg)
    problems = check(pkg.data)
    assert locations(problems) == expected, "\n".join(map(str, problems))
    for problem in problems:
        assert problem.message and "\n" not in problem.message
        assert "Traceback" not in str(problem)


@pytest.mark.parametrize(
    "corrupt, line",
    [
        (
            lambda p: p.set_cell("data/events.csv", "EV001", "stance", "minus one"),
            'data/events.csv:2:stance: "minus one" is not a whole number',
        ),
        (
            lambda p: p.set_cell("data/events.csv", "EV002", "date", "2022-02-30"),
            'data/events.csv:3:date: "2022-02-30" is not a date (YYYY-MM-DD)',
        ),
        (
            lambda p: p.set_cell("data/events.csv", "EV001", "stance", "3"),
            "data/events.csv:2:stance: 3 is above the maximum 2",
        ),
        (
            lambda p: p.set_cell("data/events.csv", "EV002", "domain", "sports"),
            'data/events.csv:3:domain: "sports" is not one of the allowed values: sanctions, society, security',
        ),
        (
            lambda p: p.set_cell("data/events.csv", "EV002", "id", "EV001"),
            'data/events.csv:3:id: duplicate value "EV001" (first in row 2)',
        ),
        (
            lambda p: p.set_cell("data/events.csv", "EV002", "source_id", "S009"),
            'data/events.csv:3:source_id: "S009" not found in sources.source_id',
        ),
        (lambda p: p.drop_column("data/events.csv", "domain"), "data/events.csv:1:domain: missing column (declared in datapackage.json)"),
        (lambda p: p.remove("data/events.csv"), "data/events.csv:0:-: file not found"),
        (lambda p: p.write("data/events.csv", ""), "data/events.csv:0:-: file is empty"),
        (
            lambda p: p.set_cell("data/events.csv", "EV001", "date", "2022-04-15"),
            "data/events.csv:2:date: 2022-04-15 is after S000's latest publication date 2022-03-31",
        ),
    ],
)
def test_messages_are_plain(pkg: Pkg, corrupt, line: str) -> None:
    corrupt(pkg)
    assert [str(p) for p in check(pkg.data)] == [line]


def test_problems_are_sorted_and_stable(pkg: Pkg) -> None:
    pkg.set_cell("data/figures.csv", "FG002", "value", "-1")
    pkg.set_cell("data/events.csv", "EV002", "domain", "sports")
    pkg.write("seeds/001_bbbbbbbbbbbbbbbb.txt", "changed\n")
    first = check(pkg.data)
    assert first == sorted(first)
    assert check(pkg.data) == first
    assert locations(first) == [
        "data/events.csv:3:domain",
        "data/events.csv:3:quote",  # the seed's text changed under the quote
        "data/figures.csv:3:quote",
        "data/figures.csv:3:value",
        "seeds/provenance.csv:3:sha256",
    ]


def test_copied_data_and_seeds_side_by_side(pkg: Pkg, tmp_path: Path) -> None:
    copy = pkg.copy_to(tmp_path / "elsewhere")
    assert check(copy.data) == []


def test_seeds_dir_can_be_elsewhere(pkg: Pkg, tmp_path: Path) -> None:
    texts = tmp_path / "texts"
    pkg.seeds.rename(texts)
    assert check(pkg.data, texts) == []
    assert locations(check(pkg.data)) == ["seeds/provenance.csv:0:-"]


@pytest.mark.parametrize(
    "descriptor",
    ["[]", "{}", '{"resources": 3}', '{"resources": [1, "x"]}', '{"resources": [{"name": "events", "path": "events.csv", "schema": {"fields": "no"}}]}'],
)
def test_never_raises_on_nonsense_descriptor(pkg: Pkg, descriptor: str) -> None:
    pkg.write("data/datapackage.json", descriptor)
    problems = check(pkg.data)
    assert problems and all(isinstance(p, Problem) for p in problems)
    assert {p.location for p in problems} == {"data/datapackage.json:0:-"}


def test_missing_data_dir(tmp_path: Path) -> None:
    assert [str(p) for p in check(tmp_path / "nowhere")] == ["nowhere/datapackage.json:0:-: file not found"]


def test_problem_str() -> None:
    assert str(Problem("data/events.csv", 3, "date", "bad")) == "data/events.csv:3:date: bad"


# -- the command line


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dashboard", "check", *args], cwd=REPO, capture_output=True, text=True, timeout=120
    )


def test_cli_reports_problem_lines_and_exits_1(pkg: Pkg) -> None:
    pkg.set_cell("data/events.csv", "EV001", "stance", "3")
    result = _cli("--data", str(pkg.data))
    assert result.returncode == 1
    assert result.stdout.splitlines() == ["data/events.csv:2:stance: 3 is above the maximum 2"]
    assert "Traceback" not in result.stdout + result.stderr


def test_cli_ok_summary_exits_0(pkg: Pkg) -> None:
    result = _cli("--data", str(pkg.data), "--seeds", str(pkg.seeds))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("OK: 4 tables, 7 rows checked")


@pytest.mark.parametrize("args", [("--data", "/nonexistent/data"), ("--data", "README.md")])
def test_cli_bad_paths_never_traceback(args: tuple[str, ...]) -> None:
    result = _cli(*args)
    assert result.returncode == 1
    assert result.stdout.strip().endswith("datapackage.json:0:-: file not found")
    assert "Traceback" not in result.stdout + result.stderr


def test_cli_broken_json_never_traceback(pkg: Pkg) -> None:
    pkg.write("data/datapackage.json", "{\n  nope")
    result = _cli("--data", str(pkg.data))
    assert result.returncode == 1
    assert result.stdout.startswith("data/datapackage.json:0:-: not valid JSON")
    assert "Traceback" not in result.stdout + result.stderr


# -- the shipped descriptor


def test_shipped_datapackage_descriptor_is_valid() -> None:
    """data/datapackage.json is valid Frictionless metadata and keeps the conventions the checks rely on."""
    from frictionless import Package, system

    descriptor = json.loads((REPO / "data" / "datapackage.json").read_text(encoding="utf-8"))
    with system.use_context(trusted=True):
        assert [e.message for e in Package.metadata_validate(descriptor)] == []
    resources = {r["name"]: r for r in descriptor["resources"]}
    assert Path(resources["sources"]["path"]).name == "provenance.csv"
    assert "conflicts" in resources
