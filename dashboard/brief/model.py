"""The briefing as data: the deck's slides, each laid out from a topic's section (``dashboard.sections``).

Framework-free and deterministic: no clock, no randomness, no Streamlit. A slide shows what its section says (title,
chart and the rows behind it, summary, caveats, source line, speaker notes with the verbatim quotes) and adds only
layout: which slides a deck holds (``topics.json``), how conflicts and corrections are cut into slides, and a slide
for a table that did not load. Which filters reach which slide follows the pages: the stance slides take all of them
(like the Stance page), the indicator slides the date range and the sources (like the Indicators page), and the
headline figures, map, conflicts and corrections cover every row (like the Overview, Map and Method pages).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import Any, Callable, Mapping, Sequence
from urllib.parse import urlencode

import altair as alt
from altair.utils.schemapi import debug_mode
import pandas as pd

from dashboard import charts, export, geo
from dashboard.filters import DEFAULT, Filters
from dashboard.sections import figures as S_figures, index as S_index, map as S_map, narrative as S_narrative, scope as S_scope, stance as S_stance
from dashboard.sections import changes as _changes, conflicts as _conflicts, corrections as _corrections
from dashboard.sections import defence as _defence, oil as _oil, sanctions as _sanctions, sentiment as _sentiment, sources as _sources
from dashboard.brief import topics as T
from dashboard.brief.topics import SLIDE_KEYS
from dashboard.brief.options import FLAGS, cli_args, filters_from_cli  # noqa: F401 - dashboard.brief exports them
from dashboard.brief.slide import Brief, BriefError, Figure, Slide  # noqa: F401 - Figure, BriefError: exported
from dashboard.charts.tables import chart_table, chart_type, spec_dict
from dashboard.sections.base import Section
from dashboard.sections.common import notes as _notes, source as _source, text as _text

Frames = Mapping[str, pd.DataFrame]

#: the deck's title when the tables give no texts and no dates; the deck's title is computed (:attr:`Brief.title`)
TITLE = S_scope.TITLE

#: the tables the briefing reads; the command line refuses to build when one of them failed validation
NEEDED = (
    "sources", "conflicts", "events", "defense_budget", "oil_routes", "sanctions_stance", "public_sentiment",
    "casualties", "security_cooperation", "context_figures", "routes", "route_waypoints", "places",
)
#: tables the briefing reads when they load, and says so on its slide when they do not
OPTIONAL = ("outside_context",)

#: most corrections on one slide of the corrections appendix (more go on a continuation slide)
CORRECTIONS_PER_SLIDE = 4
#: conflicts per slide, and the characters of each side shown on it (the notes keep the quotes whole)
CONFLICTS_PER_SLIDE = 3
CONFLICT_SIDE = _conflicts.SIDE


def failed_tables(frames: Frames, problems: Mapping[str, Any] | None = None) -> list[str]:
    """The needed tables that did not load (failed validation or are missing), in :data:`NEEDED` order."""
    problems = problems or {}
    if "datapackage" in problems:
        return ["datapackage", *[n for n in NEEDED if n not in frames]]
    return [name for name in NEEDED if name not in frames or name in problems]


# --------------------------------------------------------------------------
# helpers


def _title_of(chart: Any) -> tuple[str, str]:
    """The chart's title and subtitle texts (a builder's spec, or an Altair chart: the map)."""
    if isinstance(chart, charts.Spec):
        title = chart.spec.get("title")
        text, subtitle = (title.get("text", ""), title.get("subtitle", "")) if isinstance(title, dict) else (title or "", "")
    else:
        title = getattr(chart, "title", alt.Undefined)
        if title is alt.Undefined or title is None:
            return "", ""
        if isinstance(title, str):
            return title, ""
        text = title.text if title.text is not alt.Undefined else ""
        subtitle = title.subtitle if title.subtitle is not alt.Undefined else ""
    if isinstance(text, list):
        text = " ".join(text)
    if isinstance(subtitle, list):
        subtitle = " ".join(subtitle)
    return str(text), str(subtitle)


def _take_title(chart: Any) -> tuple[str, str]:
    """Remove the chart's title (the slide shows it as text) and return its title and subtitle.

    The chart builders return a new chart on every call, so the slide owns it;
    removing the title in place avoids a copy (an Altair copy of the map
    deep-copies its geometry).
    """
    title = _title_of(chart)
    if isinstance(chart, charts.Spec):
        chart.spec.pop("title", None)
    else:
        chart.title = alt.Undefined
    return title


def _chart_slide(chart: Any, summary: str, caveat: str, source_line: str, notes: str, bullets: tuple[str, ...] = (),
                 subtitle: str | None = None) -> Slide:
    title, chart_subtitle = _take_title(chart)
    subtitle = chart_subtitle if subtitle is None else subtitle
    drawn = spec_dict(chart)  # serialised once: the map's outlines are large
    table = chart_table(drawn)
    notes = _notes(notes, _table_notes(table)) if len(table) else notes
    return Slide(title=title, kind="chart", subtitle=subtitle, bullets=bullets, chart=chart, summary=summary,
                 caveat=caveat, source_line=source_line, notes=notes, chart_type=chart_type(drawn), data=table)


#: rows of a chart's data listed in the speaker notes (the CSV beside the deck has them all)
NOTES_ROWS = 40


def _table_notes(table: pd.DataFrame) -> list[str]:
    """The chart's data in the speaker notes: one line per row, ``column: value`` pairs (screen readers read the notes
    pane; the CSV beside the deck has every row)."""
    lines = [f"Data behind the chart ({len(table)} row{'' if len(table) == 1 else 's'}; columns: {', '.join(table.columns)}):"]
    for record in table.head(NOTES_ROWS).to_dict("records"):
        lines.append("  " + "; ".join(f"{k}: {_cut(_text(v), 120)}" for k, v in record.items() if _text(v)))
    if len(table) > NOTES_ROWS:
        lines.append(f"  … and {len(table) - NOTES_ROWS} more rows in the CSV beside the deck.")
    return lines


def _empty(title: str, message: str, source_line: str, notes: str = "") -> Slide:
    return Slide(title=title, kind="text", bullets=(message,), source_line=source_line, notes=notes)


def slide_of(section: Section, key: str = "") -> Slide:
    """The slide of a one-chart section: the section's chart with its summary, caveats, source line and notes; a text
    slide with its message when nothing matches. The slide lays out what the section says and adds nothing."""
    notes = _notes(list(section.notes))
    chart = section.charts[0] if section.charts else None
    if section.empty or chart is None or chart.spec is None:
        message = section.empty or (chart.message if chart is not None else "")
        return replace(_empty(section.title, message, section.source_line, notes), key=key)
    slide = _chart_slide(chart.spec, chart.summary or section.summary, " ".join(section.caveats), section.source_line,
                         notes, section.bullets, subtitle=section.subtitle or None)
    return replace(slide, key=key)


def _missing(title: str, table: str) -> Slide:
    return _empty(title, f"The {table} table did not pass validation, so this slide has nothing to show.",
                  f"Source: data/{table}.csv (not loaded)")


def _guarded(title: str, build: Callable[[], list[Slide]]) -> list[Slide]:
    """Build slides; if the loaded tables cannot feed them, one slide says so and the rest of the briefing still builds."""
    try:
        return build()
    except Exception as exc:  # noqa: BLE001 - one slide failing must not take the briefing down
        return [_empty(title, f"This slide could not be built from the loaded tables ({type(exc).__name__}: {exc}).",
                       "Source: data/ (tables as loaded)")]


# --------------------------------------------------------------------------
# the slides


def _title_slide(frames: Frames, filters: Filters, as_of: dt.date | None, topics: Sequence[Any] = ()) -> Slide:
    """The title slide: the scope section (:mod:`dashboard.sections.scope`), with how to rebuild the deck in the notes."""
    section = S_scope.build(frames, filters, as_of, topics, as_of_known=True)
    query = urlencode(filters.to_query_params(DEFAULT), doseq=True)
    notes = _notes(
        "How to rebuild this briefing with the same filters:",
        " ".join(["  python -m dashboard brief", *(f"--topic {t.topic}" for t in topics), *(_shell(a) for a in cli_args(filters))]),
        "  in the app: the Present page, /present" + (f"?{query}" if query else ""),
        list(section.notes),
    )
    return Slide(title=section.title, kind="title", subtitle=section.subtitle, bullets=section.bullets,
                 caveat=" ".join(section.caveats), source_line=section.source_line, notes=notes)


def _not_covered_slide(frames: Frames) -> Slide:
    """"Not covered" (:func:`dashboard.sections.scope.build_not_covered`): the acts after the texts' latest act and the
    known omissions, outside the seeds, with their sources in the notes."""
    section = S_scope.build_not_covered(frames)
    if section.empty:
        return _empty(section.title, section.empty, section.source_line)
    return Slide(title=section.title, kind="text", subtitle=section.subtitle, bullets=section.bullets,
                 caveat=" ".join(section.caveats), source_line=section.source_line, notes=_notes(list(section.notes)))


def _shell(arg: str) -> str:
    return arg if re.fullmatch(r"[\w.:/=+-]+", arg) else "'" + arg.replace("'", "'\\''") + "'"


def _figures_slide(frames: Frames) -> Slide:
    """The headline figures section (:mod:`dashboard.sections.figures`) as a figures slide. The deck points at its
    corrections slide where the page points at the Method page, and names a disputed figure in its detail line (the page
    says so in a caption under the card)."""
    section = S_figures.build(frames)
    figures = tuple(
        Figure(f.label, f.value, f.detail.replace("see the Method page", "see the corrections slide")
               + (" · seeds disagree: both shown" if f.conflict else ""), bool(f.conflict))
        for f in section.figures
    )
    return Slide(title=section.title, kind="figures", figures=figures, caveat=" ".join(section.caveats),
                 source_line=section.source_line, notes=_notes(list(section.notes)))


def _map_slide(frames: Frames, countries: dict, border: dict) -> Slide:
    """The map section (:mod:`dashboard.sections.map`) as a chart slide, with no subtitle: the chart's subtitle (outside
    reference geography) is what the caveat says, and the map needs the height."""
    section = S_map.build(frames, countries=countries, border=border)
    return _chart_slide(section.charts[0].spec, section.summary, " ".join(section.caveats), section.source_line,
                        _notes(list(section.notes)), section.bullets, subtitle=section.subtitle)


def _stance_slides(frames: Frames, filters: Filters) -> list[Slide]:
    """The stance, "What moved" and index sections (:mod:`dashboard.sections`), one slide each."""
    events = S_stance.events_of(frames)
    stance = slide_of(S_stance.build(frames, filters, prepared=events), "stance")
    moved = S_narrative.build(frames, filters, prepared=events)
    moved_slide = (replace(_empty(moved.title, moved.empty, moved.source_line, _notes(list(moved.notes))), key="moved")
                   if moved.empty else
                   Slide(title=moved.title, kind="text", bullets=moved.bullets, caveat=" ".join(moved.caveats),
                         source_line=moved.source_line, notes=_notes(list(moved.notes)), key="moved"))
    index = slide_of(S_index.build(frames, filters, prepared=events), "index")
    return [replace(s, key="") for s in (stance, moved_slide, index)]


def indicator_filters(filters: Filters) -> Filters:
    """The part of the filters the Indicators page applies: the date range and the sources."""
    return _oil.indicator_filters(filters)


#: the indicator slides, in deck order: (topic, its section builders, each with its slide key)
INDICATORS = (("Defence budget", ((_defence.build, "defence"),)),
              ("Oil routes", ((_oil.build_shares, "oil_shares"), (_oil.build_disruptions, "oil_disruptions"),
                              (_oil.build_stakes, "oil_stakes"))),
              ("Sanctions stance", ((_sanctions.build, "sanctions"),)),
              ("Public sentiment", ((_sentiment.build, "sentiment"),)))


def _indicator_slides(frames: Frames, filters: Filters, only: Any = None) -> list[Slide]:
    """The indicator charts, each the slide of its section (dashboard/sections), tagged with its key
    (:data:`SLIDE_KEYS`); with ``only``, just those keys."""
    out: list[Slide] = []
    for title, builders in INDICATORS:
        keys = [key for _, key in builders if only is None or key in only]
        if not keys:
            continue
        built = _guarded(title, lambda: [slide_of(build(frames, filters), key) for build, key in builders])
        tagged = [replace(slide, key=key) for slide, (_, key) in zip(built, builders)]
        out += [slide for slide in tagged if only is None or slide.key in only]
    return out


def _conflicts_slides(frames: Frames, covered: Callable[[str, str], bool] | None = None) -> list[Slide]:
    """The conflicts section (dashboard/sections/conflicts.py) cut into slides of three; with ``covered(table, id)``,
    only the conflicts with a row it covers (a topic's)."""
    section = _conflicts.build(frames, None, covered)
    items = section.extra["items"]
    if not items:
        return [_empty(section.title, section.empty, section.source_line)]
    pages = [items[i : i + CONFLICTS_PER_SLIDE] for i in range(0, len(items), CONFLICTS_PER_SLIDE)]
    return [Slide(title=section.title + (f" ({number} of {len(pages)})" if len(pages) > 1 else ""), kind="text",
                  bullets=tuple(item.line for item in page), caveat=" ".join(section.caveats),
                  source_line=_conflicts.source_line(page), notes=_notes([n for item in page for n in item.notes]))
            for number, page in enumerate(pages, 1)]


def _cut(text: str, limit: int) -> str:
    text = str(text or "")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _corrections_rows(frames: Frames, covered: Callable[[str, str], bool] | None = None) -> pd.DataFrame:
    """Every corrected row (:func:`dashboard.sections.corrections.rows`) with what it corrects; with ``covered``, a topic's."""
    return _corrections.rows(frames, covered)


def _ranked_corrections_slide(rows: pd.DataFrame, catalogue: Any, appendix: bool) -> Slide:
    """One slide: the corrections that change the analysis first (a figure, a date, an act before a name's spelling),
    the same correction on several rows merged into one line naming them all; the notes list every one with its quote."""

    ranked = T.rank_corrections(rows, catalogue)
    source = "Source: data/ (the correction column of every table) · outside sources named in each correction"
    if ranked.empty:
        return Slide(title="Corrections", kind="text", bullets=("No row in this briefing carries a correction.",),
                     source_line=source, key="corrections")
    shown = ranked.head(catalogue.listed)
    bullets = [f"{_cut(r['correction'], 150)} ({r['seeds']}: {r['ids']})" for r in shown.to_dict("records")]
    if len(ranked) > len(shown):
        rest = len(ranked) - len(shown)
        where = "in the appendix" if appendix else "in the notes and on the Method page (brief --appendix lists them on slides)"
        bullets.append(f"… and {rest} more correction{'' if rest == 1 else 's'}, {where}.")
    notes = [f"{n}. [{r['corrects'] or 'what it corrects not coded'}] {r['seeds']} ({r['ids']}): the seed says “{r['quote']}” "
             f"Correction: {r['correction']}" for n, r in enumerate(ranked.to_dict("records"), 1)]
    tables = sorted({t for ts in ranked["tables"] for t in ts.split(", ") if t})
    seeds = sorted({s for ss in ranked["seeds"] for s in ss.split(", ") if s})
    return Slide(
        title="Corrections that change the reading" if len(ranked) > 1 else "Correction", kind="text", bullets=tuple(bullets),
        caveat=f"{len(ranked)} distinct correction{'' if len(ranked) == 1 else 's'} on {len(rows)} row{'' if len(rows) == 1 else 's'}, "
               "ranked: a wrong figure, date or act first, a name or wording last; rows that repeat one correction are merged.",
        source_line=_source([f"{t}.csv" for t in tables], seeds, None), notes=_notes(notes), key="corrections")


def _corrections_slides(frames: Frames, rows: pd.DataFrame | None = None) -> list[Slide]:
    """The corrections section cut into appendix slides of :data:`CORRECTIONS_PER_SLIDE`."""
    section = _corrections.build(frames, corrected=rows)
    rows = section.extra["rows"]
    if rows.empty:
        return [_empty(section.title, section.empty, section.source_line)]
    pages = [rows.iloc[i : i + CORRECTIONS_PER_SLIDE] for i in range(0, len(rows), CORRECTIONS_PER_SLIDE)]
    return [Slide(title="Appendix: corrections" + (f" ({number} of {len(pages)})" if len(pages) > 1 else ""), kind="text",
                  bullets=tuple(_corrections.line(r) for r in page.to_dict("records")), caveat=" ".join(section.caveats),
                  source_line=_corrections.source_line(page),
                  notes=_notes([_corrections.note(r) for r in page.to_dict("records")]))
            for number, page in enumerate(pages, 1)]


def _sources_slide(frames: Frames) -> Slide:
    """The sources section as a slide."""
    section = _sources.build(frames)
    if section.empty:
        return _empty(section.title, section.empty, section.source_line)
    return Slide(title=section.title, kind="text", bullets=section.bullets, caveat=" ".join(section.caveats),
                 source_line=section.source_line, notes=_notes(list(section.notes)))


# --------------------------------------------------------------------------
# what changed since a release

#: items listed on the "What changed" slide (the notes list them all)
CHANGES_LISTED = _changes.LISTED
#: long text cells: a change to one is named ("quote revised"), not shown old → new on the slide (the notes show it)
LONG_FIELDS = _changes.LONG_FIELDS


def changes_since(release: str, data_dir: Any = None, seeds_dir: Any = None) -> Any:
    """The diff (:class:`dashboard.diff.Diff`) from release ``release`` to the current data; BriefError when the
    release cannot be read (no such release, or a released file that changed)."""
    from dashboard import diff, releases

    try:
        return diff.compare(releases.snapshot(data_dir, release, seeds_dir),
                            releases.snapshot(data_dir, releases.CURRENT, seeds_dir))
    except releases.ReleaseError as exc:
        raise BriefError(str(exc).splitlines()[0]) from None


_when = _changes.when
_shown_cell = _changes.shown_cell


def changes_slide(changes: Any) -> Slide:
    """"What changed since <release>": the changes section (dashboard/sections/changes.py) of a
    :class:`dashboard.diff.Diff` of the release and the current data, its count first."""
    section = _changes.build(changes)
    return Slide(title=section.title, kind="text", bullets=(section.summary, *section.bullets),
                 source_line=section.source_line, notes=_notes(list(section.notes)))


def _tag(built: list[Slide], key: str) -> list[Slide]:
    return [replace(slide, key=key) for slide in built]


def slides(frames: Frames, filters: Filters = DEFAULT, countries: dict | None = None, border: dict | None = None,
           as_of: dt.date | None = None, changes: Any = None, *, topics: Sequence[str] = (), max_slides: int | None = None,
           appendix: bool = False, catalogue: Any = None) -> list[Slide]:
    """The briefing's slides, in order: title, what changed since a release (when ``changes``, a
    :class:`dashboard.diff.Diff`, is given), what the texts do not cover, headline figures, map, stance (chart, paragraph, index), each indicator
    chart, conflicts, one ranked corrections slide, sources; then, with ``appendix``, every correction.

    ``topics`` (names in ``dashboard/brief/topics.json``) keeps the slides those topics list, their events' domains on
    the stance slides (unless the filters name domains) and their rows' conflicts and corrections; ``max_slides`` keeps
    the title, the "What changed" slide and then the slides of lowest priority (the appendix is outside the budget).
    """

    cat = catalogue if catalogue is not None else T.catalogue()
    chosen = [cat.topic(name) for name in topics]
    want = set(T.wanted(cat, topics))
    stance_filters = filters
    domains = tuple(dict.fromkeys(d for t in chosen for d in t.domains))
    if domains and not filters.domains:
        stance_filters = replace(filters, domains=domains)
    covered = None
    if chosen:
        ids = {(name, _text(i)) for t in chosen for name in t.tables if name in frames and "id" in frames[name].columns
               for i in T.topic_rows(frames[name], name, t)["id"]}
        covered = lambda table, row_id: (table, row_id) in ids  # noqa: E731
    countries = countries if countries is not None or "map" not in want else geo.load_countries()
    border = border if border is not None or "map" not in want else geo.load_border()
    out = _tag([_title_slide(frames, filters, as_of, chosen)], "title")
    if changes is not None:
        out += _tag(_guarded(f"What changed since {changes.old}", lambda: [changes_slide(changes)]), "changes")
    if "not_covered" in cat.fixed or "not_covered" in want:
        out += _tag(_guarded("Not covered", lambda: [_not_covered_slide(frames)]), "not_covered")
    if "figures" in want:
        out += _tag(_guarded("Headline figures", lambda: [_figures_slide(frames)]), "figures")
    if "map" in want:
        out += _tag(_guarded("Map: export routes and the border", lambda: [_map_slide(frames, countries, border)]), "map")
    if want & {"stance", "moved", "index"}:
        built = _guarded("Stance over time", lambda: _stance_slides(frames, stance_filters))
        out += [s for s in (_tag(built, "stance") if len(built) == 1 else
                            [replace(b, key=k) for b, k in zip(built, ("stance", "moved", "index"))]) if s.key in want]
    out += _indicator_slides(frames, filters, only=want)
    if "conflicts" in want:
        out += _tag(_guarded("Conflicting figures", lambda: _conflicts_slides(frames, covered)), "conflicts")
    corrected = _corrections_rows(frames, covered) if {"corrections"} & want or appendix else None
    if "corrections" in want:
        out += _tag(_guarded("Corrections", lambda: [_ranked_corrections_slide(corrected, cat, appendix)]), "corrections")
    if "sources" in want:
        out += _tag(_guarded("Sources", lambda: [_sources_slide(frames)]), "sources")
    out = [out[i] for i in T.keep([s.key for s in out], cat, max_slides)]
    if not any(s.key == "map" for s in out):  # no map in the deck: no map geography among its sources
        out = [replace(s, bullets=tuple(b for b in s.bullets if not b.startswith("Map geography:"))) if s.key == "sources" else s
               for s in out]
    if appendix:
        out += _tag(_guarded("Appendix: corrections", lambda: _corrections_slides(frames, corrected)), "appendix")
    return out


def build_brief(tables: Any, filters: Filters = DEFAULT, countries: dict | None = None, border: dict | None = None,
                changes: Any = None, *, topics: Sequence[str] = (), max_slides: int | None = None, appendix: bool = False) -> Brief:
    """The briefing for these tables (a :class:`dashboard.data.Tables` or a name -> DataFrame mapping) and filters,
    with a "What changed since <release>" slide after the title when ``changes`` (see :func:`changes_since`) is given.

    The command line and the app both call this, so the same state gives the same slides.
    """
    frames: Frames = getattr(tables, "frames", tables)
    as_of = export.data_as_of(frames.get("sources"))
    # The builders' charts are checked by tests and by vl-convert when rendered; skipping
    # Altair's validation at every construction step saves about a second per briefing.
    with debug_mode(False):
        built = slides(frames, filters, countries, border, as_of, changes, topics=topics, max_slides=max_slides, appendix=appendix)
    found = S_scope.coverage(frames)
    return Brief(tuple(built), as_of, filters, tuple(topics), _first_date(frames), title=built[0].title if built else TITLE,
                 last_act=found.last_act)


def _first_date(frames: Frames) -> dt.date | None:
    """The earliest day the events cover (the period's start when the filters set none)."""
    events = frames.get("events")
    if events is None or "date_from" not in events.columns or events["date_from"].dropna().empty:
        return None
    return max(pd.Timestamp(events["date_from"].min()).date(), DEFAULT.date_from) if DEFAULT.date_from else pd.Timestamp(events["date_from"].min()).date()


__all__ = [
    "FLAGS", "NEEDED", "OPTIONAL", "Brief", "BriefError", "Figure", "Slide", "build_brief", "changes_since", "changes_slide",
    "chart_table", "chart_type", "cli_args", "failed_tables", "filters_from_cli", "indicator_filters", "slides", "SLIDE_KEYS",
]
