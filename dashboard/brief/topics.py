"""Topic briefings: the declared topics and slide budget (``topics.json`` beside this file), read and checked here.

A topic names the slides its deck holds and the event domains its stance slides keep; the budget (``--max-slides``)
keeps the slides of lowest ``priority`` first, in deck order, with the fixed ones (the title, and the "What changed"
slide when asked) always kept. Corrections go to one ranked slide: by what they correct (``weights``, from each row's
``corrects`` field), duplicates (the same correction on several rows) merged into one line naming every row.
Framework-free and deterministic.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

import pandas as pd

#: every kind of slide, in deck order: the keys topics.json selects and budgets (dashboard/brief/model.py builds them)
SLIDE_KEYS = ("title", "changes", "not_covered", "figures", "map", "stance", "moved", "index", "defence", "oil_shares",
              "oil_disruptions", "oil_stakes", "sanctions", "sentiment", "conflicts", "corrections", "sources")

PATH = Path(__file__).resolve().parent / "topics.json"
#: the path problems are reported under (relative to the repository when the file is the shipped one)
SHOWN = "dashboard/brief/topics.json"


#: two corrections that open with the same this many characters are one correction repeated on several rows
MERGE_CHARS = 80


class TopicsError(ValueError):
    """The topics file cannot be used: one ``path:place:field: message`` line per problem."""


@dataclass(frozen=True)
class Topic:
    topic: str
    label: str
    slides: tuple[str, ...]
    domains: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()


@dataclass(frozen=True)
class Catalogue:
    """The declared topics, slide priorities, page budgets and correction weights."""

    priority: dict[str, int]
    fixed: frozenset[str]
    topics: dict[str, Topic]
    budgets: tuple[int, ...]
    weights: dict[str, int]
    fallback_digits: int
    fallback_plain: int
    listed: int
    order: tuple[str, ...] = field(default=())

    def topic(self, name: str) -> Topic:
        try:
            return self.topics[name]
        except KeyError:
            raise TopicsError(f"unknown topic {name!r} (one of: {', '.join(self.topics)})") from None


def load(path: Path | None = None, slide_keys: Sequence[str] | None = None) -> Catalogue:
    """Read and check the topics file; :class:`TopicsError` (all problems, one per line) when it cannot be used."""
    path = Path(path) if path is not None else PATH
    shown = SHOWN if path == PATH else str(path)
    if slide_keys is None:
        slide_keys = SLIDE_KEYS
    problems: list[str] = []

    def bad(place: str, name: str, message: str) -> None:
        problems.append(f"{shown}:{place}:{name}: {message}")

    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TopicsError(f"{shown}:0:-: cannot be read: {exc}") from None
    if not isinstance(raw, dict):
        raise TopicsError(f"{shown}:0:-: not a JSON object")
    priority: dict[str, int] = {}
    fixed: set[str] = set()
    order: list[str] = []
    for i, item in enumerate(raw.get("slides") or []):
        place = f"slides[{i}]"
        key = item.get("key") if isinstance(item, dict) else None
        if key not in slide_keys:
            bad(place, "key", f"{key!r} is not a slide of the deck (one of: {', '.join(slide_keys)})")
            continue
        if key in priority:
            bad(place, "key", f"{key!r} is declared twice")
        value = item.get("priority")
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            bad(place, "priority", f"{value!r} is not a whole number from 0")
            continue
        priority[key] = value
        order.append(key)
        if item.get("fixed") is True:
            fixed.add(key)
    for key in slide_keys:
        if key not in priority and not any(p.endswith(f"{key!r} is declared twice") for p in problems):
            bad("slides", "key", f"slide {key!r} has no priority")
    topics: dict[str, Topic] = {}
    for i, item in enumerate(raw.get("topics") or []):
        place = f"topics[{i}]"
        if not isinstance(item, dict):
            bad(place, "-", "not an object")
            continue
        name = item.get("topic")
        if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_-]*", name):
            bad(place, "topic", f"{name!r} is not a lower-case name")
            continue
        if name in topics:
            bad(place, "topic", f"{name!r} is declared twice")
        slides = item.get("slides")
        if not isinstance(slides, list) or not slides:
            bad(place, "slides", "no slides listed")
            slides = []
        for key in slides:
            if key not in slide_keys:
                bad(place, "slides", f"{key!r} is not a slide of the deck")
            elif key in fixed:
                bad(place, "slides", f"{key!r} is fixed (every deck has it when asked): do not list it")
        label = item.get("label")
        if not isinstance(label, str) or not label.strip():
            bad(place, "label", "missing")
        lists = {k: item.get(k) or [] for k in ("domains", "tables")}
        for k, values in lists.items():
            if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
                bad(place, k, "not a list of names")
                lists[k] = []
        topics[name] = Topic(name, str(label or name), tuple(k for k in slides if k in slide_keys),
                             tuple(lists["domains"]), tuple(lists["tables"]))
    if not topics:
        bad("topics", "-", "no topic declared")
    budgets = raw.get("budgets") or []
    if not isinstance(budgets, list) or not all(isinstance(b, int) and not isinstance(b, bool) and b >= 1 for b in budgets):
        bad("budgets", "-", f"{budgets!r} is not a list of slide counts from 1")
        budgets = []
    corrections = raw.get("corrections") or {}
    weights = corrections.get("weights") if isinstance(corrections, dict) else None
    if not isinstance(weights, dict) or not all(isinstance(v, int) for v in weights.values()):
        bad("corrections", "weights", "not a mapping of what a correction changes to a whole number")
        weights = {}
    fallback = corrections.get("fallback") if isinstance(corrections, dict) else None
    if not isinstance(fallback, dict) or not all(isinstance(fallback.get(k), int) for k in ("with_digits", "without_digits")):
        bad("corrections", "fallback", "needs with_digits and without_digits weights")
        fallback = {"with_digits": 0, "without_digits": 0}
    listed = corrections.get("listed") if isinstance(corrections, dict) else None
    if not isinstance(listed, int) or listed < 1:
        bad("corrections", "listed", f"{listed!r} is not a count from 1")
        listed = 1
    if problems:
        raise TopicsError("\n".join(problems))
    return Catalogue(priority, frozenset(fixed), topics, tuple(sorted(set(budgets))), dict(weights),
                     fallback["with_digits"], fallback["without_digits"], listed, tuple(order))


_CATALOGUE: Catalogue | None = None


def catalogue() -> Catalogue:
    """The shipped topics file, read once per process."""
    global _CATALOGUE
    if _CATALOGUE is None:
        _CATALOGUE = load()
    return _CATALOGUE


# --------------------------------------------------------------------------
# which slides a deck keeps


def wanted(catalogue: Catalogue, topics: Sequence[str]) -> list[str]:
    """The slide keys the chosen topics hold, in deck order (every slide when no topic is chosen)."""
    if not topics:
        return [k for k in SLIDE_KEYS if k not in catalogue.fixed]
    keys = {k for name in topics for k in catalogue.topic(name).slides}
    return [k for k in SLIDE_KEYS if k in keys]


def keep(keys: Sequence[str], catalogue: Catalogue, max_slides: int | None) -> list[int]:
    """Indices of ``keys`` (one per slide, in deck order) a budget of ``max_slides`` keeps: the fixed slides, then the
    rest by priority (ties: deck order), back in deck order. Every index when there is no budget."""
    if max_slides is None:
        return list(range(len(keys)))
    fixed = [i for i, k in enumerate(keys) if k in catalogue.fixed]
    if max_slides < len(fixed):
        raise TopicsError(f"--max-slides {max_slides}: the deck needs at least {len(fixed)} "
                          f"({', '.join(keys[i] for i in fixed)})")
    rest = sorted((i for i, k in enumerate(keys) if k not in catalogue.fixed), key=lambda i: (catalogue.priority.get(keys[i], 99), i))
    return sorted(fixed + rest[: max_slides - len(fixed)])


# --------------------------------------------------------------------------
# corrections, ranked


def rank_corrections(rows: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """One row per distinct correction (the same text on several rows merged: ``ids`` and ``seeds`` list them all), ranked:
    the lowest weight of what it corrects first (``corrects``; a blank one by its fallback), then the most rows, then
    the first id. Columns: ``correction``, ``ids``, ``seeds``, ``tables``, ``corrects``, ``weight``, ``rows``, ``quote``."""
    columns = ["correction", "ids", "seeds", "tables", "corrects", "weight", "rows", "quote"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    merged: dict[str, dict[str, Any]] = {}
    records = [r | {"_text": " ".join(str(r.get("correction") or "").split())} for r in rows.to_dict("records")]
    records.sort(key=lambda r: -len(r["_text"]))  # the fullest wording of a correction names the merged line
    for row in records:
        text = row["_text"]
        if not text:
            continue
        # the same correction: the same text, or the same first MERGE_CHARS characters (one row's copy cut or extended)
        key = next((k for k in merged if k[:MERGE_CHARS] == text[:MERGE_CHARS] or k.startswith(text.rstrip(". "))), text)
        entry = merged.setdefault(key, {"correction": text, "ids": [], "seeds": [], "tables": [], "corrects": [], "quote": str(row.get("quote") or "")})
        for name, value in (("ids", row.get("id")), ("seeds", row.get("source_id")), ("tables", row.get("table"))):
            if value and value not in entry[name]:
                entry[name].append(str(value))
        for part in str(row.get("corrects") or "").split(";"):
            part = part.strip()
            if part and part not in entry["corrects"]:
                entry["corrects"].append(part)
    out = []
    for entry in merged.values():
        if entry["corrects"]:
            weight = min(catalogue.weights.get(c, max(catalogue.weights.values(), default=9)) for c in entry["corrects"])
        else:
            # not coded yet: a correction that states a figure or a date (outside its bracketed citations) counts as
            # one that changes a figure or a date
            bare = re.sub(r"\([^()]*\)|'[^']*'", "", entry["correction"])
            weight = catalogue.fallback_digits if re.search(r"\d", bare) else catalogue.fallback_plain
        out.append(entry | {"weight": weight, "rows": len(entry["ids"])})
    for entry in out:
        entry["ids"].sort()
        entry["seeds"].sort()
    out.sort(key=lambda e: (e["weight"], -e["rows"], e["ids"][0] if e["ids"] else ""))
    frame = pd.DataFrame(out, columns=columns)
    for name in ("ids", "seeds", "tables", "corrects"):
        frame[name] = frame[name].map(lambda v: ", ".join(v) if name != "corrects" else "; ".join(v))
    return frame


def topic_rows(frame: pd.DataFrame, name: str, topic: Topic | None) -> pd.DataFrame:
    """The rows of table ``name`` a topic covers: all of a topic table's rows (events: of the topic's domains)."""
    if topic is None:
        return frame
    if name not in topic.tables:
        return frame.iloc[0:0]
    if name == "events" and topic.domains and "domain" in frame.columns:
        return frame[frame["domain"].isin(topic.domains)]
    return frame


# --------------------------------------------------------------------------
# the file name


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")


def file_stem(topics: Sequence[str], filter_params: dict[str, Any], period: tuple[Any, Any]) -> str:
    """``brief_<topics>_<filters>_<from>_<to>``: the topics (``all-topics`` when none), each filter that is not the app's
    default (``actor-russia-government``), and the data's period (the dates the deck covers: dates, or a month such as ``2022-11`` as :class:`~dashboard.brief.slide.Brief` gives the latest act). At most 150 characters:
    a longer filter part is cut and ends with a short hash of the whole."""
    import hashlib

    parts = ["brief", "-".join(_slug(t) for t in topics) or "all-topics"]
    pieces = []
    for name, value in sorted(filter_params.items()):
        if name in ("from", "to"):
            continue
        for item in value if isinstance(value, list) else [value]:
            pieces.append(f"{name}-{_slug(item.split(' · ')[0])}")
    filters_part = "_".join(pieces)
    if len(filters_part) > 80:
        filters_part = filters_part[:70].rstrip("-_") + "-" + hashlib.sha1(filters_part.encode()).hexdigest()[:8]
    if filters_part:
        parts.append(filters_part)
    start, end = (v.isoformat() if hasattr(v, "isoformat") else str(v) if v else "" for v in period)
    parts.append(f"{start or 'start'}_to_{end or 'undated'}")
    return "_".join(parts)


def parse_topics(values: Iterable[str] | None, catalogue: Catalogue) -> tuple[str, ...]:
    """The topics named (repeat or comma-separate), checked against the catalogue, in its order, without repeats."""
    names: list[str] = []
    for value in values or ():
        for name in str(value).split(","):
            name = name.strip().lower()
            if name:
                catalogue.topic(name)
                names.append(name)
    return tuple(n for n in catalogue.topics if n in names)


__all__ = ["Catalogue", "PATH", "Topic", "TopicsError", "catalogue", "file_stem", "keep", "load", "parse_topics",
           "rank_corrections", "topic_rows", "wanted"]
