"""The one function every CSV the project writes passes its cells through: formula-like cells neutralised.

A spreadsheet runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some
strip first) as a formula: ``=HYPERLINK(...)`` becomes a link, ``@SUM(...)`` a calculation, ``=cmd|...`` worse (OWASP
"CSV injection"). :func:`neutralise` puts an apostrophe before such a text cell, so it is shown as text. A cell that
is a plain number (``-1``, ``+2.5``, ``-3e2``) runs nothing and is left as it is, so a stance of -1 stays a number.

Every CSV download and every CSV a command prints goes through here: the pages' table downloads and the briefing's
slide data (:func:`dashboard.export.safe_csv`), the Changes page's and ``diff --format csv``'s changes
(:func:`dashboard.diff.to_csv`) and ``propose``'s candidates (:func:`dashboard.propose.to_csv`), by way of
:func:`writer_rows`. Not here: the package's own tables (``data/*.csv``, ``seeds/provenance.csv``, the release index,
and the Curate page's download of a table with accepted rows, which is that table's file to commit): they are data,
checked verbatim against the seeds, not spreadsheet exports.

Free of heavy imports (no pandas): the diff and propose commands use it.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

#: first characters that make a spreadsheet treat a cell as a formula
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: a plain number, which a spreadsheet reads as that number and nothing else
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def neutralise(value: Any) -> Any:
    """Prefix a text cell that a spreadsheet would run as a formula with an apostrophe; anything else as it is.

    A carriage return inside a text cell is written as a line feed: Python's CSV writers (``lineterminator="\\n"``)
    quote a cell holding a line feed but not one holding only a carriage return, and an unquoted carriage return
    would start a new row in a spreadsheet, whose first cell could be a formula."""
    if not isinstance(value, str):
        return value
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
        if value.startswith("\n"):
            return "'" + value
    if value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def writer_rows(rows: Iterable[Iterable[Any]]) -> Iterable[list[Any]]:
    """Rows for ``csv.writer``, every cell neutralised."""
    for row in rows:
        yield [neutralise(cell) for cell in row]


def dict_rows(rows: Iterable[Mapping[str, Any]]) -> Iterable[dict[str, Any]]:
    """Rows for ``csv.DictWriter``, every cell neutralised."""
    for row in rows:
        yield {key: neutralise(value) for key, value in row.items()}


__all__ = ["FORMULA_START", "dict_rows", "neutralise", "writer_rows"]
