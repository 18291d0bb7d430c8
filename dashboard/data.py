"""Load the curated tables as typed DataFrames, after validation.

``load_tables()`` reads the tables ``python -m dashboard check`` built from these very files
(:mod:`dashboard.build`, keyed by their hash), else runs :func:`dashboard.checks.run`, which reads each CSV
once and casts it from ``datapackage.json`` (:mod:`dashboard.contract`); every
table that passed becomes a DataFrame of those same cast columns, so nothing is
parsed or typed twice.  A table with any problem is left out and its problems
are kept, so one bad table never hides the others.  Column types follow the
field types (dates as datetime64, integers as nullable Int64, numbers as
float64, booleans as nullable boolean, strings as text): see
:data:`dashboard.contract.FIELD_TYPES`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from dashboard import asof, build, checks, contract
from dashboard import package as declaration
from dashboard.paths import DATA_ENV, REPO_ROOT, SEEDS_ENV, default_data_dir, default_seeds_dir  # noqa: F401 (re-exported)
from dashboard.checks import Problem

@dataclass
class Tables:
    """The tables that passed validation, and the problems of those that did not."""

    #: resource name -> DataFrame, in datapackage.json order
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: resource name -> problems; key "datapackage" for problems not tied to one table
    problems: dict[str, list[Problem]] = field(default_factory=dict)
    #: resource name -> path as shown in problem lines
    paths: dict[str, str] = field(default_factory=dict)
    #: resource name -> its descriptor from datapackage.json (title, description, schema)
    resources: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: source_id -> the seed file's full text as read (not whitespace-normalised); seeds that could not be read are absent
    seed_texts: dict[str, str] = field(default_factory=dict)
    #: the parsed datapackage.json descriptor as validated ({} when unreadable)
    package: dict[str, Any] = field(default_factory=dict)
    #: the data's date: the latest ``published_to`` in the sources table (None without one)
    as_of: dt.date | None = None

    @property
    def all_problems(self) -> list[Problem]:
        return sorted(p for problems in self.problems.values() for p in problems)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frames[name]

    def __contains__(self, name: object) -> bool:
        return name in self.frames

    def title(self, name: str) -> str:
        return self.resources.get(name, {}).get("title") or name

    def descriptions(self, name: str) -> dict[str, str]:
        """Column name -> description from the table's schema."""
        fields = self.resources.get(name, {}).get("schema", {}).get("fields", [])
        return {f["name"]: f.get("description", "") for f in fields if isinstance(f, dict) and "name" in f}


def load_tables(data_dir: Path | str | None = None, seeds_dir: Path | str | None = None) -> Tables:
    """Validate, then load every table that passed. Never raises."""
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    if seeds_dir is None:
        seeds_dir = default_seeds_dir()
    # the tables `python -m dashboard check` built from these very files, else validate now
    report = build.load(data_dir, seeds_dir) or checks.run(data_dir, seeds_dir)
    tables = Tables(
        problems=_grouped(report),
        paths=dict(report.paths),
        seed_texts=dict(report.seed_texts),
        package=report.package or {},
    )
    if "datapackage" in tables.problems or report.package is None:
        return tables
    for resource in report.package.get("resources", []):
        name = resource.get("name") if isinstance(resource, dict) else None
        if name in report.files:
            tables.resources[name] = resource
        if name not in report.columns or name in tables.problems:
            continue
        try:
            tables.frames[name] = contract.to_pandas(report.columns[name])
        except Exception as exc:  # noqa: BLE001 - a table that cannot load is a problem, not a crash
            tables.problems[name] = [Problem(report.paths[name], 0, "-", f"could not be loaded: {type(exc).__name__}: {exc}")]
    tables.as_of = asof.of_sources(tables.frames.get(checks.SOURCES))
    return tables


def _grouped(report: checks.Report) -> dict[str, list[Problem]]:
    """Problems by resource; those on a release's files (a release changed, or half-landed after a crash) belong to
    the release index's table, so they leave out that table, not every table."""
    grouped = report.problems_by_resource()
    index = report.paths.get("releases")
    if index and "datapackage" in grouped:
        prefix = index.rsplit("/", 1)[0] + "/"
        moved = [p for p in grouped["datapackage"] if p.path.startswith(prefix)]
        if moved:
            grouped.setdefault("releases", []).extend(moved)
            grouped["datapackage"] = [p for p in grouped["datapackage"] if p not in moved]
            if not grouped["datapackage"]:
                del grouped["datapackage"]
    return grouped


# --------------------------------------------------------------------------
# reading the descriptor (for titles, descriptions, the Method page)


def package(data_dir: Path | str | None = None) -> dict[str, Any]:
    """The parsed ``datapackage.json`` (read once per version of the file: :func:`dashboard.package.read`)."""
    return declaration.read(Path(data_dir) if data_dir is not None else default_data_dir())


def resource(name: str, data_dir: Path | str | None = None) -> dict[str, Any]:
    """The descriptor of one resource; KeyError if there is none of that name."""
    for item in package(data_dir).get("resources", []):
        if isinstance(item, dict) and item.get("name") == name:
            return item
    raise KeyError(name)


def schema(name: str, data_dir: Path | str | None = None) -> dict[str, Any]:
    """The Table Schema of one resource."""
    return resource(name, data_dir).get("schema") or {}


def field_descriptions(name: str, data_dir: Path | str | None = None) -> dict[str, str]:
    """Column name -> description, in schema order."""
    return {f["name"]: f.get("description", "") for f in schema(name, data_dir).get("fields", [])}


def titles(data_dir: Path | str | None = None) -> dict[str, str]:
    """Resource name -> title (falls back to the name)."""
    return {
        r["name"]: r.get("title") or r["name"]
        for r in package(data_dir).get("resources", [])
        if isinstance(r, dict) and "name" in r
    }
