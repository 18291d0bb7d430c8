"""The single validation path for the curated tables.

``check(data_dir, seeds_dir)`` returns every problem as a :class:`Problem`
whose ``str`` is ``path:row:field: message``:

* the schema part (types, required, enums, ranges, patterns, unique,
  primaryKey, foreignKeys, missing columns) is driven entirely by
  ``data/datapackage.json``, through :mod:`dashboard.contract`, which reads
  each CSV once and casts it from the declaration (the same typed columns the
  app's DataFrames are made of);
* the project-specific part is declared there too, as the package's list of
  ``rules``: each names a ``check`` kind (one function per kind, registered in
  :data:`RULE_CHECKS`), the resources it applies to and the fields it reads.
  A rule applies to those of its resources that are readable and have its
  columns, and skips cells that already failed the schema.  A rule that cannot
  run as declared (unknown kind, missing parameter, undeclared resource or
  field) is a problem on datapackage.json.  The rules are vectorised over the
  typed columns: they look at single rows only where there is a problem to word.

Row numbers count the header as row 1, so the first data row is row 2 (a blank
line is a row, a quoted value over several lines is one).  File-level problems
(missing, empty, unreadable or malformed file) are reported on row 0 with field
``-``; a missing column on row 1 with the column's name as field.

Nothing here raises on bad input: every failure becomes a Problem.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dashboard import contract, guard, oneline
from dashboard import package as declaration
from dashboard.contract import FIRST_ROW, array, false_where_null, flags, positions, rows_where
from dashboard.contract import short as _short

#: Resource holding one provenance row per seed; its path points into the seeds dir.
SOURCES = "sources"
#: Resource whose primary key lists the conflict keys used across the tables.
CONFLICTS = "conflicts"
DATAPACKAGE = "datapackage.json"
#: Columns the seed rules read: the row's seed, and in ``sources`` the seed's file and latest publication date.
SOURCE_ID = "source_id"
SEED_FILE = "file"
PUBLISHED_TO = "published_to"
#: The release index's key column (the release-sha256 rule reads it).
RELEASE = "release"
#: sources.language, an ISO 639-1 code; a quote from a source not in ENGLISH carries a translation
LANGUAGE = "language"
ENGLISH = "en"

FILE_ROW = 0
HEADER_ROW = contract.HEADER_ROW
NO_FIELD = contract.NO_FIELD


@dataclass(frozen=True, order=True)
class Problem:
    """One problem found in the data, shown as ``path:row:field: message``."""

    path: str
    row: int
    field: str
    message: str

    def __post_init__(self) -> None:
        # one problem, one line: a newline or control character in an echoed value is written as an escape
        for name in ("path", "field", "message"):
            value = getattr(self, name)
            if not isinstance(value, str) or not oneline.is_one_line(value):
                object.__setattr__(self, name, oneline.escape(value))

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
    #: resource name -> its columns cast from the declaration (field -> Arrow array), readable tables only;
    #: :func:`dashboard.contract.to_pandas` makes the DataFrame
    columns: dict[str, dict[str, pa.Array]] = field(default_factory=dict)

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


def normalise_space(text: str) -> str:
    """Collapse every run of whitespace to one space, for comparing quotes with seeds."""
    return re.sub(r"\s+", " ", text).strip()



def _fields(resource: dict[str, Any]) -> list[dict[str, Any]]:
    schema = resource.get("schema")
    if isinstance(schema, dict) and isinstance(schema.get("fields"), list):
        return [f for f in schema["fields"] if isinstance(f, dict)]
    return []


def _field_names(resource: dict[str, Any]) -> list[str]:
    return [str(f.get("name")) for f in _fields(resource)]


def _is_tabular(resource: dict[str, Any]) -> bool:
    return isinstance(resource.get("schema"), dict)


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


# --------------------------------------------------------------------------


@dataclass
class _Table:
    name: str
    display: str
    file: Path
    descriptor: dict[str, Any]
    labels: list[str] = field(default_factory=list)
    readable: bool = False
    raw: contract.RawTable | None = None
    cast: contract.CastTable | None = None
    #: why the file is not opened at all (a declared path or a symlink that leaves its directory), else None
    refused: str | None = None

    @property
    def num_rows(self) -> int:
        return self.cast.num_rows if self.cast is not None else 0

    def has(self, columns: Iterable[str]) -> bool:
        """Readable, with every one of ``columns``."""
        return self.readable and self.cast is not None and all(c in self.cast.values for c in columns)

    def column(self, name: str) -> pa.Array:
        assert self.cast is not None
        return self.cast.values[name]

    def failed(self, columns: Iterable[str]) -> pa.Array | None:
        """True where one of ``columns`` failed the schema (None: none did)."""
        assert self.cast is not None
        masks = [self.cast.invalid[c] for c in columns if c in self.cast.invalid]
        if not masks:
            return None
        mask = masks[0]
        for other in masks[1:]:
            mask = pc.or_(mask, other)
        return mask

    def ok(self, columns: Iterable[str], mask: pa.Array | None = None) -> pa.Array:
        """``mask`` (default: every row) where none of ``columns`` failed the schema."""
        failed = self.failed(columns)
        if mask is None:
            mask = flags(True, self.num_rows) if failed is None else pc.invert(failed)
        elif failed is not None:
            mask = pc.and_(mask, pc.invert(failed))
        return mask

    def values(self, name: str, rows: list[int]) -> list[Any]:
        """The typed values of column ``name`` at ``rows``."""
        return self.column(name).take(positions(rows)).to_pylist() if rows else []


_EMPTY = contract.scalar("", pa.string())


def _blank_mask(column: pa.Array) -> pa.Array:
    """Blank cells: missing, or (text) only whitespace."""
    missing = pc.is_null(column)
    if pa.types.is_string(column.type):
        return pc.or_(missing, false_where_null(pc.equal(pc.utf8_trim_whitespace(column), _EMPTY)))
    return missing


def _given(column: pa.Array) -> pa.Array:
    return false_where_null(pc.invert(_blank_mask(column)))


def _and_all(masks: list[pa.Array]) -> pa.Array:
    mask = masks[0]
    for other in masks[1:]:
        mask = pc.and_(mask, other)
    return mask


def _or_all(masks: list[pa.Array]) -> pa.Array:
    mask = masks[0]
    for other in masks[1:]:
        mask = pc.or_(mask, other)
    return mask


class _Checker:
    def __init__(self, report: Report, data_dir: Path, seeds_dir: Path | None) -> None:
        self.report = report
        self.data_dir = data_dir
        self.seeds_dir = seeds_dir
        self.tables: dict[str, _Table] = {}
        self._seeds: _Seeds | None = None
        self._seed_files: dict[str, tuple[bytes | None, str | None]] = {}
        #: unreadable table -> the rules skipped for it
        self.skipped: dict[str, list[str]] = {}

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
        if not self.declaration_ok(package):
            return
        for table in self.tables.values():
            self.read_table(table)
        for table in self.tables.values():
            self.cast_table(table)
        for table in self.tables.values():
            self.check_foreign_keys(table)
        self.run_rules(package)
        self.report_skipped()
        try:
            self.seeds()  # the seed texts the app shows, read once here
        except Exception as exc:  # noqa: BLE001
            where = self.tables[SOURCES].display if SOURCES in self.tables else self.report.package_path
            self.problem(where, FILE_ROW, NO_FIELD, f"the seeds cannot be read: {type(exc).__name__}: {exc}")
        readable = [t for t in self.tables.values() if t.readable and t.cast is not None]
        self.report.rows = {t.name: t.num_rows for t in readable}
        self.report.columns = {t.name: t.cast.values for t in readable}  # type: ignore[union-attr]

    # -- datapackage.json
    def read_package(self) -> dict[str, Any] | None:
        where = self.report.package_path
        path = self.data_dir / DATAPACKAGE
        if not path.is_file():
            self.problem(where, FILE_ROW, NO_FIELD, "file not found")
            return None
        if not guard.inside(self.data_dir, path):
            self.problem(where, FILE_ROW, NO_FIELD, "a link to a file outside the data directory: refused, not read")
            return None
        try:  # within a size and a depth: a huge, deep or malformed declaration is one line here
            package = declaration.read_file(path)
        except declaration.JsonProblem as exc:
            self.problem(where, FILE_ROW, NO_FIELD, str(exc))
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
                home, home_name = self.seeds_dir, seeds_name
            else:
                file = self.data_dir / path
                display = f"{data_name}/{PurePosixPath(path).as_posix()}"
                home, home_name = self.data_dir, data_name
            display = oneline.escape(display)  # as Problem shows it, so that problems group by their table
            self.tables[name] = _Table(name, display, file, resource)
            if not guard.inside(home, file):  # resolved, symlinks followed: never opened, nothing of it echoed
                self.tables[name].refused = f"the declared path leaves the {home_name}/ directory: refused, not read"
            self.report.paths[name] = display
            self.report.files[name] = file

    def declaration_ok(self, package: dict[str, Any]) -> bool:
        """Can the checks read the descriptor as declared? Problems go against datapackage.json."""
        problems = contract.declaration_problems(package)
        for message in problems:
            self.problem(self.report.package_path, FILE_ROW, NO_FIELD, message)
        return not problems

    # -- one file: read once, then cast once
    def read_table(self, table: _Table) -> None:
        where = table.display
        if table.refused is not None:
            self.problem(where, FILE_ROW, NO_FIELD, table.refused)
            return
        if not table.file.is_file():
            self.problem(where, FILE_ROW, NO_FIELD, "file not found")
            return
        try:
            raw = table.file.read_bytes()
        except OSError as exc:
            self.problem(where, FILE_ROW, NO_FIELD, f"file cannot be read: {exc.strerror or exc}")
            return
        self.check_declared_size(table, raw)
        try:
            parsed = contract.read_csv(raw, table.descriptor.get("encoding") or "utf-8")
        except contract.FileProblem as exc:
            self.problem(where, FILE_ROW, NO_FIELD, str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - one unreadable file never hides the others
            self.problem(where, FILE_ROW, NO_FIELD, f"file cannot be read as a table: {type(exc).__name__}: {exc}")
            return
        if not parsed.labels or not any(label.strip() for label in parsed.labels):
            self.problem(where, FILE_ROW, NO_FIELD, "no header row")
            return
        table.labels, table.raw = parsed.labels, parsed
        declared = _field_names(table.descriptor)
        seen: set[str] = set()
        duplicated = False
        for position, label in enumerate(table.labels, start=1):
            if not label.strip():
                self.problem(where, HEADER_ROW, NO_FIELD, f"blank column name at position {position}")
            elif label in seen:
                duplicated = True
                self.problem(where, HEADER_ROW, label, "column appears more than once")
            elif label not in declared:
                self.problem(where, HEADER_ROW, label, "column not declared in datapackage.json")
            seen.add(label)
        # every declared column must be there: a rule reading a missing one would silently skip the table
        for name in declared:
            if name not in seen:
                self.problem(where, HEADER_ROW, name, "missing column (declared in datapackage.json)")
        if duplicated:
            self.problem(where, FILE_ROW, NO_FIELD,
                         "file cannot be read as a table: columns are matched by name, so no name may appear twice")
            return
        table.readable = True

    def check_declared_size(self, table: _Table, raw: bytes) -> None:
        """The file's declared ``hash`` and ``bytes``, where the descriptor gives them."""
        declared = table.descriptor.get("hash")
        if isinstance(declared, str):
            algorithm, _, expected = declared.rpartition(":")
            actual = hashlib.new(algorithm or "md5", raw).hexdigest()
            if actual != expected:
                self.problem(table.display, FILE_ROW, NO_FIELD,
                             f'file hash does not match the declared one: expected is "{expected}" and actual is "{actual}"')
        size = table.descriptor.get("bytes")
        if isinstance(size, int) and size != len(raw):
            self.problem(table.display, FILE_ROW, NO_FIELD,
                         f'file size does not match the declared one: expected is "{size}" and actual is "{len(raw)}"')

    def cast_table(self, table: _Table) -> None:
        if not table.readable or table.raw is None:
            return
        try:
            table.cast = contract.cast(table.raw, table.descriptor)
        except Exception as exc:  # noqa: BLE001 - one table that cannot be cast never hides the others
            table.readable = False
            self.problem(table.display, FILE_ROW, NO_FIELD, f"file cannot be cast as declared: {type(exc).__name__}: {exc}")
            return
        for row, name, message in table.cast.problems:
            self.problem(table.display, row, name, message)

    def check_foreign_keys(self, table: _Table) -> None:
        """Each foreign key of a readable table whose reference is readable (else that table's problem says why)."""
        if not table.readable or table.cast is None:
            return
        for fk in table.descriptor["schema"].get("foreignKeys") or []:
            target = self.tables.get(fk["reference"].get("resource") or table.name)
            if target is None or not target.readable or target.cast is None:
                continue
            try:
                found = contract.foreign_key_problems(fk, table.cast, target.name, target.cast)
            except Exception as exc:  # noqa: BLE001
                self.problem(table.display, FILE_ROW, NO_FIELD, f"foreign key cannot be checked: {type(exc).__name__}: {exc}")
                continue
            for row, name, message in found:
                self.problem(table.display, row, name, message)

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
                if self.note_skipped(rule):
                    continue  # the rule would judge the readable tables by an unreadable one's absence
                _CHECKS[rule.kind][0](self, rule)
            except _RuleError as exc:
                self.problem(where, FILE_ROW, NO_FIELD, f"{label}: {exc}")
                continue
            except Exception as exc:  # noqa: BLE001 - one broken rule never hides the others
                self.problem(where, FILE_ROW, NO_FIELD, f"{label}: internal error: {type(exc).__name__}: {exc}")
                continue
            self.report.rules_run.append(rule.name)

    def note_skipped(self, rule: "_Rule") -> bool:
        """Say, on each unreadable table the rule needs, that the rule was skipped there; True when the rule must
        not run at all (it counts across tables, so a missing one would make the others fail)."""
        needed = list(rule.resources)
        if rule.reference is not None:
            needed.append(rule.reference.resource)
        if SOURCE_ID in _IMPLIED.get(rule.kind, ()) or rule.kind == "quote-in-seed":
            needed.append(SOURCES)
        across = rule.kind == "conflict-links-two"
        if across:
            needed += [t.name for t in self.tables.values() if rule.field in _field_names(t.descriptor)]
        unreadable = [self.tables[n] for n in dict.fromkeys(needed) if n in self.tables and not self.tables[n].readable]
        for table in unreadable:
            self.skipped.setdefault(table.name, []).append(rule.name)
        return across and bool(unreadable)

    def report_skipped(self) -> None:
        """One line per unreadable table naming the rules that were skipped for it."""
        for name, rules in self.skipped.items():
            display = self.tables[name].display
            said = f"rule{'' if len(rules) == 1 else 's'} {_and(rules)} skipped for it"
            problems = self.report.problems
            # on the table's own file-level line, so that an unreadable table stays one line, reported alone
            at = next((i for i in range(len(problems) - 1, -1, -1)
                       if problems[i].path == display and problems[i].row == FILE_ROW), None)
            if at is None:
                self.problem(display, FILE_ROW, NO_FIELD, f"cannot be read: {said}")
            else:
                problems[at] = Problem(display, FILE_ROW, problems[at].field, f"{problems[at].message}; {said}")

    def rule_tables(self, rule: "_Rule", columns: Iterable[str]) -> Iterable[tuple[_Table, pa.Array]]:
        """The rule's resources that are readable and have ``columns``, each with the mask of its rows where none of
        those cells failed the schema (that problem is reported; the rule has nothing sound to compare)."""
        columns = list(columns)
        for name in rule.resources:
            table = self.tables.get(name)
            if table is not None and table.has(columns):
                yield table, table.ok(columns)

    # -- the seed texts, shared by the seed and quote rules
    def seed_file(self, name: str) -> tuple[bytes | None, str | None]:
        """The bytes of seed file ``name`` in the seeds dir, or None and why not (cached)."""
        if name not in self._seed_files:
            seed = self.seeds_dir / name if self.seeds_dir is not None else None
            if seed is None or PurePosixPath(name).name != name or not seed.is_file():
                self._seed_files[name] = (None, f"seed file {name} not found in {_dir_name(self.seeds_dir or Path('seeds'))}/")
            elif not guard.inside(self.seeds_dir, seed):  # a symlink out of the seeds directory is never opened
                self._seed_files[name] = (None, f"seed file {name} is a link that leaves {_dir_name(self.seeds_dir)}/: "
                                                "refused, not read")
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
        if table is None or not table.has([SOURCE_ID]):
            return seeds
        n = table.num_rows
        ids = table.column(SOURCE_ID).to_pylist()
        files = table.column(SEED_FILE).to_pylist() if table.has([SEED_FILE]) else [None] * n
        dates = table.column(PUBLISHED_TO).to_pylist() if table.has([PUBLISHED_TO]) else [None] * n
        for source_id, name, published in zip(ids, files, dates):
            if not isinstance(source_id, str):
                continue
            published_to = _as_date(published)
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
    """A rule's ``when``: the row counts when ``field`` is given, or (with ``values``) is one of them, or (with
    ``lists``) is a list, split at ``separator``, that has ``lists`` as one of its items."""

    field: str
    values: tuple[str, ...] | None = None
    lists: str | None = None
    separator: str = ";"

    def holds(self, table: "_Table") -> pa.Array:
        """Where the condition holds, row by row."""
        column = table.column(self.field)
        given = _given(column)
        if self.lists is not None:
            return _list_has(column, self.lists, self.separator)
        if self.values is None:
            return given
        if pa.types.is_string(column.type):
            return pc.and_(given, pc.is_in(column, value_set=array(self.values, pa.string())))
        return array([v is not None and str(v) in self.values for v in column.to_pylist()], pa.bool_())

    def describe(self, value: Any) -> str:
        """The condition, for a row where its field has ``value``."""
        if self.lists is not None:
            return f'{self.field} lists "{self.lists}"'
        return f"{self.field} is given" if self.values is None else f'{self.field} is "{value}"'


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
    #: the declaration as written, for the parameters only one check kind reads (see :data:`_PARAMETERS`)
    raw: dict[str, Any] = dataclasses.field(default_factory=dict, compare=False, hash=False, repr=False)

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
            raw=raw,
        )
        if kind == "required-when-in" and (rule.when is None or rule.when.values is None):
            raise _RuleError('check "required-when-in" needs "when": {"field": ..., "in": [...]}')
        if kind == "both-or-neither" and len(rule.fields) < 2:
            raise _RuleError('check "both-or-neither" needs at least two "fields"')
        rule.check_declared(tables)
        if kind in _PARAMETERS:
            _PARAMETERS[kind](rule, tables)
        return rule

    def columns(self) -> list[str]:
        """Every column the rule reads in each of its resources (group-agrees' fields excepted)."""
        columns = [c for c in (self.field, self.other, self.by, self.group) if c]
        if self.kind not in _FIELDS_WHERE_DECLARED:
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
        if self.kind in _FIELDS_WHERE_DECLARED:
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
        if value.get("lists") is not None:
            lists, separator = value["lists"], value.get("separator", ";")
            if values is None and isinstance(lists, str) and lists.strip() and isinstance(separator, str) and separator.strip():
                return _When(value["field"], lists=lists.strip(), separator=separator.strip())
            raise _RuleError('"when" with "lists" is {"field": ..., "lists": "item"} (and optionally "separator")')
        if values is None:
            return _When(value["field"])
        if isinstance(values, list) and values and all(isinstance(v, (str, int, float)) for v in values):
            return _When(value["field"], tuple(str(v) for v in values))
    raise _RuleError('"when" is neither a field name nor {"field": ..., "in": [...]} nor {"field": ..., "lists": "item"}')


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
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a number as written: 2500, not 2500.0
    return _short(value)


def _and(names: Iterable[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]




def _pairs(columns: dict[str, pa.Array], mask: pa.Array) -> list[tuple[Any, ...]]:
    """The distinct combinations of ``columns`` over the rows of ``mask``."""
    rows = rows_where(mask)
    if not rows:
        return []
    everywhere = len(rows) == len(mask)
    firsts = contract.first_rows(list(columns.values()), None if everywhere else rows).tolist()
    return list(zip(*(c.take(positions(firsts)).to_pylist() for c in columns.values())))


def _quote_in_seed(checker: _Checker, rule: _Rule) -> None:
    """Every ``field`` (the quote) occurs verbatim in the seed of the row's source_id, whitespace runs collapsed."""
    seeds = checker.seeds()
    known = array(sorted(seeds.texts), pa.string())
    for table, ok in checker.rule_tables(rule, rule.columns()):
        quotes, ids = table.column(rule.field), table.column(SOURCE_ID)
        if not (pa.types.is_string(quotes.type) and pa.types.is_string(ids.type)):
            continue
        mask = _and_all([ok, _given(quotes), pc.is_in(ids, value_set=known)])
        # each distinct (quote, seed) is looked up once
        missing = {(q, s) for q, s in _pairs({"q": quotes, "s": ids}, mask) if normalise_space(q) not in seeds.texts[s]}
        if not missing:
            continue
        rows = rows_where(mask)
        for row, quote, source_id in zip(rows, table.values(rule.field, rows), table.values(SOURCE_ID, rows)):
            if (quote, source_id) in missing:
                checker.problem(table.display, row + FIRST_ROW, rule.field,
                                f"not found verbatim in {source_id} ({seeds.files[source_id]}): \"{_short(quote)}\"")


def _seed_sha256(checker: _Checker, rule: _Rule) -> None:
    """Each row's seed ``file`` exists in the seeds dir, is UTF-8 text and has the sha256 in ``field``."""
    for table, ok in checker.rule_tables(rule, rule.columns()):
        rows = rows_where(pc.and_(ok, _given(table.column(SEED_FILE))))
        for row, name, expected in zip(rows, table.values(SEED_FILE, rows), table.values(rule.field, rows)):
            if not isinstance(name, str) or not name:
                continue
            data, why = checker.seed_file(name)
            if data is None:
                checker.problem(table.display, row + FIRST_ROW, SEED_FILE, why or f"seed file {name} cannot be read")
                continue
            actual = hashlib.sha256(data).hexdigest()
            if isinstance(expected, str) and expected and expected != actual:
                checker.problem(table.display, row + FIRST_ROW, rule.field, f"does not match {name}, whose sha256 is {actual}")
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                checker.problem(table.display, row + FIRST_ROW, SEED_FILE, f"seed file {name} is not valid UTF-8 text")


def _both_or_neither(checker: _Checker, rule: _Rule) -> None:
    """The ``fields`` are all given or all blank; each blank one beside a given one is reported."""
    for table, ok in checker.rule_tables(rule, rule.columns()):
        given = [_given(table.column(f)) for f in rule.fields]
        rows = rows_where(_and_all([ok, _or_all(given), pc.invert(_and_all(given))]))
        if not rows:
            continue
        cells = {f: table.column(f).take(positions(rows)) for f in rule.fields}
        for position, row in enumerate(rows):
            present = [f for f in rule.fields if not _blank(cells[f][position].as_py())]
            for blank in (f for f in rule.fields if f not in present):
                checker.problem(
                    table.display, row + FIRST_ROW, blank,
                    f"blank while {_and(present)} {'is' if len(present) == 1 else 'are'} given: "
                    f"{_and(rule.fields)} are given together or not at all",
                )


def _not_after(checker: _Checker, rule: _Rule) -> None:
    """``field`` is not after (greater than) ``other`` where both are given."""
    for table, ok in checker.rule_tables(rule, rule.columns()):
        value, other = table.column(rule.field), table.column(rule.other)
        try:
            after = pc.greater(value, other)
        except (pa.ArrowNotImplementedError, pa.ArrowInvalid, pa.ArrowTypeError):
            continue  # values that do not compare: nothing to say
        rows = rows_where(_and_all([ok, _given(value), _given(other), false_where_null(after)]))
        for row, a, b in zip(rows, table.values(rule.field, rows), table.values(rule.other, rows)):
            checker.problem(table.display, row + FIRST_ROW, rule.field, f"{_shown(a)} is after {rule.other} {_shown(b)}")


def _not_after_publication(checker: _Checker, rule: _Rule) -> None:
    """The date in ``field`` is not after the latest publication date (sources.published_to) of the row's seed."""
    published_to = checker.seeds().published_to
    if not published_to:
        return
    ids = list(published_to)
    latest_dates = array([published_to[i] for i in ids], pa.date32())
    for table, ok in checker.rule_tables(rule, rule.columns()):
        dates, sources = table.column(rule.field), table.column(SOURCE_ID)
        if pa.types.is_timestamp(dates.type):
            dates = dates.cast(pa.date32())
        if not pa.types.is_date(dates.type) or not pa.types.is_string(sources.type):
            continue
        latest = latest_dates.take(pc.index_in(sources, value_set=array(ids, pa.string())))
        rows = rows_where(pc.and_(ok, false_where_null(pc.greater(dates, latest))))
        for row, date, source_id in zip(rows, dates.take(positions(rows)).to_pylist(), table.values(SOURCE_ID, rows)):
            latest_date = published_to[source_id]
            checker.problem(
                table.display, row + FIRST_ROW, rule.field,
                f"{date.isoformat()} is after {source_id}'s latest publication date {latest_date.isoformat()}",
            )


def _required_when(checker: _Checker, rule: _Rule) -> None:
    """``field`` is given whenever the rule's ``when`` holds (a field given, or one of the listed values)."""
    assert rule.when is not None
    for table, ok in checker.rule_tables(rule, rule.columns()):
        rows = rows_where(_and_all([ok, rule.when.holds(table), _blank_mask(table.column(rule.field))]))
        for row, value in zip(rows, table.values(rule.when.field, rows)):
            checker.problem(table.display, row + FIRST_ROW, rule.field, f"required when {rule.when.describe(value)}")


_SEED_ID = re.compile(r"(?<![A-Za-z0-9])S[0-9]{3}(?![0-9])")


def _no_other_seed(checker: _Checker, rule: _Rule) -> None:
    """``field`` names no seed (S000-S999) other than the row's own source_id, where ``when`` holds (if given)."""
    for table, ok in checker.rule_tables(rule, rule.columns()):
        texts = table.column(rule.field)
        if not pa.types.is_string(texts.type):
            continue
        # the rows that name any seed at all; the exact pattern and the row's own seed are looked at only there
        masks = [ok, false_where_null(pc.match_substring_regex(texts, "S[0-9]{3}"))]
        if rule.when is not None:
            masks.append(rule.when.holds(table))
        rows = rows_where(_and_all(masks))
        whens = table.values(rule.when.field, rows) if rule.when is not None else [None] * len(rows)
        for row, text, own, when in zip(rows, table.values(rule.field, rows), table.values(SOURCE_ID, rows), whens):
            others = list(dict.fromkeys(s for s in _SEED_ID.findall(text) if s != own))
            if others:
                why = f", while {rule.when.describe(when)}" if rule.when is not None else ""
                checker.problem(table.display, row + FIRST_ROW, rule.field,
                                f"names {_and(others)}, not the row's own seed {own}{why}")


def _lookup_allows(checker: _Checker, rule: _Rule) -> None:
    """``field`` is one of the space-separated values that the reference row named by ``by`` allows; when it
    allows none, ``field`` is blank, and when it allows some, ``field`` is given."""
    ref = rule.reference
    assert ref is not None and rule.by is not None and rule.field is not None
    lookup = checker.tables.get(ref.resource)
    if lookup is None or not lookup.has([ref.key, ref.values]):
        return  # the lookup table's own problems are reported
    allowed: dict[str, tuple[str, ...]] = {}
    rows = rows_where(lookup.ok([ref.key, ref.values]))
    for key, values in zip(lookup.values(ref.key, rows), lookup.values(ref.values, rows)):
        if not _blank(key):
            allowed.setdefault(str(key), tuple(_score(v) for v in str(values or "").split()))
    where = f"{ref.resource}.{ref.values}"

    def verdict(key: Any, value: Any) -> str | None:
        if _blank(key) or str(key) not in allowed:
            return None  # a blank or unknown key is the schema's (required, foreign key) to report
        scores = allowed[str(key)]
        named = f'{rule.by} "{key}"'
        if not scores:
            if not _blank(value):
                return f"{_shown(value)} given, but {named} allows none ({where} is blank): leave {rule.field} blank"
        elif _blank(value):
            return f"blank, but {named} needs one of {', '.join(scores)} ({where})"
        elif _score(value) not in scores:
            return f"{_shown(value)} is not allowed for {named}, which allows {', '.join(scores)} ({where})"
        return None

    for table, ok in checker.rule_tables(rule, rule.columns()):
        # each distinct (key, value) is judged once; rows are looked at only for the pairs that fail
        bad = {pair: message for pair in _pairs({"k": table.column(rule.by), "v": table.column(rule.field)}, ok)
               if (message := verdict(*pair)) is not None}
        if not bad:
            continue
        rows = rows_where(ok)
        for row, key, value in zip(rows, table.values(rule.by, rows), table.values(rule.field, rows)):
            if (key, value) in bad:
                checker.problem(table.display, row + FIRST_ROW, rule.field, bad[(key, value)])


def _score(value: Any) -> str:
    """A value as a comparable token: integers without sign or padding quirks ("+1" -> "1"), else the text."""
    text = str(value).strip()
    try:
        return str(int(text))
    except ValueError:
        return text


def _comparable_column(column: pa.Array) -> pa.Array:
    """Blank cells as null, so that every blank compares equal."""
    if pa.types.is_string(column.type):
        return pc.if_else(pc.equal(pc.utf8_trim_whitespace(column), _EMPTY), pa.nulls(len(column), column.type), column)
    return column


def _group_agrees(checker: _Checker, rule: _Rule) -> None:
    """Rows sharing a non-blank ``group`` value, across the rule's resources, agree on each of ``fields`` that
    their tables have; each later row that differs from the first row with that field is reported."""
    assert rule.group is not None
    tables = list(checker.rule_tables(rule, [rule.group]))
    for column in rule.fields:
        # (table, rows, keys, values) of the rows that have the field, valid, and a non-blank key
        parts = []
        for table, ok in tables:
            if column not in table.cast.values:  # type: ignore[union-attr]
                continue
            keys = table.column(rule.group)
            mask = _and_all([ok, _given(keys), table.ok([column])])
            parts.append((table, mask, keys, _comparable_column(table.column(column))))
        if not parts:
            continue
        # the keys whose rows hold more than one value; only those rows are compared one by one
        key_types = {p[2].type for p in parts}
        value_types = {p[3].type for p in parts}
        suspects: set[str] | None = None
        if len(key_types) == 1 and len(value_types) == 1 and pa.types.is_string(next(iter(key_types))):
            keys = pa.concat_arrays([p[2].filter(p[1]) for p in parts])
            values = pa.concat_arrays([p[3].filter(p[1]) for p in parts])
            if not len(keys):
                continue
            # distinct (key, value) pairs, then the keys that have more than one
            pairs = contract.first_rows([keys, values])
            key_ids = contract.group_ids([keys])
            several = np.bincount(key_ids[pairs]) > 1
            suspects = set(keys.take(positions(np.flatnonzero(several[key_ids]).tolist())).to_pylist())
            if not suspects:
                continue
        first: dict[str, tuple[_Table, int, Any]] = {}
        for table, mask, keys, values in parts:
            if suspects is not None:
                mask = pc.and_(mask, pc.is_in(keys, value_set=array(sorted(suspects), pa.string())))
            rows = rows_where(mask)
            for row, key, value in zip(rows, table.values(rule.group, rows), values.take(positions(rows)).to_pylist()):
                seen = first.setdefault(str(key), (table, row, value))
                if seen[:2] == (table, row):
                    continue
                if value != seen[2]:
                    checker.problem(
                        table.display, row + FIRST_ROW, column,
                        f"{_shown(value)} differs from {seen[0].display}:{seen[1] + FIRST_ROW}, which has {_shown(seen[2])} "
                        f'(same {rule.group} "{key}")',
                    )


def _unique_together(checker: _Checker, rule: _Rule) -> None:
    """No two rows of one resource share the same values in all of ``fields`` (rows with a blank one are exempt)."""
    for table, ok in checker.rule_tables(rule, rule.columns()):
        mask = _and_all([ok, *(_given(table.column(f)) for f in rule.fields)])
        count = pc.sum(mask.cast(pa.int64())).as_py() or 0
        if len(_pairs({f: table.column(f) for f in rule.fields}, mask)) == count:
            continue
        rows = rows_where(mask)
        seen: dict[tuple[Any, ...], int] = {}
        for row, values in zip(rows, zip(*(table.values(f, rows) for f in rule.fields))):
            if values in seen:
                described = " with ".join(f"{f} {_shown(v)}" for f, v in zip(rule.fields, values))
                checker.problem(table.display, row + FIRST_ROW, ",".join(rule.fields),
                                f"{described} is already in row {seen[values]}")
            else:
                seen[values] = row + FIRST_ROW


def _conflict_links_two(checker: _Checker, rule: _Rule) -> None:
    """Every value of ``field`` links at least two rows across all the other tables that have that column:
    a value used once is reported on its row, and a key declared in the rule's resources on the declaring row."""
    key_field = rule.field
    assert key_field is not None
    users = [t for t in checker.tables.values()
             if t.name not in rule.resources and t.has([key_field]) and pa.types.is_string(t.column(key_field).type)]
    uses: dict[str, int] = defaultdict(int)
    for table in users:
        keys = table.column(key_field).filter(_given(table.column(key_field)))
        for item in pc.value_counts(keys).to_pylist():
            uses[item["values"]] += item["counts"]
    once = [key for key, count in uses.items() if count == 1]
    if once:
        value_set = array(once, pa.string())
        for table in users:
            rows = rows_where(pc.is_in(table.column(key_field), value_set=value_set))
            for row, key in zip(rows, table.values(key_field, rows)):
                checker.problem(table.display, row + FIRST_ROW, key_field,
                                f'"{key}" is used by no other row; a conflict links at least two')
    for table, ok in checker.rule_tables(rule, rule.columns()):
        keys = table.column(key_field)
        if not pa.types.is_string(keys.type):
            continue
        linked = array([key for key, count in uses.items() if count >= 2], pa.string())
        rows = rows_where(_and_all([ok, _given(keys), pc.invert(pc.is_in(keys, value_set=linked))]))
        for row, key in zip(rows, table.values(key_field, rows)):
            count = uses.get(key, 0)
            checker.problem(
                table.display, row + FIRST_ROW, key_field,
                f'"{key}" is used by {count} row{"" if count == 1 else "s"} in the tables; a conflict links at least two',
            )


def _release_sha256(checker: _Checker, rule: _Rule) -> None:
    """Releases are immutable: every release the index (the rule's resource, e.g. data/releases/releases.csv) lists
    is intact beside it: its manifest.json has the sha256 in ``field``, each file the manifest lists has the sha256
    recorded there, and nothing is added (see :func:`dashboard.releases.release_problems`)."""
    from dashboard import releases

    for table, ok in checker.rule_tables(rule, rule.columns()):
        names = table.column(RELEASE).to_pylist()
        shas = table.column(rule.field).to_pylist()
        good = ok.to_pylist()
        rows = [{"release": n, "manifest_sha256": s if g else ""} for n, s, g in zip(names, shas, good)]
        shown_root = PurePosixPath(table.display).parent.as_posix()
        for path, row, field_name, message in releases.release_problems(table.file.parent, rows, shown_root):
            checker.problem(path, row, field_name, message)


def _translation_by_language(checker: _Checker, rule: _Rule) -> None:
    """``field`` (the English translation of a quote) is given on every row of a non-English seed (by
    ``sources.language``) and blank on every row of an English one."""
    sources = checker.tables.get(SOURCES)
    if sources is None or not sources.has([SOURCE_ID, LANGUAGE]):
        return
    languages = {i: l for i, l in zip(sources.column(SOURCE_ID).to_pylist(), sources.column(LANGUAGE).to_pylist())
                 if isinstance(i, str) and isinstance(l, str) and l}
    for table, ok in checker.rule_tables(rule, rule.columns()):
        rows = rows_where(ok)
        for row, source_id, value in zip(rows, table.values(SOURCE_ID, rows), table.values(rule.field, rows)):
            language = languages.get(source_id)
            if language is None:
                continue
            if language != ENGLISH and _blank(value):
                checker.problem(table.display, row + FIRST_ROW, rule.field,
                                f"required: {source_id} is in {language}, so the quote needs its English translation")
            elif language == ENGLISH and not _blank(value):
                checker.problem(table.display, row + FIRST_ROW, rule.field,
                                f"must be blank: {source_id} is in English, so its quote needs no translation")


# --------------------------------------------------------------------------
# the rules of the corrections, the seed dates and the scored acts (issue 18); each kind is self-contained


def _list_has(column: pa.Array, item: str, separator: str) -> pa.Array:
    """Where a text ``column`` is a list, split at ``separator`` (whitespace around items ignored), holding ``item``."""
    if not pa.types.is_string(column.type):
        return flags(False, len(column))
    sep, token = re.escape(separator), re.escape(item)
    return false_where_null(pc.match_substring_regex(column, rf"(^|{sep})\s*{token}\s*({sep}|$)"))


def _quoted(values: Iterable[str]) -> str:
    values = [f'"{v}"' for v in values]
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " or " + values[-1]


def _value_in_when(checker: _Checker, rule: _Rule) -> None:
    """``field`` is one of the values ``in`` wherever ``when`` holds (e.g. a row whose ``corrects`` lists "date" has
    ``date_source`` "reference")."""
    assert rule.when is not None and rule.field is not None
    allowed = [str(v) for v in rule.raw["in"]]
    for table, ok in checker.rule_tables(rule, rule.columns()):
        column = table.column(rule.field)
        inside = pc.is_in(column.cast(pa.string()), value_set=array(allowed, pa.string()))
        rows = rows_where(_and_all([ok, rule.when.holds(table), pc.invert(false_where_null(inside))]))
        for row, value, when in zip(rows, table.values(rule.field, rows), table.values(rule.when.field, rows)):
            checker.problem(table.display, row + FIRST_ROW, rule.field,
                            f"{_shown(value)}, but {rule.when.describe(when)}: must be {_quoted(allowed)}")


def _check_value_in_when(rule: _Rule, tables: dict[str, _Table]) -> None:
    values = rule.raw.get("in")
    if not isinstance(values, list) or not values or not all(isinstance(v, (str, int)) for v in values):
        raise _RuleError(f'check "{rule.kind}" needs "in", a list of values')
    if rule.when is None:
        raise _RuleError(f'check "{rule.kind}" needs "when"')


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_YEAR_IN_TEXT = re.compile(r"(?<![0-9])([0-9]{4})(?![0-9])")
_MONTH_IN_TEXT = re.compile(r"\b(" + "|".join(_MONTHS) + r")\b")


def _interval_in_words(text: Any, start: dt.date, end: dt.date) -> bool:
    """Does ``text`` name a year (4 digits) within the interval's years, or an English month name (capitalised) of a
    month the interval covers?"""
    if not isinstance(text, str):
        return False
    if any(start.year <= int(y) <= end.year for y in _YEAR_IN_TEXT.findall(text)):
        return True
    first, last = start.year * 12 + start.month - 1, end.year * 12 + end.month - 1
    return any((_MONTHS.index(m) - first) % 12 <= last - first for m in _MONTH_IN_TEXT.findall(text))


def _tokens_per_row(codes: np.ndarray, owners: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Tokens found once per distinct text, handed to every row holding that text: ``codes`` is each row's distinct
    text (-1: none), ``owners`` (ascending) and ``values`` each token's text and value. Returns (row, value) pairs."""
    counts = np.bincount(owners, minlength=int(codes.max(initial=-1)) + 1)
    starts = np.cumsum(counts) - counts
    safe = np.where(codes >= 0, codes, 0)
    per_row = np.where(codes >= 0, counts[safe] if len(counts) else 0, 0)
    rows = np.repeat(np.arange(len(codes)), per_row)
    within = np.arange(len(rows)) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    return rows, values[np.repeat(starts[safe] if len(counts) else safe, per_row) + within]


def _in_words(texts: pa.Array, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Vectorised :func:`_interval_in_words`: where each text names a year (a run of exactly 4 digits) within the years
    of its interval, or a capitalised English month name of a month the interval covers. ``first`` and ``last`` are the
    interval's ends as months counted from year 0 (``year * 12 + month - 1``). Each distinct text is split once."""
    found = np.zeros(len(texts), dtype=bool)
    if not len(texts) or not pa.types.is_string(texts.type):
        return found
    encoded = texts.dictionary_encode()
    distinct, codes = encoded.dictionary, contract._integers(encoded.indices, fill=-1)
    runs = pc.split_pattern_regex(distinct, "[^0-9]+")  # the digit runs of each distinct text
    flat, owners = pc.list_flatten(runs), contract._integers(pc.list_parent_indices(runs))
    four = false_where_null(pc.equal(pc.utf8_length(flat), contract.scalar(4, pa.int32())))
    years = contract._integers(flat.filter(four).cast(pa.int64()))
    rows, year = _tokens_per_row(codes, owners[contract.booleans(four)], years)
    hit = (year >= first[rows] // 12) & (year <= last[rows] // 12)
    found[rows[hit]] = True
    words = pc.split_pattern_regex(distinct, "[^A-Za-z]+")  # the words of each distinct text
    flat, owners = pc.list_flatten(words), contract._integers(pc.list_parent_indices(words))
    months = contract._integers(pc.index_in(flat, value_set=array(list(_MONTHS), pa.string())), fill=-1)
    named = months >= 0
    rows, month = _tokens_per_row(codes, owners[named], months[named])
    hit = (month - first[rows]) % 12 <= last[rows] - first[rows]
    found[rows[hit]] = True
    return found


def _months(dates: pa.Array) -> np.ndarray:
    """Dates as months counted from year 0 (``year * 12 + month - 1``)."""
    if pa.types.is_timestamp(dates.type):
        dates = dates.cast(pa.date32())
    days = contract._integers(dates.cast(pa.int32())).astype("datetime64[D]")
    return days.astype("datetime64[M]").astype(np.int64) + 1970 * 12


def _date_in_words(checker: _Checker, rule: _Rule) -> None:
    """Where ``when`` holds (e.g. date_source is "seed"), one of the text ``fields`` (the quote, the date_note) names a
    year within the interval ``field``..``other``'s years, or an English month name of a month it covers; else the
    date is not the seed's own words. Reported on the ``when`` field. Vectorised (:func:`_in_words`)."""
    assert rule.when is not None and rule.field is not None and rule.other is not None
    for table, ok in checker.rule_tables(rule, rule.columns()):
        start, end = table.column(rule.field), table.column(rule.other)
        if not all(pa.types.is_date(c.type) or pa.types.is_timestamp(c.type) for c in (start, end)):
            continue
        mask = _and_all([ok, rule.when.holds(table), _given(start), _given(end),
                         false_where_null(pc.less_equal(start, end))])  # an inverted interval is its own rule's
        rows = rows_where(mask)
        if not rows:
            continue
        where = positions(rows)
        first, last = _months(start.take(where)), _months(end.take(where))
        carried = np.zeros(len(rows), dtype=bool)
        for name in rule.fields:
            carried |= _in_words(table.column(name).take(where), first, last)
        bad = [rows[i] for i in np.flatnonzero(~carried).tolist()]
        for row, a, b, when in zip(bad, table.values(rule.field, bad), table.values(rule.other, bad),
                                   table.values(rule.when.field, bad)):
            checker.problem(
                table.display, row + FIRST_ROW, rule.when.field,
                f"{_shown(when)}, but neither {_and_or(rule.fields)} names a year or a month of "
                f"{_as_date(a).isoformat()} to {_as_date(b).isoformat()}: "  # type: ignore[union-attr]
                "a date not in the seed's words is inferred or reference",
            )


def _and_or(names: Iterable[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " nor " + names[-1]


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    """``phrase`` found case-insensitively, with any whitespace between its words, and not inside a longer word."""
    words = [re.escape(w) for w in phrase.split()]
    start = r"(?<!\w)" if re.match(r"\w", phrase) else ""
    end = r"(?!\w)" if re.search(r"\w$", phrase) else ""
    return re.compile(start + r"\s+".join(words) + end, re.IGNORECASE)


def _phrases_quoted_not_coded(checker: _Checker, rule: _Rule) -> None:
    """Each phrase of ``field`` (a list split at ``separator``, e.g. the words a correction refutes) occurs in
    ``other`` (the quote) and in none of the ``fields`` the table has (the coded text), case-insensitive, whitespace
    collapsed, as whole words."""
    assert rule.field is not None and rule.other is not None
    separator = rule.raw.get("separator", "|")
    for table, ok in checker.rule_tables(rule, rule.columns()):
        coded = [f for f in rule.fields if f in table.cast.values and table.column(f).type == pa.string()]  # type: ignore[union-attr]
        mask = _and_all([ok, _given(table.column(rule.field)), table.ok(coded)])
        columns = {f: table.column(f) for f in (rule.field, rule.other, *coded)}
        verdicts: dict[tuple[Any, ...], list[tuple[str, str]]] = {}
        for values in _pairs(columns, mask):
            found: list[tuple[str, str]] = []
            phrases = [normalise_space(p) for p in str(values[0]).split(separator)]
            if any(not p for p in phrases):
                found.append((rule.field, f'has an empty phrase: phrases are joined by "{separator.strip()}"'))
            for phrase in filter(None, phrases):
                pattern = _phrase_pattern(phrase)
                if not pattern.search(values[1] or ""):
                    found.append((rule.field, f'"{_short(phrase)}" does not occur in {rule.other}'))
                for name, text in zip(coded, values[2:]):
                    if isinstance(text, str) and pattern.search(text):
                        found.append((name, f'repeats "{_short(phrase)}", which {rule.field} lists'))
            if found:
                verdicts[values] = found
        if not verdicts:
            continue
        rows = rows_where(mask)
        for row, values in zip(rows, zip(*(c.take(positions(rows)).to_pylist() for c in columns.values()))):
            for name, message in verdicts.get(values, ()):
                checker.problem(table.display, row + FIRST_ROW, name, message)


def _check_phrases(rule: _Rule, tables: dict[str, _Table]) -> None:
    separator = rule.raw.get("separator", "|")
    if not isinstance(separator, str) or not separator.strip():
        raise _RuleError('"separator" is blank or not a text')


def _linked_or_explained(checker: _Checker, rule: _Rule) -> None:
    """Where ``when`` holds (e.g. a stance is given), ``field`` (the event_key) is a value that a row of the ``linked``
    resource has in its ``linked`` field, or ``other`` (the reason why not) is given."""
    assert rule.when is not None and rule.field is not None and rule.other is not None
    link = rule.raw["linked"]
    target = checker.tables.get(link["resource"])
    if target is None or not target.has([link["field"]]):
        return  # that table's own problems say why
    keys = target.column(link["field"])
    known = pc.unique(keys.filter(pc.and_(target.ok([link["field"]]), _given(keys)))).cast(pa.string())
    for table, ok in checker.rule_tables(rule, rule.columns()):
        column = table.column(rule.field)
        linked = pc.and_(_given(column), false_where_null(pc.is_in(column.cast(pa.string()), value_set=known)))
        rows = rows_where(_and_all([ok, rule.when.holds(table), pc.invert(linked), _blank_mask(table.column(rule.other))]))
        for row, key, when in zip(rows, table.values(rule.field, rows), table.values(rule.when.field, rows)):
            what = "blank" if _blank(key) else f"{_shown(key)} is in no row of {target.display}"
            checker.problem(
                table.display, row + FIRST_ROW, rule.field,
                f"{what}, and {rule.other} is blank: where {rule.when.describe(when)}, the row shares its {rule.field} "
                f"with {target.display} or says why not in {rule.other}",
            )


def _check_linked(rule: _Rule, tables: dict[str, _Table]) -> None:
    link = rule.raw.get("linked")
    if not (isinstance(link, dict) and all(isinstance(link.get(k), str) and link[k] for k in ("resource", "field"))):
        raise _RuleError('"linked" is not {"resource": ..., "field": ...}')
    if link["resource"] not in tables:
        raise _RuleError(f'linked resource "{link["resource"]}" is not declared')
    if link["field"] not in _field_names(tables[link["resource"]].descriptor):
        raise _RuleError(f'linked resource "{link["resource"]}" declares no field "{link["field"]}"')
    if rule.when is None or rule.other is None:
        raise _RuleError(f'check "{rule.kind}" needs "when" and "other"')


def _has_pattern(checker: _Checker, rule: _Rule) -> None:
    """A given ``field`` contains a match of ``pattern`` (a regular expression); ``what`` says in words what it must
    contain."""
    assert rule.field is not None
    for table, ok in checker.rule_tables(rule, rule.columns()):
        column = table.column(rule.field)
        if not pa.types.is_string(column.type):
            continue
        found = false_where_null(pc.match_substring_regex(column, rule.raw["pattern"]))
        rows = rows_where(_and_all([ok, _given(column), pc.invert(found)]))
        for row, value in zip(rows, table.values(rule.field, rows)):
            checker.problem(table.display, row + FIRST_ROW, rule.field, f"has no {rule.raw['what']}: {_shown(value)}")


def _check_pattern(rule: _Rule, tables: dict[str, _Table]) -> None:
    pattern, what = rule.raw.get("pattern"), rule.raw.get("what")
    if not isinstance(pattern, str) or not isinstance(what, str):
        raise _RuleError('"pattern" and "what" are texts')
    try:
        pc.match_substring_regex(array([""], pa.string()), pattern)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise _RuleError(f'"pattern" is not a regular expression: {exc}') from None


#: check kind -> its own check of the parameters only it reads (run when the rule is parsed)
_PARAMETERS: dict[str, Any] = {
    "value-in-when": _check_value_in_when,
    "phrases-quoted-not-coded": _check_phrases,
    "linked-or-explained": _check_linked,
    "has-pattern": _check_pattern,
}
#: check kinds whose ``fields`` apply in each resource that declares them (at least one must)
_FIELDS_WHERE_DECLARED = frozenset({"group-agrees", "phrases-quoted-not-coded"})


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
    "release-sha256": (_release_sha256, ("field",)),
    "translation-by-language": (_translation_by_language, ("field",)),


    "value-in-when": (_value_in_when, ("field", "in", "when")),
    "date-in-words": (_date_in_words, ("field", "other", "fields", "when")),
    "phrases-quoted-not-coded": (_phrases_quoted_not_coded, ("field", "other", "fields")),
    "linked-or-explained": (_linked_or_explained, ("field", "other", "when", "linked")),
    "has-pattern": (_has_pattern, ("field", "pattern", "what")),
}
#: columns a check kind reads besides the ones its rule names
_IMPLIED: dict[str, tuple[str, ...]] = {
    "quote-in-seed": (SOURCE_ID,),
    "seed-sha256": (SEED_FILE,),
    "not-after-publication": (SOURCE_ID,),
    "no-other-seed": (SOURCE_ID,),
    "release-sha256": (RELEASE,),
    "translation-by-language": (SOURCE_ID,),
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
    linked = rule.get("linked")
    if isinstance(linked, dict) and isinstance(linked.get("resource"), str) and isinstance(linked.get("field"), str):
        names.append(f"{linked['resource']}.{linked['field']}")
    reference = rule.get("reference")
    if isinstance(reference, dict) and isinstance(reference.get("resource"), str):
        names += [f"{reference['resource']}.{reference[k]}" for k in ("key", "values") if isinstance(reference.get(k), str)]
    return [n for n in dict.fromkeys(names) if n]


