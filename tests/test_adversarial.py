"""Nothing lost, nothing leaked: concurrent curators, crashes between writes, and hostile files (issue 22).

Each test states a promise of the README (Security, Curating a new source, Releases and changes, Checking data) and
asserts what a curator or a viewer would observe: ids, index rows, files on disk, the lines ``check`` prints. The
parallel tests start several processes at once and repeat, to catch races; the crash tests kill a writer at each
point of its commit and at random moments, and repeat.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dashboard import checks, contract, csvsafe, curate, data, diff, journal, releases
from dashboard.__main__ import main as cli

from conftest import REPO, Pkg, open_app

REPAIR = "python -m dashboard recover"
SECRET = "TOPSECRET-3f9a"
PY = [sys.executable, "-m", "dashboard"]


# --------------------------------------------------------------------------
# helpers


@pytest.fixture
def project(tmp_path: Path) -> curate.Package:
    """A copy of the shipped data and seeds, without its releases' history (the writers need the real declaration)."""
    shutil.copytree(REPO / "data", tmp_path / "data", ignore=shutil.ignore_patterns(".history", "geo"))
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    return curate.open_package(tmp_path / "data", tmp_path / "seeds")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in (data.DATA_ENV, data.SEEDS_ENV, journal.KILL_ENV)}
    env["PYTHONPATH"] = str(REPO)
    return env


def _dirs(package: curate.Package) -> list[str]:
    return ["--data", str(package.data_dir), "--seeds", str(package.seeds_dir)]


def _text(tmp_path: Path, n: int | str) -> Path:
    path = tmp_path / f"text-{n}.txt"
    path.write_text(f"Text {n}. On 17 June 2022, President Tokayev said Kazakhstan would not recognise the republics.\n",
                    encoding="utf-8")
    return path


def _add_source_args(package: curate.Package, text: Path) -> list[str]:
    return [*PY, "add-source", str(text), "--title", "A test text", "--published-from", "2022-06-20", *_dirs(package)]


def _start(args: list[str], cwd: Path, **env: str) -> subprocess.Popen:
    return subprocess.Popen(args, cwd=cwd, env={**_env(), **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env={**_env(), **env}, capture_output=True, text=True, timeout=120)


def _check(package: curate.Package, capsys) -> tuple[int, list[str]]:
    code = cli(["check", *_dirs(package)])
    out = capsys.readouterr()
    return code, out.out.splitlines()


def _provenance(package: curate.Package) -> list[dict[str, str]]:
    with (package.seeds_dir / "provenance.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def assert_seeds_whole(package: curate.Package) -> None:
    """Every source_id distinct, every listed seed file there with its sha256, and no seed file unlisted."""
    rows = _provenance(package)
    ids = [r["source_id"] for r in rows]
    assert len(ids) == len(set(ids)), ids
    for row in rows:
        path = package.seeds_dir / row["file"]
        assert path.is_file(), row["file"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == row["sha256"]
    listed = {r["file"] for r in rows}
    assert sorted(p.name for p in package.seeds_dir.iterdir() if p.name != "provenance.csv") == sorted(listed)


def assert_check_passes_or_names_the_repair(package: curate.Package, capsys) -> None:
    code, lines = _check(package, capsys)
    assert code == 0 or (lines and all(REPAIR in line for line in lines)), lines


def _no_traceback(*outputs: str) -> None:
    for output in outputs:
        assert "Traceback" not in output and "Error:" not in output.replace("error:", ""), output


# --------------------------------------------------------------------------
# concurrent writers


@pytest.mark.parametrize("round_", range(2))
def test_parallel_add_source_gives_distinct_ids_all_listed(project, tmp_path, capsys, round_) -> None:
    before = {r["source_id"] for r in _provenance(project)}
    runs = [_start(_add_source_args(project, _text(tmp_path, f"{round_}-{n}")), tmp_path) for n in range(5)]
    results = [(run.wait(120), *run.communicate()) for run in runs]
    assert [code for code, _, _ in results] == [0] * 5, results
    printed = [out.strip() for _, out, _ in results]
    assert len(set(printed)) == 5, printed
    after = {r["source_id"] for r in _provenance(project)}
    assert after - before == set(printed)
    assert_seeds_whole(project)
    assert _check(project, capsys)[0] == 0


def test_parallel_saves_from_threads_get_distinct_ids(project) -> None:
    """The Curate page saves from the server's threads: four accepted rows at once give four distinct ids, all kept."""
    import threading

    from test_curate import _event

    results: list[curate.Saved] = []

    def accept(n: int) -> None:
        saved, _ = curate.add_rows(project, "events", [_event(project, summary=f"Row {n}", event_key=f"parallel_{n}")])
        results.append(saved)

    threads = [threading.Thread(target=accept, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert [s.problems for s in results] == [[]] * 4
    with project.file("events").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    ours = [r["id"] for r in rows if r["summary"].startswith("Row ")]
    assert len(ours) == 4 and len(set(ours)) == 4
    assert checks.check(project.data_dir, project.seeds_dir) == []


@pytest.mark.parametrize("round_", range(2))
def test_parallel_releases_with_different_names_all_land_in_the_index(project, tmp_path, capsys, round_) -> None:
    names = [f"r{round_}-{n}" for n in range(3)]
    runs = [_start([*PY, "release", "--name", name, *_dirs(project)], tmp_path) for name in names]
    results = [(run.wait(120), *run.communicate()) for run in runs]
    assert [code for code, _, _ in results] == [0] * 3, results
    listed = releases.names(project.data_dir)
    assert set(names) <= set(listed) and len(listed) == len(set(listed))
    assert _check(project, capsys)[0] == 0


def test_the_same_release_name_twice_at_once_one_lands_the_others_refuse_in_one_line(project, tmp_path, capsys) -> None:
    runs = [_start([*PY, "release", "--name", "same", *_dirs(project)], tmp_path) for _ in range(3)]
    results = sorted((run.wait(120), *run.communicate()) for run in runs)
    assert [code for code, _, _ in results] == [0, 1, 1], results
    for _, out, err in results[1:]:
        assert out == ""
        assert err.startswith("error: release same exists (") and err.count("\n") == 1, err
        _no_traceback(err)
    assert releases.names(project.data_dir).count("same") == 1
    assert _check(project, capsys)[0] == 0


def test_an_add_source_and_a_release_at_once_both_land(project, tmp_path, capsys) -> None:
    adding = _start(_add_source_args(project, _text(tmp_path, "mixed")), tmp_path)
    releasing = _start([*PY, "release", "--name", "mixed", *_dirs(project)], tmp_path)
    assert adding.wait(120) == 0 and releasing.wait(120) == 0, (adding.communicate(), releasing.communicate())
    source_id = adding.communicate()[0].strip()
    assert source_id in {r["source_id"] for r in _provenance(project)}
    assert "mixed" in releases.names(project.data_dir)
    assert_seeds_whole(project)
    assert _check(project, capsys)[0] == 0


# --------------------------------------------------------------------------
# crashes between writes


@pytest.mark.parametrize("point", ["staged", "journaled", "moved"])
def test_add_source_killed_at_each_point_is_repaired_by_running_it_again(project, tmp_path, capsys, point) -> None:
    text = _text(tmp_path, point)
    killed = _run(_add_source_args(project, text), tmp_path, **{journal.KILL_ENV: point})
    assert killed.returncode == -signal.SIGKILL
    assert_check_passes_or_names_the_repair(project, capsys)
    again = _run(_add_source_args(project, text), tmp_path)
    assert again.returncode == 0, again.stderr
    source_id = again.stdout.strip()
    digest = hashlib.sha256(text.read_bytes()).hexdigest()
    assert [r["source_id"] for r in _provenance(project) if r["sha256"] == digest] == [source_id]
    assert_seeds_whole(project)
    assert _check(project, capsys)[0] == 0


@pytest.mark.parametrize("point", ["staged", "journaled", "moved"])
def test_release_killed_at_each_point_is_repaired_by_running_it_again(project, tmp_path, capsys, point) -> None:
    args = [*PY, "release", "--name", f"k-{point}", *_dirs(project)]
    assert _run(args, tmp_path, **{journal.KILL_ENV: point}).returncode == -signal.SIGKILL
    assert_check_passes_or_names_the_repair(project, capsys)
    again = _run(args, tmp_path)
    assert again.returncode == 0, again.stderr
    assert releases.names(project.data_dir).count(f"k-{point}") == 1
    assert _check(project, capsys)[0] == 0


@pytest.mark.parametrize("point", ["staged", "moved"])
def test_recover_repairs_what_a_killed_writer_left(project, tmp_path, capsys, point) -> None:
    assert _run(_add_source_args(project, _text(tmp_path, point)), tmp_path,
                **{journal.KILL_ENV: point}).returncode == -signal.SIGKILL
    assert cli(["recover", *_dirs(project)]) == 0
    out = capsys.readouterr().out.splitlines()
    expected = "rolled back an interrupted write" if point == "staged" else "completed the interrupted add-source S005"
    assert any(line.startswith(expected) for line in out), out
    assert out[-1].startswith("OK: ")
    assert_seeds_whole(project)
    assert _check(project, capsys)[0] == 0
    assert cli(["recover", *_dirs(project)]) == 0  # and again: nothing left
    assert capsys.readouterr().out == "OK: nothing left to recover\n"


def _kill_at_random(args: list[str], cwd: Path, rng: random.Random) -> float:
    run = _start(args, cwd)
    delay = rng.uniform(0.0, 1.2)
    time.sleep(delay)
    if run.poll() is None:
        run.send_signal(signal.SIGKILL)
    run.communicate(timeout=120)
    return delay


@pytest.mark.parametrize("seed", range(5))
def test_add_source_killed_at_a_random_moment_loses_and_leaks_nothing(project, tmp_path, capsys, seed) -> None:
    rng = random.Random(seed)
    text = _text(tmp_path, f"random-{seed}")
    delay = _kill_at_random(_add_source_args(project, text), tmp_path, rng)
    assert_check_passes_or_names_the_repair(project, capsys)
    again = _run(_add_source_args(project, text), tmp_path)
    digest = hashlib.sha256(text.read_bytes()).hexdigest()
    ids = [r["source_id"] for r in _provenance(project) if r["sha256"] == digest]
    # the rerun adds it, or (when the killed run had finished) refuses it as already there: once either way
    assert again.returncode == 0 or "this text is already a seed" in again.stderr, (delay, again.stderr)
    assert len(ids) == 1, (delay, ids)
    assert_seeds_whole(project)
    assert _check(project, capsys)[0] == 0, delay


@pytest.mark.parametrize("seed", range(4))
def test_release_killed_at_a_random_moment_is_whole_or_absent(project, tmp_path, capsys, seed) -> None:
    rng = random.Random(100 + seed)
    args = [*PY, "release", "--name", f"rand-{seed}", *_dirs(project)]
    delay = _kill_at_random(args, tmp_path, rng)
    assert_check_passes_or_names_the_repair(project, capsys)
    again = _run(args, tmp_path)
    assert again.returncode == 0 or again.stderr.startswith(f"error: release rand-{seed} exists"), (delay, again.stderr)
    assert releases.names(project.data_dir).count(f"rand-{seed}") == 1, delay
    assert _check(project, capsys)[0] == 0, delay


def test_an_orphaned_seed_is_named_by_check_and_never_blocks_adding_its_text(project, tmp_path, capsys) -> None:
    """As the old add-source left it when killed between the seed and its row: the seed file, no provenance row."""
    text = _text(tmp_path, "orphan")
    orphan = project.seeds_dir / curate.seed_name(5, text.read_bytes())
    shutil.copy(text, orphan)
    code, lines = _check(project, capsys)
    assert code == 1 and len(lines) == 1 and lines[0].startswith(f"{orphan}:0:-: a seed file that provenance.csv does not list")
    assert REPAIR in lines[0]
    again = _run(_add_source_args(project, text), tmp_path)
    assert again.returncode == 0 and again.stdout == "S005\n", again.stderr
    assert_seeds_whole(project)
    assert _check(project, capsys)[0] == 0


def test_an_orphan_under_another_number_is_kept_in_the_history(project, tmp_path, capsys) -> None:
    text = _text(tmp_path, "renumbered")
    orphan = project.seeds_dir / curate.seed_name(7, text.read_bytes())
    shutil.copy(text, orphan)
    assert _run(_add_source_args(project, text), tmp_path).stdout == "S005\n"
    kept = list((project.data_dir / journal.HISTORY_DIR / journal.ORPHANS_DIR).iterdir())
    assert [p.name.split(".txt")[0] for p in kept] == [orphan.stem] and kept[0].read_bytes() == text.read_bytes()
    assert_seeds_whole(project)


def test_an_unlisted_release_directory_is_named_by_check_and_recover_sets_it_aside(project, tmp_path, capsys) -> None:
    """As the old release command left it when killed between the directory and the index."""
    assert releases.make_release(project.data_dir, project.seeds_dir, "half")["release"] == "half"
    index = project.data_dir / "releases" / "releases.csv"
    index.write_text("".join(index.read_text(encoding="utf-8").splitlines(keepends=True)[:-1]), encoding="utf-8")
    code, lines = _check(project, capsys)
    assert code == 1 and lines and all(REPAIR in line for line in lines), lines
    assert cli(["recover", *_dirs(project)]) == 0
    capsys.readouterr()
    assert _check(project, capsys)[0] == 0
    assert releases.make_release(project.data_dir, project.seeds_dir, "half")["release"] == "half"
    assert _check(project, capsys)[0] == 0


# --------------------------------------------------------------------------
# names and paths


@pytest.mark.parametrize("name", ["2026-12-01\n", "x\r", "x\n\n", " x", "../x", "x/y", ".hidden", "current", "", "a" * 65])
def test_a_release_name_is_matched_whole(project, name) -> None:
    with pytest.raises(releases.ReleaseError) as refused:
        releases.make_release(project.data_dir, project.seeds_dir, name)
    assert "is not a release name" in str(refused.value) and "\n" not in str(refused.value)
    assert sorted(p.name for p in (project.data_dir / "releases").iterdir()) == ["2026-12-01", "releases.csv"]


def test_a_release_name_read_from_the_index_is_matched_whole(project) -> None:
    assert not releases.valid_name("2026-12-01\n") and releases.valid_name("2026-12-01")


def test_diff_of_a_hostile_release_name_is_one_line(project, capsys) -> None:
    assert cli(["diff", "2026-12-01\n<b>x</b>", *_dirs(project)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: no release 2026-12-01\\n<b>x</b> in ") and err.count("\n") == 1


def _outside(tmp_path: Path) -> Path:
    secret = tmp_path / "outside" / "secret.csv"
    secret.parent.mkdir(exist_ok=True)
    secret.write_text(f"{SECRET},column\n{SECRET},value\n", encoding="utf-8")
    return secret


def _all_output(pkg: Pkg) -> str:
    """Everything a curator and a viewer could see of the package: check's lines and the app's problems."""
    lines = [str(p) for p in checks.check(pkg.data)]
    loaded = data.load_tables(pkg.data)
    return "\n".join(lines + [str(p) for p in loaded.all_problems] + [repr(f.to_dict()) for f in loaded.frames.values()])


def test_a_declared_path_leaving_the_data_directory_is_refused_unread(pkg: Pkg, tmp_path) -> None:
    _outside(tmp_path)
    relative = os.path.relpath(tmp_path / "outside" / "secret.csv", pkg.data)
    pkg.edit_package(lambda d: d["resources"][1].update(path=relative))  # conflicts
    problems = [str(p) for p in checks.check(pkg.data)]
    assert f"data/{relative}:0:-: the declared path leaves the data/ directory: refused, not read; rule conflict-pairs " \
           "skipped for it" in problems
    assert SECRET not in _all_output(pkg)


def test_a_table_that_is_a_link_out_of_the_data_directory_is_refused_unread(pkg: Pkg, tmp_path) -> None:
    pkg.remove("data/conflicts.csv")
    (pkg.data / "conflicts.csv").symlink_to(_outside(tmp_path))
    problems = [str(p) for p in checks.check(pkg.data)]
    assert problems == ["data/conflicts.csv:0:-: the declared path leaves the data/ directory: refused, not read; "
                        "rule conflict-pairs skipped for it"]
    assert SECRET not in _all_output(pkg)


def test_a_seed_that_is_a_link_out_of_the_seeds_directory_is_refused_unread(pkg: Pkg, tmp_path) -> None:
    secret = tmp_path / "outside" / "seed.txt"
    secret.parent.mkdir()
    secret.write_text(SECRET + "\n", encoding="utf-8")
    seed = pkg.seeds / "001_bbbbbbbbbbbbbbbb.txt"
    seed.unlink()
    seed.symlink_to(secret)
    problems = [str(p) for p in checks.check(pkg.data)]
    assert "seeds/provenance.csv:3:file: seed file 001_bbbbbbbbbbbbbbbb.txt is a link that leaves seeds/: refused, " \
           "not read" in problems
    assert SECRET not in _all_output(pkg)
    assert "S001" not in data.load_tables(pkg.data).seed_texts


def test_add_source_never_opens_a_seed_link_out_of_the_seeds_directory(project, tmp_path) -> None:
    """The duplicate scan reads the seeds: a link to a file elsewhere, even holding the same text, is not one."""
    text = _text(tmp_path, "linked")
    (project.seeds_dir / "notes.txt").symlink_to(text)
    source_id = curate.add_source(project, text.read_bytes(), file_label="t", title="T", published_from="2022-06-20")
    assert source_id == "S005"


@pytest.mark.parametrize("which", ["provenance", "datapackage"])
def test_a_declaration_or_provenance_linked_from_outside_is_refused(pkg: Pkg, tmp_path, which) -> None:
    secret = _outside(tmp_path)
    target = pkg.seeds / "provenance.csv" if which == "provenance" else pkg.data / "datapackage.json"
    if which == "datapackage":
        secret.write_text(target.read_text(encoding="utf-8").replace("test-package", SECRET), encoding="utf-8")
    target.unlink()
    target.symlink_to(secret)
    problems = [str(p) for p in checks.check(pkg.data)]
    expected = ("seeds/provenance.csv:0:-: the declared path leaves the seeds/ directory" if which == "provenance"
                else "data/datapackage.json:0:-: a link to a file outside the data directory: refused, not read")
    assert any(p.startswith(expected) for p in problems), problems
    assert SECRET not in "\n".join(problems)


def test_the_current_snapshot_never_reads_a_path_leaving_the_data_directory(pkg: Pkg, tmp_path) -> None:
    relative = os.path.relpath(_outside(tmp_path), pkg.data)
    pkg.edit_package(lambda d: d["resources"][1].update(path=relative))
    snapshot = releases.snapshot(pkg.data, releases.CURRENT, pkg.seeds)
    assert "conflicts" not in snapshot.tables
    assert SECRET not in repr(snapshot.tables)


# --------------------------------------------------------------------------
# one problem, one line


def _one_line_each(problems: list[checks.Problem]) -> list[str]:
    lines = [str(p) for p in problems]
    for line in lines:
        assert len(line.splitlines()) == 1 and "\r" not in line and "\x1b" not in line, repr(line)
    return lines


def test_a_header_cell_holding_a_newline_is_one_line(pkg: Pkg) -> None:
    pkg.write("data/conflicts.csv", 'conflict_key,subject,"bad\nname"\ntroops_deployed,Troops,x\n')
    assert _one_line_each(checks.check(pkg.data)) == [
        "data/conflicts.csv:1:bad\\nname: column not declared in datapackage.json"]


@pytest.mark.parametrize(("cell", "shown"), [
    ("sports\rx", "sports\\rx"),
    ("sports\x1b[2Jx", "sports\\x1b[2Jx"),
    ("sports\u2028x", "sports\\u2028x"),
    ("sports\nx", "sports x"),  # a newline in a cell is shown as a space, as always
])
def test_control_characters_in_a_cell_are_escaped(pkg: Pkg, cell, shown) -> None:
    raw = (pkg.data / "events.csv").read_bytes()
    assert b",society," in raw
    pkg.write_bytes("data/events.csv", raw.replace(b",society,", b',"' + cell.encode() + b'",'))
    assert _one_line_each(checks.check(pkg.data)) == [
        f'data/events.csv:3:domain: "{shown}" is not one of the allowed values: sanctions, society, security']


@pytest.mark.parametrize(("cell", "message"), [
    ("1" + "0" * 39, '"1000000000000000000000000000000000000000" is out of range: a whole number here is between '
                     f"{contract.INT64_MIN} and {contract.INT64_MAX}"),
    ("-9223372036854775809", '"-9223372036854775809" is out of range: a whole number here is between '
                             f"{contract.INT64_MIN} and {contract.INT64_MAX}"),
    ("9" * 5000, '"' + "9" * 59 + '…" is out of range: a whole number here is between '
                 f"{contract.INT64_MIN} and {contract.INT64_MAX}"),
    ("1e3", '"1e3" is not a whole number'),
])
def test_a_value_that_cannot_be_cast_is_a_row_and_field_problem(pkg: Pkg, cell, message) -> None:
    pkg.set_cell("data/events.csv", "EV002", "stance", cell)
    assert _one_line_each(checks.check(pkg.data)) == [f"data/events.csv:3:stance: {message}"]
    loaded = data.load_tables(pkg.data)
    assert set(loaded.frames) == {"sources", "conflicts", "figures"}


@pytest.mark.parametrize(("content", "message"), [
    ("[" * 100_000 + "]" * 100_000, "nested more than 32 levels deep"),
    ('{"resources": ' + "[" * 40 + "]" * 40 + "}", "nested more than 32 levels deep"),
    ('{"resources": [}', "not valid JSON: Expecting value at line 1 column 16"),
    ('{"resources": {"a": 1}}', "not a data package: no list of resources"),
    ("\ufeff" + "x", "not valid JSON: Unexpected UTF-8 BOM (decode using utf-8-sig) at line 1 column 1"),
])
def test_a_deep_or_malformed_declaration_is_one_line_on_datapackage_json(pkg: Pkg, content, message) -> None:
    pkg.write("data/datapackage.json", content)
    assert _one_line_each(checks.check(pkg.data)) == [f"data/datapackage.json:0:-: {message}"]


def test_a_huge_declaration_is_one_line_and_not_read_whole(pkg: Pkg) -> None:
    with (pkg.data / "datapackage.json").open("w", encoding="utf-8") as out:
        out.write('{"resources": [], "pad": "' + "x" * 6_000_000 + '"}')
    size = (pkg.data / "datapackage.json").stat().st_size
    assert _one_line_each(checks.check(pkg.data)) == [
        f"data/datapackage.json:0:-: {size:,} bytes is more than the 5,000,000 a declaration may have"]


@pytest.mark.parametrize("edit", [
    lambda d: d["resources"].append(7),
    lambda d: d["resources"][2]["schema"].update(fields="id"),
    lambda d: d["resources"][2]["schema"]["fields"][3].update(constraints=["minimum"]),
    lambda d: d["resources"][2]["schema"].update(foreignKeys="source_id"),
    lambda d: d["resources"][2]["schema"].update(primaryKey={"a": 1}),
    lambda d: d.update(rules={"name": "x"}),
    lambda d: d["rules"].append({"name": "r", "check": "quote-in-seed", "resources": "events", "field": 3}),
    lambda d: d["resources"][2].update(path=["events.csv"]),
    lambda d: d["resources"][2]["schema"]["fields"][3].update(type={"a": 1}),
    lambda d: d["resources"][2]["schema"].update(foreignKeys=-1),
    lambda d: d["resources"][0]["schema"].update(fields=True),
    lambda d: d["resources"][0]["schema"]["fields"][0].update(name={}),
], ids=["resource-not-object", "fields-not-list", "constraints-list", "fk-string", "pk-object", "rules-object",
        "rule-malformed", "path-list", "type-object", "fk-number", "referenced-fields-true", "field-name-object"])
def test_a_malformed_declaration_is_named_on_datapackage_json_never_an_internal_error(pkg: Pkg, edit) -> None:
    pkg.edit_package(edit)
    lines = _one_line_each(checks.check(pkg.data))
    assert lines and all(line.startswith("data/datapackage.json:0:-: ") for line in lines), lines
    assert not any("internal error" in line or "Error:" in line for line in lines), lines


def test_one_unreadable_table_is_reported_alone_and_its_rules_say_they_were_skipped(pkg: Pkg) -> None:
    pkg.write_bytes("data/conflicts.csv", b"conflict_key,subject\ntroops_deployed,\xff\xfe\n")
    lines = _one_line_each(checks.check(pkg.data))
    assert len(lines) == 1 and lines[0].startswith("data/conflicts.csv:0:-: ")
    assert lines[0].endswith("; rule conflict-pairs skipped for it")
    loaded = data.load_tables(pkg.data)
    assert set(loaded.frames) == {"sources", "events", "figures"} and set(loaded.problems) == {"conflicts"}


def test_add_source_echoes_a_hostile_file_name_on_one_line(project, tmp_path, capsys) -> None:
    path = tmp_path / "bad\nname\x1b[2J.txt"
    path.write_bytes(b"")
    assert cli(["add-source", str(path), "--title", "T", "--published-from", "2022-06-20", *_dirs(project)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "\x1b" not in err and err.endswith(": the file is empty\n")


# --------------------------------------------------------------------------
# recovery without a restart


def test_a_table_fixed_with_the_same_size_and_time_is_picked_up_on_the_next_rerun(monkeypatch, pkg: Pkg) -> None:

    monkeypatch.setenv(data.DATA_ENV, str(pkg.data))
    monkeypatch.delenv(data.SEEDS_ENV, raising=False)
    path = pkg.data / "events.csv"
    good = path.read_bytes()
    bad = good.replace(b"2022-04-10,2022-04-10", b"2022-04-10,2022-44-10")
    assert len(bad) == len(good)
    stamp = path.stat()
    path.write_bytes(bad)
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    at = open_app("data", timeout=60)
    at.run()
    assert "data/events.csv:3:date_to:" in at.error[0].value
    path.write_bytes(good)  # fixed: same size, same modification time
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    at.run()
    assert not at.exception and not at.error


def test_the_cache_key_changes_with_permissions_and_content(tmp_path) -> None:
    from dashboard import ui

    table = tmp_path / "t.csv"
    table.write_text("a\n1\n", encoding="utf-8")
    first = ui._fingerprint(tmp_path)
    table.chmod(0o000)
    denied = ui._fingerprint(tmp_path)
    table.chmod(0o644)
    stamp = table.stat()
    table.write_text("a\n2\n", encoding="utf-8")
    os.utime(table, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert len({first, denied, ui._fingerprint(tmp_path)}) == 3


# --------------------------------------------------------------------------
# formulas in every CSV written

HOSTILE = ['=HYPERLINK("http://evil.example","x")', "@SUM(1+1)", "+cmd|' /C calc'!A0", "-1+1", "\t=1", "\r=1",
           "text\r=HYPERLINK(\"http://evil.example\")"]


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text, newline="")) if row and not row[0].startswith("#") for cell in row]


def _assert_neutral(text: str) -> None:
    for cell in _cells(text):
        assert not (cell.startswith(csvsafe.FORMULA_START) and not re.fullmatch(r"[+-]?[0-9.]+", cell)), cell


def test_every_csv_the_project_writes_goes_through_the_neutralising_function() -> None:
    """Every download and CSV writer in the code, listed with where its cells are neutralised: a new one fails this
    test until it is reviewed (and the behaviour tests below feed hostile cells through each kind)."""
    from collections import Counter

    found: Counter = Counter()
    pattern = re.compile(r"download_button\(|download_csv\(|safe_csv\(|\.to_csv\(|csv\.writer\(|csv\.DictWriter\(")
    for path in sorted((REPO / "dashboard").rglob("*.py")):
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            found[(path.relative_to(REPO).as_posix(), match.group())] += 1
    assert dict(found) == {
        # table downloads on the pages: ui.download_csv -> export.safe_csv -> csvsafe.neutralise on every text cell
        ("dashboard/views/data.py", "download_csv("): 1, ("dashboard/views/sources.py", "download_csv("): 1,
        ("dashboard/views/stance.py", "download_csv("): 1, ("dashboard/views/method.py", "download_csv("): 2,
        ("dashboard/views/indicators.py", "download_csv("): 1,
        # ui.download_csv's definition and the chart's data table (ui.chart_block) go through it
        ("dashboard/ui/chartview.py", "download_csv("): 1, ("dashboard/ui/downloads.py", "download_csv("): 1,
        ("dashboard/ui/downloads.py", "safe_csv("): 1,
        # export.safe_csv (cited) and export.plain_csv (one header row, citation column): csvsafe.neutralise on text cells
        ("dashboard/export.py", "safe_csv("): 1, ("dashboard/export.py", ".to_csv("): 2,
        # ui.py: the cited and the plain table downloads, and the chart pictures (PNG, SVG), which are not CSV
        ("dashboard/ui/chartview.py", "download_button("): 2, ("dashboard/ui/downloads.py", "download_button("): 2,
        # the Map page's PNG: not CSV
        ("dashboard/views/map.py", "download_button("): 1,
        # the briefing's slide data beside the deck: export.safe_csv, and deck._plain through export.neutralise
        ("dashboard/brief/deck.py", "safe_csv("): 1, ("dashboard/brief/deck.py", ".to_csv("): 1,
        # the decks (.pptx, .pdf): not CSV
        ("dashboard/views/present.py", "download_button("): 2,
        # the Changes page's CSV and diff --format csv: diff.to_csv, through csvsafe.dict_rows
        ("dashboard/views/changes.py", ".to_csv("): 1, ("dashboard/views/changes.py", "download_button("): 1,
        ("dashboard/diff.py", "csv.DictWriter("): 1,
        # propose's CSV (the command's output): propose.to_csv, through csvsafe.dict_rows
        ("dashboard/cli/curate.py", ".to_csv("): 1, ("dashboard/propose.py", "csv.DictWriter("): 1,
        # the package's own data, not exports: the Curate page's table with accepted rows (the file to commit, its
        # quotes verbatim), a row appended to a table, the release index, a released table read back for casting
        # and the Curate page's curation bundle, which is JSON (the text, its provenance and rows verbatim), not CSV
        ("dashboard/views/curate.py", "download_button("): 2, ("dashboard/curate.py", "csv.writer("): 1,
        ("dashboard/releases.py", "csv.writer("): 2,
        # a coding of the reliability sample (agreement --export): the package's own data, codes only
        ("dashboard/agreement.py", "csv.writer("): 1,
    }


def test_table_downloads_and_slide_data_neutralise_formulas() -> None:
    import pandas as pd

    from dashboard import export

    frame = pd.DataFrame({"id": [f"R{n}" for n in range(len(HOSTILE))], "stance": [-1, 1, 0, 2, -2, 0, 1][:len(HOSTILE)],
                          "quote": HOSTILE})
    text = export.safe_csv(frame, None, None, title="=cmd|x").decode("utf-8")
    _assert_neutral(text)
    assert "-1" in _cells(text)  # a number stays a number


def test_the_changes_csv_and_diff_command_neutralise_formulas(rpkg_with_change, capsys) -> None:
    pkg, old = rpkg_with_change
    result = diff.compare(releases.snapshot(pkg.data, old, pkg.seeds), releases.snapshot(pkg.data, releases.CURRENT, pkg.seeds))
    page_csv = diff.to_csv(result)  # what the Changes page offers
    assert "'=HYPERLINK(" in page_csv and "'@SUM(" in page_csv
    _assert_neutral(page_csv)
    assert cli(["diff", old, "--format", "csv", "--data", str(pkg.data), "--seeds", str(pkg.seeds)]) == 0
    out = capsys.readouterr().out
    assert out == page_csv
    _assert_neutral(out)


@pytest.fixture
def rpkg_with_change(pkg: Pkg):
    from test_releases import with_releases

    pkg = with_releases(pkg)
    releases.make_release(pkg.data, pkg.seeds, "before")
    pkg.set_cell("data/conflicts.csv", "troops_deployed", "subject", '=HYPERLINK("http://evil.example","x")')
    rows = pkg.rows("data/conflicts.csv")
    pkg.write("data/conflicts.csv", pkg.read("data/conflicts.csv") + "@SUM(1),Another\n")
    assert len(rows) == 2
    return pkg, "before"


def test_propose_csv_neutralises_formulas() -> None:
    from dashboard import propose

    candidate = propose.Candidate(source_id="S000", rank=1, score=1.0, table="events",
                                  quote='=HYPERLINK("http://evil.example")', start=0, end=33, actor="@SUM(1)",
                                  signals=["+x"])
    text = propose.to_csv([candidate])
    _assert_neutral(text)
    assert "'=HYPERLINK(" in text and "'@SUM(1)" in text


def test_a_half_landed_release_leaves_out_only_the_releases_table_in_the_app(project, tmp_path) -> None:
    """Killed between the release directory and the index: until the repair, the app shows every other table."""
    assert _run([*PY, "release", "--name", "half", *_dirs(project)], tmp_path,
                **{journal.KILL_ENV: "moved"}).returncode == -signal.SIGKILL
    loaded = data.load_tables(project.data_dir, project.seeds_dir)
    assert set(loaded.problems) == {"releases"}
    assert all(p.path.startswith("data/releases/") and REPAIR in p.message for p in loaded.problems["releases"])
    assert "events" in loaded.frames and "sources" in loaded.frames


def test_a_pattern_is_matched_whole_a_trailing_newline_fails_it(pkg: Pkg) -> None:
    raw = (pkg.data / "events.csv").read_bytes()
    pkg.write_bytes("data/events.csv", raw.replace(b"EV002,", b'"EV002\n",', 1))
    assert _one_line_each(checks.check(pkg.data)) == [
        'data/events.csv:3:id: "EV002 " does not match the pattern ^EV[0-9]{3}$']


def test_a_resource_name_is_matched_whole(pkg: Pkg) -> None:
    pkg.edit_package(lambda d: d["resources"][1].update(name="conflicts\n"))
    lines = _one_line_each(checks.check(pkg.data))
    assert 'data/datapackage.json:0:-: resource "conflicts\\n": "name" must be lower-case letters, digits and -._/ only' \
        in lines


def test_a_declared_path_with_a_newline_is_one_line_and_leaves_out_only_its_table(pkg: Pkg) -> None:
    pkg.edit_package(lambda d: d["resources"][1].update(path="conflicts\n.csv"))
    assert _one_line_each(checks.check(pkg.data)) == [
        "data/conflicts\\n.csv:0:-: file not found; rule conflict-pairs skipped for it"]
    loaded = data.load_tables(pkg.data)
    assert set(loaded.problems) == {"conflicts"} and set(loaded.frames) == {"sources", "events", "figures"}


def test_the_problem_panel_keeps_one_problem_per_line(monkeypatch, pkg: Pkg) -> None:
    """A carriage return or a line separator in a cell never breaks the panel's block of problem lines."""

    raw = (pkg.data / "events.csv").read_bytes()
    pkg.write_bytes("data/events.csv", raw.replace(b",society,", b',"a\rb\xe2\x80\xa8c",'))
    monkeypatch.setenv(data.DATA_ENV, str(pkg.data))
    monkeypatch.delenv(data.SEEDS_ENV, raising=False)
    at = open_app("data", timeout=60)
    at.run()
    block = at.error[0].value.split("```text\n", 1)[1].rsplit("\n```", 1)[0]
    assert block.split("\n") == [
        'data/events.csv:3:domain: "a\\rb\\u2028c" is not one of the allowed values: sanctions, society, security']


def test_add_source_refuses_a_provenance_linked_from_outside_unread(project, tmp_path) -> None:
    secret = _outside(tmp_path)
    before = secret.read_bytes()
    provenance = project.seeds_dir / "provenance.csv"
    provenance.unlink()
    provenance.symlink_to(secret)
    code = cli(["add-source", str(_text(tmp_path, "x")), "--title", "T", "--published-from", "2022-06-20", *_dirs(project)])
    assert code == 1 and secret.read_bytes() == before and provenance.is_symlink()
