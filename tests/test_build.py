"""Build, then serve: ``check`` writes the typed tables keyed by the data's hash, and load_tables serves them while
the files are unchanged, with exactly the frames a fresh validation gives."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from dashboard import build, data
from conftest import REPO


@pytest.fixture
def copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    shutil.copytree(REPO / "data", tmp_path / "data")
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    monkeypatch.delenv(build.BUILD_ENV, raising=False)
    monkeypatch.delenv("DASHBOARD_SEEDS_DIR", raising=False)
    return tmp_path / "data", tmp_path / "seeds"


def _check(data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in __import__("os").environ.items() if k not in (build.BUILD_ENV, "DASHBOARD_SEEDS_DIR")}
    return subprocess.run([sys.executable, "-m", "dashboard", "check", "--data", str(data_dir)], cwd=data_dir.parent,
                          capture_output=True, text=True, timeout=300, env=env)


def test_check_builds_and_load_serves_the_same_tables(copy: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir, seeds_dir = copy
    assert build.load(data_dir) is None  # nothing built yet
    validated = data.load_tables(data_dir)
    result = _check(data_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    rows = sum(len(frame) for frame in validated.frames.values())
    assert result.stdout == f"OK: {len(validated.frames)} tables, {rows} rows checked (data/, seeds in seeds/)\n"
    built = build.build_dir(data_dir) / build.data_hash(data_dir, seeds_dir)
    assert (built / build.MANIFEST).is_file()
    report = build.load(data_dir)
    assert report is not None and report.problems == []
    import pyarrow.csv

    from dashboard import contract

    def no_parse(*args, **kwargs):
        raise AssertionError("a built table was parsed again")

    with monkeypatch.context() as patched:  # served from the build: no CSV is parsed
        patched.setattr(pyarrow.csv, "read_csv", no_parse)
        patched.setattr(contract.csvfile, "_read_strict", no_parse)
        served = data.load_tables(data_dir)
    assert list(served.frames) == list(validated.frames)
    for name, frame in validated.frames.items():
        pd.testing.assert_frame_equal(served.frames[name], frame, check_exact=True)
    assert (served.paths, served.seed_texts, served.package, served.as_of, served.problems) == (
        validated.paths, validated.seed_texts, validated.package, validated.as_of, validated.problems)


def test_an_edit_is_a_new_hash_and_is_validated(copy: tuple[Path, Path]) -> None:
    data_dir, seeds_dir = copy
    assert _check(data_dir).returncode == 0
    before = build.data_hash(data_dir, seeds_dir)
    events = data_dir / "events.csv"
    events.write_text(events.read_text(encoding="utf-8").replace("EV002,", "EV001,", 1), encoding="utf-8")
    assert build.data_hash(data_dir, seeds_dir) != before
    assert build.load(data_dir) is None
    tables = data.load_tables(data_dir)
    assert "events" not in tables.frames
    assert [str(p) for p in tables.problems["events"]][0].startswith("data/events.csv:3:id:")


def test_a_package_with_problems_is_not_built(copy: tuple[Path, Path]) -> None:
    data_dir, _ = copy
    events = data_dir / "events.csv"
    events.write_text(events.read_text(encoding="utf-8").replace("EV002,", "EV001,", 1), encoding="utf-8")
    assert _check(data_dir).returncode == 1
    assert not build.build_dir(data_dir).exists()


def test_an_unreadable_build_is_no_build(copy: tuple[Path, Path]) -> None:
    data_dir, seeds_dir = copy
    assert _check(data_dir).returncode == 0
    built = build.build_dir(data_dir) / build.data_hash(data_dir, seeds_dir)
    next(built.glob("*.parquet")).write_bytes(b"not parquet")
    assert build.load(data_dir) is None
    assert "events" in data.load_tables(data_dir).frames
