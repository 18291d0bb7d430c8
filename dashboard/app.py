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

# The pages live in views/, not "pages/": Streamlit would treat such a folder
# as old-style pages and run a deep-linked page script without this entry point
# on a fresh server. The list is dashboard/pages.py, shared with the tests and
# the benchmark.
from dashboard.pages import PAGES  # noqa: E402

navigation = st.navigation(
    [st.Page(page.script, title=page.title, icon=page.icon, url_path=page.url_path, default=page.default) for page in PAGES]
)
# each page its own browser title (a tab, a history entry, a screen reader's first words)
st.set_page_config(page_title=f"{navigation.title} · Kazakhstan–Russia indicators")
from dashboard import ui  # noqa: E402

ui.room_style()
navigation.run()
