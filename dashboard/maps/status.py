"""Each route's status in the period the map shows, from ``data/route_status.csv``: drawn solid only where operating.

One job: read a route's dated status rows (planned, agreed, operating,
suspended, suspension ordered) against the period shown, and word them with
their volumes and sources. A route that is not operating in the period is
drawn dashed ("planned in 2022"), never as a working corridor; the dashes are
cut here so the interactive and the static map draw the same line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Mapping

import pandas as pd
from shapely.geometry import LineString
from shapely.ops import substring

#: the statuses that come before a route carries oil (drawn dashed, worded "planned")
BEFORE = ("planned", "agreed")
#: the statuses that interrupt an operating route (worded beside it, the line stays solid)
DISRUPTED = ("suspended", "suspension ordered")


@dataclass(frozen=True)
class RouteState:
    """A route in the period shown: its status there, whether it operated, and the words for both."""

    route_id: str
    status: str
    operating: bool
    #: 'operating in 2022: 52.2 Mt, reported volume (Reuters via Zonebourse ...)' / 'planned in 2022 (...)'
    text: str
    #: the route_status ids it rests on
    ids: tuple[str, ...] = ()
    #: the status in a few words, without sources (a map title's): 'planned in 2022 (agreed Nov 2022, 1.5 Mt a year; ...)'
    short: str = ""


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def period_of(tables: Mapping[str, pd.DataFrame]) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The period the map shows: the whole years of the acts the texts report (2022), from the coverage."""
    from dashboard.facts.coverage import coverage

    found = coverage(tables)
    first = found.first_act or dt.date(2022, 1, 1)
    last = found.last_act or first
    return pd.Timestamp(first.year, 1, 1), pd.Timestamp(last.year, 12, 31)


def _day(stamp: pd.Timestamp) -> str:
    """'Nov 2022' for the first of a month (the record gives the month), else '23 Mar 2023'."""
    return f"{stamp:%b %Y}" if stamp.day == 1 else f"{stamp.day} {stamp:%b %Y}"


def _volume(row: Mapping) -> str:
    volume = row.get("volume")
    if volume is None or pd.isna(volume):
        return ""
    basis = _text(row.get("basis"))
    return f"{float(volume):g} {_text(row.get('unit'))}".strip() + (f", {basis}" if basis else "")


def _origin(row: Mapping) -> str:
    return _text(row.get("source")).split(":")[0].strip()


def route_state(tables: Mapping[str, pd.DataFrame], route_id: str,
                period: tuple[pd.Timestamp, pd.Timestamp] | None = None) -> RouteState:
    """The route's status in ``period`` (default :func:`period_of`): operating only if a row says it operated then."""
    table = tables.get("route_status")
    if table is None or table.empty:
        return RouteState(route_id, "", True, "")
    first, last = period or period_of(tables)
    rows = table[table["route_id"] == route_id].copy()
    if rows.empty:
        return RouteState(route_id, "", True, "")
    rows["start"] = pd.to_datetime(rows["date_from"], errors="coerce")
    rows["end"] = pd.to_datetime(rows["date_to"], errors="coerce")
    rows = rows.sort_values("start", kind="stable")
    inside = rows[(rows["start"] <= last) & (rows["end"].isna() | (rows["end"] >= first))]
    later = rows[rows["start"] > last]
    year = f"{first.year}" if first.year == last.year else f"{first.year}–{last.year}"
    working = inside[inside["status"] == "operating"]
    ids = tuple(inside["id"].astype(str))
    if len(working):
        row = working.iloc[-1]
        volume = _volume(row)
        origin = _origin(row)
        text = f"operating in {year}" + (f": {volume}" if volume else "") + (f" ({origin})" if origin else "")
        breaks = inside[inside["status"].isin(DISRUPTED)]
        for r in breaks.to_dict("records"):
            end = f"–{_day(r['end'])}" if pd.notna(r["end"]) and r["end"] != r["start"] else ""
            text += f"; {r['status']} {_day(r['start'])}{end} ({_text(r.get('basis'))})"
        unit = _text(row.get("unit"))
        short = f"operating in {year}" + (f", {float(row['volume']):g} {unit}".rstrip() if pd.notna(row.get("volume")) else "")
        return RouteState(route_id, "operating", True, text, ids, short)
    status = str(inside["status"].iloc[-1]) if len(inside) else ("not yet in use" if len(later) else "")
    word = "planned" if status in BEFORE else status
    steps, brief = [], []
    for r in pd.concat([inside, later]).to_dict("records"):
        volume = _volume(r)
        verb = "from" if r["status"] in ("planned", "operating") else ""
        steps.append(" ".join(t for t in (r["status"], verb, _day(r["start"])) if t) + (f" ({volume})" if volume else ""))
        if r["status"] != "planned":
            amount = f", {float(r['volume']):g} {_text(r.get('unit'))}".rstrip() if pd.notna(r.get("volume")) and r["status"] != "operating" else ""
            brief.append(" ".join(t for t in (r["status"], verb, _day(r["start"])) if t) + amount)
    text = f"{word} in {year}" + (f": not carrying oil then; {'; '.join(steps)}" if steps else "")
    short = f"{word} in {year}" + (f" ({'; '.join(brief)})" if brief else "")
    return RouteState(route_id, status, False, text, ids + tuple(later["id"].astype(str)), short)


def dashed(coords: list[list[float]], dash: float = 0.45, gap: float = 0.3) -> list[list[list[float]]]:
    """A line cut into dashes (``dash`` degrees drawn, ``gap`` left), as separate paths."""
    line = LineString(coords)
    out, at = [], 0.0
    while at < line.length:
        piece = substring(line, at, min(at + dash, line.length))
        points = [list(c) for c in getattr(piece, "coords", [])]
        if len(points) >= 2:
            out.append(points)
        at += dash + gap
    return out or [coords]
