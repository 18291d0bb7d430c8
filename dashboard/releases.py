"""Dated releases of the data: frozen, checksummed snapshots under ``data/releases/``, and the tables they hold.

A release is a directory ``data/releases/<name>/`` holding every table of the package exactly as it was, byte for
byte, gzip-compressed (``<resource>.csv.gz``; the seeds' provenance table is the ``sources`` resource), the
descriptor (``datapackage.json.gz``) and ``manifest.json``: the release's name, its date, the package's ``version``,
the data's as-of date, a one-line summary of the rows per table, the coding's reliability (``agreement``: alpha per
coded field, the sample size and the date of the second coding, from ``data/coding/``; null without a second
coding), and the sha256 of every file. The releases are
listed in ``data/releases/releases.csv``, the package's ``releases`` resource, with the sha256 of each manifest, so
``python -m dashboard check`` validates them like the other tables, and its ``release-sha256`` rule fails on any
released file that changed (releases are immutable: a correction is a new release).

Free of pandas and Streamlit: the command line, the diff and the Changes page read snapshots through
:func:`snapshot`, which gives every table as text cells (what a curator typed), so a diff compares what was written.

Longer than 500 lines because a release is one job in three parts that share its manifest format: making one, reading
its tables back, and the release-integrity rule kind the checks run on it.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from dashboard import guard, journal, oneline
from dashboard import package as declaration
from dashboard.checks.problems import RELEASE
from dashboard.checks.registry import rule_kind

#: the package's resource listing the releases, and where it and the releases live (relative to data/)
RESOURCE = "releases"
DIR = "releases"
INDEX = "releases.csv"
MANIFEST = "manifest.json"
DESCRIPTOR = "datapackage.json.gz"
#: the name the diff and the Changes page give the working data (never a release's name: see NAME)
CURRENT = "current"
#: a release name: a date or a short label, safe as a directory name and in a URL; always matched whole
#: (``fullmatch``: "2026-12-01\n" is not a name, as ``$`` would let it be)
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def valid_name(name: Any) -> bool:
    """Is ``name`` a release name, matched whole (and not ``current``)?"""
    return isinstance(name, str) and name != CURRENT and NAME.fullmatch(name) is not None
INDEX_COLUMNS = ("release", "created", "version", "as_of", "tables", "rows", "manifest_sha256", "summary")
SOURCES = "sources"


class ReleaseError(ValueError):
    """A release that cannot be made or read; the message names the file (one or more lines, for the command line)."""


@dataclass(frozen=True)
class TableText:
    """One table as text cells, as written in its CSV: the header, the rows, and its primary key from the declaration."""

    name: str
    title: str
    path: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    primary_key: tuple[str, ...]

    def records(self) -> list[dict[str, str]]:
        return [dict(zip(self.header, row)) for row in self.rows]


@dataclass(frozen=True)
class Snapshot:
    """The tables of one release, or of the working data (``label == CURRENT``)."""

    label: str
    tables: dict[str, TableText]
    package: dict[str, Any] = field(default_factory=dict, compare=False)
    created: str = ""
    as_of: str = ""

    @property
    def described(self) -> str:
        """How the snapshot is named in headings: ``release 2026-12-01 (data as of …)`` or ``the current data``."""
        if self.label == CURRENT:
            return "the current data"
        return f"release {self.label}" + (f" (made {self.created})" if self.created else "")


# --------------------------------------------------------------------------
# files


def releases_dir(data_dir: Path | str) -> Path:
    return Path(data_dir) / DIR


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def gz(raw: bytes) -> bytes:
    """Deterministic gzip: no file name, no time stamp, so the same table gives the same bytes (and checksum)."""
    return gzip.compress(raw, compresslevel=9, mtime=0)


def _csv_rows(raw: bytes, where: str) -> list[list[str]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReleaseError(f"{where}:0:-: not valid UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise ReleaseError(f"{where}:0:-: not a readable CSV ({exc})") from None


def _shown_dir(path: Path) -> str:
    """A path as problem lines show it: relative to the working directory when inside it."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


# --------------------------------------------------------------------------
# the index: data/releases/releases.csv


def list_releases(data_dir: Path | str) -> list[dict[str, str]]:
    """The releases in ``data/releases/releases.csv``, oldest first (the file's order: each release is appended);
    [] when there is none yet."""
    index = releases_dir(data_dir) / INDEX
    if not index.is_file():
        return []
    rows = _csv_rows(index.read_bytes(), _shown_dir(index))
    if not rows:
        return []
    header = rows[0]
    return [dict(zip(header, row)) for row in rows[1:] if any(cell.strip() for cell in row)]


def names(data_dir: Path | str) -> list[str]:
    return [r.get("release", "") for r in list_releases(data_dir) if r.get("release")]


def latest(data_dir: Path | str) -> str | None:
    """The name of the last release made, None before the first."""
    found = names(data_dir)
    return found[-1] if found else None


def _index_text(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(INDEX_COLUMNS)
    for row in rows:
        writer.writerow([row.get(c, "") for c in INDEX_COLUMNS])
    return out.getvalue().encode("utf-8")


# --------------------------------------------------------------------------
# making a release


def _tabular(package: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in package.get("resources", []) if isinstance(r, dict) and isinstance(r.get("name"), str)
            and isinstance(r.get("path"), str) and r["name"] != RESOURCE]


def _resource_file(resource: dict[str, Any], data_dir: Path, seeds_dir: Path | None) -> Path:
    """Where a resource's CSV is, as the check resolves it: the sources table in the seeds directory, the rest in data/."""
    if resource["name"] == SOURCES and seeds_dir is not None:
        return Path(seeds_dir) / PurePosixPath(resource["path"]).name
    return Path(data_dir) / resource["path"]


def summary_line(rows: dict[str, int]) -> str:
    """``16 tables, 412 rows: events 90, …`` (tables in declaration order)."""
    total = sum(rows.values())
    parts = ", ".join(f"{name} {count}" for name, count in rows.items())
    return f"{len(rows)} table{'' if len(rows) == 1 else 's'}, {total} row{'' if total == 1 else 's'}: {parts}"


def _agreement(data_dir: Path) -> dict[str, Any] | None:
    """The coding's reliability as the Method page shows it (:func:`dashboard.agreement.summary`: alpha per field, the
    sample size, the date of the second coding, before and after reconciliation); None without a second coding."""
    from dashboard import agreement

    try:
        return agreement.summary(data_dir)
    except agreement.CodingError as exc:
        raise ReleaseError("the codings in data/coding/ cannot be read, so the release cannot carry their figures:\n"
                           + "\n".join(exc.lines)) from None


def make_release(data_dir: Path | str, seeds_dir: Path | str | None = None, name: str | None = None,
                 today: dt.date | None = None) -> dict[str, str]:
    """Freeze the current tables as release ``name`` (default: today's date) and return its row of the index.

    Refuses (:class:`ReleaseError`) invalid data, listing every problem line, a malformed name, and a name that
    exists. It follows the writer's protocol (:mod:`dashboard.journal`): the lock is taken before the index is read
    and the name checked, the release directory and the new index are staged beside their targets and committed
    together through the journal, so parallel releases all land in the index and a killed one is completed or rolled
    back by the next writer.
    """
    data_dir = Path(data_dir)
    today = today or dt.date.today()
    name = name if name is not None else today.isoformat()
    if not valid_name(name):
        shown = oneline.escape(name)
        shown = shown if len(shown) <= 80 else shown[:79] + "…"
        raise ReleaseError(f'"{shown}" is not a release name: use letters, digits, ".", "_" or "-" (at most 64, not '
                           f'"{CURRENT}"), e.g. {today.isoformat()}')
    try:
        with journal.locked(data_dir, seeds_dir) as recovered:
            if f"completed the interrupted release {name}" in recovered:  # this very release, killed after its journal
                return next(r for r in list_releases(data_dir) if r.get("release") == name)
            return _make_release_locked(data_dir, seeds_dir, name, today)
    except journal.WriteError as exc:
        raise ReleaseError(str(exc)) from None


def _make_release_locked(data_dir: Path, seeds_dir: Path | str | None, name: str, today: dt.date) -> dict[str, str]:
    from dashboard import checks  # the check reads the same files; imported here so the CLI starts fast

    root = releases_dir(data_dir)
    existing = list_releases(data_dir)
    if name in {r.get("release") for r in existing} or (root / name).exists():
        raise ReleaseError(f"release {name} exists ({_shown_dir(root / name)}/): releases are immutable, choose another --name")
    report = checks.run(data_dir, seeds_dir)
    if report.problems:
        lines = "\n".join(str(p) for p in report.problems)
        raise ReleaseError(f"the data does not pass the check, so it cannot be released ({len(report.problems)} "
                           f"problem{'' if len(report.problems) == 1 else 's'}):\n{lines}")
    package = report.package or {}
    resolved_seeds = report.seeds_dir
    files: dict[str, dict[str, Any]] = {}
    rows: dict[str, int] = {}
    blobs: dict[str, bytes] = {}
    for resource in _tabular(package):
        raw = _resource_file(resource, data_dir, resolved_seeds).read_bytes()
        file_name = f"{resource['name']}.csv.gz"
        blobs[file_name] = gz(raw)
        rows[resource["name"]] = report.rows.get(resource["name"], 0)
        files[file_name] = {"resource": resource["name"], "path": resource["path"], "rows": rows[resource["name"]],
                            "sha256": sha256(blobs[file_name]), "csv_sha256": sha256(raw)}
    descriptor = (data_dir / checks.DATAPACKAGE).read_bytes()
    blobs[DESCRIPTOR] = gz(descriptor)
    files[DESCRIPTOR] = {"resource": None, "path": checks.DATAPACKAGE, "sha256": sha256(blobs[DESCRIPTOR]),
                         "csv_sha256": sha256(descriptor)}
    as_of = _as_of(report)
    summary = summary_line(rows)
    manifest = {"release": name, "created": today.isoformat(), "version": str(package.get("version") or ""),
                "as_of": as_of, "summary": summary, "agreement": _agreement(data_dir), "files": files}
    blobs[MANIFEST] = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")

    row = {"release": name, "created": today.isoformat(), "version": manifest["version"], "as_of": as_of,
           "tables": str(len(rows)), "rows": str(sum(rows.values())), "manifest_sha256": sha256(blobs[MANIFEST]),
           "summary": summary}
    root.mkdir(parents=True, exist_ok=True)
    staging = journal.staging_dir(root / name)
    staged_index = None
    try:
        for file_name, data in blobs.items():
            with open(staging / file_name, "xb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
        staged_index = journal.stage_file(root / INDEX, _index_text(existing + [row]))
        journal.commit(data_dir, f"release {name}", [journal.Move(staging, root / name), journal.Move(staged_index, root / INDEX)])
    except BaseException:
        if not (data_dir / journal.HISTORY_DIR / journal.JOURNAL_NAME).exists():  # not committed: leave nothing behind
            shutil.rmtree(staging, ignore_errors=True)
            if staged_index is not None:
                staged_index.unlink(missing_ok=True)
        raise
    return row


def unlisted(data_dir: Path | str) -> list[Path]:
    """Release directories the index does not list (left by an interrupted release before the journal, or by hand)."""
    root = releases_dir(data_dir)
    if not root.is_dir():
        return []
    listed = set(names(data_dir))
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".") and p.name not in listed)


def _as_of(report: Any) -> str:
    """The latest ``published_to`` of the sources table, as YYYY-MM-DD ('' without one)."""
    from dashboard import asof

    found = asof.of_sources(report.columns.get(SOURCES))
    return found.isoformat() if found else ""


# --------------------------------------------------------------------------
# reading a release, or the working data, as text tables


def _table(resource: dict[str, Any], raw: bytes, where: str) -> TableText:
    rows = _csv_rows(raw, where)
    header = tuple(rows[0]) if rows else ()
    body = tuple(tuple(r) + ("",) * (len(header) - len(r)) for r in rows[1:] if any(c.strip() for c in r))
    schema = resource.get("schema") if isinstance(resource.get("schema"), dict) else {}
    key = schema.get("primaryKey") or ()
    key = (key,) if isinstance(key, str) else tuple(key)
    return TableText(resource["name"], str(resource.get("title") or resource["name"]), where, header, body, key)


def manifest(data_dir: Path | str, name: str) -> dict[str, Any]:
    """The manifest of release ``name``, checked against the sha256 the index records."""
    root = releases_dir(data_dir)
    listed = {r.get("release"): r for r in list_releases(data_dir)}
    if name not in listed:
        known = ", ".join(listed) or "none yet (make one with python -m dashboard release)"
        raise ReleaseError(f"no release {oneline.escape(name)[:80]} in {_shown_dir(root / INDEX)} (releases: {known})")
    path = root / name / MANIFEST
    if not path.is_file():
        raise ReleaseError(f"{_shown_dir(path)}:0:-: file not found")
    if not guard.inside(root, path):
        raise ReleaseError(f"{_shown_dir(path)}:0:-: a link that leaves {_shown_dir(root)}/: refused, not read")
    raw = path.read_bytes()
    expected = listed[name].get("manifest_sha256", "")
    if sha256(raw) != expected:
        raise ReleaseError(f"{_shown_dir(path)}:0:-: changed since the release was made (sha256 {sha256(raw)}, "
                           f"{INDEX} records {expected}); releases are immutable")
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReleaseError(f"{_shown_dir(path)}:0:-: not valid JSON ({exc})") from None


def _released(root: Path, file_name: str, entry: dict[str, Any]) -> bytes:
    path = root / file_name
    if PurePosixPath(file_name).name != file_name or not path.is_file():
        raise ReleaseError(f"{_shown_dir(path)}:0:-: file not found")
    if not guard.inside(root, path):
        raise ReleaseError(f"{_shown_dir(path)}:0:-: a link that leaves {_shown_dir(root)}/: refused, not read")
    data = path.read_bytes()
    if sha256(data) != entry.get("sha256"):
        raise ReleaseError(f"{_shown_dir(path)}:0:-: changed since the release was made (sha256 {sha256(data)}, "
                           f"{MANIFEST} records {entry.get('sha256')}); releases are immutable")
    try:
        return gzip.decompress(data)
    except (OSError, EOFError) as exc:
        raise ReleaseError(f"{_shown_dir(path)}:0:-: not a gzip file ({exc})") from None


def snapshot(data_dir: Path | str | None = None, which: str = CURRENT, seeds_dir: Path | str | None = None) -> Snapshot:
    """The tables of release ``which``, or of the working data for ``CURRENT``, as text; raises ReleaseError."""
    from dashboard import paths

    data_dir = Path(data_dir) if data_dir is not None else paths.default_data_dir()
    if which == CURRENT:
        return _current(data_dir, seeds_dir)
    info = manifest(data_dir, which)
    root = releases_dir(data_dir) / which
    files = info.get("files") if isinstance(info.get("files"), dict) else {}
    if DESCRIPTOR not in files:
        raise ReleaseError(f"{_shown_dir(root / MANIFEST)}:0:-: lists no {DESCRIPTOR}")
    try:
        package = guard.parse_json(_released(root, DESCRIPTOR, files[DESCRIPTOR]))
    except guard.JsonProblem as exc:
        raise ReleaseError(f"{_shown_dir(root)}/{DESCRIPTOR}:0:-: {exc}") from None
    declared = {r["name"]: r for r in _tabular(package)}
    tables: dict[str, TableText] = {}
    for file_name, entry in files.items():
        resource = declared.get(entry.get("resource"))
        if resource is not None:
            tables[resource["name"]] = _table(resource, _released(root, file_name, entry), f"{_shown_dir(root)}/{file_name}")
    ordered = {n: tables[n] for n in declared if n in tables}
    return Snapshot(which, ordered, package, str(info.get("created", "")), str(info.get("as_of", "")))


def _current(data_dir: Path, seeds_dir: Path | str | None) -> Snapshot:
    path = data_dir / "datapackage.json"
    try:
        package = declaration.read_file(path)
    except guard.JsonProblem as exc:
        raise ReleaseError(f"{_shown_dir(path)}:0:-: cannot be read ({exc})") from None
    if not isinstance(package, dict) or not isinstance(package.get("resources"), list):
        raise ReleaseError(f"{_shown_dir(path)}:0:-: not a data package: no list of resources")
    seeds_dir = journal.seeds_dir_of(data_dir, seeds_dir)
    tables: dict[str, TableText] = {}
    for resource in _tabular(package):
        file = _resource_file(resource, data_dir, Path(seeds_dir) if seeds_dir is not None else None)
        home = Path(seeds_dir) if resource["name"] == SOURCES and seeds_dir is not None else data_dir
        if not guard.inside(home, file):
            continue  # a declared path that leaves its directory is never read (the check reports it)
        if file.is_file():  # a missing table is the check's problem; the diff shows it as all rows removed
            tables[resource["name"]] = _table(resource, file.read_bytes(), _shown_dir(file))
    sources = tables.get(SOURCES)
    dates = [r.get("published_to", "") for r in sources.records()] if sources else []
    return Snapshot(CURRENT, tables, package, "", max((d for d in dates if d), default=""))


def typed(snap: Snapshot, name: str) -> Any:
    """One table of a snapshot as the app's typed DataFrame (cast from the snapshot's own declaration, as
    :func:`dashboard.data.load_tables` casts the working data); None when the table is not there or cannot be cast."""
    from dashboard import contract

    table = snap.tables.get(name)
    resource = next((r for r in _tabular(snap.package) if r["name"] == name), None)
    if table is None or resource is None:
        return None
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([table.header, *table.rows])
    try:
        cast = contract.cast(contract.read_csv(out.getvalue().encode("utf-8")), resource)
        return contract.to_pandas(cast.values)
    except Exception:  # noqa: BLE001 - a table that cannot be cast is not drawn; the diff still lists its rows
        return None


# --------------------------------------------------------------------------
# the check's rule (the checks' "release-sha256" kind, registered below, calls this)


def release_problems(root: Path, rows: list[dict[str, Any]], shown_root: str) -> list[tuple[str, int, str, str]]:
    """Each release the index in ``root`` lists is intact: its manifest has the sha256 the index records, every file
    the manifest lists is there with its sha256, the directory holds nothing else, and no release directory is
    unlisted. Returns (path, row, field, message) tuples, each naming the file (row 0, field "-"). ``rows`` are the
    index's rows in file order, each with ``release`` and ``manifest_sha256`` (blank where the schema failed);
    ``shown_root`` is ``root`` as problem lines show it (``data/releases``)."""
    out: list[tuple[str, int, str, str]] = []
    listed: set[str] = set()
    for number, row in enumerate(rows, start=2):
        name, expected = row.get("release"), row.get("manifest_sha256")
        if not valid_name(name):
            continue  # the schema's pattern reports it
        listed.add(name)
        where = f"{shown_root}/{name}"
        path = root / name / MANIFEST
        if not path.is_file():
            out.append((f"{where}/{MANIFEST}", 0, "-", f"file not found: release {name} is listed in {INDEX} but its manifest is missing"))
            continue
        if not guard.inside(root, path):
            out.append((f"{where}/{MANIFEST}", 0, "-", f"a link that leaves {shown_root}/: refused, not read"))
            continue
        raw = path.read_bytes()
        if isinstance(expected, str) and expected and sha256(raw) != expected:
            out.append((f"{where}/{MANIFEST}", 0, "-", f"changed since release {name} was made: its sha256 is {sha256(raw)}, "
                        f"{INDEX} row {number} records {expected}; releases are immutable, make a new one instead"))
            continue
        try:
            info = json.loads(raw.decode("utf-8"))
            files = info["files"]
            assert isinstance(files, dict)
        except Exception:  # noqa: BLE001 - any unreadable manifest is one problem
            out.append((f"{where}/{MANIFEST}", 0, "-", "not a release manifest (JSON with a \"files\" object)"))
            continue
        for file_name, entry in files.items():
            file = root / name / file_name
            if PurePosixPath(file_name).name != file_name or not file.is_file():
                out.append((f"{where}/{file_name}", 0, "-", f"file not found: release {name}'s {MANIFEST} lists it"))
                continue
            if not guard.inside(root, file):
                out.append((f"{where}/{file_name}", 0, "-", f"a link that leaves {shown_root}/: refused, not read"))
                continue
            actual = sha256(file.read_bytes())
            recorded = entry.get("sha256") if isinstance(entry, dict) else None
            if actual != recorded:
                out.append((f"{where}/{file_name}", 0, "-", f"changed since release {name} was made: its sha256 is {actual}, "
                            f"{MANIFEST} records {recorded}; releases are immutable, make a new one instead"))
        for extra in sorted(p.name for p in (root / name).iterdir() if p.name not in files and p.name != MANIFEST):
            out.append((f"{where}/{extra}", 0, "-", f"not part of release {name} (its {MANIFEST} does not list it); "
                        "releases are immutable"))
    if root.is_dir():
        for orphan in sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(".") and p.name not in listed):
            out.append((f"{shown_root}/{orphan}", 0, "-", f"a release directory not listed in {INDEX} (an interrupted "
                        f"release?): run {journal.REPAIR} to move it to the data directory's .history/"))
    return out


# --------------------------------------------------------------------------
# the release-integrity rule kind (a plugin of dashboard.checks)


@rule_kind("release-sha256", needs=("field",), implies=(RELEASE,))
def _release_sha256(checker: Any, rule: Any) -> None:
    """Releases are immutable: every release the index (the rule's resource, e.g. data/releases/releases.csv) lists
    is intact beside it: its manifest.json has the sha256 in ``field``, each file the manifest lists has the sha256
    recorded there, and nothing is added (see :func:`release_problems`). Registered here as a plugin
    of the checks (the entry point in pyproject.toml), so the check engine never imports the releases."""
    for table, ok in checker.rule_tables(rule, rule.columns()):
        names = table.column(RELEASE).to_pylist()
        shas = table.column(rule.field).to_pylist()
        good = ok.to_pylist()
        rows = [{"release": n, "manifest_sha256": s if g else ""} for n, s, g in zip(names, shas, good)]
        shown_root = PurePosixPath(table.display).parent.as_posix()
        for path, row, field_name, message in release_problems(table.file.parent, rows, shown_root):
            checker.problem(path, row, field_name, message)


__all__ = [
    "CURRENT", "ReleaseError", "Snapshot", "TableText", "latest", "list_releases", "make_release",
    "manifest", "names", "release_problems", "snapshot", "summary_line",
]
