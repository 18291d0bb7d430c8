"""Curate: pick a source (or bring a new text), review the proposed rows with their exact passages, edit one, accept it.

Nothing reaches a table unless the whole package still validates with it (the checks of ``python -m dashboard
check``). Writes happen only in write mode (``DASHBOARD_CURATE_WRITE=1``). Without it (Streamlit Community Cloud,
or write mode off) nothing is written on the server: rows accepted for a source in the data are offered as a
download of the table, and a new text, pasted or uploaded, is curated into a **curation bundle** (the text, its
provenance and the accepted rows, with the check's result) for ``python -m dashboard apply-bundle FILE``.

The editor is for analysts: each act shows its definition; ``event_key`` is picked from the existing acts (searched by
date and words) or made from the summary; dates take "March 2022" as well as 2022-03-17; a problem is shown beside
its field in plain words, with the check's ``path:row:field`` line folded below.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
import warnings
from typing import Any, Callable

import pandas as pd
import streamlit as st

from dashboard import curate, seeds, ui
from dashboard.data import Tables

PAGE = "curate"
#: the URL's ``seed`` on this page: the source under review (bound)
SOURCE = "curate_source"
PICK = f"{PAGE}.candidate"
ACCEPTED = f"{PAGE}.accepted"  # table -> rows accepted in read-only mode (this session only)
WHAT = f"{PAGE}.what"
DRAFT = f"{PAGE}.draft"  # a new text under review in read-only mode: text, provenance arguments, accepted rows
DRAFT_PREFIX = "draft:"
FROM_DATA, NEW_TEXT = "A source in the data", "A new text (curation bundle)"
#: fields the page fills itself
FIXED = ("id", "source_id")
#: fields a candidate pre-fills, by name
FROM_CANDIDATE = {"quote": "quote", "date_from": "date_from", "date_to": "date_to", "date_source": "date_source",
                  "actor": "actor", "domain": "domain", "place": "place", "value": "value", "amount": "value",
                  "count": "value", "unit": "unit", "as_stated": "figure_text"}
LANGUAGES = {"en": "English", "ru": "Russian", "kk": "Kazakh"}
NEW_KEY = "__new__"
DATE_HELP = "A day (2022-03-17, 17 March 2022), a month (March 2022, март 2022) or a year (2022)."
FULL_WIDTH = ("quote", "quote_en", "summary", "note", "correction", "date_note")
#: one line per check message, in plain words (the check's own line is folded below)
PLAIN: list[tuple[str, str]] = [
    (r"^not found verbatim", "Not in the text word for word. Copy the passage from the text: shorten it if needed, never reword it."),
    (r"^required: (.*)$", r"Required: \1."),
    (r"^required when (.*)$", r"Required when \1."),
    (r"^required$|^is required|missing", "Required."),
    (r"is after (\S+)'s latest publication date (\S+)", r"Later than the text's publication (\2): a text reports what happened before it was published."),
    (r"^must be blank: (.*)$", r"Leave blank: \1."),
]


# --------------------------------------------------------------------------
# pure helpers (tested in tests/test_curate_page.py)


def parse_when(text: str | None) -> tuple[dt.date, dt.date] | None:
    """The interval a typed date stands for: a day, a month ("March 2022", "март 2022", "2022-03") or a year.

    Blank gives None; anything else that is not a date raises ValueError with a plain message."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text)
        return day, day
    except ValueError:
        pass
    if re.fullmatch(r"(19|20)\d\d", text):
        return dt.date(int(text), 1, 1), dt.date(int(text), 12, 31)
    if not re.search(r"\b(19|20)\d\d\b", text):
        raise ValueError(f"'{text}' has no year: write it with the year, for example March 2022")
    from dateparser.date import DateDataParser

    from dashboard import propose, propose_ru

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = DateDataParser(languages=["en", "ru"], settings={
            "RETURN_TIME_AS_PERIOD": True, "PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["year"]}).get_date_data(text)
    if data and data.date_obj:
        return propose._interval(data.date_obj.date(), data.period or "day")
    found = propose_ru.find_dates(text, dt.date(1900, 1, 1), dt.date(2099, 12, 31))
    if len(found) == 1 and found[0].text.strip().lower() == text.lower():
        return found[0].date_from, found[0].date_to
    raise ValueError(f"'{text}' is not a date: write a day (2022-03-17), a month (March 2022) or a year (2022)")


def interval(date_from: str | None, date_to: str | None) -> tuple[str, str, dict[str, str]]:
    """The row's ``date_from`` and ``date_to`` from what was typed: "March 2022" alone gives 1-31 March 2022; a
    month in ``date_to`` gives its last day. Returns the ISO dates and the fields' errors in plain words."""
    errors, start, end = {}, None, None
    try:
        start = parse_when(date_from)
    except ValueError as exc:
        errors["date_from"] = str(exc)
    try:
        end = parse_when(date_to)
    except ValueError as exc:
        errors["date_to"] = str(exc)
    first = start[0].isoformat() if start else ""
    last = end[1].isoformat() if end else (start[1].isoformat() if start and "date_to" not in errors else "")
    return first, last, errors


_STOP = set("the a an of and in on to for with by at from its their his her is are was were be as that this into "
            "over after before about than says said".split())


def key_from_summary(summary: str | None, date_from: str | None, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """A new ``event_key`` from the summary's first words and the year: "Tokayev and Putin sign a gas agreement"
    in 2023 gives ``tokayev_putin_sign_gas_agreement_2023`` (a suffix when taken)."""
    folded = unicodedata.normalize("NFKD", str(summary or "")).encode("ascii", "ignore").decode().lower()
    words = [w for w in re.findall(r"[a-z0-9]+", folded) if w not in _STOP][:5]
    year = (date_from or "")[:4] if re.fullmatch(r"\d{4}", (date_from or "")[:4]) else ""
    key = "_".join([*words, *([year] if year and year not in words else [])]) or "new_act"
    candidate, n = key, 2
    while candidate in taken:
        candidate, n = f"{key}_{n}", n + 1
    return candidate


def acts_list(events: pd.DataFrame | None) -> pd.DataFrame:
    """One line per existing act (event_key): its first date, its summary and act, earliest first."""
    columns = ["event_key", "date", "summary", "act"]
    if events is None or events.empty or "event_key" not in events.columns:
        return pd.DataFrame(columns=columns)
    frame = events.copy()
    frame["date"] = pd.to_datetime(frame.get("date_from"), errors="coerce").dt.strftime("%Y-%m-%d").fillna("undated")
    frame = frame.sort_values(["date", "event_key"]).drop_duplicates("event_key")
    return frame.reindex(columns=columns).fillna("").reset_index(drop=True)


def find_acts(acts: pd.DataFrame, query: str | None) -> list[str]:
    """The keys of the acts whose key, date or summary contain every word of ``query`` (any case)."""
    words = (query or "").lower().split()
    hay = (acts["event_key"].astype(str) + " " + acts["date"].astype(str) + " " + acts["summary"].astype(str)).str.lower()
    mask = pd.Series(True, index=acts.index)
    for word in words:
        mask &= hay.str.contains(word, regex=False)
    return list(acts.loc[mask, "event_key"])


LINE = re.compile(r"^(?P<path>.+?):(?P<row>\d+):(?P<field>[^:\s]+): (?P<message>.*)$")


def plain(message: str) -> str:
    """A check message in plain words."""
    for pattern, replacement in PLAIN:
        match = re.search(pattern, message)
        if match:
            return match.expand(replacement)
    return message[:1].upper() + message[1:]


def field_problems(problems: list[str], file_name: str, row_number: int) -> tuple[dict[str, list[str]], list[str]]:
    """The problems on the new row (``file_name``, line ``row_number``) by field, in plain words, and the rest."""
    by_field: dict[str, list[str]] = {}
    other = []
    for line in problems:
        match = LINE.match(line)
        if match and match["path"].rsplit("/", 1)[-1] == file_name and int(match["row"]) == row_number:
            by_field.setdefault(match["field"], []).append(plain(match["message"]))
        else:
            other.append(line)
    return by_field, other


def _lines(data: bytes) -> int:
    """The row number of a CSV's last line (the header is row 1)."""
    import csv
    import io

    return sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8"))))


# --------------------------------------------------------------------------
# candidates and the text


def _language(record: dict | pd.Series) -> str:
    from dashboard import propose

    return propose.language_of(record)


@st.cache_data(max_entries=16, show_spinner="Reading the text and proposing rows…")
def candidates(version: str, source_id: str, _loaded: Tables, _package: curate.Package) -> list[dict[str, Any]]:
    """The proposed rows of one source, best first (cached per version of the data)."""
    from dashboard import propose

    record = _loaded.frames["sources"].set_index("source_id").loc[source_id]
    text = _loaded.seed_texts.get(source_id)
    if text is None:
        return []
    found = propose.propose_text(text, source_id, record["published_from"].date(), record["published_to"].date(),
                                 propose.lexicon_of(_loaded.frames, _package), tables=_package.tables(),
                                 language=_language(record))
    return [c.row() for c in found]


@st.cache_data(max_entries=8, show_spinner="Reading the text and proposing rows…")
def draft_candidates(version: str, digest: str, _draft: dict, _loaded: Tables, _package: curate.Package) -> list[dict[str, Any]]:
    """The proposed rows of a new text (cached per version of the data and the text's sha256)."""
    from dashboard import propose

    source = _draft["source"]
    found = propose.propose_text(_draft["text"], DRAFT_PREFIX + digest[:8], dt.date.fromisoformat(source["published_from"]),
                                 dt.date.fromisoformat(source["published_to"] or source["published_from"]),
                                 propose.lexicon_of(_loaded.frames, _package), tables=_package.tables(),
                                 language=source["language"])
    return [c.row() for c in found]


def _draft_text(source_id: str) -> str:
    draft = st.session_state.get(DRAFT) or {}
    return draft.get("text", "") if source_id == draft.get("id") else ""


@st.cache_data(max_entries=16, show_spinner=False)
def highlighted(version: str, source_id: str, current: str | None, _loaded: Tables, _found: list[dict]) -> str:
    """The text with every candidate's passage marked (escaped by dashboard.seeds)."""
    text = _draft_text(source_id) if source_id.startswith(DRAFT_PREFIX) else _loaded.seed_texts.get(source_id, "")
    page_html, _ = seeds.highlight(text, [(f"C{c['rank']}", c["quote"]) for c in _found], current=current)
    return seeds.STYLE + page_html


def label(candidate: dict) -> str:
    when = candidate["date_from"] if candidate["date_from"] == candidate["date_to"] else \
        f"{candidate['date_from']} – {candidate['date_to']}" if candidate["date_from"] else "undated"
    figure = f" · {candidate['figure_text']}" if candidate["figure_text"] else ""
    quote = candidate["quote"] if len(candidate["quote"]) <= 90 else candidate["quote"][:89] + "…"
    return f"#{candidate['rank']} · {candidate['table']} · {when}{figure} · {quote}"


# --------------------------------------------------------------------------
# adding a text


def _provenance_inputs(kinds: list[str]):
    """The provenance fields both text forms ask for (inside the caller's form), and the form's two columns."""
    title = st.text_input("Title, as it appears in the text")
    left, right = st.columns(2)
    published_from = left.date_input("Published from", value=None, format="YYYY-MM-DD")
    published_to = right.date_input("Published to (blank: the same day)", value=None, format="YYYY-MM-DD")
    author, outlet = left.text_input("Author (blank: not stated)"), right.text_input("Outlet (blank: not stated)")
    kind = left.selectbox("Kind", kinds, index=kinds.index("news report") if "news report" in kinds else 0)
    return title, published_from, published_to, author, outlet, kind, left, right


def add_text(package: curate.Package, kinds: list[str], grades: list[str]) -> None:
    """Upload a text: runs add-source (write mode only)."""
    with st.form(f"{PAGE}.add", clear_on_submit=False, border=True):
        upload = st.file_uploader("Text (UTF-8, .txt)", type=["txt"], max_upload_size=2)
        title, published_from, published_to, author, outlet, kind, left, right = _provenance_inputs(kinds)
        grade = right.selectbox("Reliability (blank: F, not judged yet)", [None, *grades])
        language = left.selectbox("Language", list(LANGUAGES), format_func=lambda c: f"{LANGUAGES[c]} ({c})")
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
            grade=grade, grade_reason=reason or None, language=language)
    except curate.CurateError as exc:
        st.error(str(exc))
        return
    st.session_state[SOURCE] = source_id
    st.toast(f"Added {source_id}")
    st.rerun()


def new_text_form(kinds: list[str]) -> None:
    """Paste or upload a new text with its provenance; nothing is written: it becomes this session's draft."""
    with st.form(f"{PAGE}.new", clear_on_submit=False, border=True):
        pasted = st.text_area("Paste the text", height=160, help="As published, in its own language: quotes are checked "
                              "against it word for word.")
        upload = st.file_uploader("…or upload it (UTF-8, .txt)", type=["txt"], max_upload_size=2)
        title, published_from, published_to, author, outlet, kind, left, right = _provenance_inputs(kinds)
        language = right.selectbox("Language", list(LANGUAGES), format_func=lambda c: f"{LANGUAGES[c]} ({c})")
        if not st.form_submit_button("Propose rows", type="primary"):
            return
    raw = upload.getvalue() if upload is not None else pasted.encode("utf-8")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        st.error(f"The file is not UTF-8 text (byte {exc.start} cannot be decoded).")
        return
    problems = [m for m, bad in [("Paste or upload the text.", not text.strip()), ("Give the title.", not title.strip()),
                                  ("Give the publication date.", published_from is None),
                                  ("'Published to' is before 'Published from'.",
                                   bool(published_from and published_to and published_to < published_from))] if bad]
    if problems:
        st.error(" ".join(problems))
        return
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    st.session_state[DRAFT] = {
        "id": DRAFT_PREFIX + digest[:8], "digest": digest, "text": text, "rows": {}, "bundle": None,
        "source": {"title": title.strip(), "language": language, "published_from": published_from.isoformat(),
                   "published_to": (published_to or published_from).isoformat(), "author": author.strip(),
                   "outlet": outlet.strip(), "kind": kind, "grade": "", "grade_reason": ""},
    }
    st.rerun()


# --------------------------------------------------------------------------
# the editor


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


# --------------------------------------------------------------------------
# the page


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
