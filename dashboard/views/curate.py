"""Curate: pick a source (or bring a new text), review the proposed rows with their exact passages, edit one, accept it.

Nothing reaches a table unless the whole package still validates with it (the checks of ``python -m dashboard
check``). Writes happen only in write mode (``DASHBOARD_CURATE_WRITE=1``). Without it (Streamlit Community Cloud,
or write mode off) nothing is written on the server: rows accepted for a source in the data are offered as a
download of the table, and a new text, pasted or uploaded, is curated into a **curation bundle** (the text, its
provenance and the accepted rows, with the check's result) for ``python -m dashboard apply-bundle FILE``.

The editor is for analysts: each act shows its definition; ``event_key`` is picked from the existing acts (searched by
date and words) or made from the summary; dates take "March 2022" as well as 2022-03-17; a problem is shown beside
its field in plain words, with the check's ``path:row:field`` line folded below.

This module lays the page out (the source or new text under review, the candidates, the downloads); its parts are
``curate_keys`` (names), ``curate_reading`` (typed input and check messages), ``curate_proposals`` (the candidates),
``curate_forms`` (a new text) and ``curate_editor`` (a row and Accept).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pandas as pd
import streamlit as st

from dashboard import curate, ui
from dashboard.data import Tables
from dashboard.views.curate_editor import editor
from dashboard.views.curate_forms import add_text, new_text_form
from dashboard.views.curate_keys import (  # noqa: F401 - the page's names, also read by its tests
    ACCEPTED, DRAFT, DRAFT_PREFIX, FIXED, FROM_CANDIDATE, FROM_DATA, FULL_WIDTH, LANGUAGES, NEW_KEY, NEW_TEXT, PAGE, PICK,
    SOURCE, WHAT,
)
from dashboard.views.curate_proposals import candidates, draft_candidates, highlighted, label
from dashboard.views.curate_reading import (  # noqa: F401 - tested through this module
    DATE_HELP, PLAIN, acts_list, field_problems, find_acts, interval, key_from_summary, parse_when, plain,
)


def downloads(package: curate.Package) -> None:
    """Read-only, a source in the data: each table with this session's accepted rows appended."""
    for name, rows in st.session_state.get(ACCEPTED, {}).items():
        if rows:
            _, data = curate.add_rows(package, name, rows, write=False)
            st.download_button(f"Download {package.file(name).name} with {len(rows)} accepted row{'s' if len(rows) > 1 else ''}",
                               data, file_name=package.file(name).name, mime="text/csv", key=f"{PAGE}.download.{name}",
                               on_click="ignore")


def bundle_download(draft: dict) -> None:
    """The new text's curation bundle, once a row is accepted into it."""
    if not draft.get("bundle"):
        st.caption("Accept a row to make the curation bundle: the text, its provenance and the accepted rows, "
                   "with the check's result.")
        return
    total = sum(len(r) for r in draft["rows"].values())
    stem = re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKD", draft["source"]["title"]).encode("ascii", "ignore")
                  .decode().lower()).strip("-")[:40] or draft["digest"][:12]
    st.download_button(f"Download the curation bundle ({total} row{'s' if total > 1 else ''})", draft["bundle"],
                       file_name=f"{stem}.curation.json", mime="application/json", key=f"{PAGE}.bundle", on_click="ignore",
                       type="primary")
    st.caption("Then, in a checkout: `python -m dashboard apply-bundle FILE` adds the text and the rows, validated, "
               "and `git add seeds data` makes the pull request.")


def review(package: curate.Package, loaded: Tables, key: str, found: list[dict], write: bool,
           source: dict | None = None, draft: dict | None = None) -> None:
    """The text with the candidates highlighted, the candidate picker and the editor."""
    by_rank = {c["rank"]: c for c in found}
    left, right = st.columns([3, 2])
    with right:
        st.markdown(f"**{len(found)} candidates**, best first")
        rank = st.selectbox("Candidate", list(by_rank), key=f"{PICK}.{key}", format_func=lambda r: label(by_rank[r]))
        candidate = by_rank[rank]
        st.caption("Signals: " + candidate["signals"])
    source_id = key
    with left:
        with st.container(height=420, border=True):
            st.html(highlighted(ui.version(loaded), source_id, f"C{rank}", loaded, found))
    with st.container(border=True):
        st.subheader(f"Candidate #{rank}")
        editor(package, loaded, key, candidate, write, source=source, draft=draft)
    with st.expander("All candidates as a table"):
        st.dataframe(pd.DataFrame(found), hide_index=True, width="stretch")


def draft_page(package: curate.Package, loaded: Tables) -> None:
    """A new text in read-only mode: proposals, the editor, and the curation bundle."""
    from dashboard import propose

    draft = st.session_state.get(DRAFT)
    if draft is None:
        new_text_form(package.enum("sources", "kind"))
        return
    source = draft["source"]
    st.caption(f"**New text** · {ui._md(source['title'])} · {LANGUAGES.get(source['language'], source['language'])} · "
               f"published {source['published_from']}" + (f" to {source['published_to']}" if source['published_to'] != source['published_from'] else ""))
    if st.button("Start again with another text", key=f"{PAGE}.restart"):
        st.session_state.pop(DRAFT, None)
        st.rerun()
    try:
        found = draft_candidates(ui.version(loaded), draft["digest"] + source["published_from"] + source["published_to"]
                                 + source["language"], draft, loaded, package)
    except propose.ProposeError as exc:
        st.error(str(exc))
        return
    if not found:
        st.info("No candidates: no sentence of this text has a dated act or a figure.")
        return
    shown = {**source, "published_from": dt.date.fromisoformat(source["published_from"]),
             "published_to": dt.date.fromisoformat(source["published_to"])}
    review(package, loaded, draft["id"], found, False, source=shown, draft=draft)
    bundle_download(draft)  # after the editor: a row accepted on this run is in it


def main() -> None:
    """Draw the page."""
    ui.page_intro(
        "Curate",
        "Proposed rows from a source's text, each with its exact passage, a date resolved against the publication date, "
        "any figure, and a guessed actor and domain. Review one, edit it, accept it: it is saved only if every check of "
        "`python -m dashboard check` still passes. The codebook (`data/README.md`) decides the coding.",
    )
    loaded = ui.tables()
    ui.problem_panel(loaded)
    if "sources" not in loaded.frames:
        st.info("The sources table did not pass validation, so there is nothing to curate from.")
        st.stop()
    try:
        package = curate.open_package()
    except curate.CurateError as exc:
        st.error(str(exc))
        st.stop()
    write = curate.write_enabled()
    if write:
        st.caption(f"Write mode (`{curate.WRITE_ENV}=1`): accepted rows are saved to the data directory.")
    else:
        st.info(f"Read-only: accepted rows are validated and offered as a download; nothing is written. A new text "
                f"becomes a curation bundle for `python -m dashboard apply-bundle`. Set `{curate.WRITE_ENV}=1` to save "
                "into the tables and to add texts here.")
    sources = loaded.frames["sources"]
    titles = dict(zip(sources["source_id"], sources["title"]))
    ids = list(sources["source_id"])
    if write:
        with st.expander("Add a new text"):
            add_text(package, package.enum("sources", "kind"), package.enum("sources", "reliability"))
    elif st.radio("Curate", [FROM_DATA, NEW_TEXT], key=WHAT, horizontal=True, label_visibility="collapsed") == NEW_TEXT:
        draft_page(package, loaded)
        return
    # options are the bare ids (a bound widget writes its label to the URL: ?curate_source=S005), the title beside
    source_id = st.selectbox("Source", ids, key=SOURCE, bind=ui.BIND)
    st.caption(f"**{source_id}** · {ui._md(titles.get(source_id, ''))}")
    if source_id not in loaded.seed_texts:
        st.error(f"The text of {source_id} could not be read; see the error panel or run `python -m dashboard check`.")
        return
    from dashboard import propose

    try:
        found = candidates(ui.version(loaded), source_id, loaded, package)
    except propose.ProposeError as exc:
        st.error(str(exc))
        return
    if not found:
        st.info("No candidates: no sentence of this text has a dated act or a figure.")
        return
    review(package, loaded, source_id, found, write)
    if not write:
        downloads(package)
