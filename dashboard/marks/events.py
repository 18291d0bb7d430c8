"""The events table as chart marks: the scored acts (binned past a limit), the context markers, the turning points.

One job: which events rows become which marks for a filter (one per act),
remembered per table and filter (:mod:`dashboard.marks.memo`). The turning
points are a declared decision, read from ``data/decisions/turning_points.csv``
(:mod:`dashboard.decisions`).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from dashboard.filters import ONE_DAY, Filters, apply, interval_bounds
from dashboard import decisions
from dashboard.marks.merge import _joined, is_context, one_per_act
from dashboard.marks.dates import _label, with_periods
from dashboard.marks.memo import remembered as _remembered
from dashboard.marks.wording import TOOLTIP_QUOTE, _stance_labels, cut, signed, tooltip_quote
from dashboard.palette import actor_group


#: most marks the stance chart draws before it bins events by week, month, quarter or year
MAX_MARKS = 1500
#: most context markers the stance chart's grey strip draws before it bins them the same way (one counted bar per bin)
MAX_CONTEXT = 300
#: marks for "every act", unbinned (the index and the paragraph count acts one by one)
ALL = 10**9


def turning_point_labels() -> dict[str, str]:
    """event_key -> label: the turning points the stance charts annotate, when they are in the filtered data, as
    ``data/decisions/turning_points.csv`` declares them (read again when the file changes)."""
    return {r["event_key"]: r["label"] for r in decisions.rows(decisions.TURNING_POINTS) if r.get("event_key") and r.get("label")}


def turning_point_text(label: str, when: str) -> str:
    """A turning point as the paragraph and the notes name it: 'Medvedev post (1 Aug 2022)'; a label that carries its
    date already ('Xi Jinping's visit (14 Sep 2022)') is not dated twice."""
    return label if when and when in label else f"{label} ({when})"


#: the turning points as declared when the package was imported (the pages and the paragraph read
#: :func:`turning_point_labels`, which follows the file)
TURNING_POINTS: dict[str, str] = turning_point_labels()


#: bin resolution -> pandas period frequency, coarsest last
BINS = (("week", "W-SUN"), ("month", "M"), ("quarter", "Q"), ("year", "Y"))
#: bin resolution -> the length of one bin
BIN_LENGTH = {"week": pd.DateOffset(weeks=1), "month": pd.DateOffset(months=1),
              "quarter": pd.DateOffset(months=3), "year": pd.DateOffset(years=1)}


#: optional event columns and the value a table without them is read with
EVENT_DEFAULTS: dict[str, Any] = {
    "event_key": None, "act": None, "actor": "Other", "domain": "", "credibility": 6,
    "summary": "", "quote": "", "source_id": "", "label": None, "answers": None, "correction": None,
}

MARK_COLUMNS = ["key", "ids", "event_key", "act", "actor", "group", "domain", "stance", "y", "credibility", "precision",
                "start", "end", "days", "date_label", "stance_label", "summary", "sources", "n_rows", "quote", "corrected", "denied"]
CONTEXT_COLUMNS = ["key", "ids", "event_key", "start", "end", "days", "precision", "date_label", "summary", "sources", "n_rows", "label",
                   "corrected"]
TURN_COLUMNS = ["event_key", "label", "start", "end", "days", "precision", "date_label"]
#: the events columns the marks are made from (and the filters read): the rest of a row stays in the table
EVENT_FIELDS = ["id", "event_key", "date_from", "date_to", "act", "actor", "domain", "stance", "credibility", "summary", "quote", "source_id",
                "label", "answers", "correction"]


def prepare_events(events: pd.DataFrame) -> pd.DataFrame:
    """The events with every column the charts use (a table declared without some of them still draws).

    A table with a single ``date`` column and no interval is read as one-day intervals.
    """
    missing = {c: v for c, v in EVENT_DEFAULTS.items() if c not in events.columns}
    if not missing:
        return events
    out = events.copy()
    for column, value in missing.items():
        out[column] = value
    if "credibility" in missing:
        out["credibility"] = out["credibility"].astype("Int64")
    return out


def event_rows(events: pd.DataFrame, filters: Filters = Filters()) -> pd.DataFrame:
    """The events rows the filters keep (every column the charts use present)."""
    return apply(prepare_events(events), filters)


def _mark_rows(events: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The events rows the filters keep, only the columns marks are made from (every later step moves fewer columns)."""
    prepared = prepare_events(events)
    rows = apply(prepared[[c for c in EVENT_FIELDS if c in prepared.columns]], filters)
    if "quote_en" in prepared.columns and "quote" in rows.columns and not rows.empty:
        english = prepared["quote_en"].reindex(rows.index)
        given = english.notna().to_numpy(dtype=bool, copy=True)
        if given.any():  # a quote not in English: the original, then its translation (the tooltip's quote)
            given &= english.astype(str).str.strip().ne("").to_numpy(dtype=bool)
            rows = rows.copy()
            quotes = rows["quote"].to_numpy(dtype=object, copy=True)
            quotes[given] = [tooltip_quote(q, e) for q, e in zip(quotes[given], english.to_numpy(dtype=object)[given])]
            rows["quote"] = quotes
    return rows


class Acts(NamedTuple):
    """The scored acts as chart marks (shared: read-only)."""

    marks: pd.DataFrame
    #: 'event', or 'week'/'month'/'quarter'/'year' when binned
    resolution: str
    #: the dated scored rows behind the marks (several rows may tell one act)
    rows: int


def acts(events: pd.DataFrame, filters: Filters = Filters(), max_marks: int = MAX_MARKS) -> Acts:
    """The scored acts as marks, their resolution and the rows behind them (remembered; see :func:`event_marks`).

    Acts that fit ``max_marks`` are the very marks the index and the paragraph count (``acts(..., ALL)``); only more
    than that are binned.
    """
    merged, rows = _remembered("scored", events, (filters,), lambda: _scored(events, filters))
    if max_marks != ALL and len(merged) <= max_marks:
        return acts(events, filters, ALL)
    return _remembered("acts", events, (filters, max_marks), lambda: _finish(merged, rows, max_marks))


def event_marks(events: pd.DataFrame, filters: Filters = Filters(), max_marks: int = MAX_MARKS) -> tuple[pd.DataFrame, str]:
    """The scored acts as chart marks, and the resolution ('event', or 'week'/'month'/... when binned).

    One mark per act: rows that share ``event_key`` become one mark (see
    :func:`one_per_act`): its interval, stance and summary from the most
    precisely dated row (then the most credible), the best credibility of the
    rows, every seed and row id. Context markers are not marks. When there are
    more than ``max_marks`` marks they are binned per actor and domain by week
    (then month, quarter, year) of their start, with the mean stance, so the
    browser never gets raw rows.
    """
    found = acts(events, filters, max_marks)
    return found.marks.copy(), found.resolution


def _scored(events: pd.DataFrame, filters: Filters) -> tuple[pd.DataFrame, int]:
    """The dated, scored rows the filters keep, one per act (no labels yet), and how many rows they are."""
    rows = _mark_rows(events, filters)
    rows = rows[~is_context(rows)]
    rows = rows[interval_bounds(rows)[0].notna()]
    denials = rows[_answering(rows)]
    rows = rows[~_answering(rows)]  # a denial is read with the row it answers (readings: denial_episode), never scored
    if rows.empty:
        return pd.DataFrame(columns=MARK_COLUMNS), 0
    marks = one_per_act(with_periods(rows, labels=False))
    _word(rows, marks)
    marks["denied"] = _denied(marks, denials)
    marks["stance"] = marks["stance"].astype(float)
    return marks, len(rows)


def _blank(values: pd.Series) -> np.ndarray:
    return (values.isna() | (values.astype(str).str.strip() == "")).to_numpy(dtype=bool)


def _answering(rows: pd.DataFrame) -> np.ndarray:
    """True for the rows that deny or retract another row (``answers`` names it)."""
    return ~_blank(rows["answers"]) if "answers" in rows.columns else np.zeros(len(rows), dtype=bool)


def _text_of(rows: pd.DataFrame) -> pd.Series:
    """Each row as a mark words it: its ``label`` (worded from the corrected record) when it has one, else its summary."""
    summary = rows["summary"].astype(object).where(~rows["summary"].isna(), "") if "summary" in rows.columns else pd.Series("", index=rows.index)
    if "label" not in rows.columns:
        return summary.astype(str)
    label = rows["label"].astype(object)
    return pd.Series(np.where(_blank(label), summary.astype(str), label.astype(str)), index=rows.index, dtype=object)


def _act_codes(frame: pd.DataFrame) -> pd.Series:
    ids = frame["id"].astype(str) if "id" in frame.columns else frame["key"].astype(str)
    if "event_key" not in frame.columns:
        return ids
    return pd.Series(np.where(_blank(frame["event_key"]), ids, frame["event_key"].astype(str)), index=frame.index)


def _word(rows: pd.DataFrame, marks: pd.DataFrame) -> None:
    """Words each act from its rows, in place (readings: corrected_mark): the summary is a row's label (else its
    summary), from a row without a correction when the act has one (an act told by several rows), else from the row
    that dates it; ``corrected`` is True when any row of the act carries a correction."""
    if marks.empty:
        marks["corrected"] = pd.Series(dtype=bool)
        return
    code = _act_codes(rows)
    corrected = ~_blank(rows["correction"]) if "correction" in rows.columns else np.zeros(len(rows), dtype=bool)
    text = _text_of(rows)
    clean = pd.DataFrame({"code": code.to_numpy(), "id": rows["id"].astype(str).to_numpy(), "text": text.to_numpy()})[~corrected]
    clean_text = clean.sort_values("id", kind="stable").drop_duplicates("code").set_index("code")["text"]
    any_corrected = pd.Series(corrected, index=code.to_numpy()).groupby(level=0).any()
    picked = _text_of(marks)
    mark_code = _act_codes(marks)
    codes = mark_code.to_numpy(dtype=object)
    # per column, not a Series lookup per mark (up to 100,000): the clean row's text where the act has one
    has_clean = pd.Index(clean_text.index).get_indexer(codes)
    clean_values = clean_text.to_numpy(dtype=object)
    marks["summary"] = [clean_values[i] if i >= 0 else p for i, p in zip(has_clean.tolist(), picked.tolist())]
    marks["corrected"] = any_corrected.reindex(codes, fill_value=False).to_numpy(dtype=bool).tolist()


def _denied(marks: pd.DataFrame, denials: pd.DataFrame) -> list[str]:
    """Per mark, the denials that answer one of its rows, as one annotation ('' when none): the episode's other half."""
    if marks.empty:
        return []
    if denials.empty:
        return [""] * len(marks)
    spans = with_periods(denials, labels=True).sort_values(["start", "id"], kind="stable")
    texts = _text_of(spans)
    said: dict[str, list[str]] = {}
    for answered, when, text in zip(spans["answers"].astype(str), spans["date_label"], texts):
        for target in (a.strip() for a in answered.split(";")):
            said.setdefault(target, []).append(f"{when}: {text}")
    out = []
    for ids in marks["ids"].astype(str):
        found = [t for i in ids.split(", ") for t in said.get(i, [])]
        out.append(("Denied (one episode with this act, not scored): " + "; ".join(dict.fromkeys(found))) if found else "")
    return out


def _finish(merged: pd.DataFrame, rows: int, max_marks: int) -> Acts:
    """The acts as marks: binned when more than ``max_marks``, labelled, coloured by group, quotes cut."""
    if merged.empty:
        return Acts(merged, "event", 0)
    marks, resolution = merged.copy(), "event"
    if len(marks) > max_marks:
        marks, resolution = _bin_marks(marks, max_marks)
    else:
        _label(marks)
    marks["group"] = marks["actor"].map(actor_group)
    marks["stance_label"] = _stance_labels(marks["stance"])
    quotes = marks["quote"]
    if pd.api.types.is_string_dtype(quotes):  # only blank and long quotes change (see cut)
        cut_quotes = quotes.to_numpy(dtype=object, na_value="")
        long = np.flatnonzero(quotes.str.len().fillna(0).to_numpy() > TOOLTIP_QUOTE)
        cut_quotes[long] = [cut(q) for q in cut_quotes[long]]
        marks["quote"] = cut_quotes
    else:
        marks["quote"] = quotes.map(cut)
    marks["credibility"] = marks["credibility"].astype(int)
    marks["y"] = marks["stance"]
    marks = marks.sort_values(["start", "actor", "key"], kind="stable").reset_index(drop=True)
    return Acts(marks[MARK_COLUMNS], resolution, rows)


def _bin_marks(marks: pd.DataFrame, max_marks: int) -> tuple[pd.DataFrame, str]:
    for name, freq in BINS:
        start = marks["start"].dt.to_period(freq).dt.start_time
        binned = marks.assign(start=start).groupby(["actor", "domain", "start"], sort=True)
        out = binned.agg(
            stance=("stance", "mean"),
            credibility=("credibility", "mean"),
            n_rows=("n_rows", "sum"),
            n_events=("key", "size"),
        ).reset_index()
        out["credibility"] = out["credibility"].round().astype(int)
        if len(out) > max_marks and name != "year":
            continue
        seeds = marks.assign(start=start, source_id=marks["sources"].str.split(", ")).explode("source_id")
        out = out.merge(_joined(seeds, ["actor", "domain", "start"], "source_id").rename("sources").reset_index(),
                        on=["actor", "domain", "start"], how="left")
        out["end"] = out["start"] + BIN_LENGTH[name]
        out["days"] = (out["end"] - out["start"]) / ONE_DAY
        out["stance"] = out["stance"].round(2)
        out["key"] = [f"bin:{name}:{a}:{d}:{s:%Y-%m-%d}" for a, d, s in zip(out["actor"], out["domain"], out["start"])]
        out["ids"] = ""
        out["event_key"] = ""
        out["act"] = ""
        out["precision"] = name
        out["date_label"] = [f"{name} of {s.day} {s:%b %Y}" for s in out["start"]]
        out["summary"] = [f"{n} events, mean stance {signed(s)}" for n, s in zip(out["n_events"], out["stance"])]
        out["quote"] = ""
        out["corrected"] = False
        out["denied"] = ""
        return out.drop(columns=["n_events"]), name
    raise AssertionError("unreachable")


def bin_context(context: pd.DataFrame, max_marks: int = MAX_CONTEXT) -> tuple[pd.DataFrame, str]:
    """The context markers as drawn: one by one ('event') up to ``max_marks``, else counted per week, month, quarter
    or year (the finest that gives at most ``max_marks`` bins), each bin a grey bar keyed ``ctx:<resolution>:<start>``."""
    if len(context) <= max_marks:
        return context, "event"
    for name, freq in BINS:
        start = context["start"].dt.to_period(freq).dt.start_time
        if start.nunique() > max_marks and name != "year":
            continue
        seeds = context.assign(start=start, source_id=context["sources"].str.split(", ")).explode("source_id")
        out = (context.assign(start=start).groupby("start", sort=True)
               .agg(n_rows=("n_rows", "sum"), n_markers=("key", "size")).reset_index())
        out = out.merge(_joined(seeds, ["start"], "source_id").rename("sources").reset_index(), on="start", how="left")
        out["end"] = out["start"] + BIN_LENGTH[name]
        out["days"] = (out["end"] - out["start"]) / ONE_DAY
        out["key"] = [f"ctx:{name}:{s:%Y-%m-%d}" for s in out["start"]]
        out["ids"] = ""
        out["event_key"] = ""
        out["precision"] = name
        out["date_label"] = [f"{name} of {s.day} {s:%b %Y}" for s in out["start"]]
        out["summary"] = [f"{n} context marker{'' if n == 1 else 's'}" for n in out["n_markers"]]
        out["label"] = ""
        out["corrected"] = False
        return out[CONTEXT_COLUMNS], name
    raise AssertionError("unreachable")


def context_marks(events: pd.DataFrame, filters: Filters = Filters()) -> pd.DataFrame:
    """Unscored context markers (act ``context`` or blank stance), one per event_key, with the turning-point label
    where there is one."""
    return _context(events, filters).copy()


def _context(events: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    def build() -> pd.DataFrame:
        rows = _mark_rows(events, filters)
        rows = rows[is_context(rows) & interval_bounds(rows)[0].notna()]
        if rows.empty:
            return pd.DataFrame(columns=CONTEXT_COLUMNS)
        out = one_per_act(with_periods(rows))
        _word(rows, out)
        out["label"] = out["event_key"].map(labels).fillna("")
        return out[CONTEXT_COLUMNS]

    labels = turning_point_labels()
    return _remembered("context", events, (filters, tuple(labels.items())), build)


def turning_points(events: pd.DataFrame, filters: Filters = Filters()) -> pd.DataFrame:
    """The turning points (:func:`turning_point_labels`) present in the filtered events: label, interval and its label, by date."""
    return _turns(events, filters).copy()


def _turns(events: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    def build() -> pd.DataFrame:
        rows = _mark_rows(events, filters)
        rows = rows[rows["event_key"].isin(list(labels)) & interval_bounds(rows)[0].notna()]
        if rows.empty:
            return pd.DataFrame(columns=TURN_COLUMNS)
        out = one_per_act(with_periods(rows))
        out["label"] = out["event_key"].map(labels)
        return out.sort_values(["start", "event_key"], kind="stable").reset_index(drop=True)[TURN_COLUMNS]

    labels = turning_point_labels()
    return _remembered("turns", events, (filters, tuple(labels.items())), build)


def mark_for_row(marks: pd.DataFrame, row_id: str | None) -> str | None:
    """The key of the mark that stands for row ``row_id`` (rows of one act share a mark)."""
    if not row_id or marks.empty:
        return None
    hit = marks[marks["ids"].str.split(", ").map(lambda ids: row_id in ids)]
    return str(hit["key"].iloc[0]) if len(hit) else None
