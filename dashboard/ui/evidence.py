"""Rendering data as text: tables with a link to each row's passage, quote cards, citations and conflicting figures.
Every data string goes through :func:`dashboard.text.md` (or is shown as plain text), never as markup."""

from __future__ import annotations

import functools
import weakref
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboard.data import Tables
from dashboard.text import md as text_md, plain
from dashboard.ui.navigation import page


#: rows a table sends to the browser; the CSV download has them all
TABLE_ROWS = 1_000


def source_link(source_id: str, row_id: str | None = None, label: str | None = None, key: str | None = None) -> None:
    """A link to the Sources page, at the row's passage when ``row_id`` is given."""
    params = {"seed": source_id} | ({"row": row_id} if row_id else {})
    st.page_link(page("sources"), label=label or f"Open {source_id}" + (f" at {row_id}" if row_id else ""),
                 query_params=params, icon=":material/format_quote:")


def source_url(source_id: str, row_id: str | None = None) -> str:
    """Relative URL of the Sources page at a row (for link columns in tables)."""
    return "sources?" + urlencode({"seed": source_id} | ({"row": row_id} if row_id else {}))


def with_links(frame: pd.DataFrame) -> pd.DataFrame:
    """The table with a ``passage`` column linking each row to its quote on the Sources page."""
    if not {"source_id", "id"} <= set(frame.columns):
        return frame
    out = frame.copy()
    out.insert(0, "passage", [source_url(s, r) for s, r in zip(out["source_id"], out["id"])])
    return out


def table(frame: pd.DataFrame, loaded: Tables | None = None, name: str | None = None, *, height: int | str = "auto", key: str | None = None):
    """A dataframe with column help from the schema, the quote wide, and a link to each row's passage.

    At most TABLE_ROWS rows go to the browser; a caption says when more were left out.
    """
    if len(frame) > TABLE_ROWS:
        st.caption(f"Showing the first {TABLE_ROWS:,} of {len(frame):,} rows; the CSV download has them all.")
        frame = frame.head(TABLE_ROWS)
    shown = with_links(frame)
    descriptions = loaded.descriptions(name) if loaded is not None and name else {}
    config: dict[str, object] = {}
    for column in shown.columns:
        if column == "passage":
            config[column] = st.column_config.LinkColumn("passage", help="Open the seed at this row's quote", display_text="open ↗")
        elif pd.api.types.is_datetime64_any_dtype(shown[column]):
            config[column] = st.column_config.DateColumn(column, help=descriptions.get(column) or None, format="YYYY-MM-DD")
        elif column == "quote":
            config[column] = st.column_config.TextColumn("quote", help=descriptions.get(column) or None, width="large")
        else:
            config[column] = st.column_config.Column(column, help=descriptions.get(column) or None)
    # provenance first, after the row's id: the seed and the words the row rests on
    lead = [c for c in ("passage", "id", "when", "date", "figure", "as_stated", "position", "summary", "source_id", "quote") if c in shown.columns]
    order = lead + [c for c in shown.columns if c not in lead]
    return st.dataframe(shown, hide_index=True, width="stretch", column_config=config, height=height, key=key, column_order=order)


#: id(sources frame) -> (a weak reference to that frame, its heads); a few frames at most (the loaded tables, tests)
_HEADS: dict[int, tuple[weakref.ref, dict[str, tuple[str, str]]]] = {}


def _seed_heads(sources: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """source_id -> (title, reliability) of a sources table, worked out once per frame object.

    The loaded tables are one shared, read-only object (``st.cache_resource``), so the frame's identity is its
    content: keyed by the object (with a weak reference, so a dropped frame's id is never mistaken for a new one),
    not by hashing the whole table again for every quote card (``st.cache_data`` did: most of the Changes rerun).
    """
    hit = _HEADS.get(id(sources))
    if hit is not None and hit[0]() is sources:
        return hit[1]
    heads = {str(r.get("source_id")): (str(r.get("title", "")), str(r.get("reliability", ""))) for r in sources.to_dict("records")}
    for ident, (ref, _) in list(_HEADS.items()):  # forget frames that are gone
        if ref() is None:
            _HEADS.pop(ident, None)
    _HEADS[id(sources)] = (weakref.ref(sources), heads)
    return heads


def quote_card(row: dict, sources: pd.DataFrame | None, *, key: str) -> None:
    """One row's evidence: seed title and grade, the verbatim quote, any correction, and a link to the passage."""
    sid = str(row.get("source_id") or "")
    title, grade = sid, ""
    head = _seed_heads(sources).get(sid) if sources is not None else None
    if head is not None:
        title = f"{sid} · {head[0]}"
        grade = f" · reliability {_md(head[1])}"
    ident = row.get("id") or row.get("source_id") or ""
    st.markdown((f"**{_md(ident)}** · " if ident and ident != sid else "") + f"{_md(title)}{grade}")
    if row.get("quote"):
        st.markdown("> " + _md(str(row["quote"])))
    if isinstance(row.get("quote_en"), str) and row["quote_en"].strip():  # a quote not in English: its translation
        by = row.get("quote_en_by") if isinstance(row.get("quote_en_by"), str) and row["quote_en_by"].strip() else "the curator"
        st.caption(f"English, translated by {_md(by)}: “{_md(row['quote_en'])}”")
    if isinstance(row.get("correction"), str) and row["correction"].strip():
        st.warning("Correction: " + _md(row["correction"]), icon=":material/rule:")
    if sid:
        source_link(sid, str(row.get("id") or "") or None, key=key)


def _md(text: str) -> str:
    """Plain text made safe for st.markdown (no markup, links or HTML from the data): :func:`dashboard.text.md`."""
    return _md_str(text) if type(text) is str else text_md(text)


@functools.lru_cache(maxsize=4096)
def _md_str(text: str) -> str:
    """:func:`dashboard.text.md` of a string, remembered: the same quotes and titles are escaped on every rerun."""
    return text_md(text)


#: the one helper through which data reaches Markdown elements (dashboard.text, its strings remembered); plain text for
#: metric values
md = _md


def citations_popover(citations, sources: pd.DataFrame | None, *, key: str, label: str = "Sources") -> None:
    """A popover listing each citation's quote and a link to it in its seed."""
    with st.popover(label, icon=":material/format_quote:", key=key):
        for i, cite in enumerate(citations):
            quote_card({"id": cite.row_id, "source_id": cite.source_id, "quote": cite.quote, "correction": cite.correction,
                        "quote_en": getattr(cite, "quote_en", ""), "quote_en_by": getattr(cite, "quote_en_by", "")},
                       sources, key=f"{key}-{i}")


def citation_help(citations) -> str:
    """Hover text for a figure: each seed and quote."""
    return "\n\n".join(f"**{_md(c.source_id)}** ({_md(c.row_id)}): “{_md(c.quote)}”"
                       + (f" (English: “{_md(c.quote_en)}”)" if getattr(c, "quote_en", "") else "") for c in citations)


def conflict_block(conflict: dict, sources: pd.DataFrame | None, *, key: str) -> None:
    """One conflict: its subject and reading, then each seed's figure and quote in its own column, side by side."""
    rows = conflict["rows"]
    with st.container(border=True):
        st.markdown(f"**Conflicting figures: {_md(conflict['subject'])}** · `{conflict['key']}`")
        st.caption(_md(conflict["reading"]))
        if conflict.get("reference"):
            source = f" — {_md(conflict['reference_source'])}" if conflict.get("reference_source") else ""
            st.caption(f"**Outside the seeds** (reference, not a seed's figure): {_md(conflict['reference'])}{source}")
        if rows.empty:
            st.info("No loaded row carries this key.")
            return
        for column, row in zip(st.columns(len(rows)), rows.to_dict("records")):
            with column:
                heading = f"{row['source_id']} · {row['table']} ({row['id']})"
                if row["figure"]:  # a figure: as a metric, with the seed's wording under it
                    st.metric(_md(heading), plain(row["value"]) or "—", help=f"“{_md(row['quote'])}”")
                    if str(row.get("correction") or "").strip():  # the record's wording, not the seed's: no quotation marks
                        st.caption(f"The record: {_md(row['figure'])} · {_md(row['date'])} (the seed's words are in its quote)")
                    else:
                        st.caption(f"As stated: “{_md(row['figure'])}” · {_md(row['date'])}")
                else:  # an account with no figure: its wording as text, which a metric would cut
                    st.caption(_md(heading))
                    st.markdown(f"**{_md(row['value'] or '—')}**")
                    st.caption(_md(row["date"]))
                quote_card(row, sources, key=f"{key}.{row['id']}")
