"""Data is text: the one way a string from the data reaches the page.

Streamlit reads the text of ``st.markdown``, ``st.caption``, a metric's label, a widget's ``help``, an expander's label
and a notice as Markdown with extensions: emphasis, links, raw HTML, ``$…$`` as LaTeX, ``:orange[…]`` colours and
``:material/…:`` icons. A seed's quote or a correction holds dollar signs, asterisks and brackets as written, so every
data-derived string goes through :func:`md` before it is placed in such an element: whitespace (carriage returns,
tabs, new lines) becomes one space, and every character Markdown or its extensions give a meaning is escaped with a
backslash, so the reader sees exactly the characters of the data. :func:`md_lines` keeps line breaks (speaker notes);
:func:`plain` is for elements that take plain text (a metric's value, a table cell, a chart's label); :func:`link`
accepts only an http(s) address as a link's target.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

#: the characters Markdown (GitHub-flavoured: emphasis, links, tables, strike-through, autolinked e-mail addresses),
#: remark-math (``$``), Streamlit's directives (``:colour[…]``, ``:material/…:``) and raw HTML (``<``, ``&``) read;
#: each is escaped with a backslash, as CommonMark allows for any ASCII punctuation
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-!|<>~$:&=^@])")
#: a dot that would start an ordered list ("1. ") or a "www." autolink
_DOT = re.compile(r"(^\d+|\bwww)\.", re.IGNORECASE)


def plain(value: Any) -> str:
    """The value as one line of plain text: None and NaN are empty, runs of whitespace (CR, LF, tabs) one space."""
    if value is None:
        return ""
    try:
        if value != value:  # NaN
            return ""
    except (TypeError, ValueError):
        pass
    return " ".join(str(value).split())


def md(value: Any) -> str:
    """``value`` as Markdown that shows exactly its characters on one line: nothing in it is markup, a link, HTML,
    LaTeX or a Streamlit directive."""
    return _DOT.sub(r"\1\\.", _SPECIAL.sub(r"\\\1", plain(value)))


def md_lines(value: Any) -> str:
    """Like :func:`md`, line by line: each line of ``value`` escaped, the lines kept as hard line breaks."""
    return "  \n".join(md(line) for line in str(value or "").splitlines() if line.strip())


def unescape(markdown: str) -> str:
    """The characters a reader sees of :func:`md`'s output (for tests: ``unescape(md(s)) == plain(s)``)."""
    return re.sub(r"\\([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])", r"\1", markdown)


def safe_url(value: Any) -> str | None:
    """The address when it is an absolute http(s) URL with a host and no spaces, quotes or angle brackets; else None."""
    text = plain(value)
    if not text or any(c in text for c in ' "<>\'`\\'):
        return None
    parts = urlsplit(text)
    return text if parts.scheme in ("http", "https") and parts.netloc else None


def link(label: Any, url: Any) -> str:
    """A Markdown link whose text is ``label`` escaped and whose target is ``url`` when it is a safe http(s) address
    (:func:`safe_url`); otherwise just the escaped label."""
    target = safe_url(url)
    if target is None:
        return md(label)
    return f"[{md(label)}](<{target.replace('(', '%28').replace(')', '%29')}>)"


__all__ = ["link", "md", "md_lines", "plain", "safe_url", "unescape"]
