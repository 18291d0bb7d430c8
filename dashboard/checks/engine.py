"""The check engine: read the declaration and each CSV once, cast it from the declaration, check the schema and
the foreign keys, then run each declared rule with the function its kind registered (:mod:`dashboard.checks.registry`).

Kept as one class over ~450 lines: :class:`_Checker` is the one pass over a data package and holds the state
every step shares (the tables as read and cast, the seed files, the rules skipped); splitting it would pass that
state around instead.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Iterable

import pyarrow as pa
import pyarrow.compute as pc

from dashboard import contract, guard, oneline
from dashboard import package as declaration
from dashboard.contract import flags, positions
from dashboard.checks import registry
from dashboard.checks.problems import (DATAPACKAGE, FILE_ROW, HEADER_ROW, NO_FIELD, PUBLISHED_TO, Problem, Report,
                                       SEED_FILE, SOURCES, SOURCE_ID, _dir_name, normalise_space)
from dashboard.checks.cells import _and, _as_date, _field_names, _is_tabular
from dashboard.checks.registry import _Rule, _RuleError



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
        """Run each rule of ``package["rules"]`` with the check its ``check`` kind names (see :mod:`dashboard.checks.registry`).

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
                registry._KINDS[rule.kind].run(self, rule)
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
        if SOURCE_ID in registry._implied(rule.kind):
            needed.append(SOURCES)
        across = registry._KINDS[rule.kind].across
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
