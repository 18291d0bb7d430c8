"""The Curate page's forms for a new text: upload it into the data (write mode), or paste or upload it as this
session's draft (read-only)."""

from __future__ import annotations

import hashlib

import streamlit as st

from dashboard import curate
from dashboard.views.curate_keys import DRAFT, DRAFT_PREFIX, LANGUAGES, PAGE, SOURCE


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
