"""The one registry of pages: the app's navigation, the tests and the benchmark all read it.

Framework-free on purpose (no Streamlit import), so tests and the benchmark can
list the pages without starting an app. :func:`dashboard.ui.app_pages` turns
each entry into an ``st.Page`` whose callable is :meth:`PageSpec.run`: it
imports the page's module (``dashboard/views/<stem>.py``) on first use and
calls its ``main()``, so the app starts without importing every page.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    """One page: its module in ``dashboard/views/``, title, Material icon and URL path."""

    stem: str
    title: str
    icon: str
    default: bool = False

    @property
    def url_path(self) -> str:
        return self.stem

    @property
    def module(self) -> str:
        """The page's module, whose ``main()`` draws it."""
        return f"dashboard.views.{self.stem}"

    @property
    def path(self) -> str:
        """The path a visitor opens: "" for the default page, else the url_path."""
        return "" if self.default else self.url_path

    def run(self) -> None:
        """Draw the page: its module's ``main()`` (imported once per process: a rerun does not compile it again)."""
        importlib.import_module(self.module).main()


PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview", "Overview", ":material/dashboard:", default=True),
    PageSpec("map", "Map", ":material/map:"),
    PageSpec("stance", "Stance over time", ":material/timeline:"),
    PageSpec("indicators", "Indicators", ":material/monitoring:"),
    PageSpec("sources", "Sources", ":material/format_quote:"),
    PageSpec("method", "Method", ":material/menu_book:"),
    PageSpec("data", "Data", ":material/table:"),
    PageSpec("present", "Present", ":material/slideshow:"),
    PageSpec("changes", "Changes", ":material/difference:"),
    PageSpec("curate", "Curate", ":material/edit_note:"),
)


def by_url_path(url_path: str) -> PageSpec:
    """The page at ``url_path``; KeyError when there is none."""
    for page in PAGES:
        if page.url_path == url_path:
            return page
    raise KeyError(url_path)
