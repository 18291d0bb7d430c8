"""The headline figures: one card per row of ``data/decisions/headlines.csv``, each worded from its rows and cited.

One job: the Overview's (and the briefing's) headline cards. Which cards
there are, in what order, with what label and from which rows of which table
is a declared decision (:func:`headline_rules`); the wording of each card's
figure is the code's, per card key (:data:`HEADLINE_KEYS`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Mapping

import pandas as pd

from dashboard import decisions
from dashboard.filters import ONE_DAY, interval_bounds
from dashboard.marks import date_label, defence_marks

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
    conflict: str = ""  # the conflicts.reading, only when conflicts.kind is "disagreement" (the seeds disagree)
    #: the conflicts.kind behind the card ("disagreement", "different bases", "different precision"; "" when none)
    kind: str = ""
    #: the conflicts.reading behind the card, whatever its kind (shown in neutral styling unless a disagreement)
    reading: str = ""


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


#: the one conflict kind that is a disagreement between seeds (conflicts.kind); the others read as what they are
DISAGREEMENT = "disagreement"
#: how a conflict that is not a disagreement reads, in a few words, per conflicts.kind
KIND_TEXT = {"different bases": "different bases: both shown", "different precision": "different precision: compatible"}


def conflict_kind(frames: Frames, key: str) -> str:
    """The conflicts.kind of a conflict key ('' when the table, the column or the key is missing)."""
    conflicts = frames.get("conflicts")
    if not key or conflicts is None or "kind" not in conflicts.columns:
        return ""
    rows = conflicts[conflicts["conflict_key"] == key]
    return _text(rows["kind"].iloc[0]).strip() if len(rows) else ""


def kind_text(kind: str) -> str:
    """A conflict's kind as the card says it: 'the seeds disagree' only for a disagreement."""
    return "the seeds disagree" if kind == DISAGREEMENT else KIND_TEXT.get(kind, kind)


def _with_conflict(card: "Headline", frames: Frames, key: str) -> "Headline":
    """The card with its conflict's kind and reading; ``conflict`` (the disagreement styling) only for a disagreement."""
    kind, reading = conflict_kind(frames, key), _reading(frames, key)
    detail = card.detail
    if kind and kind != DISAGREEMENT:  # read as what it is, in neutral styling
        detail = f"{detail} ({kind_text(kind)})" if detail else kind_text(kind).capitalize()
    return replace(card, detail=detail, kind=kind, reading=reading, conflict=reading if kind == DISAGREEMENT else "")


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


def _rows(frames: Frames, rule: HeadlineRule, nothing: str | None = None) -> pd.DataFrame | Headline:
    """The rows a card reads (its rule's selection of its table), or the card that says why there are none: the table
    did not load, or (with ``nothing``, the card's "No … in <table>." detail) no row matches."""
    table = frames.get(rule.table)
    if table is None:
        return _missing(rule.key, rule.label, rule.table)
    rows = rule.rows(table)
    if nothing is not None and rows.empty:
        return Headline(rule.key, rule.label, "not stated", nothing)
    return rows


def _border(frames: Frames, rule: HeadlineRule) -> Headline:
    key, label, name = rule.key, rule.label, rule.table
    rows = _rows(frames, rule, f"No border length in {name}.")
    if isinstance(rows, Headline):  # the table did not load, or states nothing for this card
        return rows
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


def _rows_2022(table: pd.DataFrame | None, **equal: str) -> pd.DataFrame:
    """The rows of ``table`` whose columns equal ``equal`` and whose interval lies in 2022 (empty when none)."""
    if table is None or table.empty:
        return pd.DataFrame()
    rows = table
    for column, value in equal.items():
        if column not in rows.columns:
            return pd.DataFrame()
        rows = rows[rows[column].astype(str) == value]
    start = pd.to_datetime(rows["date_from"], errors="coerce")
    end = pd.to_datetime(rows["date_to"], errors="coerce")
    return rows[(start.dt.year == 2022) & (end.dt.year == 2022)]


def _origin(source: str) -> str:
    """A source's name, without its quote ('The Astana Times, 11 January 2023: ...' -> 'The Astana Times, 11 January 2023')."""
    return source.split(":")[0].strip()


def cpc_share(frames: Frames) -> dict[str, Any] | None:
    """The CPC's 2022 share of Kazakhstan's crude exports, from volumes: route_status (the CPC operating in 2022, its
    volume) over outside_figures (the 2022 crude exports). ``None`` when either is missing."""
    volume = _rows_2022(frames.get("route_status"), route_id="CPC", status="operating")
    volume = volume[volume["volume"].notna()] if len(volume) else volume
    total = _rows_2022(frames.get("outside_figures"), topic="oil exports")
    total = total[total["value"].notna()] if len(total) else total
    if volume.empty or total.empty:
        return None
    v, t = volume.iloc[0], total.iloc[0]
    if not float(t["value"]):
        return None
    return {"volume": float(v["volume"]), "total": float(t["value"]), "share": 100 * float(v["volume"]) / float(t["value"]),
            "unit": _text(v.get("unit")), "ids": (("route_status", _text(v["id"])), ("outside_figures", _text(t["id"]))),
            "sources": (_origin(_text(v.get("source"))), _origin(_text(t.get("source"))))}


def _cpc_share(frames: Frames, rule: HeadlineRule) -> Headline:
    key, label, name = rule.key, rule.label, rule.table
    rows = _rows(frames, rule)
    if isinstance(rows, Headline):  # the table did not load, or states nothing for this card
        return rows
    records = rows.to_dict("records")
    cites = tuple(_cite(name, r) for r in records)
    # the seeds' figures, each with its basis: they measure different things (the conflict's reading says how)
    seeds = " · ".join(f"{c.source_id}: {_share(r['value'], c.as_stated)} {_basis(r)}" for r, c in zip(records, cites))
    share = cpc_share(frames)
    if share is None:
        if rows.empty:
            return Headline(key, label, "not stated", f"No CPC export share in {name}.")
        value = " vs ".join(_share(r["value"], c.as_stated) for r, c in zip(records, cites))
        if reference := _reference(frames, rule.conflict):
            seeds += f" · {reference}"
        return _with_conflict(Headline(key, label, value, seeds, cites), frames, rule.conflict)
    value = f"about {share['share']:.0f}% in 2022"
    detail = (f"Outside the seeds: {share['volume']:g} of {share['total']:g} million tonnes of crude exports went through the CPC in 2022 "
              f"({'; '.join(s for s in share['sources'] if s)})")
    if seeds:
        detail += f" · the seeds: {seeds}"
    return _with_conflict(Headline(key, label, value, detail, cites), frames, rule.conflict)


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
    rows = _rows(frames, rule, f"No January 2022 toll in {name}.")
    if isinstance(rows, Headline):  # the table did not load, or states nothing for this card
        return rows
    records = rows.to_dict("records")
    cites = tuple(_cite(name, r) for r in records)
    figures = dict.fromkeys(
        (">" if q == "more than" else "") + f"{int(n):,}" for q, n in zip(rows["qualifier"], rows["count"])
    )
    # a corrected row shows its figure, not the seed's refuted wording (that stays in the quote)
    detail = " · ".join(
        f"{c.source_id}: {int(r['count']):,} (corrected: see the Method page)" if c.correction else f"{c.source_id}: “{c.as_stated}”"
        for r, c in zip(records, cites)
    )
    value = " vs ".join(figures)
    # the conflict's reference (outside the seeds) gives the toll; the seeds' other figures stand beside it
    reference = _reference_text(frames, rule.conflict)
    match = re.match(r"\s*([\d,]+)\s*(?:dead|deaths|people)?\s*(?:\(([^,)]+))?", reference)
    if match:
        toll = int(match.group(1).replace(",", ""))
        qualifier = (match.group(2) or "").strip().split()[0] if match.group(2) else "reference"
        others = [f"{c.source_id} says {'more than ' if r.get('qualifier') == 'more than' else ''}{int(r['count']):,}"
                  for r, c in zip(records, cites) if pd.notna(r.get("count")) and int(r["count"]) != toll]
        # the value stays short enough for a card (the slide's value line); the seeds' other figures lead the detail
        value = f"{toll:,} ({qualifier})"
        if ref := _reference(frames, rule.conflict):
            detail = f"{ref} · {detail}"
        if others:
            detail = f"{'; '.join(dict.fromkeys(others))} · {detail}"
    return _with_conflict(Headline(key, label, value, detail, cites), frames, rule.conflict)


def _reference_text(frames: Frames, key: str) -> str:
    conflicts = frames.get("conflicts")
    if conflicts is None or "reference" not in conflicts.columns:
        return ""
    rows = conflicts[conflicts["conflict_key"] == key]
    return _text(rows["reference"].iloc[0]) if len(rows) else ""


def _russian_view(frames: Frames, rule: HeadlineRule) -> Headline:
    key, label, name = rule.key, rule.label, rule.table
    rows = _rows(frames, rule, f"No pro-Russia poll figure in {name}.")
    if isinstance(rows, Headline):  # the table did not load, or states nothing for this card
        return rows
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
    rows = _rows(frames, rule, f"No deployment in {name}.")
    if isinstance(rows, Headline):  # the table did not load, or states nothing for this card
        return rows
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
