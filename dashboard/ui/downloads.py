"""Downloads of tables: the cited CSV and the plain CSV, written only when clicked, and the data's date they carry."""

from __future__ import annotations

import datetime as dt
from typing import Callable

import pandas as pd
import streamlit as st

from dashboard import export
from dashboard.data import Tables
from dashboard.filters import Filters


def as_of(loaded: Tables) -> dt.date | None:
    return getattr(loaded, "as_of", None) or export.data_as_of(loaded.frames.get("sources"))


def download_csv(frame: pd.DataFrame | Callable[[], pd.DataFrame], file_name: str, loaded: Tables, *, label: str | None = None,
                 title: str | None = None, filters: Filters | None = None, key: str | None = None) -> None:
    """A download button for ``frame`` (or a callable giving it) as CSV, written only when it is clicked: cited
    sources and the data's date in # lines, formula-safe cells."""
    sources, date = loaded.frames.get("sources"), as_of(loaded)
    described = filters.describe() if filters is not None else None

    def data_bytes() -> bytes:
        rows = frame() if callable(frame) else frame
        return export.safe_csv(rows, sources, date, title=title or file_name, filters=described)

    def plain_bytes() -> bytes:
        rows = frame() if callable(frame) else frame
        return export.plain_csv(rows, sources, date)

    plain_name = file_name[:-4] + "-plain.csv" if file_name.endswith(".csv") else file_name + "-plain.csv"
    with st.container(horizontal=True, key=f"csv-pair-{key or file_name}"):
        st.download_button(label or f"Download {file_name}", data=data_bytes, file_name=file_name, mime="text/csv",
                           icon=":material/download:", key=key or f"csv-{file_name}", on_click="ignore",
                           help="CSV with # lines first: the title, filters, the data's date and every seed cited")
        st.download_button("Plain CSV", data=plain_bytes, file_name=plain_name, mime="text/csv",
                           icon=":material/table_view:", key=f"plain-{key or file_name}", on_click="ignore",
                           help="The header on the first row, for spreadsheets and tools; each row's citation in its last column")
