"""Indicators: defence budget, oil routes, sanctions stance and public sentiment, each figure with its quote."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, facts, ui
from dashboard.filters import DEFAULT, Filters, apply

PAGE = "indicators"
FILTERS = ("dates", "sources")
VIEWS = {
    "defence": "Defence budget",
    "oil": "Oil routes",
    "sanctions": "Sanctions stance",
    "sentiment": "Public sentiment",
}

ui.page_intro(
    "Indicators",
    "The thematic tables, figure by figure, with the seed and verbatim quote behind each. Where seeds disagree, "
    "both figures are shown side by side, never averaged. Undated rows are always listed in the tables; "
    "the date range filters dated rows.",
)

loaded = ui.tables()
ui.problem_panel(loaded)
sources = loaded.frames.get("sources")
titles = dict(zip(sources["source_id"], sources["title"])) if sources is not None else {}
dated = [f for n, f in loaded.frames.items() if n in ("oil_routes", "sanctions_stance", "public_sentiment") and "date_from" in f.columns]
options = ui.filter_options(pd.concat([f[["date_from", "date_to", "source_id"]] for f in dated]) if dated
                            else pd.DataFrame({"date_from": [], "date_to": []}), sources)


def with_when(frame: pd.DataFrame) -> pd.DataFrame:
    """The table with ``when``: each row's interval as a label ('6 Mar 2022', 'March 2022', '24 Feb – 8 May 2022')."""
    if "date_from" not in frame.columns:
        return frame
    return frame.assign(when=[charts.date_label(a, b) for a, b in zip(frame["date_from"], frame["date_to"])])


DATE_COLUMNS = ["when", "date_from", "date_to", "date_source", "date_note"]

params = ui.url_params()
if ui.url_changed(PAGE, [*ui.filter_keys(PAGE, FILTERS), f"{PAGE}.view"]):
    ui.set_filter_state(PAGE, Filters.from_query_params(params, DEFAULT), options)
    view = (params.get("view") or ["defence"])[-1]
    st.session_state[f"{PAGE}.view"] = view if view in VIEWS else "defence"
    st.session_state[f"{PAGE}.row"] = (params.get("row") or [None])[-1]

view = st.segmented_control("Indicator", list(VIEWS), format_func=VIEWS.get, key=f"{PAGE}.view", required=True) or "defence"
filters = ui.filter_controls(PAGE, options, FILTERS, titles)
selected_row = st.session_state.get(f"{PAGE}.row")


def listed(frame: pd.DataFrame) -> pd.DataFrame:
    """The table's rows under the filters, undated rows kept (the date range applies to dated rows only)."""
    return apply(frame, filters, keep_undated=True)


def missing(name: str) -> bool:
    if name not in loaded.frames:
        why = "did not pass validation (see the error panel above)" if name in loaded.problems else "is not in this data package"
        st.info(f"The {name} table {why}, so this view has nothing to show.")
        return True
    return False


def conflicts_side_by_side(frame: pd.DataFrame) -> None:
    """Each conflict the table takes part in, with its rows in columns."""
    if "conflict_key" not in frame.columns:
        return
    for conflict in facts.conflicts(loaded.frames):
        if conflict["key"] in set(frame["conflict_key"].dropna()):
            ui.conflict_block(conflict, sources, key=f"{PAGE}.conflict")


def section_table(frame: pd.DataFrame, name: str, columns: list[str]) -> None:
    shown = frame[[c for c in columns if c in frame.columns]]
    if shown.empty:
        st.info("No rows match the filters.")
        return
    ui.table(shown, loaded, name, key=f"{PAGE}.{name}.table")
    ui.download_csv(shown, f"{name}-filtered.csv", loaded, title=f"{loaded.title(name)} (filtered view)", filters=filters,
                    key=f"{PAGE}.{name}.csv")


share = {**filters.to_query_params(DEFAULT), "view": view}

with ui.section(f"The {VIEWS[view]} view"):
    if view == "defence" and not missing("defense_budget"):
        budget = apply(loaded.frames["defense_budget"], Filters(sources=filters.sources))
        st.header("Defence budget")
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
            st.warning(f"{scope['reporter'] or 'The seed'} reports the addition as defence spending, but it is not all defence: "
                       f"{ui._md(scope['scope_note'])}. The ratio to the previous defence budget mixes the two scopes.",
                       icon=":material/rule:")
        if budget.empty:
            st.info("No defence figures match the filters.")
        else:
            ui.chart_block(charts.defence_chart(budget), charts.defence_summary(budget), "defence-budget")
        section_table(budget, "defense_budget", ["id", "item", "amount", "unit", "budget_year", "base_year", "as_stated", "reported_by", "source_id", "quote", "note"])

    elif view == "oil" and not missing("oil_routes"):
        oil = listed(loaded.frames["oil_routes"])
        st.header("Oil routes")
        conflicts_side_by_side(oil)
        if oil.empty:
            st.info("No oil route rows match the filters.")
        else:
            ui.chart_block(charts.oil_share_chart(oil), charts.oil_share_summary(oil), "oil-export-share")
            if charts.oil_timeline_frame(oil).empty:
                st.info("No dated disruption or alternative route matches the filters.")
            else:
                ui.chart_block(charts.oil_timeline_chart(oil), charts.oil_timeline_summary(oil), "oil-route-timeline")
            ui.chart_block(charts.stakes_chart(oil), charts.stakes_summary(oil), "oil-stakes")
        section_table(with_when(oil), "oil_routes", ["id", "route", "kind", "asset", "company", "value", "unit", "as_stated", *DATE_COLUMNS, "source_id", "quote", "conflict_key", "correction", "note"])

    elif view == "sanctions" and not missing("sanctions_stance"):
        sanctions = listed(loaded.frames["sanctions_stance"])
        st.header("Sanctions stance")
        conflicts_side_by_side(sanctions)
        if sanctions.empty:
            st.info("No stated positions match the filters.")
        else:
            dated_rows = apply(sanctions, filters)
            key = f"{PAGE}.sanctions.chart"
            clicked = ui.chart_pick(key, "row", "id")
            if clicked is not False:
                selected_row = st.session_state[f"{PAGE}.row"] = clicked
            if charts.sanctions_frame(dated_rows).empty:
                st.info("No dated position matches the filters; the undated ones are in the table.")
            else:
                ui.chart_block(charts.sanctions_chart(dated_rows, filters), charts.sanctions_summary(sanctions, filters), "sanctions-stance",
                               key=key, selectable=True)
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
                share["row"] = selected_row
        section_table(with_when(sanctions), "sanctions_stance", ["id", "event_key", *DATE_COLUMNS, "actor", "actor_detail", "issue", "position", "act", "stance", "source_id", "quote", "correction"])

    elif view == "sentiment" and not missing("public_sentiment"):
        sentiment = listed(loaded.frames["public_sentiment"])
        st.header("Public sentiment")
        conflicts_side_by_side(sentiment)
        if sentiment.empty:
            st.info("No signs of public mood match the filters.")
        else:
            if charts.sentiment_frame(apply(sentiment, filters)).empty:
                st.info("No dated sign matches the filters; the undated ones are in the table.")
            else:
                ui.chart_block(charts.sentiment_chart(apply(sentiment, filters), filters), charts.sentiment_summary(sentiment, filters), "public-sentiment")
            figures = with_when(sentiment.assign(figure=[charts.figure_text(r) for r in sentiment.to_dict("records")]))
            section_table(figures, "public_sentiment", ["id", *DATE_COLUMNS, "indicator", "leaning", "figure", "unit", "as_stated", "place", "summary", "source_id", "quote", "conflict_key", "correction"])

ui.share_link(share)
ui.write_url(PAGE, share)
