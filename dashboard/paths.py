"""Where the data lives: the repository's data/ and seeds/, or the directories the environment names; and the one
atomic write of a file there.

The one place that says where the seeds live is :func:`seeds_dir_of`. Kept free of heavy imports, so
``python -m dashboard check`` starts fast.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_ENV = "DASHBOARD_DATA_DIR"
SEEDS_ENV = "DASHBOARD_SEEDS_DIR"


def default_data_dir() -> Path:
    """``$DASHBOARD_DATA_DIR``, else the repository's ``data/``."""
    return Path(os.environ.get(DATA_ENV) or REPO_ROOT / "data")


def default_seeds_dir() -> Path | None:
    """``$DASHBOARD_SEEDS_DIR``; None means: where the data package's ``sources`` path points (``data/../seeds``)."""
    value = os.environ.get(SEEDS_ENV)
    return Path(value) if value else None


def seeds_dir_of(data_dir: Path | str, seeds_dir: Path | str | None = None, descriptor: object = None) -> Path:
    """The seeds directory: as given, else ``$DASHBOARD_SEEDS_DIR``, else where the declaration's ``sources`` path
    points (``data/../seeds``; ``descriptor`` is the parsed declaration when the caller has it, else it is read)."""
    if seeds_dir is not None:
        return Path(seeds_dir)
    found = default_seeds_dir()
    if found is not None:
        return found
    from dashboard import package

    if descriptor is None:
        try:
            descriptor = package.read(data_dir)
        except package.JsonProblem:  # an unreadable declaration is the check's to report
            descriptor = None
    return package.seeds_dir(data_dir, descriptor)


#: a test hook: seconds to pause between writing the temporary file and renaming it (never set in use)
PAUSE_ENV = "DASHBOARD_WRITE_TEST_PAUSE"


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all: a temporary file beside it, fsynced, then renamed over it.

    A reader sees the old file or the new one, never half of either; a process killed mid-write leaves the old file
    (and, at worst, a hidden ``.<name>.*.tmp`` beside it). The file keeps its permissions.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        pause = os.environ.get(PAUSE_ENV)
        if pause:  # tests kill the process here, between the temporary file and the rename
            import time

            time.sleep(float(pause))
        if path.exists():
            shutil.copymode(path, temp)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    try:  # make the rename itself durable
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    except OSError:
        pass
