"""Reading a CSV file once: pyarrow's fast reader, and Python's strict ``csv`` module where it cannot read the
file as a regular table, to say exactly what is wrong; both give the same columns (:func:`read_csv`)."""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.csv as pa_csv

from dashboard.contract.arrays import array


# --------------------------------------------------------------------------
# reading a CSV file


class FileProblem(Exception):
    """A problem with the whole file (row 0)."""


@dataclass
class RawTable:
    """A CSV file as text cells: the header's labels and one string array per label."""

    labels: list[str]
    #: one array per label; a cell is null where the row has fewer values than the header
    columns: list[pa.Array]
    num_rows: int
    #: row index -> number of values, for the rows with fewer or more values than the header
    ragged: dict[int, int] = field(default_factory=dict)


_BOM = codecs.BOM_UTF8


def _is_utf8(encoding: str) -> bool:
    return encoding.lower().replace("_", "-") in ("utf-8", "utf8", "utf-8-sig")


def read_csv(raw: bytes, encoding: str = "utf-8") -> RawTable:
    """Parse a CSV file's bytes, once; raises :class:`FileProblem` when it cannot be read as a table."""
    if not raw or raw.isspace():  # (not raw.strip(): that copies the file)
        raise FileProblem("file is empty")
    if _is_utf8(encoding):
        if raw.startswith(_BOM):  # a byte-order mark is not part of the header
            raw = raw[len(_BOM):]
        # An odd number of quote characters means a quoted field that never ends, or a quote inside an unquoted
        # value: pyarrow would read either silently, so the strict reader decides.
        if raw.count(b'"') % 2 == 0:
            table = _read_fast(raw)
            if table is not None:
                return table
    return _read_strict(raw, encoding)


def _read_fast(raw: bytes) -> RawTable | None:
    """pyarrow's reader, when the file is a regular table of UTF-8 text (else None: let the strict reader say why)."""
    try:
        head = raw[: 1 << 20].decode("utf-8", errors="replace")
        labels = next(csv.reader(io.StringIO(head, newline=""), strict=True))
    except (csv.Error, StopIteration):
        return None
    names = [f"c{i}" for i in range(len(labels))]
    try:
        table = pa_csv.read_csv(
            pa.py_buffer(raw),
            read_options=pa_csv.ReadOptions(column_names=names, block_size=1 << 24),
            parse_options=pa_csv.ParseOptions(delimiter=",", quote_char='"', double_quote=True, escape_char=False,
                                              newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(column_types={n: pa.string() for n in names}, strings_can_be_null=False,
                                                  quoted_strings_can_be_null=False),
        )
    except pa.ArrowException:  # anything pyarrow cannot read: the strict reader says what is wrong
        return None
    if table.num_rows == 0 or [table.column(i)[0].as_py() for i in range(len(names))] != labels:
        return None
    table = table.slice(1)
    return RawTable(labels, [table.column(i).combine_chunks() for i in range(len(names))], table.num_rows)


def _read_strict(raw: bytes, encoding: str) -> RawTable:
    if _is_utf8(encoding):
        encoding = "utf-8-sig"
    try:
        text = raw.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        detail = f" (byte {exc.start})" if isinstance(exc, UnicodeDecodeError) else ""
        raise FileProblem(f"file is not valid {encoding.removesuffix('-sig')} text{detail}") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise FileProblem(f"malformed CSV near line {reader.line_num}: {exc}") from None
    if not records:
        raise FileProblem("file is empty")
    labels, body = records[0], records[1:]
    width = len(labels)
    ragged = {i: len(r) for i, r in enumerate(body) if len(r) != width}
    if ragged:
        body = [r[:width] + [None] * (width - len(r)) if i in ragged else r for i, r in enumerate(body)]
    columns = [array(list(c), pa.string()) for c in zip(*body)] if body else [array([], pa.string())] * width
    return RawTable(labels, columns, len(body), ragged)
