"""Overview: the headline figures with their quotes, a compact stance timeline, and a paragraph generated from the data."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, facts, ui
from dashboard.data import Tables
from dashboard.filters import DEFAULT

PAGE = "overview"
#: characters of a headline label that fit on one line of a metric card in a three-column row
LABEL_FITS = 40


@st.cache_data(max_entries=4, show_spinner=False)
def overview(version: str, _loaded: Tables) -> dict:
    """The headline cards, and the timeline's summary and paragraph: derived once per version of the data."""
    events = _loaded.frames.get("events")
    out = {"cards": facts.headlines(_loaded.frames)}
    if events is not None:
        out |= {"summary": charts.stance_summary(events, DEFAULT), "narrative": facts.narrative(events, DEFAULT)}
    return out


@st.cache_data(max_entries=8, show_spinner=False)
def timeline(version: str, dark: bool, _loaded: Tables) -> dict:
    return ui.spec(charts.stance_chart(_loaded.frames["events"], DEFAULT, compact=True), dark_theme=dark)


def main() -> None:
    """Draw the page."""
    ui.page_intro(
        "Kazakhstan and Russia since 2022",
        "The figures the five seed texts give, each with its source: hover over a figure for its quote, or open "
        "**Sources** under it. Conflicting figures are shown side by side. Data: the curated tables in `data/`.",
    )

    loaded = ui.tables()
    ui.problem_panel(loaded)
    sources = loaded.frames.get("sources")
    as_of = ui.as_of(loaded)
    if as_of:
        st.caption(f"Data as of {as_of:%-d %B %Y} (the latest publication date any seed supports).")

    version = ui.version(loaded)
    shown = overview(version, loaded)
    cards = shown["cards"]
    for start in range(0, len(cards), 3):
        columns = st.columns(3)
        for column, card in zip(columns, cards[start : start + 3]):
            with column, st.container(border=True):
                help_text = ui.citation_help(card.citations) or None
                # the label and value wrap in the card (ui.ROOM_CSS) instead of being cut; data is text (ui.md)
                st.metric(ui.md(card.label), ui.plain(card.value), help=help_text)
                if card.detail:
                    st.caption(ui.md(card.detail))
                if card.conflict:
                    st.caption(f"**The seeds disagree.** {ui.md(card.conflict)}")
                if card.citations:
                    ui.citations_popover(card.citations, sources, key=f"{PAGE}.cite.{card.key}")

    events = loaded.frames.get("events")
    st.header("Stance over time, since January 2022")
    if events is None:
        st.info("The events table did not pass validation, so there is no timeline.")
    else:
        with ui.section("The stance timeline"):
            ui.chart_block(timeline(version, ui.dark(), loaded), shown["summary"], "overview-stance", tables=("events",), filters=DEFAULT,
                           light=lambda: ui.spec(charts.stance_chart(events, DEFAULT, compact=True)))
        st.page_link(ui.STANCE_PAGE, label="Explore, filter and select events on the Stance over time page", icon=":material/timeline:")
        st.header("What moved, and when")
        with ui.section("The summary paragraph"):
            st.markdown(ui._md(shown["narrative"]))
            st.caption("Generated from data/events.csv each time the page loads; not hand-written.")

    ui.share_link()
