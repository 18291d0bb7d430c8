"""The tables, read once per version of the files and shared by every session; one version per script run.

The tables are one shared read-only object (``st.cache_resource``), keyed by a fingerprint of the files, so an edited
file reloads on the next rerun; whatever a page derives from them is cached by :func:`version`.
"""

from __future__ import annotations

import hashlib
import os
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.data import Tables

#: files up to this size are also keyed by their content (a rewrite within the clock's resolution, same size)
FINGERPRINT_HASH_BYTES = 64 * 1024


def _file_key(path: str, stat: os.stat_result, link: bool = False) -> tuple:
    """What changes when a file is fixed: its inode (replaced by a rename), change time (any chmod, chown or write),
    modification time, permissions, size, and for a small file its content (never read through a symlink, which may
    lead out of the directory: the checks refuse such a file unread)."""
    digest = None
    if stat.st_size <= FINGERPRINT_HASH_BYTES and not link:
        try:
            with open(path, "rb") as handle:
                digest = hashlib.blake2b(handle.read(FINGERPRINT_HASH_BYTES + 1), digest_size=8).hexdigest()
        except OSError:  # unreadable now: the stat alone, which changes when it is made readable again
            digest = None
    return (path, stat.st_ino, stat.st_ctime_ns, stat.st_mtime_ns, stat.st_mode, stat.st_size, digest)


def _fingerprint(*dirs: Path | None) -> tuple[tuple, ...]:
    """One key per file in the given dirs (see :func:`_file_key`), so an edited, replaced or re-permitted file
    reloads on the next rerun."""
    entries = []
    for directory in dirs:  # os.scandir: one stat per file, no Path objects (this runs on every script run)
        try:
            with os.scandir(directory) as found:
                files = [(e.path, e.stat(), e.is_symlink()) for e in found if e.is_file()]
        except (OSError, TypeError):
            continue
        entries += sorted(_file_key(path, stat, link) for path, stat, link in files)
    return tuple(entries)


@st.cache_resource(show_spinner="Loading and checking the tables…", max_entries=4)
def _load(data_dir: str, seeds_dir: str | None, fingerprint: tuple) -> Tables:
    # One shared, read-only object for every session (st.cache_resource hands out the object itself: no copy, no
    # pickling on each hit). The fingerprint is only part of the key: an edited file is a new key, so a new load.
    loaded = data.load_tables(Path(data_dir), Path(seeds_dir) if seeds_dir else None)
    loaded._version = hashlib.blake2b(repr((data_dir, seeds_dir, fingerprint)).encode(), digest_size=8).hexdigest()
    return loaded


def _current() -> Tables:
    data_dir = data.default_data_dir()
    seeds_dir = data.default_seeds_dir()
    stamp = _fingerprint(data_dir, seeds_dir or data_dir.parent / "seeds")
    return _load(str(data_dir), str(seeds_dir) if seeds_dir else None, stamp)


_PINNED = "_dashboard_run_tables"  # session state: the tables the running full script run draws from
_FULL_RUN = "_dashboard_full_run"  # session state: True while a full script run (not a fragment's) is under way
_DRAWN_VERSION = "_dashboard_tables_version"  # session state: the version the last full run of the page drew from


@contextmanager
def one_version():
    """Around a full script run (the entry point wraps the page in it): every :func:`tables` call inside gets the same
    object, so a file replaced while the run is drawing cannot give its first half the old tables and its second half
    the new. A fragment's rerun happens outside it (the entry point does not run): see :func:`tables`."""
    st.session_state[_PINNED] = None
    st.session_state[_FULL_RUN] = True
    try:
        yield
    finally:  # also when the run stops early (st.stop, st.rerun, an exception)
        st.session_state[_FULL_RUN] = False
        st.session_state[_PINNED] = None


def tables() -> Tables:
    """The validated tables, from $DASHBOARD_DATA_DIR / $DASHBOARD_SEEDS_DIR or the repo's data/ and seeds/.

    Read-only: the object is shared by every session. Derive, never modify in place. One full script run sees one
    version of the files (:func:`one_version`). A fragment rerun (a filter change on the stance page) after the files
    changed reruns the whole page instead: the fragment's arguments (the filters' bounds and choices) were derived from
    the old tables, and drawing the new tables inside them would mix the two.
    """
    if not st.runtime.exists():  # a bare script or a test outside an app: as read
        return _current()
    state = st.session_state
    if state.get(_FULL_RUN):
        pinned = state.get(_PINNED)
        if pinned is None:
            pinned = state[_PINNED] = _current()
            state[_DRAWN_VERSION] = version(pinned)
        return pinned
    loaded = _current()  # a fragment's rerun, or a page run without the entry point
    drawn = state.get(_DRAWN_VERSION)
    if drawn is not None and drawn != version(loaded):
        st.rerun(scope="app")
    return loaded


def _content_key(loaded: Tables) -> str:
    """A key from the tables' content, for tables not read through :func:`tables` (built by hand, as a test does)."""
    digest = hashlib.blake2b(digest_size=8)
    for name in sorted(loaded.frames):
        frame = loaded.frames[name]
        digest.update(name.encode() + b"\0" + "\0".join(map(str, frame.columns)).encode() + b"\0")
        digest.update(pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy().tobytes())
    digest.update(repr(sorted(loaded.seed_texts.items())).encode())
    digest.update(repr(sorted(map(str, loaded.all_problems))).encode())
    return digest.hexdigest()


def version(loaded: Tables) -> str:
    """The version of the files ``loaded`` was read from: the key for whatever is derived from them."""
    found = getattr(loaded, "_version", "")
    if not found:
        found = loaded._version = _content_key(loaded)
    return found


@st.cache_data(show_spinner=False, max_entries=4)
def _read_text(path: str, version_key: str) -> tuple[str | None, str | None]:
    try:
        return Path(path).read_text(encoding="utf-8"), None
    except OSError as exc:
        return None, exc.strerror or str(exc)


def data_file_text(loaded: Tables, name: str) -> tuple[str | None, str | None]:
    """(text, None) of a file in the data directory, or (None, why not): read once per version of the files."""
    return _read_text(str(data.default_data_dir() / name), version(loaded))
