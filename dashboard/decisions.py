"""Curation decisions declared as data: reading the tables in ``data/decisions/`` for the code that applies them.

One job: find and read a decision table. Each is a resource of
``data/datapackage.json`` with ``"role": "decision"`` and a schema, so
``python -m dashboard check`` validates it like every other table and the
Method page lists it (:func:`for_method`). The code that applies a decision
(the turning points the stance charts annotate, the headline cards, the map's
object queries) reads its rows here, as text, in file order.

A table is read from the data folder in use (``$DASHBOARD_DATA_DIR`` or the
repository's ``data/``); a data folder without a ``decisions/`` table of its own
(a test fixture) uses the repository's. A file is read again when it changes.
An unreadable file reads as no rows: ``check`` says what is wrong with it, the
pages never crash on it.
"""

from __future__ import annotations

import csv
import io
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from dashboard.paths import REPO_ROOT, default_data_dir

#: the folder of the decision tables, inside the data folder
FOLDER = "decisions"
#: the descriptor key and value that mark a resource as a decision
ROLE = "role"
DECISION = "decision"
#: the decision tables, by resource name
TURNING_POINTS = "turning_points"
HEADLINES = "headlines"
MAP_LAYERS = "map_layers"


def path(name: str, data_dir: Path | str | None = None) -> Path:
    """The file of decision ``name``: in the data folder's ``decisions/``, else the repository's."""
    own = Path(data_dir) if data_dir is not None else default_data_dir()
    candidate = own / FOLDER / f"{name}.csv"
    return candidate if candidate.exists() else REPO_ROOT / "data" / FOLDER / f"{name}.csv"


def rows(name: str, data_dir: Path | str | None = None) -> tuple[dict[str, str], ...]:
    """The rows of decision ``name`` as text (blank cells ''), in file order; () when the file cannot be read."""
    file = path(name, data_dir)
    try:
        stamp = file.stat().st_mtime_ns
    except OSError:
        return ()
    return _read(str(file), stamp)


@lru_cache(maxsize=16)
def _read(file: str, stamp: int) -> tuple[dict[str, str], ...]:
    try:
        text = Path(file).read_text(encoding="utf-8-sig")
        return tuple({k: (v or "").strip() for k, v in row.items() if k is not None} for row in csv.DictReader(io.StringIO(text)))
    except (OSError, UnicodeError, csv.Error):
        return ()


def is_decision(resource: Mapping[str, Any]) -> bool:
    """True for a resource descriptor marked ``"role": "decision"``."""
    return isinstance(resource, Mapping) and resource.get(ROLE) == DECISION


def for_method(resources: Mapping[str, Mapping[str, Any]], frames: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The decision tables for the Method page: name, title, description and the loaded table (None when it failed
    validation), in datapackage.json order. Call it with a loaded ``Tables``: ``for_method(loaded.resources,
    loaded.frames)``."""
    return [
        {"name": name, "title": str(resource.get("title") or name), "description": str(resource.get("description") or ""),
         "table": frames.get(name)}
        for name, resource in resources.items()
        if is_decision(resource)
    ]


# --------------------------------------------------------------------------
# selecting rows as a decision declares: up to two conditions, each a field, a match and a value

#: how a condition matches a cell: the same text, the text within it (any case), or one of the values split by '|'
MATCHES = ("equals", "contains", "in")
#: between the values of an ``in`` condition
VALUES_SEPARATOR = "|"


def conditions(row: Mapping[str, str], **fill: str) -> tuple[tuple[str, str, str], ...]:
    """A decision row's conditions as (field, match, value): ``field``/``match``/``value`` and
    ``and_field``/``and_match``/``and_value``, blank ones left out; ``{name}`` placeholders in a value are filled
    from ``fill`` (a map query's ``{stem}`` or ``{names}``)."""
    out = []
    for prefix in ("", "and_"):
        field = row.get(f"{prefix}field", "")
        if field:
            value = row.get(f"{prefix}value", "")
            for name, text in fill.items():
                value = value.replace("{" + name + "}", text)
            out.append((field, row.get(f"{prefix}match", "") or "equals", value))
    return tuple(out)


def select(frame: Any, where: tuple[tuple[str, str, str], ...]) -> Any:
    """The rows of ``frame`` (a DataFrame) that meet every condition; KeyError for a field the table lacks,
    ValueError for an unknown match."""
    import pandas as pd

    mask = pd.Series(True, index=frame.index)
    for field, match, value in where:
        column = frame[field]
        if match == "equals":
            hit = column.eq(value)
        elif match == "contains":
            hit = column.astype("string").str.contains(value, case=False, regex=False)
        elif match == "in":
            hit = column.isin([v.strip() for v in value.split(VALUES_SEPARATOR)])
        else:
            raise ValueError(f"unknown match {match!r}")
        mask &= hit.fillna(False).astype(bool)
    return frame[mask.to_numpy(dtype=bool)]
