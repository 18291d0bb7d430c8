"""The single validation path for the curated tables.

``check(data_dir, seeds_dir)`` returns every problem as a :class:`Problem`
whose ``str`` is ``path:row:field: message``:

* the schema part (types, required, enums, ranges, patterns, unique,
  primaryKey, foreignKeys, missing columns) is driven entirely by
  ``data/datapackage.json`` through frictionless;
* the project-specific part checks quotes against the seed texts, the seed
  checksums, dates against each seed's publication date, and conflict keys.

Row numbers are the ones frictionless reports: the header line is row 1, so
the first data row is row 2.  File-level problems (missing, empty, unreadable
or malformed file) are reported on row 0 with field ``-``; a missing column on
row 1 with the column's name as field.

Nothing here raises on bad input: every failure becomes a Problem.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import hashlib
import io
import json
import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Iterable

#: Resource holding one provenance row per seed; its path points into the seeds dir.
SOURCES = "sources"
#: Resource whose primary key lists the conflict keys used across the tables.
CONFLICTS = "conflicts"
DATAPACKAGE = "datapackage.json"

FILE_ROW = 0
HEADER_ROW = 1
NO_FIELD = "-"

_MAX_CELL = 60
# frictionless' trusted context is process-wide: one check at a time (the app serves sessions from threads)
_LOCK = threading.Lock()


@dataclass(frozen=True, order=True)
class Problem:
    """One problem found in the data, shown as ``path:row:field: message``."""

    path: str
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.row}:{self.field}: {self.message}"

    @property
    def location(self) -> str:
        """``path:row:field`` without the message."""
        return f"{self.path}:{self.row}:{self.field}"


@dataclass
class Report:
    """Everything one run of the checks found out."""

    problems: list[Problem]
    #: the datapackage.json descriptor as read (None when unreadable)
    package: dict[str, Any] | None = None
    data_dir: Path | None = None
    seeds_dir: Path | None = None
    #: resource name -> path as shown in problems (e.g. "data/events.csv")
    paths: dict[str, str] = field(default_factory=dict)
    #: resource name -> file on disk
    files: dict[str, Path] = field(default_factory=dict)
    #: resource name -> number of data rows read (readable tables only)
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def package_path(self) -> str:
        name = _dir_name(self.data_dir) if self.data_dir is not None else "data"
        return f"{name}/{DATAPACKAGE}"

    def problems_by_resource(self) -> dict[str, list[Problem]]:
        """Problems keyed by resource name; anything not tied to one resource under ``datapackage``."""
        by_path = {path: name for name, path in self.paths.items()}
        grouped: dict[str, list[Problem]] = defaultdict(list)
        for problem in self.problems:
            grouped[by_path.get(problem.path, "datapackage")].append(problem)
        return dict(grouped)


def check(data_dir: Path | str, seeds_dir: Path | str | None = None) -> list[Problem]:
    """All problems in the data package at ``data_dir``, sorted; ``[]`` when it is clean."""
    return run(data_dir, seeds_dir).problems


def run(data_dir: Path | str, seeds_dir: Path | str | None = None) -> Report:
    """Run every check and return the full :class:`Report`. Never raises."""
    data_dir = Path(data_dir)
    report = Report(problems=[], data_dir=data_dir)
    try:
        with _LOCK:
            _Checker(report, data_dir, Path(seeds_dir) if seeds_dir is not None else None).run()
    except Exception as exc:  # noqa: BLE001 - the contract is: never raise
        report.problems.append(
            Problem(report.package_path, FILE_ROW, NO_FIELD, f"internal error while checking: {type(exc).__name__}: {exc}")
        )
    report.problems = sorted(set(report.problems))
    return report


# --------------------------------------------------------------------------
# helpers


def _dir_name(path: Path) -> str:
    return path.resolve().name or str(path)


def _short(value: Any) -> str:
    text = "" if value is None else str(value)
    text = text.replace("\n", " ")
    return text if len(text) <= _MAX_CELL else text[: _MAX_CELL - 1] + "…"


def normalise_space(text: str) -> str:
    """Collapse every run of whitespace to one space, for comparing quotes with seeds."""
    return re.sub(r"\s+", " ", text).strip()


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fields(resource: dict[str, Any]) -> list[dict[str, Any]]:
    schema = resource.get("schema")
    if isinstance(schema, dict) and isinstance(schema.get("fields"), list):
        return [f for f in schema["fields"] if isinstance(f, dict)]
    return []


def _field_names(resource: dict[str, Any]) -> list[str]:
    return [str(f.get("name")) for f in _fields(resource)]


def _is_tabular(resource: dict[str, Any]) -> bool:
    return isinstance(resource.get("schema"), dict)


def _primary_key(resource: dict[str, Any]) -> list[str]:
    pk = resource.get("schema", {}).get("primaryKey") or []
    return [pk] if isinstance(pk, str) else list(pk)


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


# Frictionless error types that concern the whole file.
_FILE_ERRORS = {
    "scheme-error": "file cannot be opened",
    "source-error": "file cannot be read as a table",
    "format-error": "file is not in the declared format",
    "encoding-error": "file is not valid text in the declared encoding",
    "compression-error": "file cannot be decompressed",
    "hash-count": "file hash does not match the declared one",
    "byte-count": "file size does not match the declared one",
    "resource-error": "resource cannot be read",
    "dialect-error": "CSV dialect is invalid",
    "schema-error": "schema is invalid",
    "field-error": "a field of the schema is invalid",
}

_TYPE_HINTS = {
    "date": "a date (YYYY-MM-DD)",
    "datetime": "a date and time (ISO 8601)",
    "integer": "a whole number",
    "number": "a number",
    "year": "a year",
    "boolean": "true or false",
}


# --------------------------------------------------------------------------


@dataclass
class _Table:
    name: str
    display: str
    file: Path
    descriptor: dict[str, Any]
    labels: list[str] = field(default_factory=list)
    readable: bool = False
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


class _Checker:
    def __init__(self, report: Report, data_dir: Path, seeds_dir: Path | None) -> None:
        self.report = report
        self.data_dir = data_dir
        self.seeds_dir = seeds_dir
        self.tables: dict[str, _Table] = {}

    # -- reporting
    def problem(self, path: str, row: int, field_name: str, message: str) -> None:
        self.report.problems.append(Problem(path, int(row), field_name or NO_FIELD, message))

    # -- main
    def run(self) -> None:
        package = self.read_package()
        if package is None:
            return
        self.report.package = package
        self.resolve_tables(package)
        if not self.metadata_ok(package):
            return
        for table in self.tables.values():
            self.check_file(table)
        self.validate_schema(package)
        self.read_rows(package)
        self.check_seeds()
        self.check_quotes()
        self.check_dates()
        self.check_conflict_keys()
        self.report.rows = {t.name: len(t.rows) for t in self.tables.values() if t.readable}

    # -- datapackage.json
    def read_package(self) -> dict[str, Any] | None:
        where = self.report.package_path
        path = self.data_dir / DATAPACKAGE
        if not path.is_file():
            self.problem(where, FILE_ROW, NO_FIELD, "file not found")
            return None
        try:
            package = json.loads(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            self.problem(where, FILE_ROW, NO_FIELD, "file is not valid UTF-8 text")
            return None
        except json.JSONDecodeError as exc:
            self.problem(where, FILE_ROW, NO_FIELD, f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")
            return None
        except OSError as exc:
            self.problem(where, FILE_ROW, NO_FIELD, f"file cannot be read: {exc.strerror or exc}")
            return None
        if not isinstance(package, dict) or not isinstance(package.get("resources"), list):
            self.problem(where, FILE_ROW, NO_FIELD, "not a data package: no list of resources")
            return None
        return package

    def resolve_tables(self, package: dict[str, Any]) -> None:
        resources = [r for r in package["resources"] if isinstance(r, dict)]
        sources = next((r for r in resources if r.get("name") == SOURCES), None)
        if self.seeds_dir is None:
            if sources is not None and isinstance(sources.get("path"), str):
                self.seeds_dir = (self.data_dir / sources["path"]).parent
            else:
                self.seeds_dir = self.data_dir.parent / "seeds"
        self.report.seeds_dir = self.seeds_dir
        data_name, seeds_name = _dir_name(self.data_dir), _dir_name(self.seeds_dir)
        for resource in resources:
            name, path = resource.get("name"), resource.get("path")
            if not isinstance(name, str) or not isinstance(path, str) or not _is_tabular(resource):
                continue  # inline or non-tabular resources are not ours to check
            if name == SOURCES:
                file = self.seeds_dir / PurePosixPath(path).name
                display = f"{seeds_name}/{file.name}"
            else:
                file = self.data_dir / path
                display = f"{data_name}/{PurePosixPath(path).as_posix()}"
            self.tables[name] = _Table(name, display, file, resource)
            self.report.paths[name] = display
            self.report.files[name] = file

    def metadata_ok(self, package: dict[str, Any]) -> bool:
        """Is the descriptor itself valid Frictionless metadata? Problems go against datapackage.json."""
        from frictionless import FrictionlessException, Package, Resource, system

        where = self.report.package_path
        found = False
        with system.use_context(trusted=True):
            for index, resource in enumerate(package["resources"]):
                label = f'resource "{resource.get("name", index)}"' if isinstance(resource, dict) else f"resource {index}"
                try:
                    errors = list(Resource.metadata_validate(resource))
                except FrictionlessException as exc:
                    errors = [exc.error]
                for error in errors:
                    found = True
                    self.problem(where, FILE_ROW, NO_FIELD, f"{label}: {error.message}")
            if not found:
                try:
                    errors = list(Package.metadata_validate(package))
                except FrictionlessException as exc:
                    errors = [exc.error]
                for error in errors:
                    found = True
                    self.problem(where, FILE_ROW, NO_FIELD, error.message)
        return not found

    # -- file level
    def check_file(self, table: _Table) -> None:
        where = table.display
        encoding = table.descriptor.get("encoding") or "utf-8"
        if not table.file.is_file():
            self.problem(where, FILE_ROW, NO_FIELD, "file not found")
            return
        try:
            raw = table.file.read_bytes()
        except OSError as exc:
            self.problem(where, FILE_ROW, NO_FIELD, f"file cannot be read: {exc.strerror or exc}")
            return
        if not raw.strip():
            self.problem(where, FILE_ROW, NO_FIELD, "file is empty")
            return
        if encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
            encoding = "utf-8-sig"  # a byte-order mark is not part of the header
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            detail = f" (byte {exc.start})" if isinstance(exc, UnicodeDecodeError) else ""
            self.problem(where, FILE_ROW, NO_FIELD, f"file is not valid {encoding.removesuffix('-sig')} text{detail}")
            return
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        try:
            records = list(reader)
        except csv.Error as exc:
            self.problem(where, FILE_ROW, NO_FIELD, f"malformed CSV near line {reader.line_num}: {exc}")
            return
        if not records or not any(cell.strip() for cell in records[0]):
            self.problem(where, FILE_ROW, NO_FIELD, "no header row")
            return
        table.labels = records[0]
        table.readable = True
        declared = set(_field_names(table.descriptor))
        seen: set[str] = set()
        for position, label in enumerate(table.labels, start=1):
            if not label.strip():
                self.problem(where, HEADER_ROW, NO_FIELD, f"blank column name at position {position}")
            elif label in seen:
                self.problem(where, HEADER_ROW, label, "column appears more than once")
            elif label not in declared:
                self.problem(where, HEADER_ROW, label, "column not declared in datapackage.json")
            seen.add(label)

    # -- schema, through frictionless
    def frictionless_descriptor(self) -> dict[str, Any]:
        """A copy of the descriptor holding only the readable tables, with absolute paths."""
        package = copy.deepcopy(self.report.package or {})
        readable = {name: t for name, t in self.tables.items() if t.readable}
        resources = []
        for resource in package.get("resources", []):
            table = readable.get(resource.get("name")) if isinstance(resource, dict) else None
            if table is None:
                continue
            resource["path"] = str(table.file.resolve())
            # Pin the CSV layout: frictionless otherwise guesses the header row
            # and the delimiter from a sample, which long quotes can mislead.
            dialect = dict(resource.get("dialect") or {})
            if "header" not in dialect and "headerRows" not in dialect:
                dialect["headerRows"] = [1]
            if "delimiter" not in dialect:
                dialect["csv"] = {"delimiter": ",", **(dialect.get("csv") or {})}
            resource["dialect"] = dialect
            schema = resource["schema"]
            kept = []
            for fk in schema.get("foreignKeys", []) or []:
                ref = fk.get("reference", {}) if isinstance(fk, dict) else {}
                target = readable.get(ref.get("resource") or resource.get("name"))
                fields = fk.get("fields") if isinstance(fk, dict) else None
                ref_fields = ref.get("fields")
                fields = [fields] if isinstance(fields, str) else list(fields or [])
                ref_fields = [ref_fields] if isinstance(ref_fields, str) else list(ref_fields or [])
                # A reference to an unreadable table, or through a missing column,
                # cannot be checked; that table's own problem is reported already.
                if target is not None and set(fields) <= set(table.labels) and set(ref_fields) <= set(target.labels):
                    kept.append(fk)
            if kept:
                schema["foreignKeys"] = kept
            else:
                schema.pop("foreignKeys", None)
            resources.append(resource)
        package["resources"] = resources
        return package

    def new_package(self, descriptor: dict[str, Any]):
        from frictionless import Detector, Package, Schema

        # Match columns by name, so a missing column is reported once
        # (missing-label) rather than shifting every column after it: the
        # "partial" fieldsMatch of datapackage v2 where this frictionless has
        # it, else the older schema_sync option it replaces.
        if hasattr(Schema, "fields_match"):
            for resource in descriptor["resources"]:
                resource["schema"].setdefault("fieldsMatch", "partial")
            detector = Detector()
        else:  # pragma: no cover - frictionless before fieldsMatch
            detector = Detector(schema_sync=True)
        return Package(descriptor, basepath=str(self.data_dir.resolve()), detector=detector)

    def validate_schema(self, package: dict[str, Any]) -> None:
        from frictionless import FrictionlessException, system

        descriptor = self.frictionless_descriptor()
        if not descriptor["resources"]:
            return
        with system.use_context(trusted=True):
            try:
                result = self.new_package(descriptor).validate()
            except FrictionlessException as exc:
                self.problem(self.report.package_path, FILE_ROW, NO_FIELD, exc.error.message)
                return
        for error in result.errors:
            self.problem(self.report.package_path, FILE_ROW, NO_FIELD, error.message)
        for task in result.tasks:
            table = self.tables.get(task.name or "")
            if table is None:
                continue
            for problem in _translate(task.errors, table):
                self.report.problems.append(problem)

    def read_rows(self, package: dict[str, Any]) -> None:
        """Typed rows of every readable table, for the project-specific checks."""
        from frictionless import system

        descriptor = self.frictionless_descriptor()
        if not descriptor["resources"]:
            return
        for resource in descriptor["resources"]:
            resource["schema"].pop("foreignKeys", None)  # checked above; skip the lookups
        with system.use_context(trusted=True):
            fl_package = self.new_package(descriptor)
            for resource in fl_package.resources:
                table = self.tables[resource.name]
                try:
                    with resource:
                        table.rows = [(row.row_number, row.to_dict()) for row in resource.row_stream]  # type: ignore[attr-defined]
                except Exception as exc:  # noqa: BLE001
                    table.readable = False
                    table.rows = []
                    self.problem(table.display, FILE_ROW, NO_FIELD, f"file cannot be read as a table: {exc}")

    # -- project-specific checks
    def _sources(self) -> _Table | None:
        table = self.tables.get(SOURCES)
        return table if table is not None and table.readable else None

    def check_seeds(self) -> None:
        """Each seed file exists, is UTF-8 and matches sources.sha256."""
        self.seed_texts: dict[str, str] = {}
        self.published_to: dict[str, dt.date] = {}
        self.seed_files: dict[str, str] = {}
        sources = self._sources()
        if sources is None or self.seeds_dir is None:
            return
        for row_number, row in sources.rows:
            source_id, name = row.get("source_id"), row.get("file")
            published_to = _as_date(row.get("published_to"))
            if isinstance(source_id, str) and published_to is not None:
                self.published_to[source_id] = published_to
            if not isinstance(name, str) or not name:
                continue
            seed = self.seeds_dir / name
            if PurePosixPath(name).name != name or not seed.is_file():
                self.problem(sources.display, row_number, "file", f"seed file {name} not found in {_dir_name(self.seeds_dir)}/")
                continue
            try:
                data = seed.read_bytes()
            except OSError as exc:
                self.problem(sources.display, row_number, "file", f"seed file {name} cannot be read: {exc.strerror or exc}")
                continue
            actual = hashlib.sha256(data).hexdigest()
            expected = row.get("sha256")
            if isinstance(expected, str) and expected and expected != actual:
                self.problem(sources.display, row_number, "sha256", f"does not match {name}, whose sha256 is {actual}")
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                self.problem(sources.display, row_number, "file", f"seed file {name} is not valid UTF-8 text")
                continue
            if isinstance(source_id, str):
                self.seed_texts[source_id] = normalise_space(text)
                self.seed_files[source_id] = name

    def _rows_with(self, *columns: str) -> Iterable[tuple[_Table, int, dict[str, Any]]]:
        for table in self.tables.values():
            if not table.readable or not set(columns) <= set(table.labels):
                continue
            for row_number, row in table.rows:
                yield table, row_number, row

    def check_quotes(self) -> None:
        """(a) Every quote occurs verbatim in its seed, whitespace runs collapsed."""
        for table, row_number, row in self._rows_with("quote", "source_id"):
            quote, source_id = row.get("quote"), row.get("source_id")
            if not isinstance(quote, str) or not quote.strip() or source_id not in self.seed_texts:
                continue
            if normalise_space(quote) not in self.seed_texts[source_id]:
                self.problem(
                    table.display, row_number, "quote",
                    f"not found verbatim in {source_id} ({self.seed_files[source_id]}): \"{_short(quote)}\"",
                )

    def check_dates(self) -> None:
        """(c) No row is dated after its seed's latest publication date."""
        for table, row_number, row in self._rows_with("date", "source_id"):
            if table.name == SOURCES:
                continue
            date, source_id = _as_date(row.get("date")), row.get("source_id")
            latest = self.published_to.get(source_id) if isinstance(source_id, str) else None
            if date is not None and latest is not None and date > latest:
                self.problem(
                    table.display, row_number, "date",
                    f"{date.isoformat()} is after {source_id}'s latest publication date {latest.isoformat()}",
                )

    def check_conflict_keys(self) -> None:
        """(d) Every conflict key links at least two rows, across all tables."""
        uses: dict[str, list[tuple[_Table, int]]] = defaultdict(list)
        for table, row_number, row in self._rows_with("conflict_key"):
            if table.name == CONFLICTS:
                continue
            key = row.get("conflict_key")
            if isinstance(key, str) and key.strip():
                uses[key].append((table, row_number))
        for key, places in uses.items():
            if len(places) == 1:
                table, row_number = places[0]
                self.problem(table.display, row_number, "conflict_key", f'"{key}" is used by no other row; a conflict links at least two')
        conflicts = self.tables.get(CONFLICTS)
        if conflicts is None or not conflicts.readable:
            return
        for row_number, row in conflicts.rows:
            key = row.get("conflict_key")
            if isinstance(key, str) and key.strip() and len(uses.get(key, [])) < 2:
                count = len(uses.get(key, []))
                self.problem(
                    conflicts.display, row_number, "conflict_key",
                    f'"{key}" is used by {count} row{"" if count == 1 else "s"} in the tables; a conflict links at least two',
                )


# --------------------------------------------------------------------------
# frictionless error -> Problem


def _translate(errors: Iterable[Any], table: _Table) -> list[Problem]:
    errors = list(errors)
    fields = {f.get("name"): f for f in _fields(table.descriptor)}
    pk = _primary_key(table.descriptor)
    where = table.display
    missing_cells = {(e.row_number, e.field_name) for e in errors if e.type == "missing-cell"}
    unique_rows = {(e.row_number, e.field_name) for e in errors if e.type == "unique-error"}
    blank_rows = {e.row_number for e in errors if e.type == "blank-row"}
    problems: list[Problem] = []

    def add(row: int | None, field_name: str | None, message: str) -> None:
        problems.append(Problem(where, int(row or 0), field_name or NO_FIELD, message))

    for error in errors:
        kind = error.type
        row = getattr(error, "row_number", None)
        name = getattr(error, "field_name", None)
        cell = getattr(error, "cell", None)
        note = getattr(error, "note", "") or ""
        if kind in _FILE_ERRORS:
            detail = f": {note}" if note else ""
            add(FILE_ROW, NO_FIELD, f"{_FILE_ERRORS[kind]}{detail}")
        elif kind == "missing-label":
            add(HEADER_ROW, name, "missing column (declared in datapackage.json)")
        elif kind == "incorrect-label":
            add(HEADER_ROW, name, f'column is labelled "{getattr(error, "label", "")}"')
        elif kind == "extra-label":
            add(HEADER_ROW, getattr(error, "label", None), "column not declared in datapackage.json")
        elif kind in ("duplicate-label", "blank-label"):
            pass  # reported from the header by check_file
        elif kind == "blank-header":
            add(HEADER_ROW, NO_FIELD, "header row is blank")
        elif kind == "type-error":
            spec = fields.get(name, {})
            wanted = _TYPE_HINTS.get(spec.get("type", ""), spec.get("type", "the declared type"))
            add(row, name, f'"{_short(cell)}" is not {wanted}')
        elif kind == "constraint-error":
            if (row, name) in missing_cells:
                continue
            add(row, name, _constraint_message(note, cell, fields.get(name, {})))
        elif kind == "unique-error":
            first = re.search(r"row at position (\d+)", note)
            also = f" (first in row {first.group(1)})" if first else ""
            add(row, name, f'duplicate value "{_short(cell)}"{also}')
        elif kind == "primary-key":
            if row in blank_rows or (len(pk) == 1 and (row, pk[0]) in unique_rows):
                continue
            if "all" in note and "None" in note:
                add(row, ",".join(pk), "primary key is blank")
            else:
                first = re.search(r"row at position (\d+)", note)
                also = f" (first in row {first.group(1)})" if first else ""
                add(row, ",".join(pk), f"duplicate primary key{also}")
        elif kind == "foreign-key":
            names = list(getattr(error, "field_names", []) or [])
            cells = list(getattr(error, "field_cells", []) or [])
            ref_name = getattr(error, "reference_name", "") or table.name
            ref_fields = list(getattr(error, "reference_field_names", []) or [])
            value = ", ".join(f'"{_short(c)}"' for c in cells)
            add(row, ",".join(names), f"{value} not found in {ref_name}.{','.join(ref_fields)}")
        elif kind == "missing-cell":
            add(row, name, "missing value: the row has fewer values than the header")
        elif kind == "extra-cell":
            position = getattr(error, "field_number", None)
            at = f" at position {position}" if position else ""
            add(row, NO_FIELD, f"extra value{at}: the row has more values than the header")
        elif kind == "blank-row":
            add(row, NO_FIELD, "blank row")
        else:
            add(row, name, error.message)
    return problems


def _constraint_message(note: str, cell: Any, spec: dict[str, Any]) -> str:
    match = re.search(r'constraint "(\w+)"', note)
    constraint = match.group(1) if match else ""
    value = (spec.get("constraints") or {}).get(constraint)
    shown = _short(cell)
    if constraint == "required":
        return "required value is blank"
    if constraint == "enum":
        allowed = ", ".join(str(v) for v in value or [])
        return f'"{shown}" is not one of the allowed values: {allowed}'
    if constraint == "minimum":
        return f"{shown} is below the minimum {value}"
    if constraint == "maximum":
        return f"{shown} is above the maximum {value}"
    if constraint == "exclusiveMinimum":
        return f"{shown} is not above {value}"
    if constraint == "exclusiveMaximum":
        return f"{shown} is not below {value}"
    if constraint == "pattern":
        return f'"{shown}" does not match the pattern {value}'
    if constraint == "minLength":
        return f'"{shown}" is shorter than {value} characters'
    if constraint == "maxLength":
        return f'"{shown}" is longer than {value} characters'
    return f'"{shown}" breaks the constraint {constraint or note}'
