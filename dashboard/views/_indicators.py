"""Indicators: defence budget, oil routes, sanctions stance and public sentiment, each figure with its quote."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, facts, ui
from dashboard.data import Tables
from dashboard.filters import Filters, apply

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
    return frame.assign(when=[charts.date_label(a, b) for a, b in zip(frame["date_from"], frame["date_to"])])


# --------------------------------------------------------------------------
# what the views derive from the tables: once per version of the data, view and filters


@st.cache_data(max_entries=4, show_spinner=False)
def filter_options(version: str, _loaded: Tables) -> ui.FilterOptions:
    dated = [f for n, f in _loaded.frames.items() if n in DATED and "date_from" in f.columns]
    frame = pd.concat([f[["date_from", "date_to", "source_id"]] for f in dated]) if dated else pd.DataFrame({"date_from": [], "date_to": []})
    return ui.filter_options(frame, _loaded.frames.get("sources"))


def _charts(frames: dict[str, pd.DataFrame], view: str, filters: Filters) -> list[tuple[str, object | None, str]]:
    """(file name, Altair chart or None with the message to show instead, summary) for each chart of a view."""
    def listed(name: str) -> pd.DataFrame:
        return apply(frames[name], filters, keep_undated=True)

    if view == "defence":
        budget = apply(frames["defense_budget"], Filters(sources=filters.sources))
        if budget.empty:
            return [("defence-budget", None, "No defence figures match the filters.")]
        return [("defence-budget", charts.defence_chart(budget), charts.defence_summary(budget))]
    if view == "oil":
        oil = listed("oil_routes")
        if oil.empty:
            return []
        out = [("oil-export-share", charts.oil_share_chart(oil), charts.oil_share_summary(oil))]
        if charts.oil_timeline_frame(oil).empty:
            out.append(("oil-route-timeline", None, "No dated disruption or alternative route matches the filters."))
        else:
            out.append(("oil-route-timeline", charts.oil_timeline_chart(oil), charts.oil_timeline_summary(oil)))
        return out + [("oil-stakes", charts.stakes_chart(oil), charts.stakes_summary(oil))]
    if view == "sanctions":
        sanctions = listed("sanctions_stance")
        dated = apply(sanctions, filters)
        if sanctions.empty:
            return []
        if charts.sanctions_frame(dated).empty:
            return [("sanctions-stance", None, "No dated position matches the filters; the undated ones are in the table.")]
        return [("sanctions-stance", charts.sanctions_chart(dated, filters), charts.sanctions_summary(sanctions, filters))]
    if view == "sentiment":
        sentiment = listed("public_sentiment")
        if sentiment.empty:
            return []
        dated = apply(sentiment, filters)
        if charts.sentiment_frame(dated).empty:
            return [("public-sentiment", None, "No dated sign matches the filters; the undated ones are in the table.")]
        return [("public-sentiment", charts.sentiment_chart(dated, filters), charts.sentiment_summary(sentiment, filters))]
    return []


@st.cache_data(max_entries=64, show_spinner=False)
def chart_specs(version: str, view: str, filters: Filters, dark: bool, _loaded: Tables) -> list[tuple[str, dict | None, str]]:
    """The view's charts as Vega-Lite specs (built and converted once), with their summaries."""
    return [(name, ui.spec(chart, dark_theme=dark) if chart is not None else None, text)
            for name, chart, text in _charts(_loaded.frames, view, filters)]


def light_spec(frames: dict[str, pd.DataFrame], view: str, filters: Filters, name: str) -> dict:
    """A chart's light-theme spec, for its download (built on click)."""
    return next(ui.spec(chart) for n, chart, _ in _charts(frames, view, filters) if n == name and chart is not None)


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
    version, dark = ui.version(loaded), ui.dark()
    frames = loaded.frames
    for name, shown, text in chart_specs(version, view, filters, dark, _loaded=loaded):
        if shown is None:
            st.info(text)
            continue
        light = (lambda name=name: light_spec(frames, view, filters, name)) if dark else None
        ui.chart_block(shown, text, name, light=light, tables=chart_tables(name),
                       filters=Filters(sources=filters.sources) if name.startswith("defence") else filters, **(selectable if name == "sanctions-stance" else {}))


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
            budget = apply(loaded.frames["defense_budget"], Filters(sources=filters.sources))
            st.header("Defence budget")
            draw_charts(loaded, view, filters)  # the chart first (above the fold), then its figures and caveat
            figures = charts.defence_figures(budget)
            cols = st.columns(4)
            if figures["add_kzt"] is not None:
                cols[0].metric("Addition, tenge", figures["add_kzt"]["as_stated"], help=f"“{ui._md(figures['add_kzt']['quote'])}” ({figures['add_kzt']['source_id']})")
            if figures["add_usd"] is not None:
                cols[1].metric("Addition, dollars", figures["add_usd"]["as_stated"], help=f"“{ui._md(figures['add_usd']['quote'])}” ({figures['add_usd']['source_id']})")
            if figures["rate"]:
                cols[2].metric("Implied exchange rate", f"{figures['rate']:.1f} ₸/$",
                               help="441 billion tenge ÷ 918 million dollars: the rate the source's own two figures imply.")
            if figures["stated_ratio"] is not None:
                computed = f" · {figures['computed_ratio']:.2f}× computed" if figures["computed_ratio"] else ""
                cols[3].metric("Increase", f"{figures['stated_ratio']['as_stated']}", help=f"As stated{computed} from the previous budget of "
                               f"{figures['previous_usd']['as_stated'] if figures['previous_usd'] is not None else '?'} plus the addition.")
            scope = charts.defence_scope(budget)
            if scope["security_wide"]:
                st.warning(f"{ui.md(scope['reporter']) or 'The seed'} reports the addition as defence spending, but it is not all defence: "
                           f"{ui._md(scope['scope_note'])}. The ratio to the previous defence budget mixes the two scopes.",
                           icon=":material/rule:")
            section_table(loaded, budget, "defense_budget", ["id", "item", "amount", "unit", "budget_year", "base_year", "as_stated", "reported_by", "source_id", "quote", "note"], filters)

        elif view == "oil" and not missing(loaded, "oil_routes"):
            oil = listed("oil_routes")
            st.header("Oil routes")
            if oil.empty:
                st.info("No oil route rows match the filters.")
            else:
                draw_charts(loaded, view, filters)
            conflicts_side_by_side(loaded, oil)  # after the chart: the chart first, above the fold
            section_table(loaded, with_when(oil), "oil_routes", ["id", "route", "kind", "asset", "company", "value", "unit", "as_stated", *DATE_COLUMNS, "source_id", "quote", "conflict_key", "correction", "note"], filters)

        elif view == "sanctions" and not missing(loaded, "sanctions_stance"):
            sanctions = listed("sanctions_stance")
            st.header("Sanctions stance")
            if sanctions.empty:
                st.info("No stated positions match the filters.")
            else:
                draw_charts(loaded, view, filters, key=SANCTIONS_CHART, on_select=ui.select_into_url(SANCTIONS_CHART, "row", "id", ROW))
                selected_row = ui.url_value(ROW)
                if selected_row and selected_row in set(sanctions["id"]):
                    # the mark is one act: every row that tells it (rows sharing its event_key), each with its quote
                    picked = sanctions[sanctions["id"] == selected_row].iloc[0]
                    key = picked.get("event_key")
                    same = sanctions[sanctions["event_key"] == key] if isinstance(key, str) and key else sanctions[sanctions["id"] == selected_row]
                    for i, record in enumerate(same.to_dict("records")):
                        with st.container(border=True):
                            st.markdown(f"**{charts.date_label(record['date_from'], record['date_to'])}** · {ui._md(record['actor_detail'])} · "
                                        f"{record['issue']}: {ui._md(record['position'])}")
                            ui.quote_card(record, sources, key=f"{PAGE}.sanctions.quote.{i}")
            conflicts_side_by_side(loaded, sanctions)  # after the chart: the chart first, above the fold
            section_table(loaded, with_when(sanctions), "sanctions_stance", ["id", "event_key", *DATE_COLUMNS, "actor", "actor_detail", "issue", "position", "act", "stance", "source_id", "quote", "correction"], filters)

        elif view == "sentiment" and not missing(loaded, "public_sentiment"):
            sentiment = listed("public_sentiment")
            st.header("Public sentiment")
            if sentiment.empty:
                st.info("No signs of public mood match the filters.")
            else:
                draw_charts(loaded, view, filters)
                conflicts_side_by_side(loaded, sentiment)  # after the chart: the chart first, above the fold
                figures = with_when(sentiment.assign(figure=[charts.figure_text(r) for r in sentiment.to_dict("records")]))
                section_table(loaded, figures, "public_sentiment", ["id", *DATE_COLUMNS, "indicator", "leaning", "figure", "unit", "as_stated", "place", "summary", "source_id", "quote", "conflict_key", "correction"], filters)

    ui.share_link()


def main() -> None:
    """Draw the page."""
    ui.page_intro(
        "Indicators",
        "The thematic tables, figure by figure, with the seed and verbatim quote behind each. Where seeds disagree, "
        "both figures are shown side by side, never averaged. Undated rows are always listed in the tables; "
        "the date range filters dated rows.",
    )

    loaded = ui.tables()
    ui.problem_panel(loaded)
    titles = ui.source_titles(loaded)
    options = filter_options(ui.version(loaded), loaded)
    ui.redirect(ui.filter_redirects(options, FILTERS, titles))
    indicators(options, titles)
