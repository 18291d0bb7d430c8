"""Present: the briefing one slide at a time, in the deck's order and words, the slide number in the URL."""

from __future__ import annotations

from typing import Callable

import pandas as pd
import streamlit as st

from dashboard import brief, paths, releases, ui
from dashboard.brief import layout
from dashboard.data import Tables
from dashboard.filters import Filters

PAGE = "present"
FILTERS = ("dates", "actors", "domains", "cred", "sources")
#: the ``slide`` parameter (1-based) is the slide picker (bound); the first slide, its default, is left out of the URL
SLIDE = "slide"
#: chart height on the page, so a slide fits a 1600 × 900 screen with the controls above it
CHART_HEIGHT = 500
#: the ``since`` parameter is the release picker (bound): a "What changed since <release>" slide after the title
SINCE = "since"


@st.cache_resource(max_entries=8, show_spinner="Comparing with the release…")
def changes(version: str, since: str | None, stamp: tuple) -> tuple[object | None, str | None]:
    """The diff from release ``since`` to the current data (``brief.changes_since``, as ``brief --since``), or why not."""
    if not since:
        return None, None
    try:
        return brief.changes_since(since, paths.default_data_dir(), paths.default_seeds_dir()), None
    except brief.BriefError as exc:
        return None, str(exc)


@st.cache_resource(max_entries=8, show_spinner="Building the briefing…")
def build(version: str, filters: Filters, _loaded: Tables, since: str | None = None, stamp: tuple = (),
          cut: tuple = ((), None)) -> brief.Brief:
    """The briefing for these tables and filters (the same function the command line calls), with the "What
    changed" slide when ``since`` names a release, cut to ``cut`` = (topics, max slides); shared, read-only."""
    topics, max_slides = cut
    return brief.build_brief(_loaded.frames, filters, changes=changes(version, since, stamp)[0], topics=topics,
                             max_slides=max_slides)


def _stamp() -> tuple:
    """The release index's mtime and size: a new release is a new key (the tables' fingerprint skips data/releases/)."""
    try:
        stat = (releases.releases_dir(paths.default_data_dir()) / releases.INDEX).stat()
    except OSError:
        return ()
    return (stat.st_mtime_ns, stat.st_size)


@st.cache_data(max_entries=16, show_spinner=False)
def chart_png(version: str, filters: Filters, index: int, _loaded: Tables, since: str | None = None, stamp: tuple = (),
              cut: tuple = ((), None)) -> bytes:
    """A slide's chart exactly as the deck draws it (vl-convert PNG)."""
    from dashboard.brief import deck

    built = build(version, filters, _loaded, since, stamp, cut)
    return deck.chart_png(built.slides[index], built.as_of)


@st.cache_data(max_entries=64, show_spinner=False)
def chart_spec(version: str, filters: Filters, index: int, dark: bool, _loaded: Tables, since: str | None = None,
               stamp: tuple = (), cut: tuple = ((), None)) -> dict:
    """A slide's chart for the screen, as a Vega-Lite spec: built once per slide, filters and theme."""
    slide = build(version, filters, _loaded, since, stamp, cut).slides[index]
    return ui.spec(layout.for_screen(slide.chart, CHART_HEIGHT), dark_theme=dark)


@st.cache_data(max_entries=4, show_spinner=False)
def filter_options(version: str, _loaded: Tables) -> ui.FilterOptions:
    events = _loaded.frames.get("events")
    return ui.filter_options(events if events is not None else pd.DataFrame({"date_from": [], "date_to": []}), _loaded.frames.get("sources"))


def pptx_bytes(version: str, filters: Filters, loaded: Tables, since: str | None = None, stamp: tuple = (),
               cut: tuple = ((), None)) -> bytes:
    from dashboard.brief import deck

    return deck.to_pptx(build(version, filters, loaded, since, stamp, cut))


def pdf_bytes(version: str, filters: Filters, loaded: Tables, since: str | None = None, stamp: tuple = (),
              cut: tuple = ((), None)) -> bytes:
    from dashboard.brief import pdf

    return pdf.to_pdf(build(version, filters, loaded, since, stamp, cut))


#: the ``topic`` (pills, several) and ``max`` (pills, one) parameters: the deck cut to topics and a slide budget,
#: from dashboard/brief/topics.json, as ``brief --topic T --max-slides N``
TOPIC, BUDGET = "topic", "max"

#: keys that step the slides, as a presentation clicker sends them: next (→, ↓, PageDown, space), previous (←, ↑,
#: PageUp). A fixed script (no data in it): it listens on the app's document and
#: clicks the pager's own buttons, so the URL and the server see an ordinary step. It is added once per document.
KEYS_HTML = """<script>
(function () {
  const doc = window.parent.document;
  if (doc.__presentKeys) return;
  doc.__presentKeys = true;
  const NEXT = new Set(["ArrowRight", "ArrowDown", "PageDown", " ", "Spacebar"]);
  const PREV = new Set(["ArrowLeft", "ArrowUp", "PageUp"]);
  doc.addEventListener("keydown", function (event) {
    if (!doc.querySelector('[data-testid="stPagination"]')) return;  // another page
    const target = event.target;
    const tag = (target && target.tagName || "").toLowerCase();
    if (["input", "textarea", "select"].includes(tag) || (target && target.isContentEditable)) return;
    if (target && target.closest && target.closest('[role="listbox"], [role="slider"], [role="combobox"]')) return;
    const forward = NEXT.has(event.key), back = PREV.has(event.key);
    if (!forward && !back) return;
    const pager = doc.querySelector('[data-testid="stPagination"]');
    const buttons = [...pager.querySelectorAll("button")];
    const wanted = forward ? /next/i : /prev/i;
    const button = buttons.find(b => wanted.test(b.getAttribute("aria-label") || b.textContent || ""));
    if (button && !button.disabled) { event.preventDefault(); button.click(); }
  }, true);
})();
</script>"""


def slide_number(raw: str | None, total: int) -> int | None:
    """The slide a ``slide=`` parameter asks for, clamped to the deck (None when it is not a number)."""
    text = (raw or "").strip()
    return min(max(1, int(text)), total) if text.isdigit() else None


def bullets(items: tuple[str, ...]) -> None:
    st.markdown("\n".join(f"- {ui._md(item)}" for item in items))


def draw_chart(slide: brief.Slide, spec: Callable[[], dict], png: Callable[[], bytes], number: int) -> None:
    if layout.is_map(slide.chart):
        # the map as the deck draws it: its two-line border label needs vl-convert's Vega-Lite
        st.image(png(), width="stretch", caption=None)
        return
    st.vega_lite_chart(spec(), width="stretch", alt=slide.alt_text, key=f"{PAGE}.chart.{number}")


def show(slide: brief.Slide, number: int, spec: Callable[[], dict], png: Callable[[], bytes]) -> None:
    """One slide, in large type: title, content, summary, caveat and source line; notes folded away."""
    st.title(ui.md(slide.title))  # one h1 per slide; the title slide's subtitle is its h2
    if slide.kind == "title":
        st.header(ui.md(slide.subtitle))
    elif slide.subtitle:
        st.markdown(f"*{ui._md(slide.subtitle)}*")
    if slide.kind == "figures":
        for start in range(0, len(slide.figures), 3):
            for column, figure in zip(st.columns(3), slide.figures[start : start + 3]):
                with column, st.container(border=True):
                    st.metric(ui.md(figure.label), ui.plain(figure.value))
                    st.caption(ui.md(figure.detail))
    elif slide.kind == "chart" and slide.chart is not None:
        if slide.bullets:
            left, right = st.columns([2.3, 1])
            with left:
                draw_chart(slide, spec, png, number)
            with right:
                bullets(slide.bullets)
        else:
            draw_chart(slide, spec, png, number)
    elif slide.bullets:
        bullets(slide.bullets)
    if slide.summary:
        st.markdown(ui._md(slide.summary))
    if slide.caveat:
        st.markdown(f":orange[{ui._md(slide.caveat)}]")
    st.caption(ui.md(slide.source_line))
    with st.expander("Speaker notes: the quotes behind the figures"):
        st.markdown(ui.md_lines(slide.notes) or "No notes.")


def topic_controls() -> tuple[tuple[str, ...], int | None]:
    """The topic pills and the slide-budget pills, bound to ``?topic=`` and ``?max=``: (topics, max slides)."""
    from dashboard.brief import topics as T

    catalogue = T.catalogue()
    labels = {t.label: name for name, t in catalogue.topics.items()}
    left, right = st.columns([3.3, 1.3])
    chosen = left.pills("Topics", list(labels), selection_mode="multi", default=[], key=TOPIC, bind=ui.BIND,
                        help="Only these topics' slides (their charts, their events on the stance slides, their conflicts "
                        "and corrections), as `python -m dashboard brief --topic sanctions`. None: every topic.")
    budget = right.pills("At most, slides", [str(n) for n in catalogue.budgets], selection_mode="single", default=None,
                         key=BUDGET, bind=ui.BIND,
                         help="At most this many slides: the title first, then the slides that matter most for the "
                         "topics (priorities in dashboard/brief/topics.json), as `--max-slides`. None: all.")
    topics = tuple(n for label, n in labels.items() if label in (chosen or []))
    max_slides = int(budget) if budget and str(budget).isdigit() else None
    return topics, max_slides


@st.fragment
def present(options: ui.FilterOptions, titles: dict[str, str]) -> None:
    """The slide, its controls and the filters: stepping or filtering reruns only this."""
    loaded = ui.tables()
    version = ui.version(loaded)
    # the slide first, the filters under it: draw the filters (they decide the slides) into a container placed below
    top, bottom = st.container(), st.container()
    with top:  # a topic briefing is two clicks: a topic, then a slide budget
        cut = topic_controls()
    with bottom:
        listed = loaded.frames.get(releases.RESOURCE)
        names = [str(n) for n in listed["release"]] if listed is not None else []
        # pills, one or none: none picked (the default, left out of the URL) means no "What changed" slide
        since = st.pills("What changed since release", names or ["no release yet"], selection_mode="single", default=None,
                         key=SINCE, bind=ui.BIND, disabled=not names,
                         help="Adds a 'What changed since <release>' slide after the title, as "
                         "`python -m dashboard brief --since RELEASE` does: new events, changed figures, new corrections")
        since = since if since in names else None
        with st.expander("Filters: the stance slides apply all of them, the indicator slides the dates and sources"):
            filters = ui.filter_controls(options, FILTERS, titles)

    stamp = _stamp() if since else ()
    diff_error = changes(version, since, stamp)[1]
    if diff_error:
        st.error(f"No 'What changed' slide: {ui.md(diff_error)}")
    built = build(version, filters, loaded, since, stamp, cut)
    total = len(built.slides)
    raw = ui.url_value(SLIDE)
    asked = slide_number(raw, total)
    if asked is not None and str(asked) != raw:
        ui.redirect({SLIDE: str(asked) if asked > 1 else None})  # a link past the last slide opens the last
    if int(st.session_state.get(SLIDE) or 1) > total:  # fewer slides under new filters: the last one
        st.session_state[SLIDE] = total
    with top:
        tools = st.columns([5.4, 1, 1.9, 1.75])
        with tools[0]:
            # Previous / Next and the slide numbers, bound to ?slide=
            current = st.pagination(total, key=SLIDE, bind=ui.BIND, max_visible_pages=9)
        current = min(max(1, int(current or 1)), total)
        tools[1].caption(f"{current} / {total}")
        tools[2].download_button("Briefing (.pptx)", data=lambda: pptx_bytes(version, filters, loaded, since, stamp, cut), file_name=f"{built.stem}.pptx",
                                 mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                                 icon=":material/slideshow:", key=f"{PAGE}.pptx", on_click="ignore", width="stretch",
                                 help="Download briefing (.pptx): these slides with speaker notes, for the filters below")
        tools[3].download_button("Briefing (.pdf)", data=lambda: pdf_bytes(version, filters, loaded, since, stamp, cut), file_name=f"{built.stem}.pdf",
                                 mime="application/pdf", icon=":material/picture_as_pdf:", key=f"{PAGE}.pdf", on_click="ignore",
                                 width="stretch", help="Download briefing (.pdf): the same pages, for readers without PowerPoint")
        with ui.section("This slide"):
            index, dark = current - 1, ui.dark()
            show(built.slides[index], current, lambda: chart_spec(version, filters, index, dark, _loaded=loaded, since=since, stamp=stamp, cut=cut),
                 lambda: chart_png(version, filters, index, _loaded=loaded, since=since, stamp=stamp, cut=cut))

    with bottom:
        st.caption("Presentation mode: the briefing deck one slide at a time, the same slides as the PowerPoint and PDF "
                   "downloads, built from the curated tables in `data/`. The slide number is in the URL.")
        ui.share_link()


def main() -> None:
    """Draw the page."""
    loaded = ui.tables()
    ui.problem_panel(loaded)
    titles = ui.source_titles(loaded)
    options = filter_options(ui.version(loaded), loaded)
    ui.redirect(ui.filter_redirects(options, FILTERS, titles))
    present(options, titles)
    st.html(KEYS_HTML, unsafe_allow_javascript=True)
