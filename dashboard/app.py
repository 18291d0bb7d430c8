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

st.set_page_config(page_title="Kazakhstan–Russia indicators", page_icon=":material/query_stats:", layout="wide")

PAGES = Path(__file__).resolve().parent / "pages"

navigation = st.navigation(
    [
        st.Page(PAGES / "data.py", title="Data", icon=":material/table:", url_path="data", default=True),
        st.Page(PAGES / "map.py", title="Map", icon=":material/map:", url_path="map"),
    ]
)
navigation.run()
