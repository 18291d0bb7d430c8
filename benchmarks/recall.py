"""How much of a text's facts ``propose`` finds.

    python -m benchmarks.recall S000 [S002 ...]          # seeds of the data: their curated rows are the facts
    python -m benchmarks.recall --text benchmarks/recall_ru  # a text with its facts written down (text.txt, facts.csv, meta.json)

In a temporary copy of the project, for each seed given: remove the seed and every row citing it, add the text back
with ``python -m dashboard add-source`` (its original title, dates and language), run ``python -m dashboard propose``
on the new id, and count the original rows whose passage a candidate covers, the dated rows whose interval a covering
candidate matches exactly, the rows with a figure whose value a covering candidate gives, and the candidates.

With ``--text DIR``, the text ``DIR/text.txt`` is added with ``DIR/meta.json``'s provenance (title, language, dates,
author, outlet, kind) and compared with ``DIR/facts.csv``: one fact a line, ``passage`` (verbatim in the text),
``date_from``/``date_to`` (blank for a figure without a date) and ``value`` (blank for an act without a figure).
``benchmarks/recall_ru`` is a Russian text written from the public record, each fact with the report that verifies it.

Prints one line per text. Not a test: the figures depend on the curated data and the texts.
"""
from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from dashboard import seeds as S

REPO = Path(__file__).resolve().parents[1]
#: the columns that hold a row's figure, by table
FIGURE_COLUMNS = ("value", "amount", "count", "figure")


def _copy(root: Path) -> list[str]:
    shutil.copytree(REPO / "data", root / "data", ignore=shutil.ignore_patterns(".history"))
    shutil.copytree(REPO / "seeds", root / "seeds")
    return ["--data", str(root / "data"), "--seeds", str(root / "seeds")]


def _number(value: str | None) -> float | None:
    try:
        return float(str(value).replace(",", ""))
    except (TypeError, ValueError):
        return None


def _propose(text_path: Path, meta: dict, dirs: list[str]) -> tuple[str, list[dict]]:
    py = sys.executable
    flags = ["--title", meta["title"], "--published-from", meta["published_from"], "--published-to", meta["published_to"],
             "--author", meta.get("author") or "not stated", "--outlet", meta.get("outlet") or "not stated",
             "--kind", meta.get("kind") or "news report", "--language", meta.get("language") or "en"]
    add = subprocess.run([py, "-m", "dashboard", "add-source", str(text_path), *flags, *dirs], cwd=REPO,
                         capture_output=True, text=True)
    if add.returncode:
        raise SystemExit(f"add-source failed: {add.stderr.strip()[:300]}")
    new_id = add.stdout.strip()
    prop = subprocess.run([py, "-m", "dashboard", "propose", new_id, "--format", "json", *dirs], cwd=REPO,
                          capture_output=True, text=True)
    if prop.returncode:
        raise SystemExit(f"propose failed: {prop.stderr.strip()[:300]}")
    return new_id, json.loads(prop.stdout)


def score(text: str, facts: list[dict], cands: list[dict]) -> dict[str, int]:
    """Facts (passage, date_from, date_to, value) against candidates: found, dated and dates right, with a figure and
    figures right, and the candidates."""
    assert all(text[c["start"]:c["end"]] == c["quote"] for c in cands), "offsets"
    out = {"facts": len(facts), "found": 0, "dated": 0, "dates_right": 0, "figures": 0, "figures_right": 0,
           "candidates": len(cands)}
    for fact in facts:
        span = S.quote_span(text, fact["passage"])
        hit = [c for c in cands if span and c["start"] < span[1] and span[0] < c["end"]]
        out["found"] += bool(hit)
        if fact.get("date_from"):
            out["dated"] += 1
            out["dates_right"] += any((c["date_from"], c["date_to"]) == (fact["date_from"], fact["date_to"]) for c in hit)
        value = _number(fact.get("value"))
        if value is not None:
            out["figures"] += 1
            out["figures_right"] += any(c.get("value") is not None and abs(float(c["value"]) - value) <= 1e-9 * max(1, abs(value))
                                        for c in hit)
    return out


def line(label: str, result: dict[str, int]) -> str:
    return (f"{label}: {result['facts']} facts; found (a candidate covers the passage): {result['found']}; "
            f"dates right (exact interval): {result['dates_right']} of {result['dated']}; "
            f"figures right (exact value): {result['figures_right']} of {result['figures']}; "
            f"candidates proposed: {result['candidates']}")


def recall(sid: str, root: Path) -> str:
    """A seed of the data: its curated rows are the facts."""
    dirs = _copy(root)
    prov = list(csv.DictReader((root / "seeds/provenance.csv").open(encoding="utf-8")))
    rec = next(r for r in prov if r["source_id"] == sid)
    text_path = root / "seeds" / rec["file"]
    text = text_path.read_text(encoding="utf-8")
    saved_text = root / f"{sid}.txt"
    shutil.copy(text_path, saved_text)
    text_path.unlink()
    fields = list(prov[0])
    with (root / "seeds/provenance.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(r for r in prov if r["source_id"] != sid)
    package = json.loads((root / "data/datapackage.json").read_text(encoding="utf-8"))
    facts = []
    for res in package["resources"]:
        names = [x["name"] for x in res.get("schema", {}).get("fields", [])]
        if not {"quote", "source_id", "id"} <= set(names):
            continue
        path = root / "data" / res["path"]
        rows = list(csv.DictReader(path.open(encoding="utf-8")))
        figure = next((c for c in FIGURE_COLUMNS if c in names), None)
        facts += [{"passage": r["quote"], "date_from": r.get("date_from", ""), "date_to": r.get("date_to", ""),
                   "value": r.get(figure, "") if figure else ""} for r in rows if r["source_id"] == sid]
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=names, lineterminator="\n")
            w.writeheader()
            w.writerows(r for r in rows if r["source_id"] != sid)
    meta = {k: rec.get(k, "") for k in ("title", "published_from", "published_to", "author", "outlet", "kind", "language")}
    new_id, cands = _propose(saved_text, meta, dirs)
    return line(f"{sid} -> {new_id} ({meta['language'] or 'en'})", score(text, facts, cands))


def recall_text(folder: Path, root: Path) -> str:
    """A text with its facts written down: ``folder/text.txt``, ``facts.csv``, ``meta.json``."""
    dirs = _copy(root)
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    text = (folder / "text.txt").read_text(encoding="utf-8")
    facts = list(csv.DictReader((folder / "facts.csv").open(encoding="utf-8")))
    missing = [f["passage"] for f in facts if S.quote_span(text, f["passage"]) is None]
    if missing:
        raise SystemExit(f"{folder}/facts.csv: passages not in the text: {missing}")
    new_id, cands = _propose(folder / "text.txt", meta, dirs)
    return line(f"{folder.name} -> {new_id} ({meta['language']}, {len(text.split())} words)", score(text, facts, cands))


def main(argv: list[str]) -> int:
    texts = [Path(argv[i + 1]) for i, a in enumerate(argv) if a == "--text" and i + 1 < len(argv)]
    seeds = [a for i, a in enumerate(argv) if a != "--text" and (i == 0 or argv[i - 1] != "--text")]
    for sid in seeds or ([] if texts else ["S000"]):
        with tempfile.TemporaryDirectory(prefix="recall-") as temp:
            print(recall(sid, Path(temp)), flush=True)
    for folder in texts:
        with tempfile.TemporaryDirectory(prefix="recall-") as temp:
            print(recall_text(folder, Path(temp)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
