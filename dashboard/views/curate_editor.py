"""The Curate page's row editor: a candidate's row in its table's fields, the act and the scores it allows, and
Accept, which keeps the row only if the whole package still validates with it."""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

import pandas as pd
import streamlit as st

from dashboard import curate
from dashboard.data import Tables
from dashboard.views.curate_keys import ACCEPTED, FIXED, FROM_CANDIDATE, FULL_WIDTH, LANGUAGES, NEW_KEY, PAGE
from dashboard.views.curate_proposals import _language
from dashboard.views.curate_reading import (
    DATE_HELP, LINE, _lines, acts_list, field_problems, find_acts, interval, key_from_summary, plain,
)


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


def _act_label(acts: pd.DataFrame) -> Callable[[str], str]:
    rows = {a: (l, d) for a, l, d in zip(acts["act"], acts["label"], acts.get("definition", acts["label"]))}

    def shown(act: str) -> str:
        if not act:
            return "— none —"
        name, definition = rows.get(act, (act, ""))
        definition = str(definition or "")
        return f"{name}: {definition if len(definition) <= 110 else definition[:109] + '…'}"

    return shown


def _event_key(where, spec: dict, key: str, acts: pd.DataFrame) -> tuple[str, str]:
    """Pick an existing act by date and words, or a new one: the choice, and a new key typed (blank: from the summary)."""
    query = where.text_input("Find an existing act (date or words)", key=f"{key}.find",
                             help="For example: 2022-03 sanctions. Pick it when another seed already tells this act: "
                             "one act, one mark.")
    found = find_acts(acts, query)[:200]
    summaries = {k: (d, s) for k, d, s in zip(acts["event_key"], acts["date"], acts["summary"])}
    choice = where.selectbox(
        "event_key", [NEW_KEY, *found], key=f"{key}.pick", help=spec.get("description"),
        format_func=lambda k: "A new act (key made from the summary)" if k == NEW_KEY else
        f"{k} · {summaries[k][0]} · {summaries[k][1][:80]}")
    typed = where.text_input("New event_key (blank: made from the summary)", key=f"{key}.new") if choice == NEW_KEY else ""
    return choice, typed


def editor(package: curate.Package, loaded: Tables, source_id: str, candidate: dict, write: bool,
           source: dict | None = None, draft: dict | None = None) -> None:
    """The candidate's row in its table's fields, the act and the scores it allows, and Accept.

    For a source in the data the row is saved (write mode) or collected for a table download; for a new text
    (``draft``) it is collected into the curation bundle."""
    if source is None:
        source = loaded.frames["sources"].set_index("source_id").loc[source_id].to_dict()
    english = _language(source) == "en"
    tables = package.tables()
    base = f"{PAGE}.{source_id}.{candidate['rank']}"
    table = st.selectbox("Table", tables, index=tables.index(candidate["table"]) if candidate["table"] in tables else 0,
                         key=f"{base}.table")
    fields = [f for f in package.fields(table) if f["name"] not in FIXED
              and not (english and f["name"] in ("quote_en", "quote_en_by"))]
    acts = loaded.frames.get("acts")
    row: dict[str, Any] = {"source_id": source_id}
    st.caption(f"Fields of `{package.file(table).name}` as declared in `datapackage.json`; blank means empty. "
               "The quote must stay verbatim: shorten it, never reword it."
               + ("" if english else f" The text is in {LANGUAGES.get(_language(source), _language(source))}: "
                  "give the quote's English translation in quote_en, and who made it in quote_en_by."))
    columns = st.columns(2)
    names = [f["name"] for f in fields]
    coded: list | None = [] if "act" in names and acts is not None else None  # the act, then the scores it allows
    plain_fields = [f for f in fields if coded is None or f["name"] not in ("act", "stance")]
    ordered = plain_fields + ([f for f in fields if f["name"] == "act"] + [f for f in fields if f["name"] == "stance"] if coded is not None else [])
    slots: dict[str, Any] = {}
    new_key: tuple[str, str] | None = None
    for i, spec in enumerate(ordered):
        name, key = spec["name"], f"{base}.{table}.{spec['name']}"
        help_text = spec.get("description")
        enum = spec.get("constraints", {}).get("enum")
        where = st if name in FULL_WIDTH else columns[i % 2]
        if coded is not None and name in ("act", "stance"):
            if not coded:
                coded.extend(st.columns(2))  # after the other fields: pick the act, then its score
            where = coded[0] if name == "act" else coded[1]
        if name == "act" and acts is not None:
            options = [""] + list(acts["act"])
            row[name] = where.selectbox("act", options, key=key, format_func=_act_label(acts), help=help_text)
            if row[name]:
                chosen = acts[acts["act"] == row[name]].iloc[0]
                where.caption(f"{chosen['definition']} Scores allowed: {chosen['scores'] or 'none (unscored)'}.")
        elif name == "stance" and "act" in names and acts is not None:
            act = st.session_state.get(f"{base}.{table}.act") or ""
            allowed = str(acts.set_index("act")["scores"].get(act, "") or "").split() if act else ["-2", "-1", "0", "1", "2"]
            row[name] = where.selectbox("stance", ["", *allowed], key=f"{key}.{act}", help=help_text)
        elif name == "event_key":
            new_key = _event_key(where, spec, key, acts_list(loaded.frames.get("events")))
            row[name] = "" if new_key[0] == NEW_KEY else new_key[0]
        elif enum:
            value = _prefill(name, candidate, source)
            options = ["", *[str(v) for v in enum]]
            row[name] = where.selectbox(name, options, index=options.index(value) if value in options else 0, key=key, help=help_text)
        elif name in ("quote", "quote_en"):
            row[name] = where.text_area(name, value=_prefill(name, candidate, source), key=key, help=help_text, height=110)
        elif name in ("date_from", "date_to"):
            row[name] = where.text_input(name, value=_prefill(name, candidate, source), key=key,
                                         help=f"{DATE_HELP} {help_text or ''}".strip())
        else:
            row[name] = where.text_input(name, value=_prefill(name, candidate, source), key=key, help=help_text)
        slots[name] = where.empty()  # the field's problem, in plain words, after Accept
    row = {k: (v.strip() if isinstance(v, str) else v) or None for k, v in row.items()}
    date_errors: dict[str, str] = {}
    if "date_from" in row or "date_to" in row:
        first, last, date_errors = interval(row.get("date_from"), row.get("date_to"))
        row["date_from"], row["date_to"] = first or None, last or None
    if new_key is not None and new_key[0] == NEW_KEY:
        taken = set(acts_list(loaded.frames.get("events"))["event_key"])
        row["event_key"] = new_key[1].strip() or key_from_summary(row.get("summary"), row.get("date_from"), taken)
        slots["event_key"].caption(f"New key: `{row['event_key']}`")
    if not st.button("Accept into " + table, type="primary", key=f"{base}.accept"):
        return
    if date_errors:
        for name, message in date_errors.items():
            slots[name].error(message)
        st.error("Not accepted: a date could not be read. Nothing was written.")
        return
    if draft is not None:
        problems, row_number, done = _accept_draft(package, draft, table, row)
    else:
        problems, row_number, done = _accept(package, table, row, write)
    if done is not None:
        st.success(done)
        return
    by_field, other = field_problems(problems, package.file(table).name, row_number)
    for name, messages in by_field.items():
        (slots.get(name) or st).error(" ".join(messages))
    hidden = [name for name in by_field if name not in slots]
    st.error("Not saved: the package would not validate with this row. Nothing was written."
             + (f" Problems on fields not shown here: {', '.join(hidden)}." if hidden else "")
             + (" " + " ".join(plain(o) for o in other if not LINE.match(o)) if any(not LINE.match(o) for o in other) else ""))
    with st.expander("The check's lines (path:row:field: message)"):
        st.code("\n".join(problems), language=None)


def _accept(package: curate.Package, table: str, row: dict, write: bool) -> tuple[list[str], int, str | None]:
    accepted = st.session_state.setdefault(ACCEPTED, {})
    earlier = accepted.get(table, [])
    saved, data = curate.add_rows(package, table, [*earlier, row] if not write else [row], write=write)
    if not saved.ok:
        return saved.problems, _lines(data), None
    if write:
        return [], 0, (f"Saved to `{package.file(table).name}`; the previous version is in `data/{curate.HISTORY_DIR}/`. "
                       "Every page shows it on its next rerun.")
    accepted[table] = [*earlier, {**row, "id": _last_id(data)}]
    return [], 0, (f"Accepted ({len(accepted[table])} in `{table}` this session). Read-only: download the table below "
                   "and commit it, or run the app with write mode on.")


def _accept_draft(package: curate.Package, draft: dict, table: str, row: dict) -> tuple[list[str], int, str | None]:
    from dashboard import bundle

    rows = {name: list(r) for name, r in draft["rows"].items()}
    rows.setdefault(table, []).append({k: v for k, v in row.items() if v is not None and k not in FIXED})
    data, problems = bundle.make(package, draft["text"], draft["source"], rows,
                                 created=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    if problems:
        return problems, _lines(package.file(table).read_bytes()) + len(rows[table]), None
    draft["rows"], draft["bundle"] = rows, data
    total = sum(len(r) for r in rows.values())
    return [], 0, f"Accepted into the bundle ({total} row{'s' if total > 1 else ''}). Download it below."


def _last_id(data: bytes) -> str:
    import csv
    import io

    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))[-1]["id"]
