"""Coding reliability: how far two codings of the same sample agree, as Krippendorff's alpha per coded field.

A *coding* is a CSV with the columns :data:`COLUMNS` (``item,table,act,actor,domain,stance,credibility,date_from,
date_to``; a blank cell is a missing value; an extra ``note`` column is allowed and ignored), one row per coded item.
Two codings are matched by ``item``. For each field, alpha is computed with the ``krippendorff`` package over the
items both codings hold: nominal for ``table``, ``act``, ``actor`` and ``domain``, ordinal for ``stance`` and
``credibility``. The verdict follows content-analysis practice: alpha >= 0.800 is reliable, 0.667 to 0.800 tentative,
below that unreliable. For the dates, the share of items whose intervals overlap and the share whose intervals match
exactly (both ends).

The word ``tables`` stands for the coding as it is in the current tables, for the sample listed in
``data/coding/sample.csv`` (``item,table,id``): an ``events`` row gives its own fields; a ``sanctions_stance`` or
``security_cooperation`` row gives its act, stance, dates (and actor where the table has one), and the actor, domain
and credibility of the ``events`` row sharing its ``event_key`` (the first one), else blanks.

``python -m dashboard agreement CODING_A CODING_B [--format text|json|md]`` prints the figures;
``python -m dashboard agreement --export tables -o FILE`` writes the ``tables`` coding as a coding file. Bad input is
one line per problem, ``path:row:field: message`` (the header is row 1), and exit status 1; never a traceback.

Free of pandas and Streamlit; numpy and krippendorff are imported only when alpha is computed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: the columns of a coding file, in order
COLUMNS = ("item", "table", "act", "actor", "domain", "stance", "credibility", "date_from", "date_to")
#: a column a coding file may have besides COLUMNS; it is read and ignored
IGNORED = ("note",)
#: the coded fields and alpha's level of measurement for each, in the order they are reported
LEVELS = {"table": "nominal", "act": "nominal", "actor": "nominal", "domain": "nominal",
          "stance": "ordinal", "credibility": "ordinal"}
#: the values an ordinal field may take (the codebook's scales)
SCALES = {"stance": range(-2, 3), "credibility": range(1, 7)}
RELIABLE, TENTATIVE = 0.800, 0.667
#: the word that stands for the coding in the current tables
TABLES = "tables"
#: where the sample and the shipped codings live, relative to data/
DIR = "coding"
SAMPLE, FIRST, SECOND, CODERS = "sample.csv", "first.csv", "second.csv", "coders.csv"
#: the tables a sampled row may come from; the thematic ones take actor, domain and credibility from their events row
EVENTS = "events"
THEMATIC = ("sanctions_stance", "security_cooperation")


class CodingError(ValueError):
    """Bad input: ``lines`` are the ``path:row:field: message`` lines."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


@dataclass
class Coding:
    """One coding: item -> its values (text for the nominal fields, int for the ordinal ones, dates; None = blank)."""

    label: str
    items: dict[str, dict[str, Any]] = field(default_factory=dict)


def verdict(alpha: float | None) -> str:
    if alpha is None:
        return "undefined"
    if alpha >= RELIABLE:
        return "reliable"
    if alpha >= TENTATIVE:
        return "tentative"
    return "unreliable"


# --------------------------------------------------------------------------
# reading


def _rows(path: Path, shown: str) -> list[dict[str, str]] | CodingError:
    """The rows of a CSV as dicts (or the error): the header must be there; row numbers count it as row 1."""
    if not path.is_file():
        return CodingError([f"{shown}:0:-: file not found"])
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return CodingError([f"{shown}:0:-: not valid UTF-8 text ({exc.reason} at byte {exc.start})"])
    except OSError as exc:
        return CodingError([f"{shown}:0:-: file cannot be read: {exc.strerror or exc}"])
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        return CodingError([f"{shown}:0:-: not a readable CSV ({exc})"])
    if not rows or not any(cell.strip() for cell in rows[0]):
        return CodingError([f"{shown}:0:-: no header row"])
    header = [cell.strip() for cell in rows[0]]
    out = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            return CodingError([f"{shown}:{number}:-: {len(row)} cells in a row of {len(header)} columns"])
        record = dict(zip(header, (cell.strip() for cell in row)))
        record["#"] = str(number)
        out.append(record)
    return out


def _header_problems(shown: str, header: list[str], columns: tuple[str, ...], allowed: tuple[str, ...] = ()) -> list[str]:
    lines = [f"{shown}:1:{c}: missing column" for c in columns if c not in header]
    lines += [f"{shown}:1:{c}: unknown column (a coding has {', '.join(columns)}; {', '.join(allowed)} is allowed)"
              for c in header if c not in columns and c not in allowed]
    return lines


def _read_header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [c.strip() for c in next(csv.reader(handle), [])]


def parse(shown: str, records: list[dict[str, Any]]) -> Coding:
    """A coding from its rows (each with its row number under ``#``); raises :class:`CodingError` on bad values.

    A record may carry under ``^`` where each of its values was read (field -> ``path:row``), for the messages."""
    coding, lines = Coding(shown), []
    seen: dict[str, str] = {}
    for record in records:
        row = record["#"]
        origin = record.get("^", {})

        def at(name: str) -> str:
            return f"{origin.get(name, f'{shown}:{row}')}:{name}"

        item = record.get("item", "")
        if not item:
            lines.append(f"{at('item')}: blank: every coded row names its item")
            continue
        if item in seen:
            lines.append(f'{at("item")}: "{item}" is already coded in row {seen[item]}')
            continue
        seen[item] = row
        values: dict[str, Any] = {}
        for name in LEVELS:
            values[name] = record.get(name) or None
        for name, scale in SCALES.items():
            text = record.get(name, "")
            if not text:
                continue
            try:
                number = int(text)
            except ValueError:
                number = None
            if number is None or number not in scale:
                lines.append(f'{at(name)}: "{text}" is not a {name} ({", ".join(map(str, scale))})')
                continue
            values[name] = number
        for name in ("date_from", "date_to"):
            text = record.get(name, "")
            values[name] = None
            if text:
                try:
                    values[name] = dt.date.fromisoformat(text) if len(text) == 10 else None
                except ValueError:
                    pass
                if values[name] is None:
                    lines.append(f'{at(name)}: "{text}" is not a date (YYYY-MM-DD)')
        start, end = values["date_from"], values["date_to"]
        if (record.get("date_from", "") == "") != (record.get("date_to", "") == ""):
            blank = "date_to" if end is None else "date_from"
            lines.append(f"{at(blank)}: blank while the other end is given: an interval has both ends or neither")
        elif start is not None and end is not None and start > end:
            lines.append(f"{at('date_from')}: {start.isoformat()} is after date_to {end.isoformat()}")
        coding.items[item] = values
    if lines:
        raise CodingError(lines)
    return coding


def read_coding(path: Path | str, shown: str | None = None) -> Coding:
    """A coding file; raises :class:`CodingError` (missing file, missing column, bad value)."""
    path = Path(path)
    shown = shown or str(path)
    rows = _rows(path, shown)
    if isinstance(rows, CodingError):
        raise rows
    header = _read_header(path)
    problems = _header_problems(shown, header, COLUMNS, IGNORED)
    if problems:
        raise CodingError(problems)
    return parse(shown, rows)


def _package_paths(data_dir: Path) -> dict[str, Path]:
    """resource name -> its CSV, from data/datapackage.json (the events and thematic tables only)."""
    descriptor = data_dir / "datapackage.json"
    shown = f"{data_dir.as_posix()}/datapackage.json"
    from dashboard import package as declaration

    try:
        package = declaration.read_file(descriptor)
    except declaration.JsonProblem as exc:
        reason = str(exc) if str(exc) == "file not found" else f"cannot be read as JSON: {exc}"
        raise CodingError([f"{shown}:0:-: {reason}"]) from None
    resources = package.get("resources") if isinstance(package, dict) else None
    return {r["name"]: data_dir / r["path"] for r in resources or []
            if isinstance(r, dict) and r.get("name") in (EVENTS, *THEMATIC) and isinstance(r.get("path"), str)}


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def tables_records(data_dir: Path | str) -> list[dict[str, str]]:
    """The coding in the current tables, for the sample in ``data/coding/sample.csv``, as the rows of a coding file
    (text cells; the row number of each sample row under ``#``). Raises :class:`CodingError`."""
    data_dir = Path(data_dir)
    sample_path = data_dir / DIR / SAMPLE
    shown_sample = _shown(sample_path)
    sample = _rows(sample_path, shown_sample)
    if isinstance(sample, CodingError):
        raise sample
    problems = _header_problems(shown_sample, _read_header(sample_path), ("item", "table", "id"))
    if problems:
        raise CodingError(problems)
    paths = _package_paths(data_dir)
    tables: dict[str, tuple[str, list[dict[str, str]]]] = {}
    lines: list[str] = []
    for name, path in paths.items():
        rows = _rows(path, _shown(path))
        if isinstance(rows, CodingError):
            lines += rows.lines
        else:
            tables[name] = (_shown(path), rows)
    if lines:
        raise CodingError(lines)
    events_by_key: dict[str, dict[str, str]] = {}
    for event in tables.get(EVENTS, ("", []))[1]:
        if event.get("event_key"):
            events_by_key.setdefault(event["event_key"], event)
    # an act's home table (codebook, "Coding reliability"): the thematic table that holds a row of its event_key, else
    # events; an events row whose act also has a thematic row is coded with that table, as a second coder would
    homes: dict[str, str] = {}
    for thematic in THEMATIC:
        for other in tables.get(thematic, ("", []))[1]:
            if other.get("event_key"):
                homes.setdefault(other["event_key"], thematic)
    out = []
    for entry in sample:
        name, row_id = entry.get("table", ""), entry.get("id", "")
        where = f"{shown_sample}:{entry['#']}"
        if name not in (EVENTS, *THEMATIC):
            lines.append(f'{where}:table: "{name}" is not a coded table ({", ".join((EVENTS, *THEMATIC))})')
            continue
        if name not in tables:
            lines.append(f'{where}:table: "{name}" is not declared in datapackage.json')
            continue
        shown_table, rows = tables[name]
        row = next((r for r in rows if r.get("id") == row_id), None)
        if row is None:
            lines.append(f'{where}:id: "{row_id}" is no row of {shown_table}')
            continue
        here = f"{shown_table}:{row['#']}"
        home = homes.get(row.get("event_key") or "", name) if name == EVENTS else name
        record: dict[str, Any] = {"#": entry["#"], "item": entry.get("item", ""), "table": home, "^": {}}
        for column in ("act", "stance", "date_from", "date_to"):
            record[column], record["^"][column] = row.get(column, ""), here
        if name == EVENTS:
            for column in ("actor", "domain", "credibility"):
                record[column], record["^"][column] = row.get(column, ""), here
        else:
            event = events_by_key.get(row.get("event_key", ""), {})
            there = f"{tables[EVENTS][0]}:{event['#']}" if event else here
            for column in ("actor", "domain", "credibility"):
                record[column], record["^"][column] = event.get(column, ""), there
            if "actor" in row:
                record["actor"], record["^"]["actor"] = row["actor"], here
        out.append(record)
    if lines:
        raise CodingError(lines)
    return out


def tables_coding(data_dir: Path | str) -> Coding:
    return parse(TABLES, tables_records(data_dir))


def load(argument: str, data_dir: Path | str) -> Coding:
    """A coding named on the command line: a file, or the word ``tables``."""
    return tables_coding(data_dir) if argument == TABLES else read_coding(argument)


def export_csv(records: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for record in records:
        writer.writerow([record.get(c, "") for c in COLUMNS])
    return out.getvalue()


# --------------------------------------------------------------------------
# comparing


def alpha(pairs: list[tuple[Any, Any]], level: str) -> float | None:
    """Krippendorff's alpha for two coders over ``pairs`` (one per item; None = missing), by the krippendorff package;
    None when it is undefined (fewer than two values in all, or no item coded by both)."""
    import numpy as np
    import krippendorff

    values = sorted({v for pair in pairs for v in pair if v is not None}, key=lambda v: (isinstance(v, str), v))
    if len(values) < 2 or not any(a is not None and b is not None for a, b in pairs):
        return None
    # nominal: each value its own code; ordinal: the value itself (the ranks are what count)
    code = {v: float(i) for i, v in enumerate(values)} if level == "nominal" else {v: float(v) for v in values}
    data = np.array([[np.nan if v is None else code[v] for v in column] for column in zip(*pairs)], dtype=float)
    result = float(krippendorff.alpha(reliability_data=data, level_of_measurement=level))
    return None if math.isnan(result) else result


@dataclass
class Comparison:
    a: str
    b: str
    items: int
    only_a: list[str]
    only_b: list[str]
    fields: list[dict[str, Any]]
    dates: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "items": self.items, "only_a": self.only_a, "only_b": self.only_b,
                "fields": self.fields, "dates": self.dates}


def compare(a: Coding, b: Coding) -> Comparison:
    both = [item for item in a.items if item in b.items]
    fields = []
    for name, level in LEVELS.items():
        pairs = [(a.items[i][name], b.items[i][name]) for i in both]
        value = alpha(pairs, level)
        coded = sum(1 for x, y in pairs if x is not None and y is not None)
        fields.append({"field": name, "level": level, "alpha": None if value is None else round(value, 6),
                       "items": coded, "verdict": verdict(value)})
    dated = [(a.items[i], b.items[i]) for i in both
             if a.items[i]["date_from"] is not None and b.items[i]["date_from"] is not None]
    overlap = sum(1 for x, y in dated if x["date_from"] <= y["date_to"] and y["date_from"] <= x["date_to"])
    exact = sum(1 for x, y in dated if (x["date_from"], x["date_to"]) == (y["date_from"], y["date_to"]))
    dates = {"items": len(dated), "overlap": overlap, "exact": exact,
             "overlap_share": round(overlap / len(dated), 6) if dated else None,
             "exact_share": round(exact / len(dated), 6) if dated else None}
    return Comparison(a.label, b.label, len(both), [i for i in a.items if i not in b.items],
                      [i for i in b.items if i not in a.items], fields, dates)


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _listed(items: list[str]) -> str:
    return ", ".join(items) if items else "none"


def as_text(c: Comparison) -> str:
    lines = [f"Coding reliability: {c.a} against {c.b}",
             f"items coded by both: {c.items}; only in {c.a}: {_listed(c.only_a)}; only in {c.b}: {_listed(c.only_b)}",
             "",
             f"{'field':<12} {'level':<8} {'alpha':>6} {'items':>5}  verdict"]
    for f in c.fields:
        lines.append(f"{f['field']:<12} {f['level']:<8} {_number(f['alpha']):>6} {f['items']:>5}  {f['verdict']}")
    d = c.dates
    lines += ["", f"dates: {d['items']} items with both intervals; overlap {_number(d['overlap_share'])} ({d['overlap']}), "
              f"exact {_number(d['exact_share'])} ({d['exact']})",
              f"verdicts: alpha >= {RELIABLE:.3f} reliable, {TENTATIVE:.3f} to {RELIABLE:.3f} tentative, below unreliable"]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|")


def as_markdown(c: Comparison) -> str:
    lines = [f"**Coding reliability**: {_cell(c.a)} against {_cell(c.b)}; {c.items} items coded by both "
             f"(only in {_cell(c.a)}: {_cell(_listed(c.only_a))}; only in {_cell(c.b)}: {_cell(_listed(c.only_b))}).",
             "", "| field | level | alpha | items | verdict |", "| --- | --- | ---: | ---: | --- |"]
    for f in c.fields:
        lines.append(f"| {f['field']} | {f['level']} | {_number(f['alpha'])} | {f['items']} | {f['verdict']} |")
    d = c.dates
    lines += ["", f"Dates: {d['items']} items with both intervals; the intervals overlap in {_number(d['overlap_share'])} "
              f"({d['overlap']}) and match exactly in {_number(d['exact_share'])} ({d['exact']})."]
    return "\n".join(lines) + "\n"


def as_json(c: Comparison) -> str:
    return json.dumps(c.as_dict(), indent=2, ensure_ascii=False) + "\n"


FORMATS = {"text": as_text, "json": as_json, "md": as_markdown}


# --------------------------------------------------------------------------
# the shipped codings: the figures the Method page and each release's manifest show


def coded_on(data_dir: Path | str, coding: str = "second") -> str | None:
    """The date the coding was made (coders.csv's ``coded_on``), None when not recorded."""
    path = Path(data_dir) / DIR / CODERS
    rows = _rows(path, _shown(path))
    if isinstance(rows, CodingError):
        return None
    return next((r.get("coded_on") or None for r in rows if r.get("coding") == coding), None)


def coders(data_dir: Path | str) -> list[dict[str, str]]:
    """The rows of data/coding/coders.csv (who or what made each coding, when, how it was kept blind); [] without it."""
    path = Path(data_dir) / DIR / CODERS
    rows = _rows(path, _shown(path))
    if isinstance(rows, CodingError):
        return []
    return [{k: v for k, v in r.items() if k != "#"} for r in rows]


def summary(data_dir: Path | str) -> dict[str, Any] | None:
    """The shipped reliability figures: the second coding against the first (before reconciliation) and against
    the current tables (after), with the date of the second coding; None when data/coding/ has no second coding.
    Raises :class:`CodingError` when a file is there but bad."""
    data_dir = Path(data_dir)
    folder = data_dir / DIR
    if not (folder / SECOND).is_file() or not (folder / SAMPLE).is_file():
        return None
    second = read_coding(folder / SECOND, _shown(folder / SECOND))
    out: dict[str, Any] = {"second_coded_on": coded_on(data_dir), "sample": len(second.items)}
    if (folder / FIRST).is_file():
        out["before"] = compare(read_coding(folder / FIRST, _shown(folder / FIRST)), second).as_dict()
    out["after"] = compare(tables_coding(data_dir), second).as_dict()
    return out
