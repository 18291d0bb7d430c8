"""Streamlit helpers shared by the pages: cached loading, the problem panel, URL state, filters, downloads, citations."""

from __future__ import annotations

import datetime as dt
import logging
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboard import data, export
from dashboard.data import Tables
from dashboard.filters import Filters


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


_LOG = logging.getLogger(__name__)


@contextmanager
def section(what: str):
    """Draw one part of a page; if the loaded tables cannot feed it, say so plainly and let the rest of the page render."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - one part failing must not take the page down
        _LOG.exception("%s could not be drawn", what)
        st.error(f"{what} could not be drawn from the loaded tables ({type(exc).__name__}: {exc}). The rest of the page is unaffected.",
                 icon=":material/error:")


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


# --------------------------------------------------------------------------
# page state in the URL
#
# Each page reads its state from the query string when the URL is not the one
# it last wrote (a first visit, a shared link, a page link, the back button),
# puts it into the widgets' session state, and writes the widgets' values back
# to the query string at the end of the run. So the URL always holds the view,
# and opening it restores the view.

SOURCES_PAGE = "views/sources.py"
STANCE_PAGE = "views/stance.py"
INDICATORS_PAGE = "views/indicators.py"
METHOD_PAGE = "views/method.py"


def url_params() -> dict[str, list[str]]:
    """The current query string as name -> list of values."""
    return {name: st.query_params.get_all(name) for name in st.query_params}


def _canonical(params: dict) -> tuple:
    items = []
    for name, value in params.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        items.append((name, tuple(str(v) for v in values)))
    return tuple(sorted(items))


def url_changed(page: str, widget_keys: Iterable[str] = ()) -> bool:
    """True when the page must (re)load its state from the URL: the URL is not what it last wrote, or a widget lost its state."""
    written = st.session_state.get(f"_url.{page}")
    return written != _canonical(url_params()) or any(key not in st.session_state for key in widget_keys)


def write_url(page: str, params: dict[str, str | list[str]]) -> None:
    """Make the query string exactly ``params`` (empty values dropped) and remember it as this page's."""
    clean = {k: v for k, v in params.items() if v is not None and v != [] and not (k in ("event", "row", "seed") and v == "")}
    if _canonical(url_params()) != _canonical(clean):
        st.query_params.from_dict(clean)
    st.session_state[f"_url.{page}"] = _canonical(clean)


def share_link(params: dict[str, str | list[str]]) -> None:
    """A 'Copy link' popover with the URL of this exact view (the code block has a copy button)."""
    base = st.context.url or ""
    base = base.split("?", 1)[0].split("#", 1)[0]
    query = urlencode([(k, v) for k, vs in params.items() for v in (vs if isinstance(vs, list) else [vs]) if v is not None], doseq=False)
    link = f"{base}?{query}" if query else base
    with st.popover("Copy link to this view", icon=":material/link:"):
        st.caption("The link restores the page, its filters and the selection.")
        st.code(link or "?" + query, language=None, wrap_lines=True)


# --------------------------------------------------------------------------
# filters


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


def set_filter_state(prefix: str, filters: Filters, options: FilterOptions) -> None:
    """Put ``filters`` into the widgets' session state (clamped to the options), before the widgets are drawn."""
    start = min(max(filters.date_from or options.first, options.first), options.last)
    end = max(min(filters.date_to or options.last, options.last), start)
    st.session_state[f"{prefix}.dates"] = (start, end)
    st.session_state[f"{prefix}.actors"] = [a for a in filters.actors if a in options.actors]
    st.session_state[f"{prefix}.domains"] = [d for d in filters.domains if d in options.domains]
    st.session_state[f"{prefix}.cred"] = filters.min_credibility
    st.session_state[f"{prefix}.sources"] = [s for s in filters.sources if s in options.sources]


def filter_keys(prefix: str, show: Iterable[str]) -> list[str]:
    return [f"{prefix}.{name}" for name in show]


def filter_controls(prefix: str, options: FilterOptions, show: tuple[str, ...], source_titles: dict[str, str]) -> Filters:
    """Draw the chosen filter widgets in one row and return the Filters they set."""
    columns = st.columns([1.3 if name == "dates" else 1 for name in show])
    values: dict[str, object] = {}
    for column, name in zip(columns, show):
        with column:
            if name == "dates":
                # value= makes it a range picker; the state set from the URL takes precedence
                picked = st.date_input("Date range", value=(options.first, options.last), min_value=options.first,
                                       max_value=options.last, key=f"{prefix}.dates",
                                       format="YYYY-MM-DD", help="A row dated to an interval (a month, a year, 'since the war began') "
                                       "counts when its interval overlaps the range.")
                picked = tuple(picked) if isinstance(picked, (tuple, list)) else (picked,)
                start = picked[0] if picked else options.first
                end = picked[1] if len(picked) > 1 else options.last
                values["date_from"] = None if start <= options.first else start
                values["date_to"] = None if end >= options.last else end
            elif name == "actors":
                values["actors"] = tuple(st.multiselect("Actors", options.actors, key=f"{prefix}.actors", placeholder="All actors"))
            elif name == "domains":
                values["domains"] = tuple(st.multiselect("Domains", options.domains, key=f"{prefix}.domains", placeholder="All domains"))
            elif name == "cred":
                values["min_credibility"] = st.select_slider(
                    "Minimum credibility", options=list(CREDIBILITY_LABELS), format_func=CREDIBILITY_LABELS.get, key=f"{prefix}.cred",
                    help="Keep rows graded this or better (1 confirmed … 6 cannot be judged).",
                )
            elif name == "sources":
                values["sources"] = tuple(st.multiselect(
                    "Sources", options.sources, key=f"{prefix}.sources", placeholder="All seeds",
                    format_func=lambda s: f"{s} · {source_titles.get(s, '')[:40]}",
                ))
    return Filters(**values)


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


# --------------------------------------------------------------------------
# downloads and charts


def as_of(loaded: Tables) -> dt.date | None:
    return export.data_as_of(loaded.frames.get("sources"))


EAGER_CSV_ROWS = 5_000
TABLE_ROWS = 1_000  # rows a table sends to the browser; the CSV download has them all


def download_csv(frame: pd.DataFrame, file_name: str, loaded: Tables, *, label: str | None = None,
                 title: str | None = None, filters: Filters | None = None, key: str | None = None) -> None:
    """A download button for ``frame`` as CSV: cited sources and the data's date in # lines, formula-safe cells."""
    def data_bytes() -> bytes:
        return export.safe_csv(
            frame, loaded.frames.get("sources"), as_of(loaded), title=title or file_name,
            filters=filters.describe() if filters is not None else None,
        )

    # Small tables are written at once; a large one only when the button is clicked,
    # so a rerun at 100,000 rows does not build a CSV nobody asked for.
    data = data_bytes() if len(frame) <= EAGER_CSV_ROWS else data_bytes
    st.download_button(label or f"Download {file_name}", data=data, file_name=file_name, mime="text/csv",
                       icon=":material/download:", key=key or f"csv-{file_name}", on_click="ignore")


def chart_block(chart, summary: str, name: str, *, key: str | None = None, selectable: bool = False):
    """The chart, its one-line text summary under it, and PNG/SVG downloads; returns the selection state if selectable.

    On the dark theme the chart's own text is drawn light; the downloads are always the light version.
    """
    from dashboard.charts import for_dark

    shown = for_dark(chart) if getattr(st.context.theme, "type", None) == "dark" else chart
    if selectable:
        state = st.altair_chart(shown, width="stretch", alt=summary, on_select="rerun", key=key)
    else:
        state = st.altair_chart(shown, width="stretch", alt=summary, key=key)
    st.caption(summary)
    columns = st.columns([1, 1, 6])
    columns[0].download_button("PNG", data=lambda: export.chart_png(chart), file_name=f"{name}.png", mime="image/png",
                               icon=":material/image:", key=f"png-{name}", on_click="ignore", help="The chart as a PNG image")
    columns[1].download_button("SVG", data=lambda: export.chart_svg(chart), file_name=f"{name}.svg", mime="image/svg+xml",
                               icon=":material/draw:", key=f"svg-{name}", on_click="ignore", help="The chart as an SVG drawing")
    return state


def selection_values(state, param: str, field: str) -> list[str]:
    """The values of ``field`` in a chart's point selection ``param`` (empty when nothing is selected)."""
    if not state:
        return []
    try:
        chosen = state["selection"][param]
    except (KeyError, TypeError):
        return []
    if isinstance(chosen, dict):
        value = chosen.get(field)
        return [str(v) for v in value] if isinstance(value, list) else [str(value)] if value is not None else []
    if isinstance(chosen, list):
        return [str(item[field]) for item in chosen if isinstance(item, dict) and item.get(field) is not None]
    return []


def chart_pick(chart_key: str, param: str, field: str) -> str | None | bool:
    """The value the user just clicked in a chart: a value, None when they cleared it, False when nothing changed."""
    current = selection_values(st.session_state.get(chart_key), param, field)
    seen_key = f"_seen.{chart_key}"
    if st.session_state.get(seen_key, []) == current:
        return False
    st.session_state[seen_key] = current
    return current[0] if current else None


# --------------------------------------------------------------------------
# citations


def source_link(source_id: str, row_id: str | None = None, label: str | None = None, key: str | None = None) -> None:
    """A link to the Sources page, at the row's passage when ``row_id`` is given."""
    params = {"seed": source_id} | ({"row": row_id} if row_id else {})
    st.page_link(SOURCES_PAGE, label=label or f"Open {source_id}" + (f" at {row_id}" if row_id else ""),
                 query_params=params, icon=":material/format_quote:")


def source_url(source_id: str, row_id: str | None = None) -> str:
    """Relative URL of the Sources page at a row (for link columns in tables)."""
    return "sources?" + urlencode({"seed": source_id} | ({"row": row_id} if row_id else {}))


def with_links(frame: pd.DataFrame) -> pd.DataFrame:
    """The table with a ``passage`` column linking each row to its quote on the Sources page."""
    if not {"source_id", "id"} <= set(frame.columns):
        return frame
    out = frame.copy()
    out.insert(0, "passage", [source_url(s, r) for s, r in zip(out["source_id"], out["id"])])
    return out


def table(frame: pd.DataFrame, loaded: Tables | None = None, name: str | None = None, *, height: int | str = "auto", key: str | None = None):
    """A dataframe with column help from the schema, the quote wide, and a link to each row's passage.

    At most TABLE_ROWS rows go to the browser; a caption says when more were left out.
    """
    if len(frame) > TABLE_ROWS:
        st.caption(f"Showing the first {TABLE_ROWS:,} of {len(frame):,} rows; the CSV download has them all.")
        frame = frame.head(TABLE_ROWS)
    shown = with_links(frame)
    descriptions = loaded.descriptions(name) if loaded is not None and name else {}
    config: dict[str, object] = {}
    for column in shown.columns:
        if column == "passage":
            config[column] = st.column_config.LinkColumn("passage", help="Open the seed at this row's quote", display_text="open ↗")
        elif pd.api.types.is_datetime64_any_dtype(shown[column]):
            config[column] = st.column_config.DateColumn(column, help=descriptions.get(column) or None, format="YYYY-MM-DD")
        elif column == "quote":
            config[column] = st.column_config.TextColumn("quote", help=descriptions.get(column) or None, width="large")
        else:
            config[column] = st.column_config.Column(column, help=descriptions.get(column) or None)
    # provenance first, after the row's id: the seed and the words the row rests on
    lead = [c for c in ("passage", "id", "when", "date", "figure", "as_stated", "position", "summary", "source_id", "quote") if c in shown.columns]
    order = lead + [c for c in shown.columns if c not in lead]
    return st.dataframe(shown, hide_index=True, width="stretch", column_config=config, height=height, key=key, column_order=order)


def quote_card(row: dict, sources: pd.DataFrame | None, *, key: str) -> None:
    """One row's evidence: seed title and grade, the verbatim quote, any correction, and a link to the passage."""
    sid = str(row.get("source_id") or "")
    title, grade = sid, ""
    if sources is not None and sid in set(sources["source_id"]):
        record = sources[sources["source_id"] == sid].iloc[0]
        title = f"{sid} · {record.get('title', '')}"
        grade = f" · reliability {record.get('reliability', '')}"
    st.markdown(f"**{row.get('id', '')}** · {_md(title)}{grade}")
    if row.get("quote"):
        st.markdown("> " + _md(str(row["quote"])))
    if isinstance(row.get("correction"), str) and row["correction"].strip():
        st.warning("Correction: " + row["correction"], icon=":material/rule:")
    if sid:
        source_link(sid, str(row.get("id") or "") or None, key=key)


def _md(text: str) -> str:
    """Plain text made safe for st.markdown (no markup, links or HTML from the data)."""
    return re.sub(r"([\\`*_{}\[\]()#+!|<>~$:-])", r"\\\1", " ".join(str(text).split()))


def citations_popover(citations, sources: pd.DataFrame | None, *, key: str, label: str = "Sources") -> None:
    """A popover listing each citation's quote and a link to it in its seed."""
    with st.popover(label, icon=":material/format_quote:", key=key):
        for i, cite in enumerate(citations):
            quote_card({"id": cite.row_id, "source_id": cite.source_id, "quote": cite.quote, "correction": cite.correction},
                       sources, key=f"{key}-{i}")


def citation_help(citations) -> str:
    """Hover text for a figure: each seed and quote."""
    return "\n\n".join(f"**{c.source_id}** ({c.row_id}): “{_md(c.quote)}”" for c in citations)


def page_intro(title: str, text: str) -> None:
    st.title(title)
    st.markdown(text)


def conflict_block(conflict: dict, sources: pd.DataFrame | None, *, key: str) -> None:
    """One conflict: its subject and reading, then each seed's figure and quote in its own column, side by side."""
    rows = conflict["rows"]
    with st.container(border=True):
        st.markdown(f"**Conflicting figures: {_md(conflict['subject'])}** · `{conflict['key']}`")
        st.caption(conflict["reading"])
        if conflict.get("reference"):
            source = f" — {conflict['reference_source']}" if conflict.get("reference_source") else ""
            st.caption(f"**Outside the seeds** (reference, not a seed's figure): {_md(conflict['reference'])}{_md(source)}")
        if rows.empty:
            st.info("No loaded row carries this key.")
            return
        for column, row in zip(st.columns(len(rows)), rows.to_dict("records")):
            with column:
                st.metric(f"{row['source_id']} · {row['table']} ({row['id']})", row["value"] or "—", help=f"“{_md(row['quote'])}”")
                st.caption(f"As stated: “{row['figure']}” · {row['date']}")
                quote_card(row, sources, key=f"{key}.{row['id']}")
