"""The declared reading rules (``data/readings.csv``): how many acts a reading (a mean, an index line, a 'highest
month') needs before it is stated.

One job: read a rule's ``min_acts`` from the loaded ``readings`` table (the codebook's "Readings: what evidence a
claim needs"), falling back to the shipped file when a caller holds no frames. No number of acts is hard-coded
elsewhere: the sections and the marks ask here.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path
from typing import Mapping

import pandas as pd

from dashboard.paths import default_data_dir

#: the rule keys the stance side reads (data/readings.csv ``reading``)
MONTHLY_MEAN, ACTOR_MEAN, INDEX_LINE, EXTREME, MOVE = "monthly_mean", "actor_mean", "index_line", "extreme", "move"
DENIAL_EPISODE, MOOD_TALLY, CORRECTED_MARK, DIRECTION_COUNTS, SCOPE = (
    "denial_episode", "mood_tally", "corrected_mark", "direction_counts", "scope")


@lru_cache(maxsize=4)
def _shipped(path: str, mtime: float) -> dict[str, int | None]:
    with open(path, newline="", encoding="utf-8") as handle:
        return {r["reading"]: (int(r["min_acts"]) if (r.get("min_acts") or "").strip() else None) for r in csv.DictReader(handle)}


def rules(frames: Mapping[str, pd.DataFrame] | None = None) -> dict[str, int | None]:
    """reading -> min_acts (None for a rule without a threshold), from ``frames['readings']`` when loaded, else from
    the data directory's readings.csv ({} when neither is there)."""
    table = frames.get("readings") if frames is not None else None
    if table is not None and {"reading", "min_acts"} <= set(table.columns):
        return {str(r): (None if pd.isna(n) else int(n)) for r, n in zip(table["reading"], table["min_acts"])}
    path = Path(default_data_dir()) / "readings.csv"
    return _shipped(str(path), path.stat().st_mtime) if path.exists() else {}


def min_acts(key: str, frames: Mapping[str, pd.DataFrame] | None = None) -> int:
    """The least number of acts the rule ``key`` needs (0 for a rule without a threshold; a rule the table does not
    declare is not met by any number, so its reading is never stated)."""
    found = rules(frames)
    if key not in found:
        return 10**9
    return found[key] or 0
