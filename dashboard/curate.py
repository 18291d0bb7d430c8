"""Curation: add a new text to ``seeds/``, and save reviewed rows into the tables, only when the whole package validates.

    python -m dashboard add-source FILE --title T --published-from YYYY-MM-DD [--published-to YYYY-MM-DD]
        [--author A] [--outlet O] [--kind K] [--grade G --grade-reason R] [--data DIR] [--seeds DIR]
    python -m dashboard propose SOURCE_ID [--format csv|json] [-o FILE] [--data DIR] [--seeds DIR]

Every write follows the writer's protocol of :mod:`dashboard.journal` and goes through :func:`save`:

- the package's lock (``<data>/.history/.lock``) is taken *before* the files are read: :func:`add_source` and
  :func:`add_rows` read the provenance or the table and allocate the next id with the lock held, so parallel runs
  get distinct ids; taking the lock also completes or rolls back a write an earlier, killed run left;
- it validates the package as it would be after the write, with the very checks of ``python -m dashboard check``
  (:func:`dashboard.checks.run` on an overlay of the data and seeds directories with the new files in place), and
  refuses the write if that adds any problem, returning the ``path:row:field: message`` lines;
- it copies the previous versions to ``<data>/.history/``, stages every new file beside its target, fsynced, and
  commits them together through the journal (:func:`dashboard.journal.commit`): a seed and its provenance row land
  both or neither, whenever the process is killed.

Write mode is off unless enabled: the Curate page writes only when ``DASHBOARD_CURATE_WRITE=1`` and offers the
accepted rows as a download otherwise (Streamlit Community Cloud never sets it). The command line is the curator's own
tool and always writes.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterable, Iterator, Mapping

from dashboard import guard, journal

#: set to 1 (or true/yes/on) to let the Curate page write to the data directory
WRITE_ENV = "DASHBOARD_CURATE_WRITE"
#: where the previous versions and the lock live, inside the data directory (ignored by git and by the app's reload)
HISTORY_DIR = journal.HISTORY_DIR
LOCK_NAME = journal.LOCK_NAME
#: how long a save waits for another writer to finish
LOCK_TIMEOUT_S = journal.LOCK_TIMEOUT_S
#: the largest text add-source takes (a news text is a few tens of KB)
MAX_TEXT_BYTES = 2_000_000

SOURCES = "sources"
DATAPACKAGE = "datapackage.json"
NOT_STATED = "not stated"


class CurateError(Exception):
    """A refused curation step: the message is one line, for the user."""


class Refused(CurateError):
    """A write refused because the package would not validate with it: ``problems`` are check's lines."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("refused, nothing written: " + "; ".join(problems))
        self.problems = problems


def write_enabled(environ: Mapping[str, str] | None = None) -> bool:
    """Is the Curate page allowed to write? Only when ``DASHBOARD_CURATE_WRITE`` says so."""
    value = (environ if environ is not None else os.environ).get(WRITE_ENV, "")
    return value.strip().lower() in {"1", "true", "yes", "on"}


# --------------------------------------------------------------------------
# the package's locations, read from its declaration


@dataclass(frozen=True)
class Package:
    """Where a data package and its seeds live, and its declaration."""

    data_dir: Path
    seeds_dir: Path
    descriptor: dict[str, Any]

    def resource(self, name: str) -> dict[str, Any]:
        for resource in self.descriptor.get("resources", []):
            if isinstance(resource, dict) and resource.get("name") == name:
                return resource
        raise CurateError(f"{DATAPACKAGE} declares no table '{name}'")

    def file(self, name: str) -> Path:
        """The CSV of table ``name`` (the sources table lives in the seeds directory)."""
        path = self.resource(name).get("path")
        if not isinstance(path, str):
            raise CurateError(f"{DATAPACKAGE}: table '{name}' has no path")
        if name == SOURCES:
            found = self.seeds_dir / PurePosixPath(path).name
            if not guard.inside(self.seeds_dir, found):  # a link out of the seeds directory is never read nor written
                raise CurateError(f"{found}: a link that leaves the seeds directory; refused")
            return found
        resolved = (self.data_dir / path).resolve()
        if self.data_dir.resolve() not in resolved.parents:
            raise CurateError(f"{DATAPACKAGE}: table '{name}' points outside the data directory ({path})")
        return resolved

    def fields(self, name: str) -> list[dict[str, Any]]:
        return [f for f in self.resource(name).get("schema", {}).get("fields", []) if isinstance(f, dict)]

    def enum(self, table: str, field_name: str) -> list[str]:
        for spec in self.fields(table):
            if spec.get("name") == field_name:
                return [str(v) for v in spec.get("constraints", {}).get("enum", [])]
        return []

    def tables(self) -> list[str]:
        """The tables with a ``quote`` and a ``source_id``: the ones rows from a text go into."""
        out = []
        for resource in self.descriptor.get("resources", []):
            names = {f.get("name") for f in resource.get("schema", {}).get("fields", []) if isinstance(f, dict)} \
                if isinstance(resource, dict) and isinstance(resource.get("schema"), dict) else set()
            if {"quote", "source_id", "id"} <= names:
                out.append(resource["name"])
        return out


def open_package(data_dir: Path | str | None = None, seeds_dir: Path | str | None = None) -> Package:
    """The package at ``data_dir`` (default: $DASHBOARD_DATA_DIR or the repo's data/) with its seeds directory."""
    from dashboard import package, paths

    data = Path(data_dir) if data_dir is not None else paths.default_data_dir()
    if not (data / DATAPACKAGE).is_file():
        raise CurateError(f"{data}/{DATAPACKAGE} not found: is --data the data package directory?")
    try:  # within a size and a depth: a huge, deep or malformed declaration is one line
        descriptor = package.read(data)
    except guard.JsonProblem as exc:
        raise CurateError(f"{data}/{DATAPACKAGE} cannot be read: {exc}") from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise CurateError(f"{data}/{DATAPACKAGE} is not a data package: no list of resources")
    seeds = paths.seeds_dir_of(data, seeds_dir, descriptor)
    if not seeds.is_dir():
        raise CurateError(f"seeds directory {seeds} not found")
    return Package(data, seeds, descriptor)


# --------------------------------------------------------------------------
# atomic, locked, validated writes


@contextmanager
def locked(package: Package, timeout: float = LOCK_TIMEOUT_S) -> Iterator[list[str]]:
    """Hold the package's write lock (one writer at a time, across processes; re-entrant in one thread), after
    completing or rolling back what an interrupted writer left; yields what that recovery did."""
    try:
        with journal.locked(package.data_dir, package.seeds_dir, timeout) as recovered:
            yield recovered
    except journal.WriteError as exc:
        raise CurateError(str(exc)) from None


def keep_previous(package: Package, path: Path) -> Path | None:
    """Copy the current ``path`` to ``<data>/.history/<name>.<UTC time>`` before it is replaced; the copy's path."""
    if not path.exists():
        return None
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    kept = package.data_dir / HISTORY_DIR / f"{path.name}.{stamp}"
    kept.parent.mkdir(exist_ok=True)
    shutil.copy2(path, kept)
    return kept


@dataclass
class Saved:
    """The outcome of :func:`save`: written, or refused with the problems it would add."""

    written: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    previous: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def problems_after(package: Package, changes: Mapping[Path, bytes]) -> list[str]:
    """The problems ``python -m dashboard check`` would print after ``changes`` (path -> new bytes), that it does
    not print now: the package is validated on an overlay with the new files in place, the real files untouched."""
    from dashboard import checks

    before = {str(p) for p in checks.run(package.data_dir, package.seeds_dir).problems}
    history: Path | None = package.data_dir / HISTORY_DIR
    try:
        history.mkdir(exist_ok=True)  # type: ignore[union-attr]
    except OSError:  # a read-only checkout: the system's temporary directory, with copies
        history = None
    # the overlay is made of hard links (copies where the file system has none) inside the data directory's history,
    # not of symlinks: the checks refuse a file that links out of its directory, as they would refuse the overlay's
    with tempfile.TemporaryDirectory(prefix=f"overlay-{os.getpid()}-", dir=history) as temp:
        root = Path(temp)
        # the overlay keeps the directories' own names, so problems read data/events.csv:83:... as check prints them
        overlay = {package.data_dir.resolve(): root / "a" / package.data_dir.resolve().name,
                   package.seeds_dir.resolve(): root / "b" / package.seeds_dir.resolve().name}
        for real, copy in overlay.items():
            copy.parent.mkdir(parents=True)
            shutil.copytree(real, copy, symlinks=True, copy_function=_link_or_copy,
                            ignore=lambda directory, names: [n for n in names if n == HISTORY_DIR or journal.STAGED.fullmatch(n)])
        for path, data in changes.items():
            target = overlay[path.parent.resolve()] / path.name
            target.unlink(missing_ok=True)
            target.write_bytes(data)
        after = checks.run(overlay[package.data_dir.resolve()], overlay[package.seeds_dir.resolve()]).problems
    return [str(p) for p in after if str(p) not in before]


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def validate_ok(package: Package) -> bool:
    """Does the package pass ``python -m dashboard check`` as it stands?"""
    from dashboard import checks

    return not checks.run(package.data_dir, package.seeds_dir).problems


def save(package: Package, changes: Mapping[Path, bytes], validate_first: bool = True, *,
         retire: Iterable[Path] = (), operation: str = "save") -> Saved:
    """Write ``changes`` (path -> bytes, each path in the data or seeds directory) under the lock, after validating
    the package as it would be; refuse, writing nothing, when that adds a problem. Previous versions are kept, and
    the files land together or not at all (:func:`dashboard.journal.commit`); ``retire`` lists files to move into
    ``<data>/.history/orphans/`` in the same commit."""
    allowed = {package.data_dir.resolve(), package.seeds_dir.resolve()}
    for path in changes:
        if path.parent.resolve() not in allowed or (path.is_symlink() and not guard.inside(path.parent, path)):
            raise CurateError(f"refusing to write {path}: not in the data or seeds directory")
    with locked(package):
        if validate_first:
            problems = problems_after(package, changes)
            if problems:
                return Saved(problems=problems)
        out = Saved()
        moves: list[journal.Move] = []
        try:
            # new files first (a new seed text before the provenance row that names it), then replacements
            for path in sorted(changes, key=lambda p: p.exists()):
                kept = keep_previous(package, path)
                if kept is not None:
                    out.previous.append(kept)
                moves.append(journal.Move(journal.stage_file(path, changes[path]), path))
                out.written.append(path)
            moves += [journal.retire(package.data_dir, path) for path in retire]
            journal.commit(package.data_dir, operation, moves)
        except journal.WriteError as exc:
            raise CurateError(str(exc)) from None
        except BaseException:
            if not (package.data_dir / journal.HISTORY_DIR / journal.JOURNAL_NAME).exists():
                for move in moves:  # not committed: nothing of it stays
                    if journal.STAGED.fullmatch(move.staged.name):
                        move.staged.unlink(missing_ok=True)
            raise
        return out


# --------------------------------------------------------------------------
# rows as CSV, in the file's own column order


def read_header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle), [])


def csv_line(header: list[str], row: Mapping[str, Any]) -> str:
    """One CSV line for ``row`` in ``header``'s order (blank for a missing value); unknown keys are an error."""
    unknown = sorted(set(row) - set(header))
    if unknown:
        raise CurateError(f"no column {', '.join(unknown)} in this table (columns: {', '.join(header)})")
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(["" if row.get(c) is None else _cell(row.get(c)) for c in header])
    return buffer.getvalue()


def _cell(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value)


def with_rows(path: Path, rows: Iterable[Mapping[str, Any]]) -> bytes:
    """The file's bytes with ``rows`` appended (the existing bytes unchanged)."""
    current = path.read_bytes()
    header = read_header(path)
    text = current.decode("utf-8")
    if text and not text.endswith("\n"):
        text += "\n"
    return (text + "".join(csv_line(header, row) for row in rows)).encode("utf-8")


def next_id(package: Package, table: str, taken: Iterable[str] = ()) -> str:
    """The next free id of ``table``: its ids' prefix and the next number, as wide as its widest id."""
    import re

    ids = [r.get("id", "") for r in csv.DictReader(package.file(table).open(encoding="utf-8", newline=""))] + list(taken)
    parsed = [m.groups() for m in (re.fullmatch(r"([A-Z]+)(\d+)", i or "") for i in ids) if m]
    if not parsed:
        raise CurateError(f"{table}: no ids of the form PREFIX + number to continue from")
    prefix = max({p for p, _ in parsed}, key=[p for p, _ in parsed].count)
    numbers = [n for p, n in parsed if p == prefix]
    return f"{prefix}{max(int(n) for n in numbers) + 1:0{max(len(n) for n in numbers)}d}"


def add_rows(package: Package, table: str, rows: list[dict[str, Any]], write: bool = True) -> tuple[Saved, bytes]:
    """Append ``rows`` to ``table`` (ids filled in where blank), validated with the whole package first.

    Returns the outcome and the table's new bytes (to offer as a download in read-only mode: ``write=False``
    validates without writing)."""
    path = package.file(table)
    if not write:
        data = appended_rows(package, table, rows)
        return Saved(problems=problems_after(package, {path: data})), data
    with locked(package):  # the table is read and the ids allocated under the lock: parallel saves never collide
        data = appended_rows(package, table, rows)
        return save(package, {path: data}, operation=f"save of {table}"), data


def appended_rows(package: Package, table: str, rows: list[dict[str, Any]]) -> bytes:
    """``table``'s bytes with ``rows`` appended, ids filled in where blank (call under the lock when writing)."""
    filled, taken = [], []
    for row in rows:
        row = dict(row)
        if not row.get("id"):
            row["id"] = next_id(package, table, taken)
        taken.append(row["id"])
        filled.append(row)
    return with_rows(package.file(table), filled)


# --------------------------------------------------------------------------
# add-source


def _date(value: str | None, flag: str) -> dt.date | None:
    if value is None or value == "":
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CurateError(f"{flag} {value!r} is not a date (YYYY-MM-DD)") from None


def seed_name(number: int, text: bytes) -> str:
    """The seed naming scheme: ``NNN_<first 16 hex of the text's sha256>.txt``."""
    return f"{number:03d}_{hashlib.sha256(text).hexdigest()[:16]}.txt"


def add_source(
    package: Package,
    text_bytes: bytes,
    *,
    file_label: str,
    title: str,
    published_from: str,
    published_to: str | None = None,
    author: str | None = None,
    outlet: str | None = None,
    kind: str | None = None,
    grade: str | None = None,
    grade_reason: str | None = None,
    language: str | None = None,
    also: Callable[[str], Mapping[Path, bytes]] | None = None,
) -> str:
    """Copy a text into the seeds under the naming scheme and append its provenance row; the new source_id.

    Refuses, changing nothing, an empty or non-UTF-8 text, one already present (same sha256), bad or inverted
    dates, an unknown kind or grade, and anything that would make ``check`` fail."""
    import re

    file_label = re.sub(r"[\x00-\x1f\x7f]", "?", file_label)[:200]  # an upload's name is only ever echoed, on one line
    if not text_bytes.strip():
        raise CurateError(f"{file_label}: the file is empty")
    if len(text_bytes) > MAX_TEXT_BYTES:
        raise CurateError(f"{file_label}: {len(text_bytes):,} bytes is more than the {MAX_TEXT_BYTES:,} a text may have")
    try:
        text_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CurateError(f"{file_label}: not UTF-8 text (byte {exc.start} cannot be decoded)") from None
    if not title or not title.strip():
        raise CurateError("--title is required and may not be blank")
    start = _date(published_from, "--published-from")
    if start is None:
        raise CurateError("--published-from is required (YYYY-MM-DD)")
    end = _date(published_to, "--published-to") or start
    if end < start:
        raise CurateError(f"--published-to {end} is before --published-from {start}")
    kinds, grades = package.enum(SOURCES, "kind"), package.enum(SOURCES, "reliability")
    kind = kind or "news report"
    if kinds and kind not in kinds:
        raise CurateError(f"unknown --kind {kind!r}: one of {', '.join(kinds)}")
    if grade is not None and grades and grade not in grades:
        raise CurateError(f"unknown --grade {grade!r}: one of {', '.join(grades)}")
    if grade is not None and not (grade_reason or "").strip():
        raise CurateError("--grade needs --grade-reason: one line on why")
    language = check_language(language)
    digest = hashlib.sha256(text_bytes).hexdigest()
    with locked(package) as recovered:  # read the provenance and allocate the id under the lock: distinct ids
        return _add_source_locked(package, text_bytes, digest, file_label, title, start, end, author, outlet, kind,
                                  grade, grade_reason, recovered, language, also)


def _add_source_locked(package: Package, text_bytes: bytes, digest: str, file_label: str, title: str,
                       start: dt.date, end: dt.date, author: str | None, outlet: str | None, kind: str,
                       grade: str | None, grade_reason: str | None, recovered: list[str],
                       language: str = "en", also: Callable[[str], Mapping[Path, bytes]] | None = None) -> str:
    provenance = package.file(SOURCES)
    with provenance.open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    for record in records:
        if record.get("sha256") == digest:
            if f"completed the interrupted add-source {record.get('source_id')}" in recovered:
                return str(record.get("source_id"))  # this very text's add-source, killed after it was journalled
            raise CurateError(f"{file_label}: this text is already a seed, {record.get('source_id')} ({record.get('file')})")
    listed = {record.get("file") for record in records}
    retire = []
    for existing in sorted(package.seeds_dir.glob("*.txt")):
        if not existing.is_file() or not guard.inside(package.seeds_dir, existing):
            continue  # a link out of the seeds directory is never opened
        if existing.name in listed or hashlib.sha256(existing.read_bytes()).hexdigest() != digest:
            continue
        if journal.SEED_NAME.fullmatch(existing.name):
            retire.append(existing)  # an earlier add-source's orphan: kept in the history, the text added anew
        else:
            raise CurateError(f"{file_label}: this text is already in the seeds directory as {existing.name}")
    numbers = [int(r["source_id"][1:]) for r in records if (r.get("source_id") or "")[1:].isdigit()]
    number = max(numbers, default=-1) + 1
    source_id, name = f"S{number:03d}", seed_name(number, text_bytes)
    when = f"{start}" if end == start else f"{start} to {end}"
    row = {
        "source_id": source_id, "file": name, "title": title.strip(), "language": language,
        "author": (author or "").strip() or NOT_STATED, "outlet": (outlet or "").strip() or NOT_STATED,
        "kind": kind, "published_from": start.isoformat(), "published_to": end.isoformat(),
        "date_evidence": f"Publication {when} as given by the curator at add-source; not yet checked against the text.",
        "sha256": digest, "reliability": grade or "F",
        "reliability_reason": (grade_reason or "").strip() or "Not graded yet (added with add-source).",
        "licence": NOT_STATED,
    }
    retire = [path for path in retire if path.name != name]  # the orphan of this very id is simply replaced
    changes = {package.seeds_dir / name: text_bytes, provenance: with_rows(provenance, [row])}
    if also is not None:  # further files of the same write (a bundle's rows), which land with the seed or not at all
        changes.update(also(source_id))
    saved = save(package, changes, retire=retire, operation=f"add-source {source_id}")
    if not saved.ok:
        raise Refused(saved.problems)
    return source_id


def check_language(language: str | None) -> str:
    """The source's language as an ISO 639-1 code (default ``en``), or a one-line refusal."""
    import re

    language = (language or "en").strip().lower()
    if not re.fullmatch(r"[a-z]{2}", language):
        raise CurateError(f"--language {language!r} is not an ISO 639-1 code (two letters: en, ru, kk)")
    return language
