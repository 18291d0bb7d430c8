"""Indicators: defence budget, oil routes, sanctions stance and public sentiment, each figure with its quote."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import facts, ui
from dashboard import marks as M
from dashboard.data import Tables
from dashboard.filters import Filters, apply
from dashboard.sections import defence as defence_section, oil as oil_section, sanctions as sanctions_section, sentiment as sentiment_section
from dashboard.sections.base import Section

PAGE = "indicators"
FILTERS = ("dates", "sources")
#: the ``view`` parameter: the indicator shown (the segmented control is bound to it)
VIEWS = {
    "defence": "Defence budget",
    "oil": "Oil routes",
    "sanctions": "Sanctions stance",
    "sentiment": "Public sentiment",
}
#: the position selected on the sanctions chart is the URL's ``row``
ROW = "row"
SANCTIONS_CHART = f"{PAGE}.sanctions.chart"
DATED = ("oil_routes", "sanctions_stance", "public_sentiment")
DATE_COLUMNS = ["when", "date_from", "date_to", "date_source", "date_note"]


def with_when(frame: pd.DataFrame) -> pd.DataFrame:
    """The table with ``when``: each row's interval as a label ('6 Mar 2022', 'March 2022', '24 Feb – 8 May 2022')."""
    if "date_from" not in frame.columns:
        return frame
    return frame.assign(when=[M.date_label(a, b) for a, b in zip(frame["date_from"], frame["date_to"])])


# --------------------------------------------------------------------------
# what the views derive from the tables: once per version of the data, view and filters


@st.cache_data(max_entries=4, show_spinner=False)
def filter_options(version: str, _loaded: Tables) -> ui.FilterOptions:
    dated = [f for n, f in _loaded.frames.items() if n in DATED and "date_from" in f.columns]
    frame = pd.concat([f[["date_from", "date_to", "source_id"]] for f in dated]) if dated else pd.DataFrame({"date_from": [], "date_to": []})
    return ui.filter_options(frame, _loaded.frames.get("sources"))


#: each view's sections (dashboard/sections), in page order: the brief lays out the same ones as slides
SECTIONS = {
    "defence": (defence_section.build,),
    "oil": (oil_section.build_shares, oil_section.build_disruptions, oil_section.build_stakes),
    "sanctions": (sanctions_section.build,),
    "sentiment": (sentiment_section.build,),
}


def sections_of(frames: dict[str, pd.DataFrame], view: str, filters: Filters) -> list[Section]:
    """The view's sections under the filters."""
    return [build(frames, filters) for build in SECTIONS.get(view, ())]


@st.cache_data(max_entries=64, show_spinner=False)
def view_sections(version: str, view: str, filters: Filters, dark: bool, _loaded: Tables) -> list[tuple[Section, dict | None]]:
    """The view's sections, each with its chart as a Vega-Lite spec (built and converted once; None when the section
    has nothing to draw)."""
    out = []
    for section in sections_of(_loaded.frames, view, filters):
        chart = section.charts[0] if section.charts else None
        shown = ui.spec(chart.spec, dark_theme=dark) if chart is not None and chart.spec is not None and not section.empty else None
        out.append((section, shown))
    return out


def light_spec(frames: dict[str, pd.DataFrame], view: str, filters: Filters, name: str) -> dict:
    """A chart's light-theme spec, for its download (built on click)."""
    return next(ui.spec(c.spec) for s in sections_of(frames, view, filters) for c in s.charts if c.name == name and c.spec is not None)


@st.cache_data(max_entries=4, show_spinner=False)
def conflicts(version: str, _loaded: Tables) -> list[dict]:
    return facts.conflicts(_loaded.frames)


# --------------------------------------------------------------------------
# the page


def missing(loaded: Tables, name: str) -> bool:
    if name not in loaded.frames:
        why = "did not pass validation (see the error panel above)" if name in loaded.problems else "is not in this data package"
        st.info(f"The {name} table {why}, so this view has nothing to show.")
        return True
    return False


def conflicts_side_by_side(loaded: Tables, frame: pd.DataFrame) -> None:
    """Each conflict the table takes part in, with its rows in columns."""
    if "conflict_key" not in frame.columns:
        return
    keys = set(frame["conflict_key"].dropna())
    for conflict in conflicts(ui.version(loaded), loaded):
        if conflict["key"] in keys:
            ui.conflict_block(conflict, loaded.frames.get("sources"), key=f"{PAGE}.conflict")


def section_table(loaded: Tables, frame: pd.DataFrame, name: str, columns: list[str], filters: Filters) -> None:
    shown = frame[[c for c in columns if c in frame.columns]]
    if shown.empty:
        st.info("No rows match the filters.")
        return
    ui.table(shown, loaded, name, key=f"{PAGE}.{name}.table")
    ui.download_csv(shown, f"{name}-filtered.csv", loaded, title=f"{loaded.title(name)} (filtered view)", filters=filters,
                    key=f"{PAGE}.{name}.csv")


def chart_tables(name: str) -> tuple[str, ...]:
    """The table a chart's rows come from (for its source line)."""
    return ({"defence": ("defense_budget",), "oil": ("oil_routes",), "sanctions": ("sanctions_stance",),
             "public": ("public_sentiment",)}).get(name.split("-")[0], ())


def draw_charts(loaded: Tables, view: str, filters: Filters, **selectable) -> None:
    """Each section of the view: its chart with its summary, then its caveats and source line (or its message when
    nothing matches). The texts are the section's: the slide shows the same."""
    version, dark = ui.version(loaded), ui.dark()
    frames = loaded.frames
    said: set[tuple[str, str]] = set()
    for section, shown in view_sections(version, view, filters, dark, _loaded=loaded):
        if shown is None:
            if (section.empty, section.source_line) not in said:  # the oil view's three sections may say the same
                said.add((section.empty, section.source_line))
                st.info(ui.md(section.empty))
                st.caption(ui.md(section.source_line))
            continue
        chart = section.charts[0]
        name = chart.name
        light = (lambda name=name: light_spec(frames, view, filters, name)) if dark else None
        ui.chart_block(shown, section.summary, name, light=light, tables=chart_tables(name),
                       filters=defence_section.scope_filters(filters) if name.startswith("defence") else filters,
                       **(selectable if name == "sanctions-stance" else {}))
        for caveat in section.caveats:
            st.caption(ui.md(caveat))
        st.caption(ui.md(section.source_line))


def clear_row() -> None:
    """A different indicator: the selected position belongs to the sanctions view only."""
    ui.set_url_value(ROW, None)


@st.fragment
def indicators(options: ui.FilterOptions, titles: dict[str, str]) -> None:
    """The indicator picker, the filters and the view: a change reruns only this."""
    loaded = ui.tables()
    sources = loaded.frames.get("sources")
    left, right = st.columns([2.5, 3], vertical_alignment="bottom")  # one row: the indicator, then its filters
    view = left.segmented_control("Indicator", list(VIEWS), key="view", bind=ui.BIND, default="defence", required=True,
                                  on_change=clear_row, help=" · ".join(f"{k}: {v}" for k, v in VIEWS.items())) or "defence"
    with right:
        filters = ui.filter_controls(options, FILTERS, titles)

    def listed(name: str) -> pd.DataFrame:
        """The table's rows under the filters, undated rows kept (the date range applies to dated rows only)."""
        return apply(loaded.frames[name], filters, keep_undated=True)

    with ui.section(f"The {VIEWS[view]} view"):
        if view == "defence" and not missing(loaded, "defense_budget"):
            section = view_sections(ui.version(loaded), view, filters, ui.dark(), _loaded=loaded)[0][0]
            budget = section.extra.get("rows", loaded.frames["defense_budget"].iloc[0:0])
            st.header("Defence budget")
            draw_charts(loaded, view, filters)  # the chart first (above the fold), then its figures and caveat
            cols = st.columns(4)
            for col, figure in zip(cols, section.figures):
                col.metric(figure.label, figure.value, help=ui._md(figure.detail))
            scope = section.extra.get("scope") or {}
            if scope.get("security_wide"):
                st.warning(f"{ui.md(scope['reporter']) or 'The seed'} reports the addition as defence spending, but it is not all defence: "
                           f"{ui._md(scope['scope_note'])}. The ratio to the previous defence budget mixes the two scopes.",
                           icon=":material/rule:")
            section_table(loaded, budget, "defense_budget", ["id", "item", "amount", "unit", "budget_year", "base_year", "as_stated", "reported_by", "source_id", "quote", "note"], filters)

        elif view == "oil" and not missing(loaded, "oil_routes"):
            oil = listed("oil_routes")
            st.header("Oil routes")
            draw_charts(loaded, view, filters)
            conflicts_side_by_side(loaded, oil)  # after the chart: the chart first, above the fold
            section_table(loaded, with_when(oil), "oil_routes", ["id", "route", "kind", "asset", "company", "value", "unit", "as_stated", "label", *DATE_COLUMNS, "source_id", "quote", "conflict_key", "correction", "note"], filters)

        elif view == "sanctions" and not missing(loaded, "sanctions_stance"):
            sanctions = listed("sanctions_stance")
            st.header("Sanctions stance")
            draw_charts(loaded, view, filters, key=SANCTIONS_CHART, on_select=ui.select_into_url(SANCTIONS_CHART, "row", "id", ROW))
            if not sanctions.empty:
                selected_row = ui.url_value(ROW)
                if selected_row and selected_row in set(sanctions["id"]):
                    # the mark is one act: every row that tells it (rows sharing its event_key), each with its quote
                    picked = sanctions[sanctions["id"] == selected_row].iloc[0]
                    key = picked.get("event_key")
                    same = sanctions[sanctions["event_key"] == key] if isinstance(key, str) and key else sanctions[sanctions["id"] == selected_row]
                    for i, record in enumerate(same.to_dict("records")):
                        with st.container(border=True):
                            st.markdown(f"**{M.date_label(record['date_from'], record['date_to'])}** · {ui._md(record['actor_detail'])} · "
                                        f"{record['issue']}: {ui._md(record['position'])}")
                            ui.quote_card(record, sources, key=f"{PAGE}.sanctions.quote.{i}")
            conflicts_side_by_side(loaded, sanctions)  # after the chart: the chart first, above the fold
            section_table(loaded, with_when(sanctions), "sanctions_stance", ["id", "event_key", *DATE_COLUMNS, "actor", "actor_detail", "issue", "position", "label", "act", "stance", "source_id", "quote", "correction"], filters)

        elif view == "sentiment" and not missing(loaded, "public_sentiment"):
            sentiment = listed("public_sentiment")
            st.header("Public sentiment")
            draw_charts(loaded, view, filters)
            if not sentiment.empty:
                conflicts_side_by_side(loaded, sentiment)  # after the chart: the chart first, above the fold
                figures = with_when(sentiment.assign(figure=[M.figure_text(r) for r in sentiment.to_dict("records")]))
                section_table(loaded, figures, "public_sentiment", ["id", *DATE_COLUMNS, "indicator", "leaning", "by", "event_key", "figure", "unit", "as_stated", "place", "summary", "source_id", "quote", "conflict_key", "correction"], filters)

    ui.share_link()


def main() -> None:
    """Draw the page."""
    ui.page_intro(
        "Indicators",
        "The thematic tables, figure by figure, with the seed and verbatim quote behind each. Conflicting figures are "
        "read by their kind (only a real disagreement is called one) and shown side by side, never averaged. In the "
        "sentiment table, `by` says who acts: the public (a sign of mood) or the state (an action, not a sign). Undated rows are always listed in the tables; "
        "the date range filters dated rows.",
    )

    loaded = ui.tables()
    ui.problem_panel(loaded)
    titles = ui.source_titles(loaded)
    options = filter_options(ui.version(loaded), loaded)
    ui.redirect(ui.filter_redirects(options, FILTERS, titles))
    indicators(options, titles)
