"""Present: the briefing one slide at a time, in the deck's order and words, the slide number in the URL."""

from __future__ import annotations

from typing import Callable

import pandas as pd
import streamlit as st

from dashboard import brief, charts, ui
from dashboard.brief import layout
from dashboard.filters import DEFAULT, Filters

PAGE = "present"
FILTERS = ("dates", "actors", "domains", "cred", "sources")
SLIDE = f"{PAGE}.slide"
#: chart height on the page, so a slide fits a 1600 × 900 screen with the controls above it
CHART_HEIGHT = 500


@st.cache_resource(max_entries=8, show_spinner="Building the briefing…")
def build(frames: dict[str, pd.DataFrame], filters: Filters) -> brief.Brief:
    """The briefing for these tables and filters (the same function the command line calls)."""
    return brief.build_brief(frames, filters)


@st.cache_data(max_entries=16, show_spinner=False)
def chart_png(frames: dict[str, pd.DataFrame], filters: Filters, index: int) -> bytes:
    """A slide's chart exactly as the deck draws it (vl-convert PNG)."""
    from dashboard.brief import deck

    return deck.chart_png(build(frames, filters).slides[index])


@st.cache_data(max_entries=8, show_spinner=False)
def pptx_bytes(frames: dict[str, pd.DataFrame], filters: Filters) -> bytes:
    from dashboard.brief import deck

    return deck.to_pptx(build(frames, filters))


@st.cache_data(max_entries=8, show_spinner=False)
def pdf_bytes(frames: dict[str, pd.DataFrame], filters: Filters) -> bytes:
    from dashboard.brief import pdf

    return pdf.to_pdf(build(frames, filters))


def slide_number(raw: list[str] | None) -> int:
    """The 1-based slide number in a ``slide=`` parameter (1 when missing or not a number)."""
    text = (raw or ["1"])[-1].strip()
    return int(text) if text.isdigit() and int(text) >= 1 else 1


def step(delta: int, total: int) -> None:
    st.session_state[SLIDE] = min(max(1, int(st.session_state.get(SLIDE, 1)) + delta), total)


def bullets(items: tuple[str, ...]) -> None:
    st.markdown("\n".join(f"- {ui._md(item)}" for item in items))


def draw_chart(slide: brief.Slide, number: int, png: Callable[[], bytes]) -> None:
    if layout.is_map(slide.chart):
        # the map as the deck draws it: its two-line border label needs vl-convert's Vega-Lite
        st.image(png(), width="stretch", caption=None)
        return
    chart = layout.for_screen(slide.chart, CHART_HEIGHT)
    if getattr(st.context.theme, "type", None) == "dark":
        chart = charts.for_dark(chart)
    st.altair_chart(chart, width="stretch", alt=slide.summary or slide.title, key=f"{PAGE}.chart.{number}")


def show(slide: brief.Slide, number: int, png: Callable[[], bytes]) -> None:
    """One slide, in large type: title, content, summary, caveat and source line; notes folded away."""
    if slide.kind == "title":
        st.title(slide.title)
        st.subheader(slide.subtitle)
    else:
        st.header(slide.title)
        if slide.subtitle:
            st.markdown(f"*{ui._md(slide.subtitle)}*")
    if slide.kind == "figures":
        for start in range(0, len(slide.figures), 3):
            for column, figure in zip(st.columns(3), slide.figures[start : start + 3]):
                with column, st.container(border=True):
                    st.metric(figure.label, figure.value)
                    st.caption(figure.detail)
    elif slide.kind == "chart" and slide.chart is not None:
        if slide.bullets:
            left, right = st.columns([2.3, 1])
            with left:
                draw_chart(slide, number, png)
            with right:
                bullets(slide.bullets)
        else:
            draw_chart(slide, number, png)
    elif slide.bullets:
        bullets(slide.bullets)
    if slide.summary:
        st.markdown(ui._md(slide.summary))
    if slide.caveat:
        st.markdown(f":orange[{ui._md(slide.caveat)}]")
    st.caption(slide.source_line)
    with st.expander("Speaker notes: the quotes behind the figures"):
        st.markdown("  \n".join(ui._md(line) for line in slide.notes.splitlines()) or "No notes.")


# presentation mode: less empty space above the slide (a fixed style rule, no data in it)
st.html("<style>[data-testid='stMainBlockContainer'] { padding-top: 3.75rem; }</style>")

loaded = ui.tables()
ui.problem_panel(loaded)
sources = loaded.frames.get("sources")
titles = dict(zip(sources["source_id"], sources["title"])) if sources is not None else {}
events = loaded.frames.get("events")
options = ui.filter_options(events if events is not None else pd.DataFrame({"date": []}), sources)

params = ui.url_params()
if ui.url_changed(PAGE, [*ui.filter_keys(PAGE, FILTERS), SLIDE]):
    ui.set_filter_state(PAGE, Filters.from_query_params(params, DEFAULT), options)
    st.session_state[SLIDE] = slide_number(params.get("slide"))

# the slide first, the filters under it: draw the filters (they decide the slides) into a container placed below
top, bottom = st.container(), st.container()
with bottom:
    with st.expander("Filters: the stance slides apply all of them, the indicator slides the dates and sources"):
        filters = ui.filter_controls(PAGE, options, FILTERS, titles)

built = build(loaded.frames, filters)
total = len(built.slides)
st.session_state[SLIDE] = min(max(1, int(st.session_state.get(SLIDE, 1))), total)
current = st.session_state[SLIDE]
state = {**filters.to_query_params(DEFAULT), "slide": str(current)}

with top:
    tools = st.columns([1.25, 3.2, 1.1, 1.75, 1.6])
    tools[0].button("Previous", key=f"{PAGE}.previous", icon=":material/arrow_back:", on_click=step, args=(-1, total),
                    disabled=current <= 1, width="stretch")
    tools[1].selectbox("Slide", list(range(1, total + 1)), key=SLIDE, label_visibility="collapsed",
                       format_func=lambda n: f"{n} / {total} · {built.slides[n - 1].title}")
    tools[2].button("Next", key=f"{PAGE}.next", icon=":material/arrow_forward:", on_click=step, args=(1, total),
                    disabled=current >= total, width="stretch")
    frames = loaded.frames
    tools[3].download_button("Briefing (.pptx)", data=lambda: pptx_bytes(frames, filters), file_name=f"{built.stem}.pptx",
                             mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                             icon=":material/slideshow:", key=f"{PAGE}.pptx", on_click="ignore", width="stretch",
                             help="Download briefing (.pptx): these slides with speaker notes, for the filters below")
    tools[4].download_button("Briefing (.pdf)", data=lambda: pdf_bytes(frames, filters), file_name=f"{built.stem}.pdf",
                             mime="application/pdf", icon=":material/picture_as_pdf:", key=f"{PAGE}.pdf", on_click="ignore",
                             width="stretch", help="Download briefing (.pdf): the same pages, for readers without PowerPoint")
    with ui.section("This slide"):
        show(built.slides[current - 1], current, lambda: chart_png(frames, filters, current - 1))

with bottom:
    st.caption("Presentation mode: the briefing deck one slide at a time, the same slides as the PowerPoint and PDF "
               "downloads, built from the curated tables in `data/`. The slide number is in the URL.")
    ui.share_link(state)

ui.write_url(PAGE, state)
