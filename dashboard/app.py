"""Streamlit entry point: ``streamlit run dashboard/app.py`` from the repository root."""

from __future__ import annotations

import sys
from pathlib import Path

# Streamlit puts dashboard/ on sys.path, not the repository root; make
# ``import dashboard`` resolve to this checkout (also when installed elsewhere).
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

ICON = Path(__file__).resolve().parent / "assets" / "icon.png"  # local file: a :material/ favicon is fetched from Google

st.set_page_config(page_title="Kazakhstan–Russia indicators", page_icon=str(ICON), layout="wide")

# Not "pages/": Streamlit would treat such a folder as old-style pages and run
# a deep-linked page script without this entry point on a fresh server.
PAGES = Path(__file__).resolve().parent / "views"

navigation = st.navigation(
    [
        st.Page(PAGES / "overview.py", title="Overview", icon=":material/dashboard:", url_path="overview", default=True),
        st.Page(PAGES / "map.py", title="Map", icon=":material/map:", url_path="map"),
        st.Page(PAGES / "stance.py", title="Stance over time", icon=":material/timeline:", url_path="stance"),
        st.Page(PAGES / "indicators.py", title="Indicators", icon=":material/monitoring:", url_path="indicators"),
        st.Page(PAGES / "sources.py", title="Sources", icon=":material/format_quote:", url_path="sources"),
        st.Page(PAGES / "method.py", title="Method", icon=":material/menu_book:", url_path="method"),
        st.Page(PAGES / "data.py", title="Data", icon=":material/table:", url_path="data"),
        st.Page(PAGES / "present.py", title="Present", icon=":material/slideshow:", url_path="present"),
    ]
)
navigation.run()
