"""The room's style sheet: one fixed CSS for every page (no data in it), and whether the visitor's theme is dark."""

from __future__ import annotations

import streamlit as st


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
