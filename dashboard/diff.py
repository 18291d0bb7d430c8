"""What changed between two snapshots of the data, table by table, keyed by each table's primary key.

The comparison itself is daff's (https://github.com/paulfitz/daff, MIT): it aligns the rows of two tables by the
primary key the declaration gives and writes the difference in the tabular diff format (a first column of ``+++``
for an added row, ``---`` for a removed one, ``->`` for a changed one whose changed cells read ``old->new``). This
module reads that diff back into plain values (:class:`TableChanges`) and renders them as Markdown, CSV or JSON.

Changes that matter most to a reader come first: a changed row whose quote, stance, dates or correction changed is
listed before other changed rows, and within a row those cells come first (:data:`FIRST`).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any, Iterable

import daff

from dashboard import csvsafe
from dashboard.releases import Snapshot, TableText

#: the cells listed first: what a quote says, the score, when, and a correction of the seed
FIRST = ("quote", "stance", "date_from", "date_to", "correction")
FORMATS = ("md", "csv", "json")


@dataclass(frozen=True)
class Cell:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class RowChange:
    """One row added, removed or changed; ``row`` is the row as it is in NEW (as it was in OLD when removed)."""

    kind: str  # "added", "removed" or "changed"
    key: tuple[str, ...]
    row: dict[str, str]
    cells: tuple[Cell, ...] = ()

    @property
    def key_text(self) -> str:
        return " / ".join(self.key)

    @property
    def first(self) -> bool:
        """Does a quote, stance, date or correction change?"""
        return any(c.field in FIRST for c in self.cells)


@dataclass(frozen=True)
class TableChanges:
    name: str
    title: str
    key: tuple[str, ...]
    changed: tuple[RowChange, ...] = ()
    added: tuple[RowChange, ...] = ()
    removed: tuple[RowChange, ...] = ()
    columns_added: tuple[str, ...] = ()
    columns_removed: tuple[str, ...] = ()
    #: the table is in only one of the two snapshots: "added" or "removed" ("" when in both)
    table: str = ""

    @property
    def rows(self) -> tuple[RowChange, ...]:
        """Every row change, in the order listed: changed (quotes, stances, dates, corrections first), added, removed."""
        return self.changed + self.added + self.removed

    @property
    def empty(self) -> bool:
        return not (self.rows or self.columns_added or self.columns_removed or self.table)

    def counts(self) -> dict[str, int]:
        return {"added": len(self.added), "removed": len(self.removed), "changed": len(self.changed)}


@dataclass(frozen=True)
class Diff:
    old: str
    new: str
    tables: tuple[TableChanges, ...] = field(default_factory=tuple)

    @property
    def changed_tables(self) -> tuple[TableChanges, ...]:
        return tuple(t for t in self.tables if not t.empty)

    def table(self, name: str) -> TableChanges | None:
        return next((t for t in self.tables if t.name == name), None)

    def counts(self) -> list[dict[str, Any]]:
        """One row per table: its name, title and the rows added, removed and changed."""
        return [{"table": t.name, "title": t.title, **t.counts()} for t in self.tables]


# --------------------------------------------------------------------------
# comparing


def _daff(old: TableText, new: TableText, key: tuple[str, ...]) -> list[list[Any]]:
    flags = daff.CompareFlags()
    for name in key:
        flags.addPrimaryKey(name)
    flags.show_unchanged = False
    flags.show_unchanged_columns = True  # every cell of a changed row, so the row can be read back whole
    flags.always_show_header = True
    flags.unchanged_context = 0
    old_view = daff.PythonTableView([list(old.header), *map(list, old.rows)])
    new_view = daff.PythonTableView([list(new.header), *map(list, new.rows)])
    alignment = daff.Coopy.compareTables(old_view, new_view, flags).align()
    out = daff.PythonTableView([])
    daff.TableDiff(alignment, flags).hilite(out)
    return [list(row) for row in out.data]


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def _order(cells: Iterable[Cell]) -> tuple[Cell, ...]:
    rank = {name: i for i, name in enumerate(FIRST)}
    return tuple(sorted(cells, key=lambda c: rank.get(c.field, len(FIRST))))


def compare_tables(name: str, old: TableText | None, new: TableText | None) -> TableChanges:
    """The rows added, removed and changed (cell by cell) from ``old`` to ``new``, keyed by the primary key (NEW's
    declaration, else OLD's; without one, by the whole row)."""
    either = new if new is not None else old
    assert either is not None
    title = either.title
    if old is None or new is None:
        rows = tuple(RowChange("added" if old is None else "removed", _key_of(r, either), r) for r in either.records())
        return TableChanges(name, title, either.primary_key,
                            added=rows if old is None else (), removed=rows if new is None else (),
                            table="added" if old is None else "removed")
    key = tuple(k for k in (new.primary_key or old.primary_key) if k in new.header and k in old.header)
    highlighted = _daff(old, new, key)
    schema: list[str] = []
    header: list[str] = []
    changed, added, removed = [], [], []
    new_rows = {_key_of(r, new, key): r for r in new.records()}
    old_rows = {_key_of(r, old, key): r for r in old.records()}
    for line in highlighted:
        tag = _cell(line[0])
        cells = line[1:]
        if tag == "!":
            schema = [_cell(c) for c in cells]
            continue
        if tag == "@@":
            header = [_cell(c) for c in cells]
            schema = schema or [""] * len(header)
            continue
        if not header:
            continue
        gone = {h for h, s in zip(header, schema) if s == "---"}
        if tag == "+++":
            values = {h: _cell(v) for h, v, s in zip(header, cells, schema) if h not in gone}
            k = _key_of(values, new, key)
            added.append(RowChange("added", k, new_rows.get(k, values)))
        elif tag == "---":
            values = {h: _cell(v) for h, v, s in zip(header, cells, schema) if s != "+++"}
            k = _key_of(values, old, key)
            removed.append(RowChange("removed", k, old_rows.get(k, values)))
        elif "->" in tag or tag == "+":
            # a changed row: changed cells read old->new (daff picks a longer arrow, -->, when a cell holds "->");
            # "+" is a row that differs only in columns added or removed
            sep = tag if "->" in tag else None
            found, now = [], {}
            for h, value, s in zip(header, cells, schema):
                text = _cell(value)
                if s == "+++":  # a new column: its value is new
                    now[h] = text
                    if text:
                        found.append(Cell(h, "", text))
                elif s == "---":
                    if text:
                        found.append(Cell(h, text, ""))
                elif value is not None and sep is not None and sep in text:
                    before, after = text.split(sep, 1)
                    now[h] = after
                    found.append(Cell(h, before, after))
                else:
                    now[h] = text
            k = _key_of(now, new, key)
            if found:
                changed.append(RowChange("changed", k, new_rows.get(k, now), _order(found)))
    changed.sort(key=lambda r: (not r.first,))  # stable: daff's (file) order within each group
    return TableChanges(
        name, title, key, tuple(changed), tuple(added), tuple(removed),
        columns_added=tuple(h for h, s in zip(header, schema) if s == "+++"),
        columns_removed=tuple(h for h, s in zip(header, schema) if s == "---"),
    )


def _key_of(row: dict[str, str], table: TableText, key: tuple[str, ...] | None = None) -> tuple[str, ...]:
    names = key if key is not None else table.primary_key
    if not names:
        return tuple(row.get(h, "") for h in table.header)
    return tuple(row.get(k, "") for k in names)


def compare(old: Snapshot, new: Snapshot) -> Diff:
    """Every table of either snapshot (NEW's order, then tables only OLD has), compared."""
    names = list(new.tables) + [n for n in old.tables if n not in new.tables]
    return Diff(old.label, new.label, tuple(compare_tables(n, old.tables.get(n), new.tables.get(n)) for n in names))


# --------------------------------------------------------------------------
# rendering


def render(diff: Diff, fmt: str = "md") -> str:
    if fmt == "md":
        return to_markdown(diff)
    if fmt == "csv":
        return to_csv(diff)
    if fmt == "json":
        return to_json(diff)
    raise ValueError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")


CSV_COLUMNS = ("table", "key", "change", "field", "old", "new")


def records(diff: Diff) -> list[dict[str, str]]:
    """The diff in long form, one line per cell: a changed cell (old and new), or each non-blank cell of an added
    (new) or removed (old) row; a column added or removed is one line with a blank key."""
    out: list[dict[str, str]] = []
    for t in diff.changed_tables:
        for name in t.columns_added:
            out.append({"table": t.name, "key": "", "change": "column added", "field": name, "old": "", "new": ""})
        for name in t.columns_removed:
            out.append({"table": t.name, "key": "", "change": "column removed", "field": name, "old": "", "new": ""})
        for r in t.rows:
            if r.kind == "changed":
                out += [{"table": t.name, "key": r.key_text, "change": "changed", "field": c.field, "old": c.old, "new": c.new}
                        for c in r.cells]
            else:
                side = "new" if r.kind == "added" else "old"
                out += [{"table": t.name, "key": r.key_text, "change": r.kind, "field": f, "old": "", "new": "", side: v}
                        for f, v in r.row.items() if v != ""]
    return out


def to_csv(diff: Diff) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(csvsafe.dict_rows(records(diff)))  # formula-like cells neutralised, as in every CSV written
    return out.getvalue()


def to_json(diff: Diff) -> str:
    def row(r: RowChange) -> dict[str, Any]:
        item: dict[str, Any] = {"key": r.key_text, "row": r.row}
        if r.kind == "changed":
            item["cells"] = [{"field": c.field, "old": c.old, "new": c.new} for c in r.cells]
        return item

    body = {
        "old": diff.old, "new": diff.new,
        "tables": [{"name": t.name, "title": t.title, "key": list(t.key), **({"table": t.table} if t.table else {}),
                    "counts": t.counts(), "columns_added": list(t.columns_added), "columns_removed": list(t.columns_removed),
                    "changed": [row(r) for r in t.changed], "added": [row(r) for r in t.added],
                    "removed": [row(r) for r in t.removed]}
                   for t in diff.tables],
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def _md(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|") or "(blank)"


def row_label(row: dict[str, str]) -> str:
    """A row in a line: its date, seed and quote (what a reader checks), where the table has them."""
    parts = []
    if row.get("date_from"):
        end = row.get("date_to") or ""
        parts.append(row["date_from"] if end in ("", row["date_from"]) else f"{row['date_from']} – {end}")
    if row.get("source_id"):
        parts.append(row["source_id"])
    text = row.get("summary") or row.get("as_stated") or row.get("position") or row.get("subject") or ""
    if text:
        parts.append(text)
    if row.get("quote"):
        parts.append(f"“{row['quote']}”")
    return " · ".join(parts) or ", ".join(f"{k} {v}" for k, v in row.items() if v)


def to_markdown(diff: Diff) -> str:
    lines = [f"# Changes from {diff.old} to {diff.new}", "", "| table | added | removed | changed |", "| --- | ---: | ---: | ---: |"]
    for t in diff.tables:
        c = t.counts()
        lines.append(f"| {t.name} | {c['added']} | {c['removed']} | {c['changed']} |")
    if not diff.changed_tables:
        lines += ["", "No table changed."]
    for t in diff.changed_tables:
        lines += ["", f"## {t.name} ({_md(t.title)})" + (f": table {t.table}" if t.table else ""), ""]
        if t.columns_added:
            lines.append(f"- columns added: {', '.join(t.columns_added)}")
        if t.columns_removed:
            lines.append(f"- columns removed: {', '.join(t.columns_removed)}")
        for r in t.changed:
            cells = "; ".join(f"{c.field}: {_md(c.old)} → {_md(c.new)}" for c in r.cells)
            lines.append(f"- changed **{_md(r.key_text)}**: {cells}")
        for r in t.added:
            lines.append(f"- added **{_md(r.key_text)}**: {_md(row_label(r.row))}")
        for r in t.removed:
            lines.append(f"- removed **{_md(r.key_text)}**: {_md(row_label(r.row))}")
    return "\n".join(lines) + "\n"


__all__ = ["FIRST", "FORMATS", "Cell", "Diff", "RowChange", "TableChanges", "compare", "compare_tables", "records",
           "render", "row_label", "to_csv", "to_json", "to_markdown"]
