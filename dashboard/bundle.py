"""Curation bundles: what an analyst curates where the app may not write, carried to a checkout as one file.

    python -m dashboard apply-bundle FILE [--data DIR] [--seeds DIR]

A bundle is one JSON file (``*.curation.json``): the new text, the arguments of its provenance row (as
``add-source`` takes them), the accepted rows by table, the ``check`` result when it was made, and the sha256 of
all of that. The Curate page builds it in read-only mode (Streamlit Community Cloud, or write mode off), where
nothing is written on the server; ``apply-bundle`` adds it to a checkout:

1. it refuses a file that is not a bundle, a bundle whose sha256 or text checksum does not match (changed after it
   was made), and rows for a table without quotes or with fields the table does not declare;
2. it tries the whole bundle on a copy of the checkout, with the very functions it then runs for real:
   :func:`dashboard.curate.add_source` (its refusals: empty or duplicate text, bad dates, unknown kind, grade or
   language) and :func:`dashboard.curate.add_rows` (the whole package validated by the checks of ``check``), and
   refuses, changing nothing, on any problem, printing its ``path:row:field: message`` lines;
3. then runs them on the checkout (each a locked, validated, atomic save) and prints the new source_id and rows.

The checksum catches a bundle edited after download; it is not a signature (anyone can make a bundle), so a bundle
is reviewed like any other contribution: the pull request shows the seed and the rows.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any, Mapping

from dashboard.curate import (HISTORY_DIR, MAX_TEXT_BYTES, SOURCES, CurateError, Package, Refused, add_source, appended_rows,
                               locked)

FORMAT = "kz-ru-dashboard curation bundle"
VERSION = 1
SUFFIX = ".curation.json"
#: the provenance arguments a bundle carries: add-source's
SOURCE_KEYS = ("title", "language", "published_from", "published_to", "author", "outlet", "kind", "grade", "grade_reason")
#: fields the applying checkout fills in on every row
FILLED = ("id", "source_id")


class BundleError(CurateError):
    """A bundle that is refused: the message is one line (problems follow it, one per line)."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


def _digest(payload: Mapping[str, Any]) -> str:
    canonical = json.dumps({k: v for k, v in payload.items() if k != "sha256"}, ensure_ascii=False, sort_keys=True,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _clean_rows(rows: Mapping[str, list[Mapping[str, Any]]]) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for table, table_rows in rows.items():
        kept = [{k: ("" if v is None else str(v)) for k, v in row.items() if k not in FILLED} for row in table_rows]
        if kept:
            out[table] = kept
    return out


def make(package: Package, text: str, source: Mapping[str, Any], rows: Mapping[str, list[Mapping[str, Any]]],
         created: str = "") -> tuple[bytes, list[str]]:
    """The bundle's bytes for ``text``, its provenance arguments and accepted rows (by table), with the ``check``
    result of trying it on a copy of ``package``; and that result's problems (empty when it would apply)."""
    payload: dict[str, Any] = {
        "format": FORMAT, "version": VERSION, "created": created,
        "source": {k: ("" if source.get(k) is None else str(source.get(k))) for k in SOURCE_KEYS},
        "text": text, "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(), "rows": _clean_rows(rows),
    }
    problems = trial(package, payload)
    payload["check"] = {"ok": not problems, "problems": problems}
    payload["sha256"] = _digest(payload)
    return (json.dumps(payload, ensure_ascii=False, indent=1) + "\n").encode("utf-8"), problems


def read(data: bytes, label: str, package: Package) -> dict[str, Any]:
    """The bundle in ``data``, refused (:class:`BundleError`) unless it is whole and unchanged and names only
    declared tables and fields."""
    if len(data) > 3 * MAX_TEXT_BYTES:
        raise BundleError(f"{label}: {len(data):,} bytes is too large for a curation bundle")
    try:
        payload = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BundleError(f"{label}: not a curation bundle (not JSON: {exc})") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise BundleError(f"{label}: not a curation bundle (no \"format\": \"{FORMAT}\")")
    if payload.get("version") != VERSION:
        raise BundleError(f"{label}: bundle version {payload.get('version')!r} is not {VERSION}")
    if payload.get("sha256") != _digest(payload):
        raise BundleError(f"{label}: the bundle was changed after it was made (its sha256 does not match its content); "
                          "download it again from the Curate page")
    text, source, rows = payload.get("text"), payload.get("source"), payload.get("rows")
    if not isinstance(text, str) or not isinstance(source, dict) or not isinstance(rows, dict):
        raise BundleError(f"{label}: not a curation bundle (needs text, source and rows)")
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != payload.get("text_sha256"):
        raise BundleError(f"{label}: the text does not match its text_sha256")
    if set(source) - set(SOURCE_KEYS) or not all(isinstance(v, str) for v in source.values()):
        raise BundleError(f"{label}: source has unknown keys or values that are not text: {sorted(set(source) - set(SOURCE_KEYS))}")
    tables = package.tables()
    for table, table_rows in rows.items():
        if table not in tables:
            raise BundleError(f"{label}: rows for '{table}', which is not a table of quoted rows ({', '.join(tables)})")
        declared = {f.get("name") for f in package.fields(table)}
        if not isinstance(table_rows, list) or not all(isinstance(r, dict) for r in table_rows):
            raise BundleError(f"{label}: rows of '{table}' are not a list of rows")
        for number, row in enumerate(table_rows, start=1):
            unknown = sorted(set(row) - declared)
            if unknown:
                raise BundleError(f"{label}: {table} row {number}: fields not declared in {table}: {', '.join(unknown)}")
            if not all(isinstance(v, str) for v in row.values()):
                raise BundleError(f"{label}: {table} row {number}: every value must be text")
    return payload


def _apply(package: Package, payload: Mapping[str, Any], label: str) -> tuple[str, dict[str, int]]:
    """The bundle as one write: add-source with its checks, and the rows appended to their tables in the same commit
    (under one lock, through the journal), so a killed apply leaves all of it or none."""
    source = payload["source"]

    def rows_of(source_id: str) -> dict[Path, bytes]:
        return {package.file(table): appended_rows(package, table, [
                    {**{k: v for k, v in row.items() if v != ""}, "source_id": source_id} for row in rows])
                for table, rows in payload["rows"].items()}

    source_id = add_source(
        package, payload["text"].encode("utf-8"), file_label=label, title=source.get("title", ""),
        published_from=source.get("published_from", ""), published_to=source.get("published_to") or None,
        author=source.get("author") or None, outlet=source.get("outlet") or None, kind=source.get("kind") or None,
        grade=source.get("grade") or None, grade_reason=source.get("grade_reason") or None,
        language=source.get("language") or None, also=rows_of)
    return source_id, {table: len(rows) for table, rows in payload["rows"].items()}


def trial(package: Package, payload: Mapping[str, Any]) -> list[str]:
    """The problems applying ``payload`` to ``package`` would meet, found on a copy (the package is untouched)."""
    with tempfile.TemporaryDirectory(prefix="bundle-") as temp:
        root = Path(temp)
        # the copies keep the directories' names, so problems read data/events.csv:83:... as check prints them
        data = root / "a" / package.data_dir.resolve().name
        seeds = root / "b" / package.seeds_dir.resolve().name
        shutil.copytree(package.data_dir, data, ignore=shutil.ignore_patterns(HISTORY_DIR))
        shutil.copytree(package.seeds_dir, seeds, ignore=shutil.ignore_patterns(HISTORY_DIR))
        copy = Package(data, seeds, package.descriptor)
        try:
            _apply(copy, payload, "the bundle's text")
        except Refused as exc:
            return exc.problems
        except CurateError as exc:
            return [str(exc)]
    return []


def apply(package: Package, data: bytes, label: str) -> tuple[str, dict[str, int]]:
    """Add the bundle in ``data`` to ``package``: refused, with nothing changed, unless it is whole and unchanged and
    the package validates with it; the new source_id and the rows added per table."""
    payload = read(data, label, package)
    with locked(package) as recovered:  # tried and applied with no other writer in between
        done = _completed(package, payload, recovered)
        if done is not None:  # this very bundle's apply, killed after its commit was journalled: now whole
            return done, {table: len(rows) for table, rows in payload["rows"].items()}
        problems = trial(package, payload)
        if problems:
            raise BundleError(f"{label}: refused, nothing written: the package would not validate with it", problems)
        return _apply(package, payload, label)


def _completed(package: Package, payload: Mapping[str, Any], recovered: list[str]) -> str | None:
    """The source id of this bundle's text when taking the lock just completed its interrupted apply, else None."""
    digest = hashlib.sha256(payload["text"].encode("utf-8")).hexdigest()
    with package.file(SOURCES).open(encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            if record.get("sha256") == digest and f"completed the interrupted add-source {record.get('source_id')}" in recovered:
                return str(record.get("source_id"))
    return None


__all__ = ["BundleError", "apply", "make", "read", "trial", "SOURCES"]
