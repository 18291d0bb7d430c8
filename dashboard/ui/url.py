"""The URL as the view's state: reading and writing query parameters no widget is bound to, rewriting a link's older
form, and the "Copy link" popover.

Widgets are bound to their parameter (bind=BIND, key = parameter name): Streamlit
reads them from the URL on arrival and the browser writes them back on every
change, leaving out values at their default. A selection that is not a widget
(a chart mark, a map object, a row named by a link) lives in st.query_params
itself: read it with url_value, change it with set_url_value.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

#: how a widget is bound to the query string (its key is the parameter name)
BIND = "query-params"


def url_value(name: str) -> str | None:
    """The last value of a query parameter, or None when it is missing or empty."""
    values = st.query_params.get_all(name)
    return values[-1] if values and values[-1] != "" else None


def set_url_value(name: str, value: str | None) -> None:
    """Set (or, for None, remove) a parameter that no widget is bound to; nothing is sent when it is unchanged."""
    if value is None or value == "":
        if name in st.query_params:
            del st.query_params[name]
    elif st.query_params.get_all(name) != [str(value)]:
        st.query_params[name] = str(value)


def redirect(rewrites: dict[str, str | list[str] | None]) -> None:
    """Rewrite parameters a link gives in an older form into the form the bound widgets read, then run again once.

    Called at the top of a page, before its widgets: ``rewrites`` maps a parameter to its new value(s), None to drop
    it. A parameter a widget is already bound to (a rerun on the same page) is left to the widget.
    """
    changed = {name: value for name, value in rewrites.items()
               if name not in st.session_state  # bound: the widget (key = the parameter's name) already holds its value
               and (st.query_params.get_all(name) if name in st.query_params else None) != (value if value is None or isinstance(value, list) else [value])}
    if not changed:
        return
    for name, value in changed.items():
        if value is None:
            if name in st.query_params:
                del st.query_params[name]
        else:
            st.query_params[name] = value
    st.rerun()


def share_link() -> None:
    """A 'Copy link' popover with the URL of this exact view: the page and its query string (the code block has a copy button)."""
    base = (st.context.url or "").split("?", 1)[0].split("#", 1)[0]
    query = urlencode([(name, value) for name in st.query_params for value in st.query_params.get_all(name)])
    link = f"{base}?{query}" if query else base
    with st.popover("Copy link to this view", icon=":material/link:"):
        st.caption("The link restores the page, its filters and the selection.")
        st.code(link or "?" + query, language=None, wrap_lines=True)
