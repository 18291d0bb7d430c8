"""The single validation path for the curated tables.

``check(data_dir, seeds_dir)`` returns every problem as a :class:`Problem`
whose ``str`` is ``path:row:field: message``:

* the schema part (types, required, enums, ranges, patterns, unique,
  primaryKey, foreignKeys, missing columns) is driven entirely by
  ``data/datapackage.json`` through frictionless;
* the project-specific part is declared there too, as the package's list of
  ``rules``: each names a ``check`` kind (one function per kind, registered in
  :data:`RULE_CHECKS`), the resources it applies to and the fields it reads.
  A rule applies to those of its resources that are readable and have its
  columns, and skips cells that already failed the schema.  A rule that cannot
  run as declared (unknown kind, missing parameter, undeclared resource or
  field) is a problem on datapackage.json.

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
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any, Iterable

#: Resource holding one provenance row per seed; its path points into the seeds dir.
SOURCES = "sources"
#: Resource whose primary key lists the conflict keys used across the tables.
CONFLICTS = "conflicts"
DATAPACKAGE = "datapackage.json"
#: Columns the seed rules read: the row's seed, and in ``sources`` the seed's file and latest publication date.
SOURCE_ID = "source_id"
SEED_FILE = "file"
PUBLISHED_TO = "published_to"

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
    #: names of the declared rules that ran, in declaration order
    rules_run: list[str] = field(default_factory=list)
    #: source_id -> the seed file's text as read (UTF-8, not whitespace-normalised), for every readable seed
    seed_texts: dict[str, str] = field(default_factory=dict)

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
    #: row number -> fields whose cell failed the schema (the rules skip them)
    invalid: dict[int, frozenset[str]] = field(default_factory=dict)


class _Checker:
    def __init__(self, report: Report, data_dir: Path, seeds_dir: Path | None) -> None:
        self.report = report
        self.data_dir = data_dir
        self.seeds_dir = seeds_dir
        self.tables: dict[str, _Table] = {}
        self._seeds: _Seeds | None = None
        self._seed_files: dict[str, tuple[bytes | None, str | None]] = {}

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
        self.run_rules(package)
        self.seeds()
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
        # frictionless matches columns by name and lets an optional one be absent; a rule reading it would then
        # silently skip the table, so every declared column must be there
        for name in _field_names(table.descriptor):
            if name not in seen:
                self.problem(where, HEADER_ROW, name, "missing column (declared in datapackage.json)")

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
                        for row in resource.row_stream:  # type: ignore[attr-defined]
                            table.rows.append((row.row_number, row.to_dict()))
                            if row.errors:
                                table.invalid[row.row_number] = frozenset(
                                    e.field_name for e in row.errors if getattr(e, "field_name", None))
                except Exception as exc:  # noqa: BLE001
                    table.readable = False
                    table.rows = []
                    table.invalid = {}
                    self.problem(table.display, FILE_ROW, NO_FIELD, f"file cannot be read as a table: {exc}")

    # -- the declared rules (package["rules"])
    def run_rules(self, package: dict[str, Any]) -> None:
        """Run each rule of ``package["rules"]`` with the check its ``check`` kind names (see :data:`RULE_CHECKS`).

        A rule that cannot be run (not an object, unknown kind, missing or wrong parameters, a resource or field
        that is not declared) is a problem on datapackage.json; it never stops the other rules.
        """
        declared = package.get("rules")
        if declared is None:
            return
        where = self.report.package_path
        if not isinstance(declared, list):
            self.problem(where, FILE_ROW, NO_FIELD, '"rules" is not a list of rules')
            return
        seen: set[str] = set()
        for index, raw in enumerate(declared):
            label = f'rule "{raw["name"]}"' if isinstance(raw, dict) and isinstance(raw.get("name"), str) else f"rule {index}"
            try:
                rule = _Rule.parse(raw, self.tables)
                if rule.name in seen:
                    raise _RuleError("is declared more than once")
                seen.add(rule.name)
                _CHECKS[rule.kind][0](self, rule)
            except _RuleError as exc:
                self.problem(where, FILE_ROW, NO_FIELD, f"{label}: {exc}")
                continue
            except Exception as exc:  # noqa: BLE001 - one broken rule never hides the others
                self.problem(where, FILE_ROW, NO_FIELD, f"{label}: internal error: {type(exc).__name__}: {exc}")
                continue
            self.report.rules_run.append(rule.name)

    def rule_rows(self, rule: "_Rule", columns: Iterable[str]) -> Iterable[tuple[_Table, int, dict[str, Any]]]:
        """Rows of the rule's resources that are readable and have ``columns``, skipping rows where one of those
        cells already failed the schema (that problem is reported; the rule has nothing sound to compare)."""
        needed = set(columns)
        for name in rule.resources:
            table = self.tables.get(name)
            if table is None or not table.readable or not needed <= set(table.labels):
                continue
            for row_number, row in table.rows:
                bad = table.invalid.get(row_number)
                if bad and not bad.isdisjoint(needed):
                    continue
                yield table, row_number, row

    # -- the seed texts, shared by the seed and quote rules
    def seed_file(self, name: str) -> tuple[bytes | None, str | None]:
        """The bytes of seed file ``name`` in the seeds dir, or None and why not (cached)."""
        if name not in self._seed_files:
            seed = self.seeds_dir / name if self.seeds_dir is not None else None
            if seed is None or PurePosixPath(name).name != name or not seed.is_file():
                self._seed_files[name] = (None, f"seed file {name} not found in {_dir_name(self.seeds_dir or Path('seeds'))}/")
            else:
                try:
                    self._seed_files[name] = (seed.read_bytes(), None)
                except OSError as exc:
                    self._seed_files[name] = (None, f"seed file {name} cannot be read: {exc.strerror or exc}")
        return self._seed_files[name]

    def seeds(self) -> "_Seeds":
        """The seed texts (whitespace collapsed) and latest publication dates, keyed by source_id, from ``sources``."""
        if self._seeds is not None:
            return self._seeds
        self._seeds = seeds = _Seeds()
        table = self.tables.get(SOURCES)
        if table is None or not table.readable:
            return seeds
        for _, row in table.rows:
            source_id, name = row.get(SOURCE_ID), row.get(SEED_FILE)
            if not isinstance(source_id, str):
                continue
            published_to = _as_date(row.get(PUBLISHED_TO))
            if published_to is not None:
                seeds.published_to[source_id] = published_to
            if not isinstance(name, str) or not name:
                continue
            data, _ = self.seed_file(name)
            if data is None:
                continue
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                continue
            self.report.seed_texts[source_id] = text
            seeds.texts[source_id] = normalise_space(text)
            seeds.files[source_id] = name
        return seeds


@dataclass
class _Seeds:
    texts: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    published_to: dict[str, dt.date] = field(default_factory=dict)


# --------------------------------------------------------------------------
# the declared rules: one function per check kind


class _RuleError(Exception):
    """A rule in datapackage.json that cannot be run as declared."""


@dataclass(frozen=True)
class _When:
    """A rule's ``when``: the row counts when ``field`` is given, or (with ``values``) is one of them."""

    field: str
    values: tuple[str, ...] | None = None

    def holds(self, row: dict[str, Any]) -> bool:
        value = row.get(self.field)
        if _blank(value):
            return False
        return self.values is None or str(value) in self.values

    def describe(self, row: dict[str, Any]) -> str:
        return f"{self.field} is given" if self.values is None else f'{self.field} is "{row.get(self.field)}"'


@dataclass(frozen=True)
class _Reference:
    resource: str
    key: str
    values: str


@dataclass(frozen=True)
class _Rule:
    name: str
    kind: str
    resources: tuple[str, ...]
    field: str | None = None
    fields: tuple[str, ...] = ()
    other: str | None = None
    when: _When | None = None
    by: str | None = None
    group: str | None = None
    reference: _Reference | None = None

    @classmethod
    def parse(cls, raw: Any, tables: dict[str, _Table]) -> "_Rule":
        if not isinstance(raw, dict):
            raise _RuleError("is not an object")
        name, kind = raw.get("name"), raw.get("check")
        if not isinstance(name, str) or not name:
            raise _RuleError('has no "name"')
        if not isinstance(kind, str) or not kind:
            raise _RuleError('has no "check"')
        if kind not in _CHECKS:
            raise _RuleError(f'unknown check "{kind}" (known: {", ".join(sorted(_CHECKS))})')
        needs = _CHECKS[kind][1]
        for key in needs:
            if raw.get(key) in (None, "", [], {}):
                raise _RuleError(f'check "{kind}" needs "{key}"')
        resources = _names(raw.get("resources"), "resources")
        if not resources:
            raise _RuleError('needs "resources", a list of resource names')
        for resource in resources:
            if resource not in tables:
                raise _RuleError(f'resource "{resource}" is not declared')
        rule = cls(
            name=name,
            kind=kind,
            resources=resources,
            field=_name(raw.get("field"), "field"),
            fields=_names(raw.get("fields"), "fields"),
            other=_name(raw.get("other"), "other"),
            when=_parse_when(raw.get("when")),
            by=_name(raw.get("by"), "by"),
            group=_name(raw.get("group"), "group"),
            reference=_parse_reference(raw.get("reference")),
        )
        if kind == "required-when-in" and (rule.when is None or rule.when.values is None):
            raise _RuleError('check "required-when-in" needs "when": {"field": ..., "in": [...]}')
        if kind == "both-or-neither" and len(rule.fields) < 2:
            raise _RuleError('check "both-or-neither" needs at least two "fields"')
        rule.check_declared(tables)
        return rule

    def columns(self) -> list[str]:
        """Every column the rule reads in each of its resources (group-agrees' fields excepted)."""
        columns = [c for c in (self.field, self.other, self.by, self.group) if c]
        if self.kind != "group-agrees":
            columns += self.fields
        if self.when is not None:
            columns.append(self.when.field)
        columns += _IMPLIED.get(self.kind, ())
        return list(dict.fromkeys(columns))

    def check_declared(self, tables: dict[str, _Table]) -> None:
        """The columns the rule names are declared in its resources (a typo would silently check nothing)."""
        for resource in self.resources:
            declared = set(_field_names(tables[resource].descriptor))
            for column in self.columns():
                if column not in declared:
                    raise _RuleError(f'resource "{resource}" declares no field "{column}"')
        if self.kind == "group-agrees":
            declared = {c for r in self.resources for c in _field_names(tables[r].descriptor)}
            for column in self.fields:
                if column not in declared:
                    raise _RuleError(f'no resource of the rule declares the field "{column}"')
        if self.reference is not None:
            ref = self.reference
            if ref.resource not in tables:
                raise _RuleError(f'reference resource "{ref.resource}" is not declared')
            declared = set(_field_names(tables[ref.resource].descriptor))
            for column in (ref.key, ref.values):
                if column not in declared:
                    raise _RuleError(f'reference resource "{ref.resource}" declares no field "{column}"')


def _name(value: Any, key: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise _RuleError(f'"{key}" is not a field name')
    return value


def _names(value: Any, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _RuleError(f'"{key}" is not a list of names')
    return tuple(value)


def _parse_when(value: Any) -> _When | None:
    if value is None:
        return None
    if isinstance(value, str) and value:
        return _When(value)
    if isinstance(value, dict) and isinstance(value.get("field"), str) and value["field"]:
        values = value.get("in")
        if values is None:
            return _When(value["field"])
        if isinstance(values, list) and values and all(isinstance(v, (str, int, float)) for v in values):
            return _When(value["field"], tuple(str(v) for v in values))
    raise _RuleError('"when" is neither a field name nor {"field": ..., "in": [...]}')


def _parse_reference(value: Any) -> _Reference | None:
    if value is None:
        return None
    if isinstance(value, dict) and all(isinstance(value.get(k), str) and value[k] for k in ("resource", "key", "values")):
        return _Reference(value["resource"], value["key"], value["values"])
    raise _RuleError('"reference" is not {"resource": ..., "key": ..., "values": ...}')


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _shown(value: Any) -> str:
    """A cell in a message: blank, "text", or a number or date as written."""
    if _blank(value):
        return "blank"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, str):
        return f'"{_short(value)}"'
    return _short(value)


def _and(names: Iterable[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _quote_in_seed(checker: _Checker, rule: _Rule) -> None:
    """Every ``field`` (the quote) occurs verbatim in the seed of the row's source_id, whitespace runs collapsed."""
    seeds = checker.seeds()
    for table, row_number, row in checker.rule_rows(rule, rule.columns()):
        quote, source_id = row.get(rule.field), row.get(SOURCE_ID)
        if not isinstance(quote, str) or not quote.strip() or source_id not in seeds.texts:
            continue
        if normalise_space(quote) not in seeds.texts[source_id]:
            checker.problem(
                table.display, row_number, rule.field,
                f"not found verbatim in {source_id} ({seeds.files[source_id]}): \"{_short(quote)}\"",
            )


def _seed_sha256(checker: _Checker, rule: _Rule) -> None:
    """Each row's seed ``file`` exists in the seeds dir, is UTF-8 text and has the sha256 in ``field``."""
    for table, row_number, row in checker.rule_rows(rule, rule.columns()):
        name = row.get(SEED_FILE)
        if not isinstance(name, str) or not name:
            continue
        data, why = checker.seed_file(name)
        if data is None:
            checker.problem(table.display, row_number, SEED_FILE, why or f"seed file {name} cannot be read")
            continue
        actual = hashlib.sha256(data).hexdigest()
        expected = row.get(rule.field)
        if isinstance(expected, str) and expected and expected != actual:
            checker.problem(table.display, row_number, rule.field, f"does not match {name}, whose sha256 is {actual}")
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            checker.problem(table.display, row_number, SEED_FILE, f"seed file {name} is not valid UTF-8 text")


def _both_or_neither(checker: _Checker, rule: _Rule) -> None:
    """The ``fields`` are all given or all blank; each blank one beside a given one is reported."""
    for table, row_number, row in checker.rule_rows(rule, rule.columns()):
        given = [f for f in rule.fields if not _blank(row.get(f))]
        if not given or len(given) == len(rule.fields):
            continue
        for blank in (f for f in rule.fields if f not in given):
            checker.problem(
                table.display, row_number, blank,
                f"blank while {_and(given)} {'is' if len(given) == 1 else 'are'} given: "
                f"{_and(rule.fields)} are given together or not at all",
            )


def _not_after(checker: _Checker, rule: _Rule) -> None:
    """``field`` is not after (greater than) ``other`` where both are given."""
    for table, row_number, row in checker.rule_rows(rule, rule.columns()):
        value, other = row.get(rule.field), row.get(rule.other)
        if _blank(value) or _blank(other):
            continue
        try:
            after = value > other
        except TypeError:
            continue
        if after:
            checker.problem(table.display, row_number, rule.field, f"{_shown(value)} is after {rule.other} {_shown(other)}")


def _not_after_publication(checker: _Checker, rule: _Rule) -> None:
    """The date in ``field`` is not after the latest publication date (sources.published_to) of the row's seed."""
    published_to = checker.seeds().published_to
    for table, row_number, row in checker.rule_rows(rule, rule.columns()):
        date, source_id = _as_date(row.get(rule.field)), row.get(SOURCE_ID)
        latest = published_to.get(source_id) if isinstance(source_id, str) else None
        if date is not None and latest is not None and date > latest:
            checker.problem(
                table.display, row_number, rule.field,
                f"{date.isoformat()} is after {source_id}'s latest publication date {latest.isoformat()}",
            )


def _required_when(checker: _Checker, rule: _Rule) -> None:
    """``field`` is given whenever the rule's ``when`` holds (a field given, or one of the listed values)."""
    assert rule.when is not None
    for table, row_number, row in checker.rule_rows(rule, rule.columns()):
        if rule.when.holds(row) and _blank(row.get(rule.field)):
            checker.problem(table.display, row_number, rule.field, f"required when {rule.when.describe(row)}")


_SEED_ID = re.compile(r"(?<![A-Za-z0-9])S[0-9]{3}(?![0-9])")


def _no_other_seed(checker: _Checker, rule: _Rule) -> None:
    """``field`` names no seed (S000-S999) other than the row's own source_id, where ``when`` holds (if given)."""
    for table, row_number, row in checker.rule_rows(rule, rule.columns()):
        text, own = row.get(rule.field), row.get(SOURCE_ID)
        if not isinstance(text, str) or (rule.when is not None and not rule.when.holds(row)):
            continue
        others = list(dict.fromkeys(s for s in _SEED_ID.findall(text) if s != own))
        if others:
            why = f", while {rule.when.describe(row)}" if rule.when is not None else ""
            checker.problem(table.display, row_number, rule.field, f"names {_and(others)}, not the row's own seed {own}{why}")


def _lookup_allows(checker: _Checker, rule: _Rule) -> None:
    """``field`` is one of the space-separated values that the reference row named by ``by`` allows; when it
    allows none, ``field`` is blank, and when it allows some, ``field`` is given."""
    ref = rule.reference
    assert ref is not None and rule.by is not None and rule.field is not None
    lookup = checker.tables.get(ref.resource)
    if lookup is None or not lookup.readable or not {ref.key, ref.values} <= set(lookup.labels):
        return  # the lookup table's own problems are reported
    allowed: dict[str, tuple[str, ...]] = {}
    for row_number, row in lookup.rows:
        bad = lookup.invalid.get(row_number)
        key, values = row.get(ref.key), row.get(ref.values)
        if _blank(key) or (bad and not bad.isdisjoint({ref.key, ref.values})):
            continue
        allowed.setdefault(str(key), tuple(_score(v) for v in str(values or "").split()))
    where = f"{ref.resource}.{ref.values}"
    for table, row_number, row in checker.rule_rows(rule, rule.columns()):
        key, value = row.get(rule.by), row.get(rule.field)
        if _blank(key) or str(key) not in allowed:
            continue  # a blank or unknown key is the schema's (required, foreign key) to report
        scores = allowed[str(key)]
        named = f'{rule.by} "{key}"'
        if not scores:
            if not _blank(value):
                checker.problem(table.display, row_number, rule.field,
                                f"{_shown(value)} given, but {named} allows none ({where} is blank): leave {rule.field} blank")
        elif _blank(value):
            checker.problem(table.display, row_number, rule.field,
                            f"blank, but {named} needs one of {', '.join(scores)} ({where})")
        elif _score(value) not in scores:
            checker.problem(table.display, row_number, rule.field,
                            f"{_shown(value)} is not allowed for {named}, which allows {', '.join(scores)} ({where})")


def _score(value: Any) -> str:
    """A value as a comparable token: integers without sign or padding quirks ("+1" -> "1"), else the text."""
    text = str(value).strip()
    try:
        return str(int(text))
    except ValueError:
        return text


def _group_agrees(checker: _Checker, rule: _Rule) -> None:
    """Rows sharing a non-blank ``group`` value, across the rule's resources, agree on each of ``fields`` that
    their tables have; each later row that differs from the first row with that field is reported."""
    assert rule.group is not None
    first: dict[tuple[str, str], tuple[_Table, int, Any]] = {}
    for table, row_number, row in checker.rule_rows(rule, [rule.group]):
        key = row.get(rule.group)
        if _blank(key):
            continue
        bad = table.invalid.get(row_number) or frozenset()
        for column in rule.fields:
            if column not in table.labels or column in bad:
                continue
            value = row.get(column)
            seen = first.setdefault((str(key), column), (table, row_number, value))
            if seen[:2] == (table, row_number):
                continue
            if _comparable(value) != _comparable(seen[2]):
                checker.problem(
                    table.display, row_number, column,
                    f"{_shown(value)} differs from {seen[0].display}:{seen[1]}, which has {_shown(seen[2])} "
                    f'(same {rule.group} "{key}")',
                )


def _comparable(value: Any) -> Any:
    return None if _blank(value) else value


def _unique_together(checker: _Checker, rule: _Rule) -> None:
    """No two rows of one resource share the same values in all of ``fields`` (rows with a blank one are exempt)."""
    for name in rule.resources:
        seen: dict[tuple[Any, ...], int] = {}
        for table, row_number, row in checker.rule_rows(replace(rule, resources=(name,)), rule.columns()):
            values = tuple(row.get(f) for f in rule.fields)
            if any(_blank(v) for v in values):
                continue
            if values in seen:
                described = " with ".join(f"{f} {_shown(v)}" for f, v in zip(rule.fields, values))
                checker.problem(table.display, row_number, ",".join(rule.fields), f"{described} is already in row {seen[values]}")
            else:
                seen[values] = row_number


def _conflict_links_two(checker: _Checker, rule: _Rule) -> None:
    """Every value of ``field`` links at least two rows across all the other tables that have that column:
    a value used once is reported on its row, and a key declared in the rule's resources on the declaring row."""
    key_field = rule.field
    assert key_field is not None
    uses: dict[str, list[tuple[_Table, int]]] = defaultdict(list)
    for table in checker.tables.values():
        if table.name in rule.resources or not table.readable or key_field not in table.labels:
            continue
        for row_number, row in table.rows:
            key = row.get(key_field)
            if isinstance(key, str) and key.strip():
                uses[key].append((table, row_number))
    for key, places in uses.items():
        if len(places) == 1:
            table, row_number = places[0]
            checker.problem(table.display, row_number, key_field, f'"{key}" is used by no other row; a conflict links at least two')
    for table, row_number, row in checker.rule_rows(rule, rule.columns()):
        key = row.get(key_field)
        if isinstance(key, str) and key.strip() and len(uses.get(key, [])) < 2:
            count = len(uses.get(key, []))
            checker.problem(
                table.display, row_number, key_field,
                f'"{key}" is used by {count} row{"" if count == 1 else "s"} in the tables; a conflict links at least two',
            )


#: check kind -> (the function that runs one rule of that kind, the rule keys it needs)
_CHECKS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "quote-in-seed": (_quote_in_seed, ("field",)),
    "seed-sha256": (_seed_sha256, ("field",)),
    "both-or-neither": (_both_or_neither, ("fields",)),
    "not-after": (_not_after, ("field", "other")),
    "not-after-publication": (_not_after_publication, ("field",)),
    "required-when-present": (_required_when, ("field", "when")),
    "required-when-in": (_required_when, ("field", "when")),
    "no-other-seed": (_no_other_seed, ("field",)),
    "lookup-allows": (_lookup_allows, ("field", "by", "reference")),
    "group-agrees": (_group_agrees, ("group", "fields")),
    "unique-together": (_unique_together, ("fields",)),
    "conflict-links-two": (_conflict_links_two, ("field",)),
}
#: columns a check kind reads besides the ones its rule names
_IMPLIED: dict[str, tuple[str, ...]] = {
    "quote-in-seed": (SOURCE_ID,),
    "seed-sha256": (SEED_FILE,),
    "not-after-publication": (SOURCE_ID,),
    "no-other-seed": (SOURCE_ID,),
}
#: the check kinds a rule in datapackage.json may name
RULE_CHECKS: frozenset[str] = frozenset(_CHECKS)


def rule_fields(rule: Any) -> list[str]:
    """The columns a declared rule reads, as written in its declaration (``field``, ``other``, ``fields``,
    ``group``, ``by``, the ``when`` field, the columns its check kind implies such as ``source_id``) and its
    lookup as ``resource.column``; for documentation (the Method page). Never raises: a malformed rule gives
    what can be read of it."""
    if not isinstance(rule, dict):
        return []
    names: list[str] = []
    for key in ("group", "field", "other", "fields", "by"):
        value = rule.get(key)
        names += [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
    when = rule.get("when")
    if isinstance(when, str):
        names.append(when)
    elif isinstance(when, dict) and isinstance(when.get("field"), str):
        names.append(when["field"])
    names += _IMPLIED.get(rule.get("check"), ()) if isinstance(rule.get("check"), str) else ()
    reference = rule.get("reference")
    if isinstance(reference, dict) and isinstance(reference.get("resource"), str):
        names += [f"{reference['resource']}.{reference[k]}" for k in ("key", "values") if isinstance(reference.get(k), str)]
    return [n for n in dict.fromkeys(names) if n]


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
