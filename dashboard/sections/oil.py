"""The oil sections: export shares, dated disruptions and alternative routes, and named stakes (three builders).

Also the small helpers the indicator sections share: the Indicators page's part of the filters
(:func:`indicator_filters`) and a builder's chart as a :class:`~dashboard.sections.base.Chart` (:func:`chart`).
"""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from dashboard import charts
from dashboard import marks as M
from dashboard.filters import Filters, apply
from dashboard.sections.base import Chart, Section
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


def _rows(frames: Mapping[str, pd.DataFrame], filters: Filters) -> tuple[pd.DataFrame, Filters, str]:
    ind = indicator_filters(filters)
    rows = apply(frames[TABLE], ind, keep_undated=True)
    return rows, ind, source([f"{TABLE}.csv"], seeds(rows), ind)


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
    drawn = chart("oil-export-share", charts.oil_share_spec(frame), frame, M.oil_share_summary(rows))
    disputed = bool(shares["conflict_key"].notna().any())
    caveat = ("The seeds give these shares on different bases (all oil loaded abroad vs exports to the west): both shown, not averaged."
              if disputed else "")
    return Section(key=key, title=drawn.title, subtitle=drawn.subtitle, charts=(drawn,), summary=drawn.summary,
                   caveats=(caveat,) if caveat else (), source_line=source([f"{TABLE}.csv"], seeds(shares), ind),
                   notes=tuple(quotes(shares, lambda r: text(r.get("route")))))


def build_disruptions(frames: Mapping[str, pd.DataFrame], filters: Filters) -> Section:
    """The dated disruptions, dependence and alternative routes, in lanes."""
    key, title = "oil_disruptions", TITLES["oil_disruptions"]
    if TABLE not in frames:
        return missing(key, title, TABLE)
    rows, ind, line = _rows(frames, filters)
    if rows.empty:
        return Section(key=key, title=title, empty=NO_ROWS, source_line=line)
    timeline = M.oil_timeline_marks(rows)
    if timeline.empty:
        return Section(key=key, title=title, empty="No dated disruption or alternative route matches the filters.", source_line=line)
    on_timeline = rows[rows["id"].isin(timeline.rows["id"])]
    drawn = chart("oil-route-timeline", charts.lane_spec(timeline), timeline.rows, timeline.summary)
    caveat = correction_caveat(on_timeline)
    return Section(key=key, title=drawn.title, subtitle=drawn.subtitle, charts=(drawn,), summary=drawn.summary,
                   caveats=(caveat,) if caveat else (), source_line=source([f"{TABLE}.csv"], seeds(timeline.rows), ind),
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
