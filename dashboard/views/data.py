"""Data page: every curated table, with its seed and quote, and what failed validation."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import ui
from dashboard.data import Tables
from dashboard.checks import SOURCES


def with_seed_title(loaded: Tables, name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The table with the seed's title next to source_id (the sources table has its own titles)."""
    sources = loaded.frames.get(SOURCES)
    if name == SOURCES or "source_id" not in frame.columns or sources is None or "title" not in sources.columns:
        return frame
    titles = sources.set_index("source_id")["title"]
    shown = frame.copy()
    shown.insert(shown.columns.get_loc("source_id") + 1, "seed_title", shown["source_id"].map(titles))
    return shown


@st.fragment
def browse() -> None:
    """The table picker and the table: picking another reruns only this."""
    loaded = ui.tables()
    labels = {f"{loaded.title(n)} ({n}, {len(f)} rows)": n for n, f in loaded.frames.items()}
    name = labels[st.selectbox("Table", list(labels))]
    frame = loaded.frames[name]
    resource = loaded.resources.get(name, {})
    if resource.get("description"):
        st.caption(resource["description"])

    descriptions = loaded.descriptions(name)
    descriptions["seed_title"] = "Title of the seed the row comes from (sources.title)."
    shown = with_seed_title(loaded, name, frame)
    column_config = {}
    for column in shown.columns:
        help_text = descriptions.get(column) or None
        if pd.api.types.is_datetime64_any_dtype(shown[column]):
            column_config[column] = st.column_config.DateColumn(column, help=help_text, format="YYYY-MM-DD")
        else:
            column_config[column] = st.column_config.Column(column, help=help_text)
    if "quote" in shown.columns:
        column_config["quote"] = st.column_config.TextColumn("quote", help=descriptions.get("quote") or None, width="large")
    if "seed_title" in shown.columns:
        column_config["seed_title"] = st.column_config.TextColumn("seed_title", help=descriptions["seed_title"], width="medium")

    # Provenance first, after the row's id: which seed, and the words it rests on.
    provenance = [c for c in ("source_id", "seed_title", "quote") if c in shown.columns]
    order = shown.columns[:1].tolist() + [c for c in provenance if c != shown.columns[0]]
    order += [c for c in shown.columns if c not in order]
    st.dataframe(shown, hide_index=True, width="stretch", column_config=column_config, column_order=order)

    # cites its seeds and the data's date in # lines; cells that a spreadsheet would run as formulas are neutralised
    ui.download_csv(frame, f"{name}.csv", loaded, title=loaded.title(name), key=f"download-{name}")
    st.caption(f"{len(frame)} rows · file {ui.md(loaded.paths.get(name, name))}")


def main() -> None:
    """Draw the page."""
    st.title("Data")
    st.markdown(
        "Every table behind this dashboard, curated by hand from five 2022 texts in `seeds/` and declared in "
        "`data/datapackage.json`: each row names its seed (`source_id`, with the seed's title) and quotes it verbatim."
    )

    try:
        loaded = ui.tables()
    except Exception as exc:  # noqa: BLE001 - load_tables should never raise; never show a traceback
        st.error(f"The tables could not be loaded: {type(exc).__name__}: {ui.md(exc)}")
        st.stop()

    ui.problem_panel(loaded)

    if not loaded.frames:
        st.info("No table passed validation, so there is nothing to show.")
        st.stop()

    browse()
