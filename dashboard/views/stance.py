"""Stance over time: every scored event on a time axis, a rolling index per actor, and the quote behind any mark."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, ui
from dashboard import marks as M
from dashboard.data import Tables
from dashboard.filters import Filters, apply, interval_bounds
from dashboard.sections import index as index_section, stance as stance_section
from dashboard.sections.base import Section

#: tables whose rows may tell the same act as an events row (they share its event_key)
LINKED_TABLES = ("sanctions_stance", "security_cooperation")
#: bin resolution -> pandas period frequency, as charts bins marks
BIN_FREQ = dict(M.BINS)

PAGE = "stance"
FILTERS = ("dates", "actors", "domains", "cred", "sources")
#: the selected event is the URL's ``event``: a chart click or the picker writes it
EVENT = "event"
CHART = f"{PAGE}.chart"
PICKER = f"{PAGE}.event"
ROWS = f"{PAGE}.rows"
#: the stance index's expander (its chart is built only while it is open)
INDEX = f"{PAGE}.index"
INDEX_LABEL = "The stance index: each actor's rolling mean stance"


def rows_of(picked: str, rows: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Every row behind a selection: all rows sharing the event's event_key, or the rows in a bin."""
    if picked.startswith(("bin:", "ctx:")):  # a bin of scored acts (per actor and domain), or of context markers
        if picked.startswith("bin:"):
            _, resolution, actor, domain, start = picked.split(":", 4)
            shown = rows[(rows["actor"] == actor) & (rows["domain"] == domain) & ~M.is_context(rows)]
        else:
            _, resolution, start = picked.split(":", 2)
            shown = rows[M.is_context(rows)]
        first = interval_bounds(shown)[0]
        try:
            in_bin = first.dt.to_period(BIN_FREQ.get(resolution, "M")).dt.start_time == pd.Timestamp(start)
        except ValueError:  # a hand-edited link: no such bin
            return shown.iloc[0:0]
        return shown[in_bin.fillna(False).to_numpy(dtype=bool)].head(50)
    row = rows[rows["id"] == picked]
    key = row["event_key"].iloc[0] if len(row) else None
    return events[events["event_key"] == key] if isinstance(key, str) else events[events["id"] == picked]


def linked_rows(frames: dict[str, pd.DataFrame], shown: pd.DataFrame) -> list[tuple[str, dict]]:
    """Rows of the other tables that tell the same act (share an event_key with the shown rows), as (table, row)."""
    keys = set(shown["event_key"].dropna()) if "event_key" in shown.columns else set()
    out = []
    for name in LINKED_TABLES:
        frame = frames.get(name)
        if keys and frame is not None and "event_key" in frame.columns:
            out += [(name, row) for row in frame[frame["event_key"].isin(keys)].to_dict("records")]
    return out


def show_rows(shown: pd.DataFrame, sources: pd.DataFrame | None, frames: dict[str, pd.DataFrame] | None = None) -> None:
    for i, record in enumerate(shown.to_dict("records")):
        with st.container(border=True):
            scored = not M.is_context(pd.DataFrame([record])).iloc[0]
            stance = M.STANCE_TEXT.get(int(record["stance"]), "") if scored else "context (unscored)"
            who = record.get("actor_detail") if isinstance(record.get("actor_detail"), str) else record["actor"]
            act = f" · act `{record['act']}`" if isinstance(record.get("act"), str) and record["act"].isidentifier() else ""
            st.markdown(
                f"**{M.date_label(record.get('date_from'), record.get('date_to'))}** · {ui._md(who)} · {record['domain']} · "
                f"stance {stance}{act} · credibility {record['credibility']}"
            )
            label = record.get("label") if isinstance(record.get("label"), str) and record["label"].strip() else None
            st.markdown(ui._md(label or record["summary"] or ""))
            if isinstance(record.get("correction"), str) and record["correction"].strip():
                st.caption("Corrected: drawn at the record's date and worded from it; the seed's words stay in the quote. "
                           + ui.md(record["correction"]))
            if isinstance(record.get("answers"), str) and record["answers"].strip():
                st.caption(f"Answers {ui.md(record['answers'])}: read with it as one episode, shown on its mark, not scored.")
            ui.quote_card(record, sources, key=f"{PAGE}.quote.{i}")
    linked = linked_rows(frames or {}, shown)
    if linked:
        st.caption("The same act in the thematic tables (one act, one mark: these rows are not counted again):")
        for i, (table, record) in enumerate(linked):
            with st.container(border=True):
                what = record.get("position") or record.get("summary") or ""
                st.markdown(f"**{M.date_label(record.get('date_from'), record.get('date_to'))}** · `{table}` · {ui._md(what)}")
                ui.quote_card(record, sources, key=f"{PAGE}.linked.{i}")


# --------------------------------------------------------------------------
# what the page derives from the tables: once per version of the data and filters


@st.cache_resource(max_entries=4, show_spinner=False)
def prepared(version: str, _loaded: Tables) -> pd.DataFrame:
    """The events as the charts take them (read-only, shared like the tables)."""
    return M.prepare_events(_loaded.frames["events"])


@st.cache_data(max_entries=4, show_spinner=False)
def filter_options(version: str, _loaded: Tables) -> ui.FilterOptions:
    return ui.filter_options(prepared(version, _loaded), _loaded.frames.get("sources"))


@st.cache_data(max_entries=64, show_spinner=False)
def view(version: str, filters: Filters, _loaded: Tables) -> dict:
    """The stance section for these filters, with the marks and the picker's choices."""
    events = prepared(version, _loaded)
    stance = stance_section.build(_loaded.frames, filters, prepared=events)
    return {
        "n_rows": stance.extra["n_rows"],
        "stance": stance,
        "marks": stance.extra["marks"],
        "choices": dict(stance.extra["choices"]),
        "summary": stance.summary,
    }


@st.cache_data(max_entries=64, show_spinner=False)
def index_view(version: str, filters: Filters, _loaded: Tables) -> dict:
    """The index section for these filters, with its left-out acts: built only when the index is shown."""
    index = index_section.build(_loaded.frames, filters, prepared=prepared(version, _loaded))
    return {"index": index, "index_summary": index.summary or index.empty, "left_out": list(index.extra["left_out"])}


def stance_chart(version: str, filters: Filters, selected: str | None, _loaded: Tables) -> charts.Spec:
    """The stance section's chart with the ``selected`` mark outlined."""
    return stance_section.build(_loaded.frames, filters, selected=selected, prepared=prepared(version, _loaded)).charts[0].spec


@st.cache_data(max_entries=64, show_spinner=False)
def stance_spec(version: str, filters: Filters, selected: str | None, dark: bool, _loaded: Tables) -> dict:
    return ui.spec(stance_chart(version, filters, selected, _loaded), dark_theme=dark)


@st.cache_data(max_entries=32, show_spinner=False)
def index_spec(version: str, filters: Filters, dark: bool, _loaded: Tables) -> dict:
    drawn = index_view(version, filters, _loaded)["index"].charts
    # with too few scored acts, the section has no chart: the page draws the builder's empty chart, as before
    return ui.spec(drawn[0].spec if drawn else charts.index_chart(prepared(version, _loaded), filters), dark_theme=dark)


def captions(section: Section) -> None:
    """A section's caveats and source line, as text."""
    for line in (*section.caveats, section.source_line):
        if line:
            st.caption(ui.md(line))


# --------------------------------------------------------------------------
# the page


def pick_event() -> None:
    """The picker's choice into the URL."""
    ui.set_url_value(EVENT, st.session_state.get(PICKER))


@st.fragment
def explore(options: ui.FilterOptions, titles: dict[str, str]) -> None:
    """Filters, chart, selected event and index: a filter change or a click reruns only this."""
    loaded = ui.tables()
    version, dark = ui.version(loaded), ui.dark()
    sources = loaded.frames.get("sources")
    filters = ui.filter_controls(options, FILTERS, titles)
    shown = view(version, filters, _loaded=loaded)
    events = prepared(version, loaded)

    def rows() -> pd.DataFrame:
        return apply(events, filters)

    # one compact row above the chart: the link to this view and the downloads (they wrap on a narrow screen)
    tools = st.container(horizontal=True, key=f"{PAGE}-tools")
    with tools:
        ui.download_csv(rows, "events-filtered.csv", loaded, label="Download these events (CSV)",
                        title="Events (filtered view)", filters=filters, key=f"{PAGE}.csv")

    if not shown["n_rows"]:
        # the section's message, and what to do about it with the page's widgets
        st.info(ui.md(shown["stance"].empty) + " Widen the date range, clear an actor, domain or source, or lower the credibility bar.")
    else:
        with ui.section("The stance chart"):
            choices = shown["choices"]
            selected = ui.url_value(EVENT)
            if selected and selected not in choices:
                # a link may name any row of an event; the mark carries the event's first row
                selected = M.mark_for_row(shown["marks"], selected) or (selected if selected.startswith(("bin:", "ctx:")) else None)
                if selected is None:
                    st.info("The event in the link is not among the events these filters keep.")
            if selected and selected.startswith(("bin:", "ctx:")):
                choices[selected] = "Binned marks: " + selected.split(":", 1)[1]
            ui.set_url_value(EVENT, selected)
            ui.chart_block(stance_spec(version, filters, selected, dark, _loaded=loaded), shown["summary"], "stance-over-time", tables=("events",), filters=filters,
                           light=lambda: ui.spec(stance_chart(version, filters, selected, loaded)),
                           key=CHART, on_select=ui.select_into_url(CHART, "event", "key", EVENT))
            captions(shown["stance"])

            st.header("Selected event")
            st.session_state[PICKER] = selected
            st.selectbox("Event", [None, *choices], key=PICKER, on_change=pick_event,
                         placeholder="Pick an event, or click a mark in the chart",
                         format_func=lambda k: "— none —" if k is None else choices.get(k, k))
            if selected:
                show_rows(rows_of(selected, rows(), events), sources, loaded.frames)

        # built only while open, like the rows below: a filter change then redraws one chart, not two
        index_box = st.expander(INDEX_LABEL, key=INDEX, on_change="rerun")
        if index_box.open:
            with index_box, ui.section("The stance index"):
                index = index_view(version, filters, _loaded=loaded)
                ui.chart_block(index_spec(version, filters, dark, _loaded=loaded), index["index_summary"], "stance-index", tables=("events",), filters=filters,
                               light=lambda: index_spec(version, filters, False, _loaded=loaded))
                captions(index["index"])
                left_out = index["left_out"]
                if left_out:
                    text = M.left_out_text(len(left_out))
                    with st.expander(ui.md(f"{text[:1].upper()}{text[1:]}: which")):
                        st.markdown("\n".join(f"- **{ui._md(when)}** · {ui._md(actor)} · {ui._md(summary)} ({ui._md(ids)})"
                                               for when, actor, summary, ids in left_out))

        # built only while open
        table = st.expander(f"The {shown['n_rows']} rows behind these charts", key=ROWS, on_change="rerun")
        if table.open:
            with table:
                ui.table(rows(), loaded, "events", key=f"{PAGE}.table")

    with tools:
        ui.share_link()


def main() -> None:
    """Draw the page."""
    ui.page_intro(
        "Stance over time",
        "Each mark is an act from the seeds, scored from −2 (distance from Moscow) to +2 (alignment) "
        "on the codebook's scale; an act told by several seeds is one mark. A point is an act dated to a day; a bar, "
        "one the seeds date only to an interval, drawn from its first to its last possible day. "
        "Source: `data/events.csv`. Click a mark, or pick an event below, to read its quote.",
    )

    loaded = ui.tables()
    ui.problem_panel(loaded)
    if "events" not in loaded.frames:
        st.info("The events table did not pass validation, so there is no stance chart to draw.")
        st.stop()
    titles = ui.source_titles(loaded)
    options = filter_options(ui.version(loaded), loaded)
    ui.redirect(ui.filter_redirects(options, FILTERS, titles))
    explore(options, titles)
