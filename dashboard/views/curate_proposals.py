"""The Curate page's proposed rows: a source's (or a new text's) candidates, cached per version of the data, and the
text with their passages marked."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import curate, seeds
from dashboard.data import Tables
from dashboard.views.curate_keys import DRAFT, DRAFT_PREFIX


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
