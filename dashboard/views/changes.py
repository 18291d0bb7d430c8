"""Changes: what changed between two releases, or between a release and the current data, row by row with sources."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import charts, diff, marks, paths, releases, ui
from dashboard.filters import DEFAULT
from dashboard.sections import changes as changes_section

PAGE = "changes"
#: the URL's ``old`` and ``new`` are the two pickers (bound); their defaults (the last release, the current data) are
#: left out of the URL
OLD, NEW = "old", "new"
#: row changes listed per table (the download has them all)
#: rows of one table listed at a time: each is a bordered card with its quote, so a page of 40 was ~1,300 elements
PAGE_ROWS = 10
#: a new or moved mark's ring on the stance chart: near-black, which no actor's colour is (palette.ACTOR_GROUP)
HIGHLIGHT = "#111111"
#: what makes a mark "moved": its score, its dates or its grade (the mark's opacity)
MOVED = ("stance", "date_from", "date_to", "credibility")


def _stamp(data_dir: Path) -> tuple:
    """The release index's mtime and size: a new release is a new cache key (the tables' own fingerprint does not look
    into data/releases/)."""
    index = releases.releases_dir(data_dir) / releases.INDEX
    try:
        stat = index.stat()
    except OSError:
        return ()
    return (stat.st_mtime_ns, stat.st_size)


# read-only and shared (st.cache_resource): st.cache_data unpickled the whole diff, NEW's events and the CSV on every rerun
@st.cache_resource(max_entries=8, show_spinner="Comparing the tables…")
def compared(version: str, data_dir: str, seeds_dir: str | None, old: str, new: str, stamp: tuple) -> dict[str, Any]:
    """The diff of ``old`` and ``new`` and NEW's events (typed), or the error that stopped it; cached per data version."""
    try:
        before = releases.snapshot(data_dir, old, seeds_dir)
        after = releases.snapshot(data_dir, new, seeds_dir)
    except releases.ReleaseError as exc:
        return {"error": str(exc)}
    result = diff.compare(before, after)
    return {"diff": result, "events": releases.typed(after, "events"), "old": before.described, "new": after.described,
            "csv": diff.to_csv(result), "section": changes_section.build(result)}


@st.cache_data(max_entries=8, show_spinner=False)
def stance_block(version: str, data_dir: str, seeds_dir: str | None, old: str, new: str, stamp: tuple) -> tuple[dict, str] | None:
    """The ringed stance chart's spec and its summary for one comparison, or None without events: built once per
    comparison and data version (``compared`` hands out a copy of NEW's events on each hit, which the marks layer
    could not recognise as the same table)."""
    found = compared(version, data_dir, seeds_dir, old, new, stamp)
    events = found.get("events")
    if "error" in found or events is None or events.empty:
        return None
    new_ids, moved_ids = highlighted_ids(found["diff"])
    m = marks.stance_marks(events, DEFAULT)
    spec, ringed = highlight_spec(m, new_ids, moved_ids)
    if ringed:
        summary = (f"{m.summary} Ringed: {ringed} mark{'' if ringed == 1 else 's'} of new or moved events "
                   f"({len(new_ids)} new row{'' if len(new_ids) == 1 else 's'}, {len(moved_ids)} with a changed stance, date or grade).")
    elif new_ids or moved_ids:
        count = len(new_ids | moved_ids)
        summary = (f"{m.summary} No mark is ringed: the {count} new or moved event{'' if count == 1 else 's'} "
                   f"{'is' if count == 1 else 'are'} not drawn in this view (dated before 2022, or context).")
    else:
        summary = f"{m.summary} No event is new or moved."
    return ui.arrow_datasets(spec), summary


def highlighted_ids(result: diff.Diff) -> tuple[set[str], set[str]]:
    """The events rows that are new, and those whose stance or dates changed (their marks moved)."""
    table = result.table("events")
    if table is None:
        return set(), set()
    new = {r.row.get("id", "") for r in table.added}
    moved = {r.row.get("id", "") for r in table.changed if any(c.field in MOVED for c in r.cells)}
    return new - {""}, moved - {""}


def highlight_spec(m: marks.StanceMarks, new: set[str], moved: set[str]) -> tuple[dict, int]:
    """The stance chart (charts.stance_spec, unchanged) with a ring under each mark that stands for a new or moved row:
    layers added to its spec, so the chart module needs nothing new. Returns the spec and how many marks are ringed."""
    spec = charts.stance_spec(m).to_dict()
    if m.marks.empty or "layer" not in spec:
        return spec, 0
    wanted = new | moved
    ids = m.marks["ids"].fillna("").astype(str).str.split(", ")
    hit = m.marks[[bool(set(row) & wanted) for row in ids]]
    if hit.empty:
        return spec, 0
    kind = ["new" if set(row) & new else "moved" for row in ids[hit.index]]
    values = [{"start": int(pd.Timestamp(r["start"]).value // 1_000_000), "end": int(pd.Timestamp(r["end"]).value // 1_000_000),
               "days": float(r["days"]), "y": float(r["y"]), "change": k}
              for r, k in zip(hit[["start", "end", "days", "y"]].to_dict("records"), kind)]
    spec.setdefault("datasets", {})["changed"] = values
    layers = spec["layer"]
    template = next(layer for layer in layers if layer.get("data", {}).get("name") == "marks")
    x, y = template["encoding"]["x"], template["encoding"]["y"]
    # new: a solid ring; moved (stance or dates changed): a dashed one; one legend for both layers
    dash = {"field": "change", "type": "nominal", "title": "Ringed: new or moved",
            "scale": {"domain": ["new", "moved"], "range": [[1, 0], [5, 3]]}, "legend": {"orient": "bottom"}}
    rings = [
        {"data": {"name": "changed"}, "transform": [{"filter": "datum.days > 1"}],
         "mark": {"type": "rule", "color": HIGHLIGHT, "strokeCap": "butt", "strokeWidth": 15, "opacity": 0.3},
         "encoding": {"x": x, "x2": {"field": "end"}, "y": y, "strokeDash": dash}},
        {"data": {"name": "changed"}, "transform": [{"filter": "datum.days <= 1"}],
         "mark": {"type": "point", "size": 700, "strokeWidth": 3, "color": HIGHLIGHT, "filled": False},
         "encoding": {"x": x, "y": y, "strokeDash": dash}},
    ]
    first = layers.index(template)
    spec["layer"] = layers[:first] + rings + layers[first:]  # under the marks, so the marks stay readable
    return spec, len(hit)


def _cells(row: diff.RowChange) -> str:
    return "  \n".join(f"**{ui._md(c.field)}**: {ui._md(c.old) or '*(blank)*'} → {ui._md(c.new) or '*(blank)*'}" for c in row.cells)


def show_table(table: diff.TableChanges, sources: pd.DataFrame | None) -> None:
    counts = table.counts()
    st.header(f"{ui.md(table.title)} ({ui.md(table.name)})")
    st.caption(f"{counts['added']} added, {counts['removed']} removed, {counts['changed']} changed"
               + (f" · columns added: {ui.md(', '.join(table.columns_added))}" if table.columns_added else "")
               + (f" · columns removed: {ui.md(', '.join(table.columns_removed))}" if table.columns_removed else "")
               + f" · keyed by {ui.md(', '.join(table.key)) or 'the whole row'}")
    kept = [r for r in table.rows if r.kind != "removed"]
    # the rows behind the counts, built only while open (a lazy expander): a release touching many tables would
    # otherwise send a card per row for every table on every rerun
    listed = st.expander(f"The {len(kept) + len(table.removed)} rows, with their quotes", key=f"{PAGE}.{table.name}.rows",
                         on_change="rerun", expanded=len(kept) + len(table.removed) <= 3)
    if not listed.open:
        return
    with listed:
        _rows(table, kept, sources)


def _rows(table: diff.TableChanges, kept: list, sources: pd.DataFrame | None) -> None:
    for number, row in _page_of(kept, f"{PAGE}.{table.name}.page", "changes"):
        with st.container(border=True):
            label = "New row" if row.kind == "added" else "Changed"
            # the heading and the changed cells in one Markdown element (one delta per row fewer)
            st.markdown(row_heading(label, table, row) + (f"\n\n{_cells(row)}" if row.cells else ""))
            evidence(table, row, sources, f"{PAGE}.{table.name}.{number}")
    for number, row in _page_of(list(table.removed), f"{PAGE}.{table.name}.removed.page", "removed rows"):
        with st.container(border=True):  # removed rows with what they said, not by id only
            st.markdown(row_heading("Removed", table, row))
            evidence(table, row, None, f"{PAGE}.{table.name}.removed.{number}")


def _page_of(rows: list, key: str, what: str) -> list[tuple[int, object]]:
    """The rows of the page picked (PAGE_ROWS at a time, numbered as in the whole list), with a pager and a caption
    when there is more than one page; the CSV download lists every row."""
    if len(rows) <= PAGE_ROWS:
        return list(enumerate(rows))
    pages = -(-len(rows) // PAGE_ROWS)
    page = min(max(1, int(st.pagination(pages, key=key, max_visible_pages=5) or 1)), pages)
    first = (page - 1) * PAGE_ROWS
    st.caption(f"{what.capitalize()} {first + 1}–{min(first + PAGE_ROWS, len(rows))} of {len(rows)}; the CSV download lists them all.")
    return list(enumerate(rows))[first:first + PAGE_ROWS]


def row_heading(label: str, table: diff.TableChanges, row: diff.RowChange) -> str:
    """"New row: EV091 · <what it is>" (Markdown), without repeating the key when the row's label is only its key."""
    what = diff.row_label({k: v for k, v in row.row.items() if k != "quote"})
    shown = f" · {ui.md(what)}" if what and what != row.key_text else ""
    return f"**{label}: {ui.md(row.key_text)}**{shown}"


def evidence(table: diff.TableChanges, row: diff.RowChange, sources: pd.DataFrame | None, key: str) -> None:
    """A row's quote and seed (a seed's own row: its title and outlet)."""
    record = row.row
    if table.name == "sources":
        parts = [record.get("title"), record.get("outlet") if record.get("outlet") not in (None, "", "not stated") else None,
                 record.get("published_from") and f"published {record.get('published_from')}"]
        st.caption(" · ".join(ui.md(p) for p in parts if p))
        return
    if record.get("quote"):
        if sources is None:  # a removed row: its seed may be gone too
            st.markdown(f"> {ui.md(record['quote'])}")
            st.caption(f"{ui.md(record.get('source_id') or 'no seed')} · as it was in the earlier state")
        else:
            ui.quote_card(record, sources, key=key)


def main() -> None:
    """Draw the page."""
    ui.page_intro(
        "Changes",
        "What changed between two dated releases of the tables (`python -m dashboard release`, kept in "
        "`data/releases/`), or between a release and the current data: the rows added, removed and changed in each "
        "table, keyed by its primary key, each with its quote and seed, then the stance chart with the new and moved "
        "marks ringed.",
    )
    loaded = ui.tables()
    ui.problem_panel(loaded)
    index = loaded.frames.get(releases.RESOURCE)
    names = [str(n) for n in index["release"]] if index is not None else []
    if not names:
        st.info("No release has been made yet, so there is nothing to compare with: run `python -m dashboard release`.")
        return
    comparer(names)


@st.fragment
def comparer(names: list[str]) -> None:
    """The two pickers and what changed between them: picking reruns only this."""
    loaded = ui.tables()
    left, right = st.columns(2)
    old = left.selectbox("From release", names, index=len(names) - 1, key=OLD, bind=ui.BIND,
                         help="The earlier state: a release (by default the last one)")
    choices = names + [releases.CURRENT]
    new = right.selectbox("To", choices, index=len(choices) - 1, key=NEW, bind=ui.BIND,
                          help=f"A later release, or '{releases.CURRENT}': the tables as they are now")
    if old == new:
        st.info("Pick two different states to compare.")
        return
    data_dir = paths.default_data_dir()
    seeds_dir = paths.default_seeds_dir()
    found = compared(ui.version(loaded), str(data_dir), str(seeds_dir) if seeds_dir else None, old, new, _stamp(data_dir))
    if "error" in found:
        st.error(ui.md(found["error"]))
        return
    result: diff.Diff = found["diff"]
    st.markdown(f"From **{ui._md(found['old'])}** to **{ui._md(found['new'])}**.")
    section = found["section"]  # what the brief's "What changed" slide says, for the same two states
    st.caption(ui.md(section.summary))
    st.caption(ui.md(section.source_line))
    counts = pd.DataFrame(result.counts())
    totals = counts[["added", "removed", "changed"]].sum()
    columns = st.columns(4)
    columns[0].metric("Rows added", int(totals["added"]))
    columns[1].metric("Rows removed", int(totals["removed"]))
    columns[2].metric("Rows changed", int(totals["changed"]))
    with columns[3]:
        st.download_button("Changes (.csv)", data=found["csv"], file_name=f"changes_{old}_{new}.csv", mime="text/csv",
                           icon=":material/download:", key=f"{PAGE}.csv", on_click="ignore",
                           help="Every change, one line per cell: table, key, change, field, old, new")
    moved = counts[(counts[["added", "removed", "changed"]].sum(axis=1) > 0)] if len(counts) else counts
    if len(moved):  # only the tables that changed
        st.dataframe(moved, hide_index=True, width="stretch", key=f"{PAGE}.counts")
    if not result.changed_tables:
        st.success("No table changed.")
    else:
        st.caption("Each table's changed rows are listed first where a quote, stance, date or correction changed, then the "
                   "other changed rows, then the new ones, then the removed ones with what they said.")
    sources = loaded.frames.get("sources")
    for table in result.changed_tables:
        show_table(table, sources)

    with ui.section("The stance chart"):
        st.header("Stance over time, new and moved marks ringed")
        st.caption("As the Stance page draws it by default (from 1 January 2022, every actor, domain and grade); "
                   "a ring marks an act that is new, or whose stance or dates changed.")
        new_ids, moved_ids = highlighted_ids(result)
        if not new_ids and not moved_ids:  # nothing to ring: no chart
            st.caption("No event is new, and none changed its stance, dates or grade, so there is no chart to draw.")
            ui.share_link()
            return
        block = stance_block(ui.version(loaded), str(data_dir), str(seeds_dir) if seeds_dir else None, old, new,
                             _stamp(data_dir))
        if block is None:
            st.info("The events table is not in this state, or cannot be read, so there is no chart to draw.")
            return
        spec, summary = block
        ui.chart_block(spec, summary, f"changes-stance-{old}-{new}", key=f"{PAGE}.stance", tables=("events",))
    ui.share_link()
