"""Figures and text computed from the tables: headline figures, the generated paragraph, conflicts, corrections.

Pure functions over DataFrames (no Streamlit), reused by the pages and the
briefing export. Each figure keeps its citations, so a page can show the
quote behind every number. Which headline cards there are, in what order,
with what label and from which rows of which table is a declared decision
(``data/decisions/headlines.csv``, see :func:`headline_rules`); the wording of
each card's figure is the code's, per card key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

import pandas as pd

from dashboard import decisions
from dashboard.filters import ONE_DAY, Filters, interval_bounds
from dashboard.marks import ALL, TURNING_POINTS, acts, date_label, defence_marks, signed, turning_points  # noqa: F401

#: Source reliability (Admiralty scale), as the codebook words it (tests check it is verbatim in data/README.md)
RELIABILITY: dict[str, str] = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}

#: Information credibility, 1 best .. 6, as the codebook words it
CREDIBILITY: dict[int, str] = {
    1: "confirmed by another seed or by a matter of public record",
    2: "probably true (one seed, consistent with the others)",
    3: "possibly true (one seed relaying unnamed sources, or disputed)",
    4: "doubtful (the seed itself doubts it, or the claim is unsubstantiated)",
    5: "improbable (contradicted by the record)",
    6: "truth cannot be judged (opinions and forecasts by third parties)",
}

Frames = Mapping[str, pd.DataFrame]


@dataclass(frozen=True)
class Citation:
    """The row a figure rests on: its table, id, seed and verbatim quote."""

    table: str
    row_id: str
    source_id: str
    quote: str
    as_stated: str = ""
    correction: str = ""
    quote_en: str = ""  # the curator's English translation, for a quote not in English
    quote_en_by: str = ""


@dataclass(frozen=True)
class Headline:
    """One headline figure: a label, the value as shown, one line of detail, and its citations."""

    key: str
    label: str
    value: str
    detail: str
    citations: tuple[Citation, ...] = field(default_factory=tuple)
    conflict: str = ""  # the conflicts.reading when the seeds disagree


def _text(value: Any) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _cite(table: str, row: Mapping[str, Any]) -> Citation:
    return Citation(
        table=table,
        row_id=_text(row.get("id")),
        source_id=_text(row.get("source_id")),
        quote=_text(row.get("quote")),
        as_stated=_text(row.get("as_stated")),
        correction=_text(row.get("correction")),
        quote_en=_text(row.get("quote_en")),
        quote_en_by=_text(row.get("quote_en_by")),
    )


def _missing(key: str, label: str, table: str) -> Headline:
    return Headline(key, label, "not available", f"The {table} table did not load (see the error panel).")


def _reading(frames: Frames, key: str) -> str:
    conflicts = frames.get("conflicts")
    if conflicts is None:
        return ""
    rows = conflicts[conflicts["conflict_key"] == key]
    return _text(rows["reading"].iloc[0]) if len(rows) else ""


def _reference(frames: Frames, key: str) -> str:
    """The conflict's outside reference value and its source, labelled as outside the seeds ('' when none)."""
    conflicts = frames.get("conflicts")
    if conflicts is None or "reference" not in conflicts.columns:
        return ""
    rows = conflicts[conflicts["conflict_key"] == key]
    if rows.empty or not _text(rows["reference"].iloc[0]):
        return ""
    source = _text(rows["reference_source"].iloc[0]) if "reference_source" in rows.columns else ""
    return f"Outside the seeds: {_text(rows['reference'].iloc[0])}" + (f" ({source.split(':')[0]})" if source else "")


@dataclass(frozen=True)
class HeadlineRule:
    """One row of ``data/decisions/headlines.csv``: which card, its label, the table and rows it reads, the conflict
    whose reading it shows."""

    key: str
    label: str
    table: str
    where: tuple[tuple[str, str, str], ...] = ()
    conflict: str = ""

    def rows(self, table: pd.DataFrame) -> pd.DataFrame:
        """The rows of ``table`` this card reads (every row when it declares no condition)."""
        return decisions.select(table, self.where)


def headline_rules(data_dir: Any = None) -> list[HeadlineRule]:
    """The headline cards as declared, in file order."""
    return [HeadlineRule(r.get("key", ""), r.get("label", ""), r.get("table", ""), decisions.conditions(r), r.get("conflict", ""))
            for r in decisions.rows(decisions.HEADLINES, data_dir)]


def headlines(frames: Frames, rules: list[HeadlineRule] | None = None) -> list[Headline]:
    """The Overview's headline figures, each selected from its table as ``data/decisions/headlines.csv`` declares, and
    cited."""
    out = []
    for rule in headline_rules() if rules is None else rules:
        build = _BUILDERS.get(rule.key)
        if build is None:
            out.append(Headline(rule.key, rule.label, "not available", f"No headline is worded for the key {rule.key!r}."))
            continue
        try:
            out.append(build(frames, rule))
        except (KeyError, TypeError, ValueError, IndexError) as exc:  # a table declared without a column it needs
            out.append(Headline(rule.key, rule.label, "not available",
                                f"Could not be computed from the loaded table ({type(exc).__name__}: {exc})."))
    return out


def _border(frames: Frames, rule: HeadlineRule) -> Headline:
    key, label, name = rule.key, rule.label, rule.table
    table = frames.get(name)
    if table is None:
        return _missing(key, label, name)
    rows = rule.rows(table)
    if rows.empty:
        return Headline(key, label, "not stated", f"No border length in {name}.")
    cites = tuple(_cite(name, r) for r in rows.to_dict("records"))
    values = " vs ".join(dict.fromkeys(f"{v:,.0f} km" for v in rows["value"]))
    return Headline(key, label, values, "; ".join(f"{c.source_id}: “{c.as_stated}”" for c in cites), cites)


def _basis(row: Mapping[str, Any]) -> str:
    """What a share is a share of, as the row's note states it ('Base: oil exports to the west.'), else the seed's wording."""
    note = _text(row.get("note"))
    match = re.search(r"\bbas(?:e|is)\s*:\s*([^.;]+)", note, flags=re.IGNORECASE)
    return f"of {match.group(1).strip()}" if match else f"“{_text(row.get('as_stated'))}”"


def _share(value: Any, as_stated: str) -> str:
    return f"{'about ' if 'about' in as_stated.lower() else 'nearly ' if 'nearly' in as_stated.lower() else ''}{value:g}%"


def _cpc_share(frames: Frames, rule: HeadlineRule) -> Headline:
    key, label, name = rule.key, rule.label, rule.table
    table = frames.get(name)
    if table is None:
        return _missing(key, label, name)
    rows = rule.rows(table)
    if rows.empty:
        return Headline(key, label, "not stated", f"No CPC export share in {name}.")
    records = rows.to_dict("records")
    cites = tuple(_cite(name, r) for r in records)
    value = " vs ".join(_share(r["value"], c.as_stated) for r, c in zip(records, cites))
    # each figure with its basis: the seeds measure different things (the conflict's reading says how to read them)
    detail = " · ".join(f"{c.source_id}: {_share(r['value'], c.as_stated)} {_basis(r)}" for r, c in zip(records, cites))
    if reference := _reference(frames, rule.conflict):
        detail += f" · {reference}"
    return Headline(key, label, value, detail, cites, _reading(frames, rule.conflict))


def _lower_first(text: str) -> str:
    """'The 441 billion…' -> 'the 441 billion…' after a colon (only an article is lowered, never a name)."""
    return re.sub(r"^(The|A|An)\b", lambda m: m.group(1).lower(), text)


def _defence(frames: Frames, rule: HeadlineRule) -> Headline:
    key, name = rule.key, rule.table
    table = frames.get(name)
    if table is None:
        return _missing(key, rule.label, name)
    marks = defence_marks(rule.rows(table))  # the card's label is worded from the rows (see marks.defence_label)
    label, scope, f = marks.label, marks.scope, marks.figures
    parts, cites, detail = [], [], []
    if f["add_kzt"] is not None:
        parts.append(f"+₸{f['add_kzt']['amount']:,.0f}bn")
        cites.append(_cite(name, f["add_kzt"]))
    if f["add_usd"] is not None:
        parts.append(f"+${f['add_usd']['amount']:,.0f}m")
        cites.append(_cite(name, f["add_usd"]))
    if not parts:
        return Headline(key, label, "not stated", f"No additional allocation in {name}.")
    if scope["security_wide"]:  # the full correction stays in the citation; the card says it in a few words
        detail.append("Not all defence: the addition also went to law-enforcement and emergency agencies (see the correction)")
    if f["stated_ratio"] is not None:
        detail.append(f"“{f['stated_ratio']['as_stated']}” as stated")
        cites.append(_cite(name, f["stated_ratio"]))
    if f["computed_ratio"]:
        mixed = ", mixing scopes" if scope["security_wide"] else ""
        detail.append(f"{f['computed_ratio']:.2f}-fold from its own figures (on {f['previous_usd']['as_stated']}{mixed})")
        cites.append(_cite(name, f["previous_usd"]))
    if f["rate"]:
        detail.append(f"implied {f['rate']:.1f} ₸/$")
    return Headline(key, label, " · ".join(parts), "; ".join(detail), tuple(cites))


def _jan_deaths(frames: Frames, rule: HeadlineRule) -> Headline:
    key, label, name = rule.key, rule.label, rule.table
    table = frames.get(name)
    if table is None:
        return _missing(key, label, name)
    rows = rule.rows(table)
    if rows.empty:
        return Headline(key, label, "not stated", f"No January 2022 toll in {name}.")
    cites = tuple(_cite(name, r) for r in rows.to_dict("records"))
    figures = dict.fromkeys(
        (">" if q == "more than" else "") + f"{int(n):,}" for q, n in zip(rows["qualifier"], rows["count"])
    )
    detail = " · ".join(
        f"{c.source_id}: “{c.as_stated}”" + (" (corrected: see the Method page)" if c.correction else "") for c in cites
    )
    return Headline(key, label, " vs ".join(figures), detail, cites, _reading(frames, rule.conflict))


def _russian_view(frames: Frames, rule: HeadlineRule) -> Headline:
    key, label, name = rule.key, rule.label, rule.table
    table = frames.get(name)
    if table is None:
        return _missing(key, label, name)
    rows = rule.rows(table)
    if rows.empty:
        return Headline(key, label, "not stated", f"No pro-Russia poll figure in {name}.")
    cites = tuple(_cite(name, r) for r in rows.to_dict("records"))
    # the seed's words, without the "of Kazakhstanis" the label already says
    value = " vs ".join(dict.fromkeys(re.split(r"\s+of\s+", c.as_stated)[0] for c in cites))
    value = value[:1].upper() + value[1:]
    start, end = interval_bounds(rows)
    when = [date_label(a, b - ONE_DAY) if pd.notna(a) else "undated" for a, b in zip(start, end)]
    detail = " · ".join(f"{c.source_id}: “{c.as_stated}”, coded as {v:g}%; {w}" for c, v, w in zip(cites, rows["value"], when))
    return Headline(key, label, value, detail, cites)


def _csto(frames: Frames, rule: HeadlineRule) -> Headline:
    key, label, name = rule.key, rule.label, rule.table
    table = frames.get(name)
    if table is None:
        return _missing(key, label, name)
    rows = rule.rows(table)
    if rows.empty:
        return Headline(key, label, "not stated", f"No deployment in {name}.")
    start, end = interval_bounds(rows)
    if start.notna().any():  # the deployment's dates, as the rows give them (the narrowest interval)
        narrowest = (end - start).idxmin()
        label = f"{label}, {date_label(start[narrowest], end[narrowest] - ONE_DAY)}"
    cites = tuple(_cite(name, r) for r in rows.to_dict("records"))
    troops = rows[rows["unit"] == "troops"]
    value = (
        " vs ".join(dict.fromkeys(re.sub(r"^the\s+", "", s, flags=re.I) for s in troops["as_stated"])) if len(troops) else "deployed"
    )
    others = [f"{c.source_id}: “{c.as_stated}”" for c, u in zip(cites, rows["unit"]) if u != "troops" and c.as_stated]
    return Headline(key, label, value, " · ".join(others), cites)


#: headline key -> the code that words its card (the keys data/decisions/headlines.csv may declare)
_BUILDERS = {"border": _border, "cpc": _cpc_share, "defence": _defence, "deaths": _jan_deaths,
             "russian_view": _russian_view, "csto": _csto}
HEADLINE_KEYS = tuple(_BUILDERS)


# --------------------------------------------------------------------------
# the generated paragraph


#: a month is compared in the paragraph only when at least this many acts are dated within it
MONTH_MIN_ACTS = 3


def narrative(events: pd.DataFrame, filters: Filters = Filters(), min_month_acts: int = MONTH_MIN_ACTS) -> str:
    """One paragraph, generated from the events, saying what moved and when.

    Acts are counted once (rows sharing event_key are one act). Months are
    compared on the acts whose whole interval lies within one calendar month
    (a day, or part or all of one month); acts dated to intervals that run
    across months are counted but not placed in a month.
    """
    found = acts(events, filters, ALL)  # the acts the stance index counts, one by one
    marks, scored_rows = found.marks, found.rows
    if marks.empty:
        return "No scored events match the filters, so there is nothing to summarise."
    month = marks["start"].dt.to_period("M")
    in_month = month == (marks["end"] - ONE_DAY).dt.to_period("M")
    dated = marks[in_month.to_numpy(dtype=bool)].assign(month=month[in_month])
    sentences = []
    if len(dated):
        first, last = dated["month"].min(), dated["month"].max()
        span = f"between {first:%B %Y} and {last:%B %Y}" if first != last else f"in {first:%B %Y}"
        placed = f"{len(dated)} of them dated to a day or within a single month, {span}"
    else:
        placed = "none of them dated within a single month"
    sentences.append(
        f"The seeds record {len(marks)} scored acts ({scored_rows} rows; an act told by several seeds counts once), {placed}."
    )
    monthly = dated.groupby("month").agg(mean=("stance", "mean"), n=("stance", "size")).sort_index()
    compared = monthly[monthly["n"] >= min_month_acts]
    if len(compared) >= 2:
        def months(which: pd.Index) -> str:
            names = [f"{m:%B}" for m in which]
            return (" and ".join(names) if len(names) <= 2 else ", ".join(names[:-1]) + " and " + names[-1]) + f" {which[-1]:%Y}"

        def side(value: float, high: bool) -> str:
            which = compared.index[compared["mean"] == value]
            counts = " and ".join(str(int(compared.loc[m, "n"])) for m in which)
            unit = "act" if counts == "1" else "acts"
            return (f"{months(which)} ({signed(value)} over {counts} {unit}, "
                    f"e.g. “{_example(dated, which[0], high=high)}”)")

        sentences.append(
            f"Comparing the months with at least {_acts(min_month_acts)} dated within them, the mean stance was highest in "
            f"{side(compared['mean'].max(), True)} and lowest in {side(compared['mean'].min(), False)}."
        )
        change = compared["mean"].diff()
        if change.abs().max() > 0:
            step = change.abs().idxmax()
            before = compared.index[compared.index.get_loc(step) - 1]
            direction = "fell" if change[step] < 0 else "rose"
            gap = "" if step.ordinal - before.ordinal == 1 else " (the next month compared)"
            sentences.append(
                f"The sharpest move came between {before:%B %Y} and {step:%B %Y}{gap}, when the monthly mean {direction} "
                f"from {signed(compared.loc[before, 'mean'])} to {signed(compared.loc[step, 'mean'])}."
            )
    thin = monthly[monthly["n"] < min_month_acts]
    if len(thin) and len(compared) >= 2:
        sentences.append(
            f"Months with fewer acts ({', '.join(f'{m:%B %Y}' for m in thin.index)}) are not compared: too few acts to read a trend from."
        )
    sides = []
    for name, actors in (
        ("Kazakh", ("Kazakhstan government", "Kazakhstan public")),
        ("Russian", ("Russia government", "Russian politicians and media")),
    ):
        side = marks[marks["actor"].isin(actors)]
        if len(side):
            sides.append(
                f"{len(side)} by {name} actors ({int((side['stance'] > 0).sum())} towards Moscow, "
                f"{int((side['stance'] < 0).sum())} away, {int((side['stance'] == 0).sum())} neutral)"
            )
    if sides:
        sentences.append(f"Of the {len(marks)} acts, " + " and ".join(sides) + ".")
    turns = turning_points(events, filters)
    if len(turns):
        sentences.append(
            "Turning points in the range: " + "; ".join(f"{t.label} ({t.date_label})" for t in turns.itertuples()) + "."
        )
    across = len(marks) - len(dated)
    if across and len(dated):
        sentences.append(
            "The other scored act is dated to an interval that runs across months and is not placed in a month." if across == 1
            else f"The other {across} scored acts are dated to intervals that run across months and are not placed in a month."
        )
    return " ".join(sentences)


def _acts(n: int) -> str:
    return f"{int(n)} act" + ("" if int(n) == 1 else "s")


def _example(dated: pd.DataFrame, month: pd.Period, high: bool) -> str:
    rows = dated[dated["month"] == month].sort_values(["stance", "credibility"], ascending=[not high, True], kind="stable")
    return _text(rows["summary"].iloc[0])


# --------------------------------------------------------------------------
# conflicts and corrections


def short_figure(row: Mapping[str, Any]) -> str:
    """A conflicting figure in a few characters ('80%', 'more than 200 people'); the seed's wording when it has no number."""
    count = row.get("count")
    if count is not None and not pd.isna(count):
        prefix = "more than " if row.get("qualifier") == "more than" else ""
        return f"{prefix}{int(count):,} {_text(row.get('counted'))}".strip()
    value, unit = row.get("value"), _text(row.get("unit"))
    if value is not None and not pd.isna(value):
        high = row.get("value_high")
        number = f"{value:,.4g}" + (f"–{high:,.4g}" if high is not None and not pd.isna(high) else "")
        approx = "about " if "about" in _text(row.get("as_stated")).lower() else "nearly " if "nearly" in _text(row.get("as_stated")).lower() else ""
        return f"{approx}{number}%" if unit == "percent" else f"{approx}{number} {unit}".strip()
    # a row with no figure (an account of events): the seed's wording, else the curator's summary or position
    return _text(row.get("as_stated")) or _text(row.get("summary")) or _text(row.get("position"))


def conflict_rows(frames: Frames, key: str) -> pd.DataFrame:
    """Every row in any table that carries ``conflict_key == key``, side by side: table, id, seed, figure, quote."""
    out = []
    for name, frame in frames.items():
        if name == "conflicts" or "conflict_key" not in frame.columns:
            continue
        for row in frame[frame["conflict_key"] == key].to_dict("records"):
            out.append(
                {
                    "table": name,
                    "id": _text(row.get("id")),
                    "source_id": _text(row.get("source_id")),
                    "value": short_figure(row),
                    "figure": _text(row.get("as_stated")),
                    "date": date_label(row.get("date_from"), row.get("date_to")),
                    "quote": _text(row.get("quote")),
                    "correction": _text(row.get("correction")),
                }
            )
    return pd.DataFrame(out, columns=["table", "id", "source_id", "value", "figure", "date", "quote", "correction"])


def conflicts(frames: Frames) -> list[dict[str, Any]]:
    """Each declared conflict with its subject, reading and linked rows."""
    table = frames.get("conflicts")
    if table is None:
        return []
    return [
        {"key": r["conflict_key"], "subject": _text(r.get("subject")), "reading": _text(r.get("reading")),
         "reference": _text(r.get("reference")), "reference_source": _text(r.get("reference_source")),
         "rows": conflict_rows(frames, r["conflict_key"])}
        for r in table.to_dict("records")
    ]


def corrections(frames: Frames) -> pd.DataFrame:
    """Every row, in any table, with a non-blank ``correction``: what the seed says and the correct fact."""
    out = []
    for name, frame in frames.items():
        if "correction" not in frame.columns:
            continue
        rows = frame[frame["correction"].fillna("").str.strip() != ""]
        for row in rows.to_dict("records"):
            out.append(
                {"table": name, "id": _text(row.get("id")), "source_id": _text(row.get("source_id")),
                 "quote": _text(row.get("quote")), "correction": _text(row.get("correction"))}
            )
    return pd.DataFrame(out, columns=["table", "id", "source_id", "quote", "correction"])


__all__ = [
    "CREDIBILITY", "HEADLINE_KEYS", "RELIABILITY", "TURNING_POINTS", "Citation", "Headline", "HeadlineRule",
    "conflict_rows", "conflicts", "corrections", "headline_rules", "headlines", "narrative",
]
