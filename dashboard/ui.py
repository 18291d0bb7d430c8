"""Streamlit helpers shared by the pages: the tables read once, the problem panel, the URL, filters, downloads, charts, citations.

State lives where Streamlit keeps it. The filter widgets are bound to the query
string (``bind="query-params"``, the widget key is the parameter name), so the
URL is the view and opening it restores the view; what is not a widget (a
chart or map selection, a row picked from a link) is read from and written to
``st.query_params`` directly. The tables are one shared read-only object
(``st.cache_resource``); whatever a page derives from them per filter (marks,
chart specs, summaries) is cached by the data's version and the filters
(``st.cache_data``), so a rerun with nothing changed builds nothing again.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import logging
import os
import re
import threading
import weakref
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable
from urllib.parse import urlencode

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard import data, export
from dashboard.text import md as text_md, md_lines, plain
from dashboard.data import Tables
from dashboard.filters import DEFAULT, Filters

#: how a widget is bound to the query string (its key is the parameter name)
BIND = "query-params"


# --------------------------------------------------------------------------
# the tables, read once per version of the files


#: files up to this size are also keyed by their content (a rewrite within the clock's resolution, same size)
FINGERPRINT_HASH_BYTES = 64 * 1024


def _file_key(path: str, stat: os.stat_result, link: bool = False) -> tuple:
    """What changes when a file is fixed: its inode (replaced by a rename), change time (any chmod, chown or write),
    modification time, permissions, size, and for a small file its content (never read through a symlink, which may
    lead out of the directory: the checks refuse such a file unread)."""
    digest = None
    if stat.st_size <= FINGERPRINT_HASH_BYTES and not link:
        try:
            with open(path, "rb") as handle:
                digest = hashlib.blake2b(handle.read(FINGERPRINT_HASH_BYTES + 1), digest_size=8).hexdigest()
        except OSError:  # unreadable now: the stat alone, which changes when it is made readable again
            digest = None
    return (path, stat.st_ino, stat.st_ctime_ns, stat.st_mtime_ns, stat.st_mode, stat.st_size, digest)


def _fingerprint(*dirs: Path | None) -> tuple[tuple, ...]:
    """One key per file in the given dirs (see :func:`_file_key`), so an edited, replaced or re-permitted file
    reloads on the next rerun."""
    entries = []
    for directory in dirs:  # os.scandir: one stat per file, no Path objects (this runs on every script run)
        try:
            with os.scandir(directory) as found:
                files = [(e.path, e.stat(), e.is_symlink()) for e in found if e.is_file()]
        except (OSError, TypeError):
            continue
        entries += sorted(_file_key(path, stat, link) for path, stat, link in files)
    return tuple(entries)


@st.cache_resource(show_spinner="Loading and checking the tables…", max_entries=4)
def _load(data_dir: str, seeds_dir: str | None, fingerprint: tuple) -> Tables:
    # One shared, read-only object for every session (st.cache_resource hands out the object itself: no copy, no
    # pickling on each hit). The fingerprint is only part of the key: an edited file is a new key, so a new load.
    loaded = data.load_tables(Path(data_dir), Path(seeds_dir) if seeds_dir else None)
    loaded._version = hashlib.blake2b(repr((data_dir, seeds_dir, fingerprint)).encode(), digest_size=8).hexdigest()
    return loaded


def _current() -> Tables:
    data_dir = data.default_data_dir()
    seeds_dir = data.default_seeds_dir()
    stamp = _fingerprint(data_dir, seeds_dir or data_dir.parent / "seeds")
    return _load(str(data_dir), str(seeds_dir) if seeds_dir else None, stamp)


# The tables one script run draws from: every call in a run gets the same object, so a file replaced while the run
# is drawing cannot give its first half the old tables and its second half the new. Keyed by the run's own
# ParallelFragmentCoordinator (Streamlit makes one per script run), weakly, so an entry goes with its run.
_RUN_TABLES: "weakref.WeakKeyDictionary[object, Tables]" = weakref.WeakKeyDictionary()
_RUN_LOCK = threading.Lock()
_DRAWN_VERSION = "_dashboard_tables_version"  # session state: the version the last full run of the page drew from


def tables() -> Tables:
    """The validated tables, from $DASHBOARD_DATA_DIR / $DASHBOARD_SEEDS_DIR or the repo's data/ and seeds/.

    Read-only: the object is shared by every session. Derive, never modify in place. One script run sees one version
    of the files. A fragment rerun (a filter change on the stance page) after the files changed reruns the whole page
    instead: the fragment's arguments (the filters' bounds and choices) were derived from the old tables, and drawing
    the new tables inside them would mix the two.
    """
    ctx = get_script_run_ctx(suppress_warning=True)
    run = getattr(ctx, "parallel_coordinator", None)
    if run is None:  # outside a script run (or a Streamlit without the per-run object): as read
        return _current()
    with _RUN_LOCK:
        pinned = _RUN_TABLES.get(run)
    if pinned is not None:
        return pinned
    loaded = _current()
    fragment_run = bool(ctx.fragment_ids_this_run)
    drawn = st.session_state.get(_DRAWN_VERSION)
    if fragment_run and drawn is not None and drawn != version(loaded):
        st.rerun(scope="app")
    with _RUN_LOCK:
        _RUN_TABLES[run] = loaded
    if not fragment_run:
        st.session_state[_DRAWN_VERSION] = version(loaded)
    return loaded


def version(loaded: Tables) -> str:
    """The version of the files ``loaded`` was read from: the key for whatever is derived from them."""
    return getattr(loaded, "_version", "") or str(id(loaded))


@st.cache_data(show_spinner=False, max_entries=4)
def _read_text(path: str, version_key: str) -> tuple[str | None, str | None]:
    try:
        return Path(path).read_text(encoding="utf-8"), None
    except OSError as exc:
        return None, exc.strerror or str(exc)


def data_file_text(loaded: Tables, name: str) -> tuple[str | None, str | None]:
    """(text, None) of a file in the data directory, or (None, why not): read once per version of the files."""
    return _read_text(str(data.default_data_dir() / name), version(loaded))


_LOG = logging.getLogger(__name__)


@contextmanager
def section(what: str):
    """Draw one part of a page; if the loaded tables cannot feed it, say so plainly and let the rest of the page render."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - one part failing must not take the page down
        _LOG.exception("%s could not be drawn", what)
        st.error(f"{what} could not be drawn from the loaded tables ({type(exc).__name__}: {text_md(exc)}). The rest of the page is unaffected.",
                 icon=":material/error:")


def problem_panel(loaded: Tables) -> None:
    """One st.error listing every problem line of the tables that failed validation."""
    if not loaded.problems:
        return
    failed = sorted(loaded.problems)
    names = ", ".join(n if n == "datapackage" else loaded.paths.get(n, n) for n in failed)
    lines = "\n".join(plain(p) for p in loaded.all_problems)
    # the lines hold data (a bad cell's value): a fenced code block shows them as typed, never as markup; its fence is
    # longer than any run of backticks in them, so none can close it
    longest = max((len(run) for run in re.findall(r"`+", lines)), default=0)
    fence = "`" * max(3, longest + 1)
    st.error(
        f"**{len(failed)} {'table' if len(failed) == 1 else 'tables'} failed validation and "
        f"{'is' if len(failed) == 1 else 'are'} not shown:** {text_md(names)}. "
        "Fix these lines (or run `python -m dashboard check`):\n\n"
        f"{fence}text\n{lines}\n{fence}",
        icon=":material/error:",
    )


#: one fixed style sheet for every page (no data in it), set by the entry point: readable on a 1280 × 720 projector.
#: A compact header, so each chart page's first chart is above the fold; text that would be cut with "…" (metric
#: values and labels, button labels, date fields) wraps instead; the sidebar narrower; headings in one scale.
ROOM_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 3rem; padding-bottom: 3rem; }
[data-testid="stHeader"] { background: transparent; }
section[data-testid="stSidebar"][data-collapsed="false"] { width: 14.5rem !important; min-width: 14.5rem !important; max-width: 14.5rem !important; }
[data-testid="stSidebarNav"] { padding-top: 0.5rem; }
h1 { font-size: 2rem !important; padding-top: 0 !important; padding-bottom: 0.25rem !important; }
h2 { font-size: 1.55rem !important; }
h3 { font-size: 1.25rem !important; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * { white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; overflow-wrap: anywhere; line-height: 1.15; }
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * { white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; }
button [data-testid="stMarkdownContainer"], button [data-testid="stMarkdownContainer"] p {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; text-align: left; }
[data-testid="stDateInputFieldsScroller"] { overflow: visible !important; }
[data-testid="stDateInput"] input { min-width: 0; font-variant-numeric: tabular-nums; }
[data-testid="stWidgetLabel"] p { overflow-wrap: anywhere; }
/* a multiselect's chosen values wrap inside its box, each chip on its own line and its text whole */
[data-testid="stMultiSelectTagsContainer"] { flex-wrap: wrap !important; overflow: visible !important; min-width: 0 !important; }
[data-testid="stMultiSelect"] div:has(> [data-testid="stMultiSelectTagsContainer"]),
[data-testid="stMultiSelect"] div:has(> div > [data-testid="stMultiSelectTagsContainer"]) { height: auto !important; max-height: none !important; min-height: 2.5rem; }
[data-testid="stMultiSelectTagsContainer"] > span > span { max-width: 100% !important; height: auto !important; }
[data-testid="stMultiSelectTagsContainer"] > span > span > span:first-child { white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; max-width: none !important; }
/* Streamlit's own chart toolbar would offer "Show data" (the raw arrays, dates in epoch milliseconds): each chart
   has the project's own table under it instead */
[data-testid="stVegaLiteChart"] + [data-testid="stElementToolbar"], [data-testid="stElementToolbar"]:has(+ [data-testid="stVegaLiteChart"]),
[data-testid="stElementContainer"]:has([data-testid="stVegaLiteChart"]) [data-testid="stElementToolbar"] { display: none !important; }
.st-key-filters-summary p { font-size: 0.95rem; }
</style>"""


def room_style() -> None:
    """The fixed style sheet (:data:`ROOM_CSS`) on the page."""
    st.html(ROOM_CSS)


def dark() -> bool:
    """True when the visitor's theme is dark (charts then draw their own text light)."""
    return getattr(st.context.theme, "type", None) == "dark"


# --------------------------------------------------------------------------
# the URL
#
# Widgets are bound to their parameter (bind=BIND, key = parameter name): Streamlit
# reads them from the URL on arrival and the browser writes them back on every
# change, leaving out values at their default. A selection that is not a widget
# (a chart mark, a map object, a row named by a link) lives in st.query_params
# itself: read it with url_value, change it with set_url_value.

SOURCES_PAGE = "views/sources.py"
STANCE_PAGE = "views/stance.py"
INDICATORS_PAGE = "views/indicators.py"
METHOD_PAGE = "views/method.py"


def url_value(name: str) -> str | None:
    """The last value of a query parameter, or None when it is missing or empty."""
    values = st.query_params.get_all(name)
    return values[-1] if values and values[-1] != "" else None


def set_url_value(name: str, value: str | None) -> None:
    """Set (or, for None, remove) a parameter that no widget is bound to; nothing is sent when it is unchanged."""
    if value is None or value == "":
        if name in st.query_params:
            del st.query_params[name]
    elif st.query_params.get_all(name) != [str(value)]:
        st.query_params[name] = str(value)


def redirect(rewrites: dict[str, str | list[str] | None]) -> None:
    """Rewrite parameters a link gives in an older form into the form the bound widgets read, then run again once.

    Called at the top of a page, before its widgets: ``rewrites`` maps a parameter to its new value(s), None to drop
    it. A parameter a widget is already bound to (a rerun on the same page) is left to the widget.
    """
    changed = {name: value for name, value in rewrites.items()
               if (st.query_params.get_all(name) if name in st.query_params else None) != (value if value is None or isinstance(value, list) else [value])}
    if not changed:
        return
    try:
        for name, value in changed.items():
            if value is None:
                if name in st.query_params:
                    del st.query_params[name]
            else:
                st.query_params[name] = value
    except StreamlitAPIException:  # bound: the widget already holds its value
        return
    st.rerun()


def share_link() -> None:
    """A 'Copy link' popover with the URL of this exact view: the page and its query string (the code block has a copy button)."""
    base = (st.context.url or "").split("?", 1)[0].split("#", 1)[0]
    query = urlencode([(name, value) for name in st.query_params for value in st.query_params.get_all(name)])
    link = f"{base}?{query}" if query else base
    with st.popover("Copy link to this view", icon=":material/link:"):
        st.caption("The link restores the page, its filters and the selection.")
        st.code(link or "?" + query, language=None, wrap_lines=True)


# --------------------------------------------------------------------------
# filters: one bound widget per query parameter (dashboard.filters.PARAMS)


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


# --------------------------------------------------------------------------
# downloads and charts


def as_of(loaded: Tables) -> dt.date | None:
    return getattr(loaded, "as_of", None) or export.data_as_of(loaded.frames.get("sources"))


TABLE_ROWS = 1_000  # rows a table sends to the browser; the CSV download has them all


def download_csv(frame: pd.DataFrame | Callable[[], pd.DataFrame], file_name: str, loaded: Tables, *, label: str | None = None,
                 title: str | None = None, filters: Filters | None = None, key: str | None = None) -> None:
    """A download button for ``frame`` (or a callable giving it) as CSV, written only when it is clicked: cited
    sources and the data's date in # lines, formula-safe cells."""
    sources, date = loaded.frames.get("sources"), as_of(loaded)
    described = filters.describe() if filters is not None else None

    def data_bytes() -> bytes:
        rows = frame() if callable(frame) else frame
        return export.safe_csv(rows, sources, date, title=title or file_name, filters=described)

    def plain_bytes() -> bytes:
        rows = frame() if callable(frame) else frame
        return export.plain_csv(rows, sources, date)

    plain_name = file_name[:-4] + "-plain.csv" if file_name.endswith(".csv") else file_name + "-plain.csv"
    with st.container(horizontal=True, key=f"csv-pair-{key or file_name}"):
        st.download_button(label or f"Download {file_name}", data=data_bytes, file_name=file_name, mime="text/csv",
                           icon=":material/download:", key=key or f"csv-{file_name}", on_click="ignore",
                           help="CSV with # lines first: the title, filters, the data's date and every seed cited")
        st.download_button("Plain CSV", data=plain_bytes, file_name=plain_name, mime="text/csv",
                           icon=":material/table_view:", key=f"plain-{key or file_name}", on_click="ignore",
                           help="The header on the first row, for spreadsheets and tools; each row's citation in its last column")


def spec(chart: Any, *, dark_theme: bool = False) -> dict:
    """An Altair chart as its Vega-Lite dict, for the dark theme if asked.

    Built once per view and cached by the pages (st.cache_data): without schema validation, which is the chart
    builders' tests' job, so a rerun neither rebuilds nor validates Altair objects.
    """
    from dashboard.charts import for_dark

    shown = for_dark(chart) if dark_theme else chart
    return arrow_datasets(shown.to_dict(validate=False))


def arrow_datasets(spec_dict: dict) -> dict:
    """The spec with its named datasets as Arrow IPC bytes, the form ``st.vega_lite_chart`` sends them in.

    Streamlit converts each dataset of a spec to Arrow on every call (records -> DataFrame -> Arrow), and takes
    bytes as they are (``vega_charts._marshall_chart_data``). Converted once here, inside the pages' cached spec
    builders, a rerun sends the cached bytes: under load that conversion was the largest single cost of a run.
    The conversion is Streamlit's own, so the browser gets the same bytes. ``_Spec`` turns them back for exports.
    """
    from streamlit import dataframe_util

    datasets = spec_dict.get("datasets")
    if isinstance(datasets, dict):
        spec_dict["datasets"] = {
            name: dataframe_util.convert_anything_to_arrow_bytes(values) if isinstance(values, list) and values else values
            for name, values in datasets.items()}
    return spec_dict


def _records(datasets: dict) -> dict:
    """Arrow IPC datasets back to JSON records (for an export of a displayed spec)."""
    import pyarrow as pa

    return {name: pa.ipc.open_stream(values).read_all().to_pylist() if isinstance(values, bytes) else values
            for name, values in datasets.items()}


class _Spec:
    """What :mod:`dashboard.export` needs of a chart (``to_dict()``), for a chart kept as its spec."""

    def __init__(self, spec_dict: dict) -> None:
        self._spec = spec_dict

    def to_dict(self, **_: Any) -> dict:  # the spec is built: nothing to validate
        out = copy.deepcopy(self._spec)
        if isinstance(out.get("datasets"), dict):
            out["datasets"] = _records(out["datasets"])
        return out


def chart_block(shown: dict, summary: str, name: str, *, light: Callable[[], dict] | dict | None = None,
                key: str | None = None, on_select: Callable[[], None] | str | None = None, tables: tuple[str, ...] = (),
                outside: tuple[str, ...] = (), filters: Filters | None = None):
    """The chart (a Vega-Lite spec), its one-line text summary under it, PNG/SVG downloads written on click with the
    chart's title, source line (``tables``, the seeds its data cites, ``outside`` sources) and the data's date baked
    in, and the rows it draws as a table (instead of Streamlit's own "Show data", which ROOM_CSS hides).

    ``light`` gives the light-theme spec for the downloads (a callable, built only on click) when the theme is dark
    and ``shown`` is the dark one. With ``on_select`` (a callback, or "rerun") a click on a mark selects it; returns the selection state.
    """
    if filters is not None:
        filter_summary(filters)
    alt = alt_text(shown, summary)
    if on_select:
        state = st.vega_lite_chart(shown, width="stretch", alt=alt, on_select=on_select, key=key)
    else:
        state = st.vega_lite_chart(shown, width="stretch", alt=alt, key=key)
    st.caption(summary)
    export_spec = light if light is not None and dark() else shown

    def drawn() -> _Spec:
        return _Spec(export_spec() if callable(export_spec) else export_spec)

    date = as_of(tables_now()) if _has_run() else None

    def line() -> str:
        return export.source_line(drawn(), tables, outside)

    with st.container(horizontal=True, key=f"chart-tools-{name}"):
        st.download_button("PNG", data=lambda: export.sourced_png(drawn(), line(), date), file_name=f"{name}.png", mime="image/png",
                           icon=":material/image:", key=f"png-{name}", on_click="ignore",
                           help="The chart as a PNG image, with its title, source line and the data's date")
        st.download_button("SVG", data=lambda: export.sourced_svg(drawn(), line(), date), file_name=f"{name}.svg", mime="image/svg+xml",
                           icon=":material/draw:", key=f"svg-{name}", on_click="ignore",
                           help="The chart as an SVG drawing, with its title, source line and the data's date")
        with st.popover("Data behind the chart", icon=":material/table:", key=f"chart-data-{name}"):
            chart_data(shown, name)
    return state


def alt_text(spec_dict: dict, summary: str) -> str:
    """A chart's alternative text as sentences: what kind of chart, its title, then its one-line summary
    ("Timeline chart of points and interval bars: Stance over time. 61 scored events …")."""
    from dashboard.brief.model import chart_type
    from dashboard.charts import Spec

    kind = chart_type(Spec(spec_dict)) or "Chart"
    title = spec_dict.get("title")
    text = title.get("text") if isinstance(title, dict) else title
    text = " ".join(text) if isinstance(text, list) else str(text or "")
    head = f"{kind}: {plain(text).rstrip('.')}." if text else f"{kind}."
    return f"{head} {plain(summary)}".strip()


def tables_now() -> Tables:
    return tables()


def _has_run() -> bool:
    return get_script_run_ctx(suppress_warning=True) is not None


def chart_data(spec_dict: dict, name: str) -> None:
    """The rows a chart draws, in readable dates (the briefing's :func:`dashboard.brief.chart_table`), with CSV downloads."""
    from dashboard.brief.model import chart_table

    rows = chart_table(_Spec(spec_dict))
    if rows.empty:
        st.caption("This chart draws no rows.")
        return
    st.dataframe(rows, hide_index=True, width="stretch", height=min(400, 38 + 35 * len(rows)))
    download_csv(rows, f"{name}-data.csv", tables_now(), title=f"The data behind the chart {name}", key=f"chart-csv-{name}")


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


def select_into_url(chart_key: str, param: str, field: str, url_name: str) -> Callable[[], None]:
    """An on_select callback: the clicked mark's ``field`` (of selection ``param``) into the URL as ``url_name``."""
    def picked() -> None:
        values = selection_values(st.session_state.get(chart_key), param, field)
        set_url_value(url_name, values[0] if values else None)
    return picked


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


_SEED_HEADS: dict[int, tuple[weakref.ref, dict[str, tuple[str, str]]]] = {}


def _seed_heads(sources: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """source_id -> (title, reliability) of a sources table, worked out once per table object (the tables are shared)."""
    held = _SEED_HEADS.get(id(sources))
    if held is not None and held[0]() is sources:
        return held[1]
    heads = {str(r.get("source_id")): (str(r.get("title", "")), str(r.get("reliability", ""))) for r in sources.to_dict("records")}
    if len(_SEED_HEADS) > 16:
        _SEED_HEADS.clear()
    _SEED_HEADS[id(sources)] = (weakref.ref(sources), heads)
    return heads


def quote_card(row: dict, sources: pd.DataFrame | None, *, key: str) -> None:
    """One row's evidence: seed title and grade, the verbatim quote, any correction, and a link to the passage."""
    sid = str(row.get("source_id") or "")
    title, grade = sid, ""
    head = _seed_heads(sources).get(sid) if sources is not None else None
    if head is not None:
        title = f"{sid} · {head[0]}"
        grade = f" · reliability {_md(head[1])}"
    ident = row.get("id") or row.get("source_id") or ""
    st.markdown((f"**{_md(ident)}** · " if ident and ident != sid else "") + f"{_md(title)}{grade}")
    if row.get("quote"):
        st.markdown("> " + _md(str(row["quote"])))
    if isinstance(row.get("quote_en"), str) and row["quote_en"].strip():  # a quote not in English: its translation
        by = row.get("quote_en_by") if isinstance(row.get("quote_en_by"), str) and row["quote_en_by"].strip() else "the curator"
        st.caption(f"English, translated by {_md(by)}: “{_md(row['quote_en'])}”")
    if isinstance(row.get("correction"), str) and row["correction"].strip():
        st.warning("Correction: " + _md(row["correction"]), icon=":material/rule:")
    if sid:
        source_link(sid, str(row.get("id") or "") or None, key=key)


#: the one helper through which data reaches Markdown elements (dashboard.text); plain text for metric values
md = text_md


def _md(text: str) -> str:
    """Plain text made safe for st.markdown (no markup, links or HTML from the data): :func:`dashboard.text.md`."""
    return text_md(text)


def citations_popover(citations, sources: pd.DataFrame | None, *, key: str, label: str = "Sources") -> None:
    """A popover listing each citation's quote and a link to it in its seed."""
    with st.popover(label, icon=":material/format_quote:", key=key):
        for i, cite in enumerate(citations):
            quote_card({"id": cite.row_id, "source_id": cite.source_id, "quote": cite.quote, "correction": cite.correction,
                        "quote_en": getattr(cite, "quote_en", ""), "quote_en_by": getattr(cite, "quote_en_by", "")},
                       sources, key=f"{key}-{i}")


def citation_help(citations) -> str:
    """Hover text for a figure: each seed and quote."""
    return "\n\n".join(f"**{_md(c.source_id)}** ({_md(c.row_id)}): “{_md(c.quote)}”"
                       + (f" (English: “{_md(c.quote_en)}”)" if getattr(c, "quote_en", "") else "") for c in citations)


def page_intro(title: str, text: str) -> None:
    """The page's one h1 and, folded under it, what the page shows and how to read it: a compact header, so the first
    chart is above the fold on a 1280 × 720 projector."""
    left, right = st.columns([5, 1.1], vertical_alignment="center")
    left.title(title)
    with right.popover("About", icon=":material/info:", width="stretch", help="What this page shows and how to read it"):
        st.markdown(text)


def conflict_block(conflict: dict, sources: pd.DataFrame | None, *, key: str) -> None:
    """One conflict: its subject and reading, then each seed's figure and quote in its own column, side by side."""
    rows = conflict["rows"]
    with st.container(border=True):
        st.markdown(f"**Conflicting figures: {_md(conflict['subject'])}** · `{conflict['key']}`")
        st.caption(_md(conflict["reading"]))
        if conflict.get("reference"):
            source = f" — {_md(conflict['reference_source'])}" if conflict.get("reference_source") else ""
            st.caption(f"**Outside the seeds** (reference, not a seed's figure): {_md(conflict['reference'])}{source}")
        if rows.empty:
            st.info("No loaded row carries this key.")
            return
        for column, row in zip(st.columns(len(rows)), rows.to_dict("records")):
            with column:
                heading = f"{row['source_id']} · {row['table']} ({row['id']})"
                if row["figure"]:  # a figure: as a metric, with the seed's wording under it
                    st.metric(_md(heading), plain(row["value"]) or "—", help=f"“{_md(row['quote'])}”")
                    st.caption(f"As stated: “{_md(row['figure'])}” · {_md(row['date'])}")
                else:  # an account with no figure: its wording as text, which a metric would cut
                    st.caption(_md(heading))
                    st.markdown(f"**{_md(row['value'] or '—')}**")
                    st.caption(_md(row["date"]))
                quote_card(row, sources, key=f"{key}.{row['id']}")
