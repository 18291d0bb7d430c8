"""The app's pages as ``st.Page`` objects, from the registry in ``dashboard/pages.py``: for the entry point's
navigation and for links from one page to another (``st.page_link``).

Each page's callable is :meth:`dashboard.pages.PageSpec.run`, which imports the page's view by name when the page is
first opened; nothing here imports a view.
"""

from __future__ import annotations

import streamlit as st

from dashboard.pages import PAGES, by_url_path

#: the names the views link with (``st.page_link(ui.STANCE_PAGE, ...)``) -> the page's url_path
LINKED = {"SOURCES_PAGE": "sources", "STANCE_PAGE": "stance", "INDICATORS_PAGE": "indicators", "METHOD_PAGE": "method"}


def page(url_path: str) -> st.Page:
    """The ``st.Page`` at ``url_path`` (KeyError when there is none); equal, for links, to the one the navigation holds.
    Made in a script run (``st.Page`` needs one)."""
    spec = by_url_path(url_path)
    return st.Page(spec.run, title=spec.title, icon=spec.icon, url_path=spec.url_path, default=spec.default)


def app_pages() -> list[st.Page]:
    """Every page, in the registry's order, for ``st.navigation``."""
    return [page(spec.url_path) for spec in PAGES]
