"""One problem, one line: every value a message echoes goes through :func:`escape` first.

A cell, a header, a file name or a declared path can hold a newline, a carriage return, an escape sequence or a
Unicode line separator; echoed as it is, one problem would print across several lines (or rewrite the terminal).
:func:`escape` writes each such character as a visible escape (``\\n``, ``\\r``, ``\\t``, ``\\x1b``, ``\\u2028``),
so a problem line is always one line, and the backslash itself is doubled only where it starts such an escape.

Free of heavy imports: the command line, the checks and the curation all call it.
"""

from __future__ import annotations

import re

#: C0 and C1 controls, DEL, and the Unicode line and paragraph separators (and the other line breaks
#: ``str.splitlines`` honours: \x1c-\x1e, \x85)
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def escape(text: object) -> str:
    """``text`` as one line: every control character and line separator written as a visible escape."""
    value = text if isinstance(text, str) else str(text)
    return _CONTROL.sub(_escaped, value)


def is_one_line(text: str) -> bool:
    """True when ``text`` holds no control character or line separator (what :func:`escape` gives)."""
    return _CONTROL.search(text) is None


__all__ = ["escape", "is_one_line"]
