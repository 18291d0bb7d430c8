"""Curate: pick a source (or add a text), review the proposed rows with their exact passages, edit one, accept it.

Nothing reaches a table unless the whole package still validates with it (the checks of ``python -m dashboard
check``). Writes happen only in write mode (``DASHBOARD_CURATE_WRITE=1``); otherwise accepted rows are offered
as a download of the table with them appended.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import curate, seeds, ui
from dashboard.data import Tables

PAGE = "curate"
#: the URL's ``seed`` on this page: the source under review (bound)
SOURCE = "curate_source"
PICK = f"{PAGE}.candidate"
ACCEPTED = f"{PAGE}.accepted"  # table -> rows accepted in read-only mode (this session only)
#: fields the page fills itself
FIXED = ("id", "source_id")
#: fields a candidate pre-fills, by name
FROM_CANDIDATE = {"quote": "quote", "date_from": "date_from", "date_to": "date_to", "date_source": "date_source",
                  "actor": "actor", "domain": "domain", "place": "place", "value": "value", "amount": "value",
                  "count": "value", "unit": "unit", "as_stated": "figure_text"}


@st.cache_data(max_entries=16, show_spinner="Reading the text and proposing rows…")
def candidates(version: str, source_id: str, _loaded: Tables, _package: curate.Package) -> list[dict[str, Any]]:
    """The proposed rows of one source, best first (cached per version of the data)."""
    from dashboard import propose

    record = _loaded.frames["sources"].set_index("source_id").loc[source_id]
    text = _loaded.seed_texts.get(source_id)
    if text is None:
        return []
    found = propose.propose_text(text, source_id, record["published_from"].date(), record["published_to"].date(),
                                 propose.lexicon_of(_loaded.frames, _package), tables=_package.tables())
    return [c.row() for c in found]


@st.cache_data(max_entries=16, show_spinner=False)
def highlighted(version: str, source_id: str, current: str | None, _loaded: Tables, _found: list[dict]) -> str:
    """The text with every candidate's passage marked (escaped by dashboard.seeds)."""
    page_html, _ = seeds.highlight(_loaded.seed_texts.get(source_id, ""), [(f"C{c['rank']}", c["quote"]) for c in _found],
                                   current=current)
    return seeds.STYLE + page_html


def label(candidate: dict) -> str:
    when = candidate["date_from"] if candidate["date_from"] == candidate["date_to"] else \
        f"{candidate['date_from']} – {candidate['date_to']}" if candidate["date_from"] else "undated"
    figure = f" · {candidate['figure_text']}" if candidate["figure_text"] else ""
    quote = candidate["quote"] if len(candidate["quote"]) <= 90 else candidate["quote"][:89] + "…"
    return f"#{candidate['rank']} · {candidate['table']} · {when}{figure} · {quote}"


def add_text(package: curate.Package, kinds: list[str], grades: list[str]) -> None:
    """Upload a text: runs add-source (write mode only)."""
    with st.form(f"{PAGE}.add", clear_on_submit=False, border=True):
        upload = st.file_uploader("Text (UTF-8, .txt)", type=["txt"], max_upload_size=2)
        title = st.text_input("Title, as it appears in the text")
        left, right = st.columns(2)
        published_from = left.date_input("Published from", value=None, format="YYYY-MM-DD")
        published_to = right.date_input("Published to (blank: the same day)", value=None, format="YYYY-MM-DD")
        author, outlet = left.text_input("Author (blank: not stated)"), right.text_input("Outlet (blank: not stated)")
        kind = left.selectbox("Kind", kinds, index=kinds.index("news report") if "news report" in kinds else 0)
        grade = right.selectbox("Reliability (blank: F, not judged yet)", [None, *grades])
        reason = st.text_input("Reason for the grade (needed with a grade)")
        if not st.form_submit_button("Add the text", type="primary"):
            return
    if upload is None:
        st.error("Choose a text file first.")
        return
    try:
        source_id = curate.add_source(
            package, upload.getvalue(), file_label=upload.name[:80], title=title,
            published_from=published_from.isoformat() if published_from else "",
            published_to=published_to.isoformat() if published_to else None, author=author, outlet=outlet, kind=kind,
            grade=grade, grade_reason=reason or None)
    except curate.CurateError as exc:
        st.error(str(exc))
        return
    st.session_state[SOURCE] = source_id
    st.toast(f"Added {source_id}")
    st.rerun()


def _prefill(field: str, candidate: dict, source: dict) -> str:
    key = FROM_CANDIDATE.get(field)
    value = candidate.get(key) if key else None
    if field == "date_note" and candidate.get("date_source") == "inferred":
        return f"'{candidate['date_text']}' in a text published {source['published_from']:%Y-%m-%d} to {source['published_to']:%Y-%m-%d}"
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def editor(package: curate.Package, loaded: Tables, source_id: str, candidate: dict, write: bool) -> None:
    """The candidate's row in its table's fields, the act and the scores it allows, and Accept."""
    source = loaded.frames["sources"].set_index("source_id").loc[source_id].to_dict()
    tables = package.tables()
    base = f"{PAGE}.{source_id}.{candidate['rank']}"
    table = st.selectbox("Table", tables, index=tables.index(candidate["table"]) if candidate["table"] in tables else 0,
                         key=f"{base}.table")
    fields = [f for f in package.fields(table) if f["name"] not in FIXED]
    acts = loaded.frames.get("acts")
    row: dict[str, Any] = {"source_id": source_id}
    st.caption(f"Fields of `{package.file(table).name}` as declared in `datapackage.json`; blank means empty. "
               "The quote must stay verbatim: shorten it, never reword it.")
    columns = st.columns(2)
    names = [f["name"] for f in fields]
    coded: list | None = [] if "act" in names and acts is not None else None  # the act, then the scores it allows
    plain = [f for f in fields if coded is None or f["name"] not in ("act", "stance")]
    ordered = plain + ([f for f in fields if f["name"] == "act"] + [f for f in fields if f["name"] == "stance"] if coded is not None else [])
    for i, spec in enumerate(ordered):
        name, key = spec["name"], f"{base}.{table}.{spec['name']}"
        help_text = spec.get("description")
        enum = spec.get("constraints", {}).get("enum")
        where = st if name in ("quote", "summary", "note", "correction", "date_note") else columns[i % 2]
        if coded is not None and name in ("act", "stance"):
            if not coded:
                coded.extend(st.columns(2))  # after the other fields: pick the act, then its score
            where = coded[0] if name == "act" else coded[1]
        if name == "act" and acts is not None:
            options = [""] + list(acts["act"])
            labels = dict(zip(acts["act"], acts["label"]))
            row[name] = where.selectbox("act", options, key=key, format_func=lambda a: labels.get(a, "— none —") if a else "— none —",
                                        help=help_text)
            if row[name]:
                chosen = acts[acts["act"] == row[name]].iloc[0]
                where.caption(f"{chosen['definition']} Scores allowed: {chosen['scores'] or 'none (unscored)'}.")
        elif name == "stance" and "act" in names and acts is not None:
            act = st.session_state.get(f"{base}.{table}.act") or ""
            allowed = str(acts.set_index("act")["scores"].get(act, "") or "").split() if act else ["-2", "-1", "0", "1", "2"]
            row[name] = where.selectbox("stance", ["", *allowed], key=f"{key}.{act}", help=help_text)
        elif enum:
            value = _prefill(name, candidate, source)
            options = ["", *[str(v) for v in enum]]
            row[name] = where.selectbox(name, options, index=options.index(value) if value in options else 0, key=key, help=help_text)
        elif name == "quote":
            row[name] = where.text_area(name, value=_prefill(name, candidate, source), key=key, help=help_text, height=110)
        else:
            row[name] = where.text_input(name, value=_prefill(name, candidate, source), key=key, help=help_text)
    row = {k: (v.strip() if isinstance(v, str) else v) or None for k, v in row.items()}
    accepted = st.session_state.setdefault(ACCEPTED, {})
    if st.button("Accept into " + table, type="primary", key=f"{base}.accept"):
        earlier = accepted.get(table, [])
        saved, data = curate.add_rows(package, table, [*earlier, row] if not write else [row], write=write)
        if not saved.ok:
            st.error("Not saved: the package would not validate with this row. Nothing was written.")
            st.code("\n".join(saved.problems), language=None)
        elif write:
            st.success(f"Saved to `{package.file(table).name}`; the previous version is in `data/{curate.HISTORY_DIR}/`. "
                       "Every page shows it on its next rerun.")
        else:
            accepted[table] = [*earlier, {**row, "id": _last_id(data)}]
            st.success(f"Accepted ({len(accepted[table])} in `{table}` this session). Read-only: download the table below "
                       "and commit it, or run the app with write mode on.")
    if not write:
        for name, rows in accepted.items():
            if rows:
                _, data = curate.add_rows(package, name, rows, write=False)
                st.download_button(f"Download {package.file(name).name} with {len(rows)} accepted row{'s' if len(rows) > 1 else ''}",
                                   data, file_name=package.file(name).name, mime="text/csv", key=f"{PAGE}.download.{name}",
                                   on_click="ignore")


def _last_id(data: bytes) -> str:
    import csv
    import io

    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))[-1]["id"]


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
        st.info(f"Read-only: accepted rows are validated and offered as a download; nothing is written. Set "
                f"`{curate.WRITE_ENV}=1` to save into the tables and to add texts.")
    sources = loaded.frames["sources"]
    titles = dict(zip(sources["source_id"], sources["title"]))
    ids = list(sources["source_id"])
    if write:
        with st.expander("Add a new text"):
            add_text(package, package.enum("sources", "kind"), package.enum("sources", "reliability"))
    # options are the bare ids (a bound widget writes its label to the URL: ?curate_source=S005), the title beside
    source_id = st.selectbox("Source", ids, key=SOURCE, bind=ui.BIND)
    st.caption(f"**{source_id}** · {ui._md(titles.get(source_id, ''))}")
    if source_id not in loaded.seed_texts:
        st.error(f"The text of {source_id} could not be read; see the error panel or run `python -m dashboard check`.")
        return
    found = candidates(ui.version(loaded), source_id, loaded, package)
    if not found:
        st.info("No candidates: no sentence of this text has a dated act or a figure.")
        return
    by_rank = {c["rank"]: c for c in found}
    left, right = st.columns([3, 2])
    with right:
        st.markdown(f"**{len(found)} candidates**, best first")
        rank = st.selectbox("Candidate", list(by_rank), key=f"{PICK}.{source_id}", format_func=lambda r: label(by_rank[r]))
        candidate = by_rank[rank]
        st.caption("Signals: " + candidate["signals"])
    with left:
        with st.container(height=420, border=True):
            st.html(highlighted(ui.version(loaded), source_id, f"C{rank}", loaded, found))
    with st.container(border=True):
        st.subheader(f"Candidate #{rank}")
        editor(package, loaded, source_id, candidate, write)
    with st.expander("All candidates as a table"):
        st.dataframe(pd.DataFrame(found), hide_index=True, width="stretch")
