"""Overview: the headline figures with their quotes, a compact stance timeline, and a paragraph generated from the data."""

from __future__ import annotations

import streamlit as st

from dashboard import facts, ui
from dashboard.data import Tables
from dashboard.filters import DEFAULT
from dashboard.sections import figures as figures_section, narrative as narrative_section, scope as scope_section
from dashboard.sections import stance as stance_section
from dashboard.sections.base import Section

PAGE = "overview"
#: characters of a headline label that fit on one line of a metric card in a three-column row
LABEL_FITS = 40


@st.cache_resource(max_entries=4, show_spinner=False)
def overview(version: str, _loaded: Tables) -> dict[str, Section]:
    """The page's sections: the headline figures, the compact timeline and the paragraph, built once per version of the
    data (read-only, shared)."""
    frames = _loaded.frames
    out = {"figures": figures_section.build(frames, DEFAULT)}
    if "events" in frames:
        events = stance_section.events_of(frames)
        out |= {"stance": stance_section.build(frames, DEFAULT, compact=True, prepared=events),
                "moved": narrative_section.build(frames, DEFAULT, prepared=events)}
    return out


@st.cache_data(max_entries=8, show_spinner=False)
def timeline(version: str, dark: bool, _loaded: Tables) -> dict:
    return ui.spec(overview(version, _loaded)["stance"].charts[0].spec, dark_theme=dark)


def light_timeline(version: str, loaded: Tables) -> dict:
    return ui.spec(overview(version, loaded)["stance"].charts[0].spec)


def captions(section: Section) -> None:
    """A section's caveats and source line, as text."""
    for line in (*section.caveats, section.source_line):
        if line:
            st.caption(ui.md(line))


def main() -> None:
    """Draw the page."""
    loaded = ui.tables()
    ui.page_intro(
        ui.md(scope_section.title(loaded.frames)),  # computed: the period the acts cover and whose account it is; data is text
        "The figures the seed texts give, each with its source: hover over a figure for its quote, or open "
        "**Sources** under it. Conflicting figures are shown side by side. Data: the curated tables in `data/`.",
    )

    ui.problem_panel(loaded)
    sources = loaded.frames.get("sources")
    scope_line = scope_section.scope_line(loaded.frames)
    if scope_line:
        st.caption(ui.md(scope_line))
        st.caption(ui.md(scope_section.census_caveat(loaded.frames)))
    not_covered = scope_section.build_not_covered(loaded.frames)
    if not not_covered.empty:
        st.caption(ui.md(not_covered.extra["line"]))

    version = ui.version(loaded)
    shown = overview(version, loaded)
    figures = shown["figures"]
    st.header(figures.title)
    cards = figures.extra["cards"]
    for start in range(0, len(cards), 3):
        columns = st.columns(3)
        for column, card, figure in zip(columns, cards[start : start + 3], figures.figures[start : start + 3]):
            with column, st.container(border=True):
                help_text = ui.citation_help(card.citations) or None
                # the label and value wrap in the card (ui.ROOM_CSS) instead of being cut; data is text (ui.md)
                st.metric(ui.md(figure.label), ui.plain(figure.value), help=help_text)
                if figure.detail:
                    st.caption(ui.md(figure.detail))
                if card.conflict:
                    st.caption(f"**The seeds disagree.** {ui.md(card.conflict)}")
                if card.citations:
                    ui.citations_popover(card.citations, sources, key=f"{PAGE}.cite.{card.key}")
    captions(figures)

    st.header(f"Stance over time, {facts.coverage(loaded.frames).period or 'as the texts date it'}")
    if "stance" not in shown:
        st.info("The events table did not pass validation, so there is no timeline.")
    else:
        with ui.section("The stance timeline"):
            stance = shown["stance"]
            if stance.empty:
                st.info(ui.md(stance.empty))
            else:
                ui.chart_block(timeline(version, ui.dark(), loaded), stance.summary, "overview-stance", tables=("events",), filters=DEFAULT,
                               light=lambda: light_timeline(version, loaded))
        st.page_link(ui.STANCE_PAGE, label="Explore, filter and select events on the Stance over time page", icon=":material/timeline:")
        moved = shown["moved"]
        st.header(moved.title)
        with ui.section("The summary paragraph"):
            st.markdown(ui._md(moved.extra["paragraph"] or moved.empty))
            captions(moved)

    ui.share_link()
