"""Names and paths matched whole and confined, and declarations read within limits.

- :func:`confined` resolves a path (symlinks followed) and gives it only when it stays inside its directory, so a
  declared ``../../etc/passwd``, or a seed that is a symlink to a file elsewhere, is refused before it is opened.
- :func:`read_json` reads a JSON file (``datapackage.json``, a release manifest) within a size and a depth, so a
  huge, deep or malformed file is one message, never a ``RecursionError`` or a ``MemoryError``.

Free of heavy imports: the command line and the checks call it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

#: the largest declaration read (the shipped one is about 60 KB)
MAX_JSON_BYTES = 5_000_000
#: the deepest nesting a declaration may have (the shipped one has 7 levels)
MAX_JSON_DEPTH = 32


class JsonProblem(ValueError):
    """A JSON file that cannot be used: the message is one line, without the file's name."""


def inside(base: Path | str, path: Path | str) -> bool:
    """Does ``path``, with every symlink resolved, stay inside directory ``base`` (resolved too)?"""
    try:
        root = Path(base).resolve()
        target = Path(path).resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return False
    return target == root or root in target.parents


def confined(base: Path | str, relative: Path | str) -> Path | None:
    """``base / relative`` when it (after resolving symlinks) stays inside ``base``; None when it leaves it."""
    candidate = Path(base) / relative
    return candidate if inside(base, candidate) else None


def _depth(value: Any) -> int:
    """The nesting depth of a parsed JSON value, counted without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            deepest = max(deepest, level)
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            deepest = max(deepest, level)
            stack.extend((v, level + 1) for v in item)
    return deepest


def parse_json(raw: bytes, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse JSON bytes; raises :class:`JsonProblem` with a one-line reason."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise JsonProblem("file is not valid UTF-8 text") from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise JsonProblem(f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise JsonProblem(f"nested more than {max_depth} levels deep") from None
    except (ValueError, MemoryError) as exc:  # e.g. an integer with too many digits
        raise JsonProblem(f"not valid JSON: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
    if _depth(value) > max_depth:
        raise JsonProblem(f"nested more than {max_depth} levels deep")
    return value


def read_json(path: Path | str, max_bytes: int = MAX_JSON_BYTES, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Read and parse a JSON file within ``max_bytes`` and ``max_depth``; raises :class:`JsonProblem`."""
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                raise JsonProblem(f"{size:,} bytes is more than the {max_bytes:,} a declaration may have")
            raw = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise JsonProblem("file not found") from None
    except IsADirectoryError:
        raise JsonProblem("is a directory, not a file") from None
    except OSError as exc:
        raise JsonProblem(f"file cannot be read: {exc.strerror or exc}") from None
    if len(raw) > max_bytes:
        raise JsonProblem(f"more than the {max_bytes:,} bytes a declaration may have")
    return parse_json(raw, max_depth)


__all__ = ["JsonProblem", "confined", "inside", "parse_json", "read_json"]
