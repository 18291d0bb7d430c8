"""Streamlit entry point: ``streamlit run dashboard/app.py`` from the repository root.

Its one job: the page config, the navigation over the pages of ``dashboard/pages.py`` (each an ``st.Page`` whose
callable is its view's ``main()``), the room's style sheet, then the chosen page, drawn from one version of the tables.

The views live in ``dashboard/views/``, not ``pages/``: Streamlit would treat such a folder as old-style pages.
"""

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
SITE = "Kazakhstan–Russia indicators"


def main() -> None:
    """One script run of the app: the navigation, then the page the URL names."""
    st.set_page_config(page_title=SITE, page_icon=str(ICON), layout="wide")
    from dashboard import ui

    navigation = st.navigation(ui.app_pages())
    # each page its own browser title (a tab, a history entry, a screen reader's first words)
    st.set_page_config(page_title=f"{navigation.title} · {SITE}")
    ui.room_style()
    with ui.one_version():  # one version of the tables for the whole run
        navigation.run()


if __name__ == "__main__":  # Streamlit runs this file as __main__; an import (a test's entry script) runs nothing
    main()
