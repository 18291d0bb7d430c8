"""Build, then serve: the typed tables of a clean check, written once as Parquet and keyed by the data's hash.

``python -m dashboard check`` validates once; when the package is clean it :func:`write`\\ s every table's cast columns
(one Parquet file per table) with what the app reads of the report (the declaration, the paths shown, the rows, the
seed texts) to ``<build dir>/<hash>/``. :func:`load` gives that report back when the hash of the files on disk still
matches, so :func:`dashboard.data.load_tables` skips the validation; any other case (no build, another hash, a
build that cannot be read) returns None and the caller validates, as before.

The hash covers every file under the data and seeds directories (hidden files such as the write lock and the
history excepted; a symlink by its target's name, never followed) and the source of the code that checks them, so an
edit to either is a new hash. The build directory is ``$DASHBOARD_BUILD_DIR``, else ``build/tables/`` beside the
data directory; only the latest build is kept.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

BUILD_ENV = "DASHBOARD_BUILD_DIR"
MANIFEST = "build.json"
FORMAT = 1
#: the code whose behaviour a build records: a change to it is a new hash
_CODE = ("checks", "contract", "package.py", "releases.py", "build.py")


def build_dir(data_dir: Path | str) -> Path:
    """``$DASHBOARD_BUILD_DIR``, else ``<data_dir>/../build/tables`` (``build/`` is git-ignored)."""
    value = os.environ.get(BUILD_ENV)
    return Path(value) if value else Path(data_dir).resolve().parent / "build" / "tables"


def _files(root: Path) -> list[Path]:
    out = []
    for directory, names, files in os.walk(root):  # symlinked directories are not entered
        names[:] = sorted(n for n in names if not n.startswith("."))
        out += [Path(directory) / f for f in sorted(files) if not f.startswith(".")]
    return out


def data_hash(data_dir: Path | str, seeds_dir: Path | str) -> str:
    """The sha256 of the data and seeds files (names and bytes) and of the checking code."""
    # the directories' names too: the problem paths and the build's shown paths are "<name>/<file>"
    digest = hashlib.sha256(f"format {FORMAT}\n{Path(data_dir).resolve().name}\n{Path(seeds_dir).resolve().name}\n".encode())
    code_root = Path(__file__).resolve().parent
    roots = [("data", Path(data_dir)), ("seeds", Path(seeds_dir))]
    roots += [(f"code/{name}", code_root / name) for name in _CODE]
    for label, root in roots:
        files = [root] if root.is_file() else _files(root) if root.is_dir() else []
        for file in files:
            name = file.relative_to(root).as_posix() if file != root else root.name
            digest.update(f"{label}/{name}\n".encode())
            if file.is_symlink():
                digest.update(f"-> {os.readlink(file)}\n".encode())
            elif file.suffix != ".pyc":
                digest.update(file.read_bytes())
    return digest.hexdigest()


def write(report: Any) -> Path | None:
    """Write a clean report's tables and what the app reads of it; None (nothing written) if it is not clean or the
    build directory cannot be written. Never raises."""
    if report.problems or report.package is None or report.data_dir is None or report.seeds_dir is None:
        return None
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq

        key = data_hash(report.data_dir, report.seeds_dir)
        root = build_dir(report.data_dir)
        root.mkdir(parents=True, exist_ok=True)
        target = root / key
        if (target / MANIFEST).is_file():
            return target
        staging = Path(tempfile.mkdtemp(prefix=".build-", dir=root))
        names = {}
        for number, (name, columns) in enumerate(report.columns.items()):
            names[name] = f"{number:03d}.parquet"
            pq.write_table(pa.table(dict(columns)), staging / names[name])
        manifest = {"format": FORMAT, "hash": key, "package": report.package, "paths": report.paths,
                    "files": {n: str(p) for n, p in report.files.items()}, "rows": report.rows,
                    "rules_run": report.rules_run, "seed_texts": report.seed_texts, "tables": names}
        (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
        if target.exists():
            shutil.rmtree(target, ignore_errors=True)
        os.replace(staging, target)
        for old in root.iterdir():  # keep the latest build only
            if old.is_dir() and old.name != key and not old.name.startswith("."):
                shutil.rmtree(old, ignore_errors=True)
        return target
    except Exception:  # noqa: BLE001 - a build is an optimisation: the app validates without one
        return None


def load(data_dir: Path | str, seeds_dir: Path | str | None = None) -> Any:
    """The report of the clean check whose build matches the files on disk, or None (then validate)."""
    try:
        from dashboard import checks, paths

        data_dir = Path(data_dir)
        root = build_dir(data_dir)
        if not root.is_dir() or not any((p / MANIFEST).is_file() for p in root.iterdir() if not p.name.startswith(".")):
            return None  # nothing built: no file is read twice (once to hash it, once to check it)
        seeds = paths.seeds_dir_of(data_dir, seeds_dir)
        target = root / data_hash(data_dir, seeds)
        manifest_path = target / MANIFEST
        if not manifest_path.is_file():
            return None
        import pyarrow.parquet as pq

        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT:
            return None
        columns = {}
        for name, file in manifest["tables"].items():
            table = pq.read_table(target / file)
            columns[name] = {c: table.column(c).combine_chunks() for c in table.column_names}
        return checks.Report(problems=[], package=manifest["package"], data_dir=data_dir, seeds_dir=seeds,
                             paths=manifest["paths"], files={n: Path(p) for n, p in manifest["files"].items()},
                             rows=manifest["rows"], rules_run=manifest["rules_run"], seed_texts=manifest["seed_texts"],
                             columns=columns)
    except Exception:  # noqa: BLE001 - an unreadable build is no build
        return None


__all__ = ["BUILD_ENV", "build_dir", "data_hash", "load", "write"]
