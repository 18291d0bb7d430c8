"""Sources: each seed's provenance record and grade, and its full text with every quoted passage highlighted."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import facts, seeds, ui
from dashboard.data import Tables
from dashboard.sections import sources as sources_section
from dashboard.sections.base import Section

PAGE = "sources"
#: the URL's ``seed`` is the seed picker (bound); ``row`` is the row a link points at
SEED, ROW = "seed", "row"


@st.cache_data(max_entries=32, show_spinner=False)
def seed_view(version: str, seed: str, row_id: str | None, _loaded: Tables) -> dict:
    """The seed's citing rows and its text and rows as highlighted HTML (escaped by dashboard.seeds), for one row."""
    citing = seeds.citing_rows(_loaded.frames, seed)
    if row_id and row_id not in set(citing["id"]):
        row_id = None
    text = _loaded.seed_texts.get(seed)
    out = {"citing": citing, "row_id": row_id, "text": text is not None, "page_html": "", "rows_html": "", "missing": []}
    # beside the text: the first LISTED_ROWS citing rows, and the selected one
    listed = citing[(citing.index < seeds.LISTED_ROWS) | (citing["id"] == row_id)] if len(citing) > seeds.LISTED_ROWS else citing
    out["listed"] = len(listed)
    if text is not None:
        page_html, missing = seeds.highlight(text, zip(citing["id"], citing["quote"]), current=row_id, anchors=listed["id"])
        out.update(page_html=page_html, missing=missing,
                   rows_html=seeds.rows_html(listed, current=row_id, found=set(listed["id"]) - set(missing)))
    return out


@st.cache_data(max_entries=4, show_spinner=False)
def section(version: str, _loaded: Tables) -> Section:
    """The sources section (every seed, its grade): the brief's sources slide shows the same."""
    return sources_section.build(_loaded.frames)


def provenance_table(loaded: Tables, record: dict) -> pd.DataFrame:
    descriptions = loaded.descriptions("sources")
    return pd.DataFrame(
        [
            {"field": name, "value": value, "description": descriptions.get(name, "")}
            for name, value in (
                (k, v.date().isoformat() if isinstance(v, pd.Timestamp) else ("" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)))
                for k, v in record.items()
            )
        ]
    )


def original(record: dict) -> str:
    """Where the text was published: its outlet and original address (the address shown as text, and a link only when
    it is an http(s) URL), or that neither is known."""
    from dashboard.text import md, plain, safe_url

    outlet = plain(record.get("outlet"))
    outlet = outlet if outlet and outlet != "not stated" else ""
    url = plain(record.get("url"))
    target = safe_url(url)
    parts = [f"**Outlet:** {md(outlet)}" if outlet else "**Outlet:** not stated"]
    if target:
        parts.append(f"**Original:** {md(url)} ([open the article ↗](<{target.replace('(', '%28').replace(')', '%29')}>))")
    elif url:
        parts.append(f"**Original:** {md(url)} (not an http(s) address, so not linked)")
    else:
        parts.append("**Original address:** not found")
    return " · ".join(parts)


def clear_row() -> None:
    """A different seed: the row in the link does not belong to it."""
    ui.set_url_value(ROW, None)


@st.fragment
def reader(ids: list[str]) -> None:
    """The seed picker and the seed: picking another seed reruns only this."""
    loaded = ui.tables()
    sources = loaded.frames["sources"]
    titles = dict(zip(sources["source_id"], sources["title"]))
    # the picker shows each seed's title (a link's seed=S001 is rewritten to the label on arrival: see main)
    seed = st.selectbox("Seed", ids, key=SEED, bind=ui.BIND, index=0, on_change=clear_row,
                        format_func=lambda s: ui.source_label(s, titles),
                        help="\n\n".join(f"**{s}** · {ui._md(titles.get(s, ''))}" for s in ids)) or ids[0]
    asked = ui.url_value(ROW)
    shown = seed_view(ui.version(loaded), seed, asked, _loaded=loaded)
    citing, row_id = shown["citing"], shown["row_id"]

    record = sources[sources["source_id"] == seed].iloc[0].to_dict()
    grade = record.get("reliability") or ""
    left, right = st.columns([3, 2])
    with left:
        st.header(f"{ui.md(seed)} · {ui.md(record.get('title', ''))}")
        st.markdown(original(record))
        st.markdown(
            f"**Reliability {ui.md(grade)}** — {facts.RELIABILITY.get(grade, 'not graded')}. "
            f"{ui._md(record.get('reliability_reason') or '')}"
        )
        about = section(ui.version(loaded), loaded)
        for caveat in about.caveats:
            st.caption(ui.md(caveat))
        st.caption(ui.md(about.source_line))
    with right:
        share = st.container()
        ui.download_csv(sources, "sources.csv", loaded, title="Seed provenance", key=f"{PAGE}.csv")

    with st.expander("Provenance record", expanded=not row_id):
        st.dataframe(provenance_table(loaded, record), hide_index=True, width="stretch",
                     column_config={"value": st.column_config.TextColumn("value", width="large")})

    if not shown["text"]:
        st.error(f"The text of {seed} could not be read (seeds/{record.get('file', '')}); see the error panel or run "
                 "`python -m dashboard check`.")
        return
    if asked and not row_id:
        st.info(f"Row {ui.md(asked)} does not cite {ui.md(seed)}.")
    if row_id:
        current = citing[citing["id"] == row_id].iloc[0]
        with st.container(border=True):
            st.markdown(f"**Selected: {row_id}** ({current['table']}) · {ui._md(current['label'])}")
            st.markdown("> " + ui._md(current["quote"]))
            translation = _translation(loaded, current["table"], row_id)
            if translation:
                st.caption(translation)

    with ui.section("The highlighted text"):
        page_html, rows_html, missing = shown["page_html"], shown["rows_html"], shown["missing"]
        if missing:
            named = ", ".join(missing[:seeds.TITLE_IDS]) + (f" and {len(missing) - seeds.TITLE_IDS:,} more" if len(missing) > seeds.TITLE_IDS else "")
            st.warning(f"{len(missing):,} quotes were not found in the text: {ui.md(named)}")
        text_col, rows_col = st.columns([3, 2])
        with text_col:
            st.markdown(f"**Full text** · `seeds/{record['file']}` · {len(citing)} rows quote it")
            with st.container(height=720, border=True):
                st.html(seeds.STYLE + page_html)
        with rows_col:
            st.markdown(f"**Rows citing {seed}**")
            if shown["listed"] < len(citing):
                st.caption(f"The first {shown['listed']:,} of {len(citing):,}; the Data page lists them all.")
            with st.container(height=720, border=True):
                st.html(seeds.STYLE + rows_html)
        if row_id:
            st.html(seeds.scroll_script(row_id), unsafe_allow_javascript=True)

    with share:
        ui.share_link()


def _translation(loaded: Tables, table: str, row_id: str) -> str:
    """'English, translated by X: “…”' for a row whose quote is not in English ('' otherwise)."""
    frame = loaded.frames.get(table)
    if frame is None or not {"id", "quote_en"} <= set(frame.columns):
        return ""
    match = frame[frame["id"] == row_id]
    english = match["quote_en"].iloc[0] if len(match) else None
    if not isinstance(english, str) or not english.strip():
        return ""
    by = match["quote_en_by"].iloc[0] if "quote_en_by" in match.columns else None
    by = by if isinstance(by, str) and by.strip() else "the curator"
    return f"English, translated by {ui._md(by)}: “{ui._md(english)}”"


def main() -> None:
    """Draw the page."""
    ui.page_intro(
        "Sources",
        "The five seed texts the tables were curated from (`seeds/`), each with its provenance record "
        "(`seeds/provenance.csv`) and reliability grade. In the text, every passage a table row quotes is highlighted: "
        "click it to jump to the rows that cite it, and click a row's ↑ link to jump back to its passage.",
    )

    loaded = ui.tables()
    ui.problem_panel(loaded)
    sources = loaded.frames.get("sources")
    if sources is None or sources.empty:
        st.info("The seed provenance table did not pass validation, so the seeds cannot be listed.")
        st.stop()
    ids = list(sources["source_id"])
    titles = dict(zip(sources["source_id"], sources["title"]))
    given = st.query_params.get_all(SEED)
    if given and given[-1] in ids:  # a link names the seed by its id: the picker is bound to its label
        ui.redirect({SEED: ui.source_label(given[-1], titles)})
    reader(ids)
