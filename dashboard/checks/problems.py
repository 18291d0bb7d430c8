"""What the checks report: a :class:`Problem` (``path:row:field: message``), the :class:`Report` of one run, and the
names of the resources and columns the checks read."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from dashboard import contract, oneline
from dashboard import package as declaration


#: Resource holding one provenance row per seed; its path points into the seeds dir.
SOURCES = "sources"
#: Resource whose primary key lists the conflict keys used across the tables.
CONFLICTS = "conflicts"
DATAPACKAGE = declaration.DATAPACKAGE
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


def _dir_name(path: Path) -> str:
    return path.resolve().name or str(path)


def normalise_space(text: str) -> str:
    """Collapse every run of whitespace to one space, for comparing quotes with seeds."""
    return re.sub(r"\s+", " ", text).strip()
