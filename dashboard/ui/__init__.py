"""Streamlit helpers shared by the pages; this package only gathers them under one name (``ui.<name>``).

One module a job:

- :mod:`~dashboard.ui.tables`: the tables, read once per version of the files, one version per script run;
- :mod:`~dashboard.ui.navigation`: the pages as ``st.Page`` objects, for the navigation and links;
- :mod:`~dashboard.ui.style`: the room's style sheet and the theme;
- :mod:`~dashboard.ui.frame`: the page frame (heading, problem panel, a part that fails alone);
- :mod:`~dashboard.ui.url`: the URL as the view's state;
- :mod:`~dashboard.ui.filters`: the filter widgets bound to the URL;
- :mod:`~dashboard.ui.downloads`: CSV downloads;
- :mod:`~dashboard.ui.chartview`: charts with their summary, downloads and data;
- :mod:`~dashboard.ui.evidence`: data as text (tables, quotes, citations, conflicts).

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

from dashboard.text import md_lines, plain
from dashboard.ui.chartview import (
    alt_text, arrow_bytes, arrow_datasets, chart_block, chart_data, select_into_url, selection_values, spec, tables_now,
)
from dashboard.ui.downloads import as_of, download_csv
from dashboard.ui.evidence import (
    TABLE_ROWS, _md, citation_help, citations_popover, conflict_block, md, quote_card, source_link, source_url, table,
    with_links,
)
from dashboard.ui.filters import (
    CREDIBILITY_HELP, CREDIBILITY_LABELS, FilterOptions, filter_controls, filter_options, filter_redirects,
    filter_summary, link_notices, source_label, source_titles,
)
from dashboard.ui.frame import page_intro, problem_panel, section
from dashboard.ui.navigation import LINKED, app_pages, page
from dashboard.ui.style import ROOM_CSS, dark, room_style
from dashboard.ui.tables import (
    FINGERPRINT_HASH_BYTES, _fingerprint, _load, data_file_text, one_version, tables, version,
)
from dashboard.ui.url import BIND, redirect, set_url_value, share_link, url_value


#: what the views call as ``ui.<name>`` (plus the link targets of :func:`__getattr__`)
__all__ = [
    "BIND",
    "CREDIBILITY_HELP",
    "CREDIBILITY_LABELS",
    "FINGERPRINT_HASH_BYTES",
    "FilterOptions",
    "LINKED",
    "ROOM_CSS",
    "TABLE_ROWS",
    "_fingerprint",
    "_load",
    "_md",
    "alt_text",
    "app_pages",
    "arrow_bytes",
    "arrow_datasets",
    "as_of",
    "chart_block",
    "chart_data",
    "citation_help",
    "citations_popover",
    "conflict_block",
    "dark",
    "data_file_text",
    "download_csv",
    "filter_controls",
    "filter_options",
    "filter_redirects",
    "filter_summary",
    "link_notices",
    "md",
    "md_lines",
    "one_version",
    "page",
    "page_intro",
    "plain",
    "problem_panel",
    "quote_card",
    "redirect",
    "room_style",
    "section",
    "select_into_url",
    "selection_values",
    "set_url_value",
    "share_link",
    "source_label",
    "source_link",
    "source_titles",
    "source_url",
    "spec",
    "table",
    "tables",
    "tables_now",
    "url_value",
    "version",
    "with_links",
]


def __getattr__(name: str):
    """``ui.SOURCES_PAGE`` and the other link targets (:data:`~dashboard.ui.navigation.LINKED`): an ``st.Page`` is
    made in a script run, so these are made when asked for."""
    if name in LINKED:
        return page(LINKED[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
