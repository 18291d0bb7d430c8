"""The oil sections: export shares, dated disruptions and alternative routes, and named stakes (three builders).

Also the small helpers the indicator sections share: the Indicators page's part of the filters
(:func:`indicator_filters`) and a builder's chart as a :class:`~dashboard.sections.base.Chart` (:func:`chart`).
"""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from dashboard import charts, facts
from dashboard import marks as M
from dashboard.facts import cards as _cards
from dashboard.filters import Filters, apply, interval_bounds
from dashboard.sections.base import Chart, Claim, Section
from dashboard.sections.common import correction_caveat, quotes, seeds, source, text

TABLE = "oil_routes"
TITLES = {"oil_shares": "Oil export shares", "oil_disruptions": "Oil route disruptions and alternatives",
          "oil_stakes": "Named stakes in Kazakh oil fields"}
NO_ROWS = "No oil route rows match the filters."


def indicator_filters(filters: Filters) -> Filters:
    """The part of the filters the Indicators page applies: the date range and the sources."""
    return Filters(date_from=filters.date_from, date_to=filters.date_to, sources=filters.sources)


def spec_title(spec: Any) -> tuple[str, str]:
    """A builder's chart title and subtitle (read, not removed)."""
    title = spec.spec.get("title") if isinstance(spec, charts.Spec) else None
    head, sub = (title.get("text", ""), title.get("subtitle", "")) if isinstance(title, dict) else (title or "", "")
    head = " ".join(head) if isinstance(head, list) else head
    sub = " ".join(sub) if isinstance(sub, list) else sub
    return str(head), str(sub)


def chart(name: str, spec: Any, data: pd.DataFrame | None, summary: str) -> Chart:
    """One drawn chart: its spec, the rows it draws, its title and subtitle (from the spec) and its summary."""
    title, subtitle = spec_title(spec)
    return Chart(name=name, spec=spec, data=data, title=title, subtitle=subtitle, summary=summary)


def missing(key: str, title: str, table: str) -> Section:
    """A section whose table did not load."""
    return Section(key=key, title=title, empty=f"The {table} table did not pass validation, so this slide has nothing to show.",
                   source_line=f"Source: data/{table}.csv (not loaded)")


def census(frames: Mapping[str, pd.DataFrame]) -> str:
    """The coverage's census line: counts are what these texts report, not a census ('' when it cannot be computed)."""
    if "sources" not in frames:
        return ""
    try:
        found = facts.coverage(frames)
    except (KeyError, TypeError, ValueError):
        return ""
    return found.census_line if found.texts else ""


def _blank(value: Any) -> bool:
    return not text(value).strip()


def record_label(row: Mapping[str, Any], words: str = "as_stated") -> str:
    """A row's words on a chart: its ``label`` (worded from the corrected record) when it has one, else ``words``;
    a corrected row is marked so, and never shows the seed's refuted wording (that stays in its quote)."""
    label = text(row.get("label")).strip()
    corrected = not _blank(row.get("correction"))
    shown = label or ("" if corrected else text(row.get(words)))
    if corrected:
        return f"{shown or 'see the correction'} (corrected)"
    return shown


def merge_oil(rows: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, tuple[str, ...]]]:
    """Rows of the same seed, route, kind and dates told as one act: one mark each (F23). Its words come from a row
    without a correction where there is one (its label first); ``ids`` maps the kept row's id to every row merged."""
    if rows.empty:
        return rows, {}
    keys = ["source_id", "route", "kind"]
    start, end = interval_bounds(rows)
    frame = rows.assign(_start=start, _end=end)
    out, merged = [], {}
    for _, group in frame.groupby(keys + ["_start", "_end"], dropna=False, sort=False):
        records = group.to_dict("records")
        clean = [r for r in records if _blank(r.get("correction"))]
        lead = dict((clean or records)[0])
        labels = [text(r.get("label")) for r in (clean or records) if text(r.get("label"))]
        if labels:
            lead["label"] = labels[0]
        if len(records) > 1 and not labels:  # no label: the uncorrected rows' words, joined
            lead["as_stated"] = "; ".join(dict.fromkeys(text(r.get("as_stated")) for r in (clean or records) if text(r.get("as_stated"))))
        lead["correction"] = None if clean else lead.get("correction")
        lead["as_stated"] = record_label(lead)
        out.append(lead)
        merged[text(lead.get("id"))] = tuple(text(r.get("id")) for r in records)
    result = pd.DataFrame(out, columns=frame.columns).drop(columns=["_start", "_end"])
    return result.astype({c: rows[c].dtype for c in rows.columns if c in result.columns}, errors="ignore"), merged


def outside_disruptions(frames: Mapping[str, pd.DataFrame], filters: Filters) -> str:
    """The CPC disruptions the texts omit (outside_context rows on the CPC, in the date range), with their sources:
    labelled outside the seeds, never drawn as the seeds' marks ('' when none)."""
    table = frames.get("outside_context")
    if table is None or table.empty:
        return ""
    rows = table[(table["domain"] == "energy") & table["summary"].astype(str).str.contains("CPC", regex=False)
                 & (table["relation"] == "omitted by the texts")]
    rows = apply(rows, Filters(date_from=filters.date_from, date_to=filters.date_to), keep_undated=False) if len(rows) else rows
    if rows.empty:
        return ""
    parts = [f"{M.date_label(r['date_from'], r['date_to'])}: {text(r['summary'])} ({text(r['source']).split(':')[0].strip()})"
             for r in rows.sort_values("date_from").to_dict("records")]
    return "Outside the seeds (disruptions to the CPC the texts omit): " + "; ".join(parts) + "."


def _rows(frames: Mapping[str, pd.DataFrame], filters: Filters) -> tuple[pd.DataFrame, Filters, str]:
    ind = indicator_filters(filters)
    rows = apply(frames[TABLE], ind, keep_undated=True)
    return rows, ind, source([f"{TABLE}.csv"], seeds(rows), ind)


def share_summary(frames: Mapping[str, pd.DataFrame], shares: pd.DataFrame) -> tuple[str, tuple[Claim, ...]]:
    """The shares' one line: each seed's figure with its basis, read by the conflict's kind, and the 2022 share from
    volumes (outside the seeds) when route_status and outside_figures give it."""
    parts = [f"{r['source_id']}: {text(r['as_stated'])} ({r['value']:g}%) via {r['route']}" for r in shares.to_dict("records")]
    keys = shares["conflict_key"].dropna().unique().tolist() if "conflict_key" in shares.columns else []
    kind = _cards.conflict_kind(frames, keys[0]) if keys else ""
    line = "Export share in the seeds: " + "; ".join(parts) + "."
    if kind:
        line += f" {_cards.kind_text(kind)[:1].upper()}{_cards.kind_text(kind)[1:]}."
    claims: list[Claim] = []
    share = _cards.cpc_share(frames)
    if share:
        reading = (f"In 2022, from volumes (outside the seeds): about {share['share']:.0f}% of Kazakhstan's crude exports went "
                   f"through the CPC ({share['volume']:g} of {share['total']:g} million tonnes; "
                   f"{'; '.join(x for x in share['sources'] if x)}).")
        line += " " + reading
        claims.append(Claim(reading, "share", len(shares), "cpc_share"))
    return line, tuple(claims)


def build_shares(frames: Mapping[str, pd.DataFrame], filters: Filters) -> Section:
    """The export shares as each seed states them, conflicting figures side by side."""
    key, title = "oil_shares", TITLES["oil_shares"]
    if TABLE not in frames:
        return missing(key, title, TABLE)
    rows, ind, line = _rows(frames, filters)
    if rows.empty:
        return Section(key=key, title=title, empty=NO_ROWS, source_line=line)
    shares = rows[(rows["kind"] == "export share") & rows["value"].notna()]
    if shares.empty:
        return Section(key=key, title=title, empty="No export shares match the filters.", source_line=line)
    frame = M.oil_share_frame(rows)
    summary, claims = share_summary(frames, shares)
    drawn = chart("oil-export-share", charts.oil_share_spec(frame), frame, summary)
    keys = shares["conflict_key"].dropna().unique().tolist() if "conflict_key" in shares.columns else []
    kind = _cards.conflict_kind(frames, keys[0]) if keys else ""
    caveat = ("The seeds disagree on these shares: both shown, never averaged." if kind == _cards.DISAGREEMENT else
              f"The seeds give these shares on {kind} (all oil loaded abroad vs exports to the west): both shown, not averaged."
              if kind else "")
    caveats = tuple(c for c in (caveat, census(frames)) if c)
    return Section(key=key, title=drawn.title, subtitle=drawn.subtitle, charts=(drawn,), summary=drawn.summary,
                   caveats=caveats, source_line=source([f"{TABLE}.csv"], seeds(shares), ind),
                   notes=tuple(quotes(shares, lambda r: text(r.get("route")))), claims=claims)


def build_disruptions(frames: Mapping[str, pd.DataFrame], filters: Filters) -> Section:
    """The dated disruptions, dependence and alternative routes, in lanes."""
    key, title = "oil_disruptions", TITLES["oil_disruptions"]
    if TABLE not in frames:
        return missing(key, title, TABLE)
    rows, ind, line = _rows(frames, filters)
    if rows.empty:
        return Section(key=key, title=title, empty=NO_ROWS, source_line=line)
    merged, ids = merge_oil(rows)
    timeline = M.oil_timeline_marks(merged)
    outside = outside_disruptions(frames, ind)
    if timeline.empty:
        return Section(key=key, title=title, empty="No dated disruption or alternative route matches the filters.", source_line=line)
    kept = {i for k in timeline.rows["id"] for i in ids.get(str(k), (str(k),))}
    on_timeline = rows[rows["id"].isin(kept)]
    drawn = chart("oil-route-timeline", charts.lane_spec(timeline), timeline.rows, timeline.summary)
    caveat = correction_caveat(on_timeline)
    caveats = tuple(c for c in (caveat, outside, census(frames)) if c)
    return Section(key=key, title=drawn.title, subtitle=drawn.subtitle, charts=(drawn,), summary=drawn.summary,
                   caveats=caveats, source_line=source([f"{TABLE}.csv"], seeds(timeline.rows), ind),
                   notes=tuple(quotes(on_timeline, lambda r: f"{r['kind']} ({r['route']})")))


def build_stakes(frames: Mapping[str, pd.DataFrame], filters: Filters) -> Section:
    """The named stakes in Kazakh oil fields, largest first."""
    key, title = "oil_stakes", TITLES["oil_stakes"]
    if TABLE not in frames:
        return missing(key, title, TABLE)
    rows, ind, line = _rows(frames, filters)
    if rows.empty:
        return Section(key=key, title=title, empty=NO_ROWS, source_line=line)
    stakes = rows[rows["kind"] == "stake"]
    drawn_stakes = stakes[(stakes["unit"] == "percent") & stakes["value"].notna()]
    if drawn_stakes.empty:
        return Section(key=key, title=title, empty="No named stakes match the filters.", source_line=line)
    frame = M.stakes_frame(rows)
    drawn = chart("oil-stakes", charts.stakes_spec(frame), frame, M.stakes_summary(rows))
    caveat = correction_caveat(stakes)
    return Section(key=key, title=drawn.title, subtitle=drawn.subtitle, charts=(drawn,), summary=drawn.summary,
                   caveats=(caveat,) if caveat else (), source_line=source([f"{TABLE}.csv"], seeds(stakes), ind),
                   notes=tuple(quotes(stakes, lambda r: text(r.get("asset")))))


BUILDERS = {"oil_shares": build_shares, "oil_disruptions": build_disruptions, "oil_stakes": build_stakes}
