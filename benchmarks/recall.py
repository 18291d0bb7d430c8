"""How much of a seed's curated rows ``propose`` would have found: ``python -m benchmarks.recall S000 [S002 ...]``.

In a temporary copy of the project, for each seed given: remove the seed and every row citing it, add the text back
with ``python -m dashboard add-source`` (its original title and dates), run ``python -m dashboard propose`` on the new
id, and count the original rows whose passage a candidate covers, the dated rows whose interval a covering candidate
matches exactly, and the candidates. Prints one line per seed. Not a test: the figures depend on the curated data.
"""
import csv
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from dashboard import seeds as S
REPO = Path(__file__).resolve().parents[1]


def recall(sid: str, root: Path) -> None:
    shutil.copytree(REPO / "data", root / "data", ignore=shutil.ignore_patterns(".history")); shutil.copytree(REPO / "seeds", root / "seeds")
    prov = list(csv.DictReader((root / "seeds/provenance.csv").open(encoding="utf-8")))
    rec = next(r for r in prov if r["source_id"] == sid)
    text_path = root / "seeds" / rec["file"]; text = text_path.read_text(encoding="utf-8")
    saved_text = root / f"{sid}.txt"; shutil.copy(text_path, saved_text); text_path.unlink()
    fields = list(prov[0])
    with (root / "seeds/provenance.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n"); w.writeheader(); [w.writerow(r) for r in prov if r["source_id"] != sid]
    package = json.loads((root / "data/datapackage.json").read_text())
    original = []
    for res in package["resources"]:
        names = [x["name"] for x in res.get("schema", {}).get("fields", [])]
        if not {"quote", "source_id", "id"} <= set(names): continue
        path = root / "data" / res["path"]
        rows = list(csv.DictReader(path.open(encoding="utf-8")))
        original += [(res["name"], r) for r in rows if r["source_id"] == sid]
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=names, lineterminator="\n"); w.writeheader(); [w.writerow(r) for r in rows if r["source_id"] != sid]
    dirs = ["--data", str(root / "data"), "--seeds", str(root / "seeds")]
    py = sys.executable
    add = subprocess.run([py, "-m", "dashboard", "add-source", str(saved_text), "--title", rec["title"], "--published-from", rec["published_from"],
                          "--published-to", rec["published_to"], "--author", rec["author"], "--outlet", rec["outlet"], "--kind", rec["kind"], *dirs],
                         cwd=REPO, capture_output=True, text=True)
    print("add-source:", add.returncode, add.stdout.strip(), add.stderr.strip()[:300])
    new_id = add.stdout.strip()
    prop = subprocess.run([py, "-m", "dashboard", "propose", new_id, "--format", "json", *dirs], cwd=REPO, capture_output=True, text=True)
    cands = json.loads(prop.stdout)
    assert all(text[c["start"]:c["end"]] == c["quote"] for c in cands), "offsets"
    covered = dated = matched = 0
    for table, r in original:
        span = S.quote_span(text, r["quote"])
        hit = [c for c in cands if span and c["start"] < span[1] and span[0] < c["end"]]
        covered += bool(hit)
        if r.get("date_from"):
            dated += 1
            matched += any((c["date_from"], c["date_to"]) == (r["date_from"], r["date_to"]) for c in hit)
    print(f"{sid} -> {new_id}: {len(original)} original rows; passages covered by a candidate: {covered}; "
          f"dated rows: {dated}, whose interval a covering candidate matches exactly: {matched}; candidates proposed: {len(cands)}")


def main(argv: list[str]) -> int:
    for sid in argv or ["S000"]:
        with tempfile.TemporaryDirectory(prefix="recall-") as temp:
            recall(sid, Path(temp))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
