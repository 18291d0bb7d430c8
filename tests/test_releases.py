"""Releases: python -m dashboard release freezes the checked tables; the check fails on any released file that changed."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard import releases
from dashboard.checks import check

from conftest import REPO, Pkg

DAY = dt.date(2026, 12, 1)


def _shipped_declaration() -> tuple[dict, dict]:
    """The releases resource and its rule as the shipped package declares them (the one declaration, not a copy)."""
    package = json.loads((REPO / "data" / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in package["resources"] if r["name"] == releases.RESOURCE)
    rule = next(r for r in package["rules"] if r["check"] == "release-sha256")
    return resource, rule


def with_releases(pkg: Pkg) -> Pkg:
    """The fixture package with the shipped releases declaration and an empty index."""
    resource, rule = _shipped_declaration()

    def edit(descriptor: dict) -> None:
        descriptor["resources"].append(resource)
        descriptor["rules"].append(rule)

    pkg.edit_package(edit)
    (pkg.data / "releases").mkdir()
    pkg.write("data/releases/releases.csv", ",".join(releases.INDEX_COLUMNS) + "\n")
    return pkg


@pytest.fixture
def rpkg(pkg: Pkg) -> Pkg:
    return with_releases(pkg)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_fixture_with_releases_is_clean(rpkg: Pkg) -> None:
    assert check(rpkg.data) == []


def test_release_freezes_every_table_with_checksums_and_a_summary(rpkg: Pkg) -> None:
    row = releases.make_release(rpkg.data, None, "r1", today=DAY)
    assert row == {
        "release": "r1", "created": "2026-12-01", "version": "", "as_of": "2022-04-30", "tables": "4", "rows": "7",
        "manifest_sha256": _sha(rpkg.data / "releases/r1/manifest.json"),
        "summary": "4 tables, 7 rows: sources 2, conflicts 1, events 2, figures 2",
    }
    folder = rpkg.data / "releases" / "r1"
    assert sorted(p.name for p in folder.iterdir()) == [
        "conflicts.csv.gz", "datapackage.json.gz", "events.csv.gz", "figures.csv.gz", "manifest.json", "sources.csv.gz"]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert {k: manifest[k] for k in ("release", "created", "as_of", "summary")} == {
        "release": "r1", "created": "2026-12-01", "as_of": "2022-04-30", "summary": row["summary"]}
    # each released file is the table byte for byte, and its checksum is recorded
    events = manifest["files"]["events.csv.gz"]
    assert gzip.decompress((folder / "events.csv.gz").read_bytes()) == (rpkg.data / "events.csv").read_bytes()
    assert events == {"resource": "events", "path": "events.csv", "rows": 2, "sha256": _sha(folder / "events.csv.gz"),
                      "csv_sha256": _sha(rpkg.data / "events.csv")}
    assert gzip.decompress((folder / "sources.csv.gz").read_bytes()) == (rpkg.seeds / "provenance.csv").read_bytes()
    assert releases.list_releases(rpkg.data) == [row]
    assert check(rpkg.data) == []


def test_release_manifest_has_no_agreement_without_a_second_coding(rpkg: Pkg) -> None:
    releases.make_release(rpkg.data, None, "r1", today=DAY)
    assert json.loads((rpkg.data / "releases/r1/manifest.json").read_text(encoding="utf-8"))["agreement"] is None


CODING = [["item", "table", "act", "actor", "domain", "stance", "credibility", "date_from", "date_to"],
          ["B1", "events", "hedge", "Kazakhstan government", "diplomatic", "0", "1", "2022-03-01", "2022-03-31"],
          ["B2", "events", "pressure", "Russia government", "information", "1", "3", "2022-04-01", "2022-04-01"]]


def _coded(pkg: Pkg) -> None:
    """data/coding/ beside the fixture: a first and a second coding of two items (the sample's ids are not needed for
    the first against the second; the tables' coding reads the sample)."""
    from conftest import _csv

    (pkg.data / "coding").mkdir()
    pkg.write("data/coding/first.csv", _csv([CODING[0], CODING[1], [*CODING[2][:2], "hedge", *CODING[2][3:]]]))
    pkg.write("data/coding/second.csv", _csv(CODING))
    pkg.write("data/coding/sample.csv", _csv([["item", "table", "id"]]))
    pkg.write("data/coding/coders.csv", _csv([["coding", "coder", "coded_on", "blinding", "note"],
                                              ["second", "a second coder", "2026-12-02", "blind", ""]]))


def test_release_manifest_carries_the_coding_reliability(rpkg: Pkg, monkeypatch) -> None:
    from dashboard import agreement

    _coded(rpkg)
    # the fixture has no stance tables: the tables' coding of the sample is stubbed with the second coding itself
    monkeypatch.setattr(agreement, "tables_coding", lambda data_dir: agreement.read_coding(rpkg.data / "coding/second.csv", "tables"))
    releases.make_release(rpkg.data, None, "r1", today=DAY)
    manifest = json.loads((rpkg.data / "releases/r1/manifest.json").read_text(encoding="utf-8"))
    assert manifest["agreement"] == json.loads(json.dumps(agreement.summary(rpkg.data)))
    assert manifest["agreement"]["second_coded_on"] == "2026-12-02" and manifest["agreement"]["sample"] == 2
    before = {f["field"]: f for f in manifest["agreement"]["before"]["fields"]}
    assert before["act"] == {"field": "act", "level": "nominal", "alpha": round(agreement.alpha(
        [("hedge", "hedge"), ("hedge", "pressure")], "nominal"), 6), "items": 2, "verdict": "unreliable"}
    after = {f["field"]: f for f in manifest["agreement"]["after"]["fields"]}
    assert after["act"]["alpha"] == 1.0 and after["stance"]["verdict"] == "reliable"
    assert check(rpkg.data) == []


def test_release_refuses_a_bad_coding(rpkg: Pkg) -> None:
    _coded(rpkg)
    rpkg.set_cell("data/coding/second.csv", "B2", "date_from", "2022-04-31")
    with pytest.raises(releases.ReleaseError) as raised:
        releases.make_release(rpkg.data, None, "r1", today=DAY)
    assert str(raised.value).splitlines()[1:] == [
        f'{releases._shown_dir(rpkg.data / "coding/second.csv")}:3:date_from: "2022-04-31" is not a date (YYYY-MM-DD)']
    assert releases.names(rpkg.data) == []


def test_release_is_reproducible(rpkg: Pkg, tmp_path: Path) -> None:
    other = rpkg.copy_to(tmp_path / "other")
    releases.make_release(rpkg.data, None, "r1", today=DAY)
    releases.make_release(other.data, None, "r1", today=DAY)
    for name in sorted(p.name for p in (rpkg.data / "releases/r1").iterdir()):
        assert (rpkg.data / "releases/r1" / name).read_bytes() == (other.data / "releases/r1" / name).read_bytes(), name


def test_second_release_is_appended_and_named_by_date_by_default(rpkg: Pkg) -> None:
    releases.make_release(rpkg.data, None, "r1", today=DAY)
    row = releases.make_release(rpkg.data, None, today=dt.date(2026, 12, 2))
    assert row["release"] == "2026-12-02"
    assert releases.names(rpkg.data) == ["r1", "2026-12-02"]
    assert releases.latest(rpkg.data) == "2026-12-02"
    assert check(rpkg.data) == []


@pytest.mark.parametrize(("name", "message"), [
    ("r1", "release r1 exists"),
    ("current", '"current" is not a release name'),
    ("../up", '"../up" is not a release name'),
    ("a b", '"a b" is not a release name'),
])
def test_release_refuses_a_name_that_exists_or_is_not_a_name(rpkg: Pkg, name: str, message: str) -> None:
    releases.make_release(rpkg.data, None, "r1", today=DAY)
    with pytest.raises(releases.ReleaseError, match="^" + message.replace(".", r"\.")):
        releases.make_release(rpkg.data, None, name, today=DAY)
    assert releases.names(rpkg.data) == ["r1"]


def test_release_refuses_invalid_data_listing_the_problems(rpkg: Pkg) -> None:
    rpkg.set_cell("data/events.csv", "EV001", "stance", "7")
    with pytest.raises(releases.ReleaseError) as caught:
        releases.make_release(rpkg.data, None, "r1", today=DAY)
    assert str(caught.value).splitlines() == [
        "the data does not pass the check, so it cannot be released (1 problem):",
        "data/events.csv:2:stance: 7 is above the maximum 2",
    ]
    assert not (rpkg.data / "releases" / "r1").exists()
    assert releases.list_releases(rpkg.data) == []


def _flip_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-1] ^= 1
    path.write_bytes(bytes(data))


def _rewrite_events(pkg: Pkg) -> None:
    """A curator 'fixes' the released table in place: a valid gzip of a changed CSV."""
    path = pkg.data / "releases/r1/events.csv.gz"
    text = gzip.decompress(path.read_bytes()).replace(b"-1", b"-2")
    path.write_bytes(releases.gz(text))


TAMPERING = [
    ("a released table rewritten", _rewrite_events,
     ["data/releases/r1/events.csv.gz:0:-: changed since release r1 was made"]),
    ("one byte of a released file", lambda p: _flip_byte(p.data / "releases/r1/figures.csv.gz"),
     ["data/releases/r1/figures.csv.gz:0:-: changed since release r1 was made"]),
    ("the descriptor", lambda p: _flip_byte(p.data / "releases/r1/datapackage.json.gz"),
     ["data/releases/r1/datapackage.json.gz:0:-: changed since release r1 was made"]),
    ("the manifest", lambda p: p.replace("data/releases/r1/manifest.json", '"as_of": "2022-04-30"', '"as_of": "2022-05-01"'),
     ["data/releases/r1/manifest.json:0:-: changed since release r1 was made"]),
    ("a released file removed", lambda p: p.remove("data/releases/r1/conflicts.csv.gz"),
     ["data/releases/r1/conflicts.csv.gz:0:-: file not found: release r1's manifest.json lists it"]),
    ("a file added", lambda p: p.write("data/releases/r1/extra.csv", "id\n"),
     ["data/releases/r1/extra.csv:0:-: not part of release r1 (its manifest.json does not list it); releases are immutable"]),
    ("a release directory no index lists", lambda p: (p.data / "releases/r0").mkdir(),
     ["data/releases/r0:0:-: a release directory not listed in releases.csv (an interrupted release?): run python -m "
      "dashboard recover to move it to the data directory's .history/"]),
    ("the index's checksum", lambda p: p.set_cell("data/releases/releases.csv", "r1", "manifest_sha256", "0" * 64),
     ["data/releases/r1/manifest.json:0:-: changed since release r1 was made"]),
]


@pytest.mark.parametrize(("what", "tamper", "expected"), TAMPERING, ids=[t[0] for t in TAMPERING])
def test_changing_a_release_fails_the_check_naming_the_file(rpkg: Pkg, what, tamper, expected) -> None:
    releases.make_release(rpkg.data, None, "r1", today=DAY)
    tamper(rpkg)
    problems = [str(p) for p in check(rpkg.data)]
    assert [line[: len(e)] for line, e in zip(problems, expected)] == expected and len(problems) == len(expected), problems


def test_reading_a_changed_release_is_refused(rpkg: Pkg) -> None:
    releases.make_release(rpkg.data, None, "r1", today=DAY)
    _rewrite_events(rpkg)
    with pytest.raises(releases.ReleaseError, match=r"releases/r1/events\.csv\.gz:0:-: changed since the release was made"):
        releases.snapshot(rpkg.data, "r1")


def test_snapshot_of_a_release_is_the_tables_as_released(rpkg: Pkg) -> None:
    releases.make_release(rpkg.data, None, "r1", today=DAY)
    rpkg.set_cell("data/events.csv", "EV001", "stance", "-2")
    released, current = releases.snapshot(rpkg.data, "r1"), releases.snapshot(rpkg.data, releases.CURRENT)
    assert list(released.tables) == ["sources", "conflicts", "events", "figures"]
    assert released.tables["events"].primary_key == ("id",)
    assert released.tables["events"].records()[0]["stance"] == "-1"
    assert current.tables["events"].records()[0]["stance"] == "-2"
    assert released.as_of == current.as_of == "2022-04-30"


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dashboard", *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})


def test_cli_release_then_refuses_the_same_name(rpkg: Pkg) -> None:
    first = _cli("release", "--name", "r1", "--data", str(rpkg.data), cwd=rpkg.root)
    assert first.returncode == 0, first.stderr
    assert first.stdout == ("data/releases/r1/: release r1 (version ?, data as of 2022-04-30): "
                            "4 tables, 7 rows: sources 2, conflicts 1, events 2, figures 2\n")
    again = _cli("release", "--name", "r1", "--data", str(rpkg.data), cwd=rpkg.root)
    assert (again.returncode, again.stdout) == (1, "")
    assert again.stderr == "error: release r1 exists (data/releases/r1/): releases are immutable, choose another --name\n"
    checked = _cli("check", "--data", str(rpkg.data), cwd=rpkg.root)
    assert checked.returncode == 0, checked.stdout


def test_cli_release_of_invalid_data_prints_the_problems(rpkg: Pkg) -> None:
    rpkg.set_cell("data/figures.csv", "FG001", "unit", "tanks")
    result = _cli("release", "--data", str(rpkg.data), cwd=rpkg.root)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines()[0] == "error: the data does not pass the check, so it cannot be released (1 problem):"
    assert result.stderr.splitlines()[1].startswith("data/figures.csv:2:unit: ")
    assert "Traceback" not in result.stderr


def test_shipped_releases_are_listed_and_intact() -> None:
    """Every shipped release is in the index, has every table of the package, and reads back (checksums verified)."""
    names = releases.names(REPO / "data")
    assert names, "no release of the shipped data in data/releases/"
    package = json.loads((REPO / "data" / "datapackage.json").read_text(encoding="utf-8"))
    for name in names:
        snap = releases.snapshot(REPO / "data", name)
        declared = {r["name"] for r in package["resources"]} - {releases.RESOURCE}
        assert set(snap.tables) <= declared and "events" in snap.tables, name
        assert all(t.rows for t in snap.tables.values() if t.name == "events"), name
