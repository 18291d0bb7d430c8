"""The filter widgets, one per query parameter (dashboard.filters.PARAMS) and bound to it, with what they offer, the
rewrites a link needs for them to read it, and the notices for what a link asked for that they cannot use."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable

import pandas as pd
import streamlit as st

from dashboard.data import Tables
from dashboard.filters import DEFAULT, Filters
from dashboard.text import md as text_md, plain
from dashboard.ui.url import BIND


@dataclass(frozen=True)
class FilterOptions:
    """What the filter widgets offer: date bounds and the values present in the data."""

    first: dt.date
    last: dt.date
    actors: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


CREDIBILITY_LABELS = {1: "1 · confirmed", 2: "2 · probably true", 3: "3 · possibly true", 4: "4 · doubtful",
                      5: "5 · improbable", 6: "6 · cannot be judged (all)"}
CREDIBILITY_HELP = ("Keep rows graded this or better: " + "; ".join(CREDIBILITY_LABELS.values())
                    + ". 6 keeps every row.")


def source_label(source_id: str, titles: dict[str, str]) -> str:
    """How a seed is offered in the Sources filter, and how it is written in the URL: its id and the start of its title."""
    title = " ".join(str(titles.get(source_id) or "").split())[:40].rstrip()
    return f"{source_id} · {title}" if title else source_id


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def _start(options: FilterOptions, default: Filters) -> dt.date:
    return min(max(default.date_from or options.first, options.first), options.last)


def filter_redirects(options: FilterOptions, show: Iterable[str], titles: dict[str, str]) -> dict[str, str | list[str] | None]:
    """What a link in today's form needs rewritten for the bound filters to read it as meant (see :func:`redirect`).

    ``from=`` (no lower bound) becomes the first date; a date outside the data is clamped to it, as the pickers'
    bounds would; a seed named by its id becomes its label.
    """
    show = set(show)
    out: dict[str, str | list[str] | None] = {}
    out |= _unusable_values(options, show, titles)
    if "dates" in show:
        for name in ("from", "to"):
            values = st.query_params.get_all(name)
            if not values:
                continue
            text = values[-1].strip()
            day = _day(text)
            if text == "":
                out[name] = options.first.isoformat() if name == "from" else None
            elif day is not None and not options.first <= day <= options.last:
                out[name] = min(max(day, options.first), options.last).isoformat()
            elif len(values) > 1:
                out[name] = text
    if "sources" in show and "source" in st.query_params:
        given = st.query_params.get_all("source")
        labels = [source_label(v, titles) if v in options.sources else v for v in given]
        if labels != given:
            out["source"] = labels
    return out


_NOTICES = "_dashboard_link_notices"  # session state: what a link asked for that the page could not use


def _notice(text: str) -> None:
    notices = st.session_state.setdefault(_NOTICES, [])
    if text not in notices:
        notices.append(text)


def _unusable_values(options: FilterOptions, show: set[str], titles: dict[str, str]) -> dict[str, str | list[str] | None]:
    """Rewrites for link values the filters cannot use: a date that is not one, From after To (swapped), an actor,
    domain or seed the data does not have, a grade outside 1..6. Each gets a one-line notice (shown by
    :func:`link_notices` after the rerun) and falls back: the value is dropped, or the dates swapped."""
    out: dict[str, str | list[str] | None] = {}
    if "dates" in show:
        days = {}
        for name in ("from", "to"):
            values = st.query_params.get_all(name)
            text = values[-1].strip() if values else ""
            if text and _day(text) is None:
                _notice(f"The link's {name}={text} is not a date (YYYY-MM-DD), so it is ignored.")
                out[name] = None
            elif text:
                days[name] = _day(text)
        if len(days) == 2 and days["from"] > days["to"]:
            _notice(f"The link's From ({days['from']}) is after its To ({days['to']}), so the two dates are swapped.")
            out["from"], out["to"] = days["to"].isoformat(), days["from"].isoformat()
    choices = {"actors": ("actor", options.actors), "domains": ("domain", options.domains),
               "sources": ("source", options.sources)}
    for name, (param, allowed) in choices.items():
        if name not in show or param not in st.query_params:
            continue
        given = st.query_params.get_all(param)
        known = set(allowed) | ({source_label(v, titles) for v in allowed} if name == "sources" else set())
        unknown = [v for v in given if v not in known]
        if unknown:
            _notice(f"The link's {param} {', '.join(repr(plain(v)) for v in unknown)} "
                    f"{'is' if len(unknown) == 1 else 'are'} not in the data, so {'it is' if len(unknown) == 1 else 'they are'} ignored.")
            kept = [v for v in given if v in known]
            out[param] = kept or None
    if "cred" in show and "cred" in st.query_params:
        text = (st.query_params.get_all("cred") or [""])[-1].strip()
        if text and not (text.isdigit() and 1 <= int(text) <= 6):
            _notice(f"The link's cred={text} is not a credibility grade from 1 to 6, so it is ignored.")
            out["cred"] = None
    return out


def link_notices() -> None:
    """The one-line notices for what the link asked for that the page could not use (then forgotten)."""
    for text in st.session_state.pop(_NOTICES, []):
        st.warning(text_md(text), icon=":material/link_off:")


def filter_summary(filters: Filters) -> None:
    """One line above a chart: which filters are on (or that none is)."""
    text = "No filter: every row" if filters.is_empty else f"Filters on: {filters.describe()}"
    st.caption(f":material/filter_alt: {text_md(text)}")


def filter_controls(options: FilterOptions, show: tuple[str, ...], source_titles: dict[str, str],
                    default: Filters = DEFAULT) -> Filters:
    """Draw the chosen filter widgets in one row, bound to the URL, and return the Filters they set."""
    link_notices()
    widths = {"dates": 2.9}  # two pickers, From and To: each wide enough for its whole date at projector size
    choosers = [n for n in show if n in ("actors", "domains", "sources")]
    if len(show) > 3 and len(choosers) > 1:
        # many filters: the dates and the grade on one row, the choosers (whose chosen values need room) on the next
        first = [n for n in show if n not in choosers]
        columns = st.columns([widths.get(n, 1.2) for n in first]) + st.columns(len(choosers))
        order = first + choosers
    else:
        columns = st.columns([widths.get(name, 1) for name in show])
        order = list(show)
    values: dict[str, Any] = {}
    for column, name in zip(columns, order):
        with column:
            if name == "dates":
                left, right = st.columns(2)
                start = left.date_input("From", value=_start(options, default), min_value=options.first, max_value=options.last,
                                        key="from", bind=BIND, format="YYYY-MM-DD",
                                        help="A row dated to an interval (a month, a year, 'since the war began') counts when "
                                        "its interval overlaps the range. The first date keeps everything from the start.")
                end = right.date_input("To", value=options.last, min_value=options.first, max_value=options.last,
                                       key="to", bind=BIND, format="YYYY-MM-DD")
                start = start or options.first
                end = end or options.last
                if start > end:  # picked From after To: say so, and read them the other way round
                    st.caption(f":material/swap_horiz: From {start} is after To {end}: showing {end} to {start}.")
                    start, end = end, start
                values["date_from"] = None if start <= options.first else start
                values["date_to"] = None if end >= options.last else end
            elif name == "actors":
                values["actors"] = tuple(st.multiselect("Actors", options.actors, key="actor", bind=BIND, placeholder="All actors"))
            elif name == "domains":
                values["domains"] = tuple(st.multiselect("Domains", options.domains, key="domain", bind=BIND, placeholder="All domains"))
            elif name == "cred":
                values["min_credibility"] = int(st.slider("Minimum credibility", 1, 6, 6, key="cred", bind=BIND, help=CREDIBILITY_HELP))
            elif name == "sources":
                values["sources"] = tuple(st.multiselect(
                    "Sources", options.sources, key="source", bind=BIND, placeholder="All seeds",
                    format_func=lambda s: source_label(s, source_titles),
                ))
    return Filters(**values)


def source_titles(loaded: Tables) -> dict[str, str]:
    """source_id -> title, for the source filter's labels ({} when the sources table did not load)."""
    sources = loaded.frames.get("sources")
    return dict(zip(sources["source_id"], sources["title"])) if sources is not None else {}


def filter_options(frame: pd.DataFrame, sources: pd.DataFrame | None) -> FilterOptions:
    """Bounds and choices for the filters, from a table with date_from/date_to (and actor/domain) columns: from the
    first day of the earliest interval to the last day of the latest."""
    from dashboard.filters import ONE_DAY, interval_bounds

    start, end = interval_bounds(frame)
    if start.notna().any():
        first = pd.Timestamp(start.min()).date()
        last = (end.max() - ONE_DAY).date()
    else:
        first = last = dt.date.today()
    present = lambda column: tuple(sorted(frame[column].dropna().unique())) if column in frame.columns else ()  # noqa: E731
    ids = tuple(sources["source_id"]) if sources is not None else present("source_id")
    return FilterOptions(first, last, present("actor"), present("domain"), ids)
