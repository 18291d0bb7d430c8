"""One act, one mark: rows that tell the same act (share ``event_key``) merged into one, listing every row and seed.

One job: the merge rule of the codebook, for any table with ``id``, ``event_key``
and an interval; and which rows are unscored context markers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.filters import ONE_DAY

#: the act of an unscored context marker (data/acts.csv)
CONTEXT_ACT = "context"




def _joined(rows: pd.DataFrame, keys: list[str], column: str) -> pd.Series:
    """Per group, the sorted distinct values of ``column`` joined by ', ' (Python work only for groups of several rows)."""
    distinct = rows.drop_duplicates([*keys, column])
    size = distinct.groupby(keys, sort=False)[column].transform("size")
    single = distinct[size == 1].set_index(keys)[column].astype(str)
    several = distinct[size > 1].sort_values(column).groupby(keys, sort=False)[column].agg(lambda s: ", ".join(map(str, s)))
    return pd.concat([single, several])


def is_context(rows: pd.DataFrame) -> pd.Series:
    """True for the rows that are unscored context markers: act ``context``, or a blank stance."""
    context = rows["stance"].isna() if "stance" in rows.columns else pd.Series(True, index=rows.index)
    if "act" in rows.columns:
        context = context | (rows["act"] == CONTEXT_ACT).fillna(False)
    return context.astype(bool)


def one_per_act(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per act: rows that share ``event_key`` (blank: the row is its own act) become one.

    The act keeps the row with the narrowest interval (then the best
    credibility, then the lowest id) for its date and wording, and gains
    ``key`` (that row's id), ``ids`` and ``sources`` (every row id and seed,
    sorted, joined by ', '), ``n_rows`` and, where the table grades rows, the
    best ``credibility``. Rows must carry start/end (see :func:`with_periods`).
    The codebook rule event-key-agrees guarantees that the merged rows agree on
    act, stance and actor. Sorted by start, then key.

    Done with one sort and one take: the pages call it for every filter, and at
    100,000 rows.
    """
    columns = [*rows.columns, "key", "ids", "sources", "n_rows"]
    if rows.empty:
        return pd.DataFrame(columns=list(dict.fromkeys(columns)))
    ids = rows["id"].astype(str).to_numpy(dtype=object)
    if "event_key" in rows.columns:
        keyed = rows["event_key"]
        blank = (keyed.isna() | (keyed.astype(str) == "")).to_numpy(dtype=bool)
        act = np.where(blank, ids, keyed.astype(str).to_numpy(dtype=object))
    else:
        act = ids
    codes, _ = pd.factorize(act)
    counts = np.bincount(codes)
    # the row that dates and words each act: narrowest interval (undated last), then best credibility, then lowest id
    length = ((rows["end"] - rows["start"]) / ONE_DAY).fillna(np.inf).to_numpy(dtype=float) if "end" in rows.columns else np.zeros(len(rows))
    graded = "credibility" in rows.columns
    credibility = pd.to_numeric(rows["credibility"], errors="coerce").to_numpy(dtype=float, na_value=np.inf) if graded else None
    order = np.lexsort((ids, credibility, length) if graded else (ids, length))
    _, first = np.unique(codes[order], return_index=True)  # per act (by code), its first row in that order
    picked = order[first]
    out = rows.iloc[picked].copy()
    out["key"] = out["id"]
    sources = rows["source_id"].astype(str).to_numpy(dtype=object) if "source_id" in rows.columns else None
    joined_ids = ids[picked].copy()
    joined_sources = sources[picked].copy() if sources is not None else None
    told = counts[codes] > 1
    if told.any():  # acts told by several rows: every row id and seed, and the best credibility
        for values, target in ((ids, joined_ids), (sources, joined_sources)):
            if values is None:
                continue
            group, text = _join_groups(codes[told], values[told])
            target[group] = text
        if graded:
            best = pd.Series(credibility).groupby(codes, sort=True).min().to_numpy()
            several = np.flatnonzero((counts > 1) & np.isfinite(best))
            grades = out["credibility"].copy()
            grades.iloc[several] = best[several].astype("int64")
            out["credibility"] = grades
    out["ids"] = joined_ids
    out["sources"] = joined_sources if joined_sources is not None else ""
    out["n_rows"] = counts.astype("int64")
    sort = ["start", "key"] if "start" in out.columns else ["key"]
    return out.sort_values(sort, kind="stable", na_position="last").reset_index(drop=True)


def _join_groups(codes: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Per group code, its distinct values sorted and joined by ', ': (the codes, the texts)."""
    pairs = pd.DataFrame({"c": codes, "v": values}).drop_duplicates().sort_values(["c", "v"], kind="stable")
    c, v = pairs["c"].to_numpy(), pairs["v"].to_numpy(dtype=object)
    starts = np.flatnonzero(np.r_[True, c[1:] != c[:-1]])
    ends = np.r_[starts[1:], len(c)]
    return c[starts], [", ".join(v[a:b]) for a, b in zip(starts, ends)]
