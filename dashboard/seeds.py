"""The seed texts: where they are, which rows cite them, and the text as HTML with every quote highlighted.

Quotes in the tables are whitespace-normalised, so each is found in the raw
text with a pattern that allows any run of whitespace between its words, and
the match is mapped back to positions in the raw text. All text is escaped
here (``html.escape``); the only markup is ours.
"""

from __future__ import annotations

import html
import re
from pathlib import Path, PurePosixPath
from typing import Any, Iterable, Mapping

import pandas as pd

from dashboard.marks import date_label
from dashboard.checks import SOURCES

#: columns tried in turn for a row's one-line label
LABEL_COLUMNS = ("summary", "position", "subject", "event", "item", "as_stated", "claim")
ROW_ID = re.compile(r"^[A-Za-z]{1,4}[0-9]{1,6}$")


def seeds_dir(data_dir: Path, seeds_dir: Path | None, sources_resource: Mapping[str, Any] | None) -> Path:
    """Where the seed files are: ``seeds_dir`` when given, else next to the sources table (as the check resolves it)."""
    if seeds_dir is not None:
        return Path(seeds_dir)
    path = (sources_resource or {}).get("path")
    if isinstance(path, str):
        return (Path(data_dir) / PurePosixPath(path)).parent
    return Path(data_dir).parent / "seeds"


def read_seed(directory: Path, file_name: str) -> str:
    """The text of one seed file (a bare file name inside ``directory``)."""
    if PurePosixPath(file_name).name != file_name:
        raise ValueError(f"not a plain file name: {file_name!r}")
    return (Path(directory) / file_name).read_text(encoding="utf-8")


def quote_span(text: str, quote: str) -> tuple[int, int] | None:
    """Start and end of the first occurrence of ``quote`` in ``text``, any whitespace run matching any other."""
    words = quote.split()
    if not words:
        return None
    match = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return match.span() if match else None


def row_label(row: Mapping[str, Any]) -> str:
    for column in LABEL_COLUMNS:
        value = row.get(column)
        if isinstance(value, str) and value.strip():
            return value
    return ""


def citing_rows(frames: Mapping[str, pd.DataFrame], source_id: str) -> pd.DataFrame:
    """Every row in any table that cites ``source_id``: table, id, date, label and quote, in table order."""
    out = []
    for name, frame in frames.items():
        if name == SOURCES or not {"source_id", "quote", "id"} <= set(frame.columns):
            continue
        for row in frame[frame["source_id"] == source_id].to_dict("records"):
            out.append(
                {
                    "table": name,
                    "id": str(row["id"]),
                    "date": date_label(row.get("date_from"), row.get("date_to")) if "date_from" in row else "",
                    "label": row_label(row),
                    "quote": row.get("quote") if isinstance(row.get("quote"), str) else "",
                }
            )
    return pd.DataFrame(out, columns=["table", "id", "date", "label", "quote"])


def _anchor(row_id: str) -> str:
    return html.escape(row_id, quote=True)


#: most row ids a passage's "Cited by" names before it counts the rest
TITLE_IDS = 12
#: most citing rows the Sources page lists beside the text (the Data page lists them all)
LISTED_ROWS = 300


def highlight(text: str, quotes: Iterable[tuple[str, str]], current: str | None = None,
              anchors: Iterable[str] | None = None) -> tuple[str, list[str]]:
    """The seed text as HTML, each quoted passage in a ``<mark>`` linking to the rows that cite it.

    ``quotes`` is ``(row_id, quote)`` pairs. Each quote's start carries the
    anchor ``q-<row_id>`` (only for the ids in ``anchors``, when given: the
    rows listed beside the text); overlapping quotes split into segments, each
    marked with the rows that cover it (the first ``TITLE_IDS`` named, the rest
    counted). Returns the HTML and the ids whose quote was not found.
    """
    by_span: dict[tuple[int, int], list[str]] = {}
    missing = []
    found: dict[str, tuple[int, int]] = {}
    for row_id, quote in quotes:
        span = found.get(quote) if isinstance(quote, str) else None
        if span is None:
            span = quote_span(text, quote) if isinstance(quote, str) else None
            if span is not None:
                found[quote] = span
        if span is None:
            missing.append(row_id)
        else:
            by_span.setdefault(span, []).append(row_id)
    anchored = None if anchors is None else set(anchors)
    cuts = sorted({0, len(text), *(s for s, _ in by_span), *(e for _, e in by_span)})
    starts: dict[int, list[str]] = {}
    for (start, _), ids in by_span.items():
        starts.setdefault(start, []).extend(i for i in ids if anchored is None or i in anchored)
    parts = ['<div class="seed-text">']
    for a, b in zip(cuts, cuts[1:]):
        for row_id in sorted(starts.get(a, [])):
            parts.append(f'<span class="qa" id="q-{_anchor(row_id)}"></span>')
        piece = html.escape(text[a:b])
        covering = sorted(r for (s, e), ids in by_span.items() if s <= a and b <= e for r in ids)
        if covering:
            cls = "q cur" if current in covering else "q"
            named = ", ".join(covering[:TITLE_IDS]) + (f" and {len(covering) - TITLE_IDS:,} more" if len(covering) > TITLE_IDS else "")
            title = html.escape("Cited by " + named, quote=True)
            target = next((r for r in covering if anchored is None or r in anchored), covering[0])
            parts.append(f'<mark class="{cls}" title="{title}"><a href="#row-{_anchor(target)}">{piece}</a></mark>')
        else:
            parts.append(piece)
    parts.append("</div>")
    return "".join(parts), missing


def rows_html(rows: pd.DataFrame, current: str | None = None, found: Iterable[str] | None = None) -> str:
    """The citing rows as a list, each with an anchor ``row-<id>`` and a link back to its passage ``q-<id>``."""
    found = set(rows["id"]) if found is None else set(found)
    parts = ['<div class="seed-rows">']
    for row in rows.to_dict("records"):
        rid = _anchor(row["id"])
        cls = "row cur" if row["id"] == current else "row"
        back = f'<a href="#q-{rid}" title="Show the passage in the text">↑ {rid}</a>' if row["id"] in found else f"{rid} (quote not found)"
        when = f" · {html.escape(row['date'])}" if row["date"] else ""
        parts.append(
            f'<div class="{cls}" id="row-{rid}">{back} <span class="tbl">{html.escape(row["table"])}</span>{when}'
            f'<div class="lbl">{html.escape(row["label"])}</div><q>{html.escape(row["quote"])}</q></div>'
        )
    parts.append("</div>")
    return "".join(parts)


STYLE = """
<style>
.seed-text { white-space: pre-wrap; font-size: 1.05rem; line-height: 1.6; }
.seed-text mark.q { background: rgba(240, 228, 66, 0.45); color: inherit; padding: 0 1px; border-radius: 2px; }
.seed-text mark.q a { color: inherit; text-decoration: none; }
.seed-text mark.q.cur { background: rgba(230, 159, 0, 0.75); text-decoration: underline 3px #D55E00; text-underline-offset: 3px; }
.seed-rows .row { padding: 0.45rem 0.5rem; border-bottom: 1px solid rgba(128, 128, 128, 0.3); font-size: 1rem; }
.seed-rows .row.cur { background: rgba(230, 159, 0, 0.25); border-left: 4px solid #D55E00; }
.seed-rows .tbl { font-family: monospace; opacity: 0.8; }
.seed-rows .lbl { font-weight: 600; margin: 0.15rem 0; }
.seed-rows q { opacity: 0.85; }
</style>
"""


def scroll_script(row_id: str) -> str:
    """A script that scrolls the passage and the row of ``row_id`` into view; empty unless the id is well formed.

    Written without ``<``, ``>`` or ``&``: Streamlit sanitises the HTML around
    the script, and escaped operators would break it.
    """
    if not ROW_ID.fullmatch(row_id or ""):
        return ""
    return (
        "<script>(function(){var tries=40;function go(){"
        f"var q=document.getElementById('q-{row_id}');var r=document.getElementById('row-{row_id}');"
        "if(q){q.scrollIntoView({block:'center'});}"
        "if(r){r.scrollIntoView({block:'nearest'});}"
        "tries=tries-1;if(q){if(r){return;}}if(tries){setTimeout(go,150);}}go();})();</script>"
    )
