"""Sources: each seed's provenance record and grade, and its full text with every quoted passage highlighted."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data, facts, seeds, ui

PAGE = "sources"

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
params = ui.url_params()
if ui.url_changed(PAGE, [f"{PAGE}.seed"]):
    wanted = (params.get("seed") or [ids[0]])[-1]
    st.session_state[f"{PAGE}.seed"] = wanted if wanted in ids else ids[0]
    st.session_state[f"{PAGE}.row"] = (params.get("row") or [None])[-1]

labels = dict(zip(sources["source_id"], sources["title"]))
seed = st.selectbox("Seed", ids, format_func=lambda s: f"{s} · {labels.get(s, '')}", key=f"{PAGE}.seed")
if st.session_state.get(f"{PAGE}._last_seed") not in (None, seed):
    st.session_state[f"{PAGE}.row"] = None  # a different seed: the old row does not belong to it
st.session_state[f"{PAGE}._last_seed"] = seed
row_id = st.session_state.get(f"{PAGE}.row")

record = sources[sources["source_id"] == seed].iloc[0].to_dict()
grade = record.get("reliability") or ""
left, right = st.columns([3, 2])
with left:
    st.subheader(f"{seed} · {record.get('title', '')}")
    st.markdown(
        f"**Reliability {grade}** — {facts.RELIABILITY.get(grade, 'not graded')}. "
        f"{ui._md(record.get('reliability_reason') or '')}"
    )
with right:
    ui.share_link({"seed": seed, **({"row": row_id} if row_id else {})})
    ui.download_csv(sources, "sources.csv", loaded, title="Seed provenance", key=f"{PAGE}.csv")

descriptions = loaded.descriptions("sources")
provenance = pd.DataFrame(
    [
        {"field": name, "value": charts_value, "description": descriptions.get(name, "")}
        for name, charts_value in (
            (k, v.date().isoformat() if isinstance(v, pd.Timestamp) else ("" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)))
            for k, v in record.items()
        )
    ]
)
with st.expander("Provenance record", expanded=not row_id):
    st.dataframe(provenance, hide_index=True, width="stretch",
                 column_config={"value": st.column_config.TextColumn("value", width="large")})

citing = seeds.citing_rows(loaded.frames, seed)
try:
    directory = seeds.seeds_dir(data.default_data_dir(), data.default_seeds_dir(), loaded.resources.get("sources"))
    text = seeds.read_seed(directory, str(record["file"]))
except (OSError, ValueError, UnicodeDecodeError) as exc:
    st.error(f"The text of {seed} could not be read: {type(exc).__name__}: {exc}")
    st.stop()

if row_id and row_id not in set(citing["id"]):
    st.info(f"Row {row_id} does not cite {seed}.")
    row_id = None
if row_id:
    current = citing[citing["id"] == row_id].iloc[0]
    with st.container(border=True):
        st.markdown(f"**Selected: {row_id}** ({current['table']}) · {ui._md(current['label'])}")
        st.markdown("> " + ui._md(current["quote"]))

with ui.section("The highlighted text"):
    page_html, missing = seeds.highlight(text, zip(citing["id"], citing["quote"]), current=row_id)
    if missing:
        st.warning(f"{len(missing)} quotes were not found in the text: {', '.join(missing)}")
    text_col, rows_col = st.columns([3, 2])
    with text_col:
        st.markdown(f"**Full text** · `seeds/{record['file']}` · {len(citing)} rows quote it")
        with st.container(height=720, border=True):
            st.html(seeds.STYLE + page_html)
    with rows_col:
        st.markdown(f"**Rows citing {seed}**")
        with st.container(height=720, border=True):
            st.html(seeds.STYLE + seeds.rows_html(citing, current=row_id, found=set(citing["id"]) - set(missing)))
    if row_id:
        st.html(seeds.scroll_script(row_id), unsafe_allow_javascript=True)

ui.write_url(PAGE, {"seed": seed, **({"row": row_id} if row_id else {})})
