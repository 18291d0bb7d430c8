"""Charts on a page: a Vega-Lite spec drawn with its summary, alt text, picture downloads and the rows it draws, and
the selection read back from a click."""

from __future__ import annotations

import copy
from typing import Any, Callable

import streamlit as st

from dashboard.charts.tables import chart_table, chart_type
from dashboard import export
from dashboard.data import Tables
from dashboard.filters import Filters
from dashboard.text import plain
from dashboard.ui.downloads import as_of, download_csv
from dashboard.ui.filters import filter_summary
from dashboard.ui.style import dark
from dashboard.ui.tables import tables
from dashboard.ui.url import set_url_value


def spec(chart: Any, *, dark_theme: bool = False) -> dict:
    """An Altair chart as its Vega-Lite dict, for the dark theme if asked.

    Built once per view and cached by the pages (st.cache_data): without schema validation, which is the chart
    builders' tests' job, so a rerun neither rebuilds nor validates Altair objects.
    """
    from dashboard.charts import for_dark

    shown = for_dark(chart) if dark_theme else chart
    return arrow_datasets(shown.to_dict(validate=False))


def arrow_datasets(spec_dict: dict) -> dict:
    """The spec with its named datasets as Arrow IPC bytes, the form ``st.vega_lite_chart`` sends them in.

    Streamlit converts each dataset of a spec to Arrow on every call (records -> DataFrame -> Arrow), and takes
    bytes as they are. Converted once here, inside the pages' cached spec builders, a rerun sends the cached bytes:
    under load that conversion was the largest single cost of a run. :func:`arrow_bytes` converts as Streamlit does,
    so the browser gets the same bytes. ``_Spec`` turns them back for exports.
    """
    datasets = spec_dict.get("datasets")
    if isinstance(datasets, dict):
        spec_dict["datasets"] = {name: arrow_bytes(values) if isinstance(values, list) and values else values
                                 for name, values in datasets.items()}
    return spec_dict


def arrow_bytes(records: list) -> bytes:
    """Records as Arrow IPC stream bytes, as Streamlit makes them for a chart's dataset: a DataFrame of the records,
    ``pyarrow.Table.from_pandas``, and, for a column Arrow cannot take as it is (mixed types), its values as text."""
    import pandas as pd
    import pyarrow as pa

    frame = pd.DataFrame(records)
    try:
        table = pa.Table.from_pandas(frame)
    except (pa.ArrowTypeError, pa.ArrowInvalid, pa.ArrowNotImplementedError, OverflowError):
        fixed = frame.copy()
        for column in fixed.columns:
            if fixed[column].dtype == object:
                fixed[column] = fixed[column].astype("string")
        table = pa.Table.from_pandas(fixed)
    sink = pa.BufferOutputStream()
    with pa.RecordBatchStreamWriter(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _records(datasets: dict) -> dict:
    """Arrow IPC datasets back to JSON records (for an export of a displayed spec)."""
    import pyarrow as pa

    return {name: pa.ipc.open_stream(values).read_all().to_pylist() if isinstance(values, bytes) else values
            for name, values in datasets.items()}


class _Spec:
    """What :mod:`dashboard.export` needs of a chart (``to_dict()``), for a chart kept as its spec."""

    def __init__(self, spec_dict: dict) -> None:
        self._spec = spec_dict

    def to_dict(self, **_: Any) -> dict:  # the spec is built: nothing to validate
        out = copy.deepcopy(self._spec)
        if isinstance(out.get("datasets"), dict):
            out["datasets"] = _records(out["datasets"])
        return out


def chart_block(shown: dict, summary: str, name: str, *, light: Callable[[], dict] | dict | None = None,
                key: str | None = None, on_select: Callable[[], None] | str | None = None, tables: tuple[str, ...] = (),
                outside: tuple[str, ...] = (), filters: Filters | None = None):
    """The chart (a Vega-Lite spec), its one-line text summary under it, PNG/SVG downloads written on click with the
    chart's title, source line (``tables``, the seeds its data cites, ``outside`` sources) and the data's date baked
    in, and the rows it draws as a table (instead of Streamlit's own "Show data", which ROOM_CSS hides).

    ``light`` gives the light-theme spec for the downloads (a callable, built only on click) when the theme is dark
    and ``shown`` is the dark one. With ``on_select`` (a callback, or "rerun") a click on a mark selects it; returns the selection state.
    """
    if filters is not None:
        filter_summary(filters)
    alt = alt_text(shown, summary)
    if on_select:
        state = st.vega_lite_chart(shown, width="stretch", alt=alt, on_select=on_select, key=key)
    else:
        state = st.vega_lite_chart(shown, width="stretch", alt=alt, key=key)
    st.caption(summary)
    export_spec = light if light is not None and dark() else shown

    def drawn() -> _Spec:
        return _Spec(export_spec() if callable(export_spec) else export_spec)

    date = as_of(tables_now()) if _has_run() else None

    def line() -> str:
        return export.source_line(drawn(), tables, outside)

    with st.container(horizontal=True, key=f"chart-tools-{name}"):
        st.download_button("PNG", data=lambda: export.sourced_png(drawn(), line(), date), file_name=f"{name}.png", mime="image/png",
                           icon=":material/image:", key=f"png-{name}", on_click="ignore",
                           help="The chart as a PNG image, with its title, source line and the data's date")
        st.download_button("SVG", data=lambda: export.sourced_svg(drawn(), line(), date), file_name=f"{name}.svg", mime="image/svg+xml",
                           icon=":material/draw:", key=f"svg-{name}", on_click="ignore",
                           help="The chart as an SVG drawing, with its title, source line and the data's date")
        with st.popover("Data behind the chart", icon=":material/table:", key=f"chart-data-{name}"):
            chart_data(shown, name)
    return state


def alt_text(spec_dict: dict, summary: str) -> str:
    """A chart's alternative text as sentences: what kind of chart, its title, then its one-line summary
    ("Timeline chart of points and interval bars: Stance over time. 61 scored events …")."""
    kind = chart_type(spec_dict) or "Chart"  # marks and projection only: the datasets' form does not matter
    title = spec_dict.get("title")
    text = title.get("text") if isinstance(title, dict) else title
    text = " ".join(text) if isinstance(text, list) else str(text or "")
    head = f"{kind}: {plain(text).rstrip('.')}." if text else f"{kind}."
    return f"{head} {plain(summary)}".strip()


def tables_now() -> Tables:
    return tables()


def _has_run() -> bool:
    """True inside a Streamlit app (``streamlit run`` or AppTest), False in a bare script."""
    return st.runtime.exists()


def chart_data(spec_dict: dict, name: str) -> None:
    """The rows a chart draws, in readable dates (:func:`dashboard.charts.tables.chart_table`, as the briefing reads it), with CSV downloads."""
    rows = chart_table(_Spec(spec_dict).to_dict())  # the datasets back from Arrow bytes to records
    if rows.empty:
        st.caption("This chart draws no rows.")
        return
    st.dataframe(rows, hide_index=True, width="stretch", height=min(400, 38 + 35 * len(rows)))
    download_csv(rows, f"{name}-data.csv", tables_now(), title=f"The data behind the chart {name}", key=f"chart-csv-{name}")


def selection_values(state, param: str, field: str) -> list[str]:
    """The values of ``field`` in a chart's point selection ``param`` (empty when nothing is selected)."""
    if not state:
        return []
    try:
        chosen = state["selection"][param]
    except (KeyError, TypeError):
        return []
    if isinstance(chosen, dict):
        value = chosen.get(field)
        return [str(v) for v in value] if isinstance(value, list) else [str(value)] if value is not None else []
    if isinstance(chosen, list):
        return [str(item[field]) for item in chosen if isinstance(item, dict) and item.get(field) is not None]
    return []


def select_into_url(chart_key: str, param: str, field: str, url_name: str) -> Callable[[], None]:
    """An on_select callback: the clicked mark's ``field`` (of selection ``param``) into the URL as ``url_name``."""
    def picked() -> None:
        values = selection_values(st.session_state.get(chart_key), param, field)
        set_url_value(url_name, values[0] if values else None)
    return picked
