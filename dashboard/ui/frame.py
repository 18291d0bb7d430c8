"""The page frame: the page's heading with its About popover, the problem panel, and a guard that keeps one failing
part from taking the page down."""

from __future__ import annotations

import logging
import re
from contextlib import contextmanager

import streamlit as st

from dashboard.data import Tables
from dashboard.text import md as text_md, plain


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


def page_intro(title: str, text: str) -> None:
    """The page's one h1 and, folded under it, what the page shows and how to read it: a compact header, so the first
    chart is above the fold on a 1280 × 720 projector."""
    left, right = st.columns([5, 1.1], vertical_alignment="center")
    left.title(title)
    with right.popover("About", icon=":material/info:", width="stretch", help="What this page shows and how to read it"):
        st.markdown(text)
