"""Streamlit helpers shared by the pages: cached loading and the problem panel."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import data
from dashboard.data import Tables


def _fingerprint(*dirs: Path | None) -> tuple[tuple[str, int, int], ...]:
    """Names, mtimes and sizes of the files in the given dirs, so an edited file reloads."""
    entries = []
    for directory in dirs:
        if directory is None or not directory.is_dir():
            continue
        for path in sorted(directory.iterdir()):
            if path.is_file():
                stat = path.stat()
                entries.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(entries)


@st.cache_data(show_spinner="Loading and checking the tables…")
def _load(data_dir: str, seeds_dir: str | None, fingerprint: tuple) -> Tables:
    # fingerprint is only part of the cache key
    return data.load_tables(Path(data_dir), Path(seeds_dir) if seeds_dir else None)


def tables() -> Tables:
    """The validated tables, from $DASHBOARD_DATA_DIR / $DASHBOARD_SEEDS_DIR or the repo's data/ and seeds/."""
    data_dir = data.default_data_dir()
    seeds_dir = data.default_seeds_dir()
    stamp = _fingerprint(data_dir, seeds_dir or data_dir.parent / "seeds")
    return _load(str(data_dir), str(seeds_dir) if seeds_dir else None, stamp)


def problem_panel(loaded: Tables) -> None:
    """One st.error listing every problem line of the tables that failed validation."""
    if not loaded.problems:
        return
    failed = sorted(loaded.problems)
    names = ", ".join(n if n == "datapackage" else loaded.paths.get(n, n) for n in failed)
    lines = "\n".join(str(p) for p in loaded.all_problems)
    st.error(
        f"**{len(failed)} {'table' if len(failed) == 1 else 'tables'} failed validation and "
        f"{'is' if len(failed) == 1 else 'are'} not shown:** {names}. "
        "Fix these lines (or run `python -m dashboard check`):\n\n"
        f"```text\n{lines}\n```",
        icon=":material/error:",
    )
