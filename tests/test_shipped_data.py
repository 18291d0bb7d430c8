"""The shipped, hand-curated data in data/ and seeds/: invariants only.

Unlike the other tests these read the real data, not a fixture.  They assert
properties that any correct curation has (it checks clean, every declared rule
is implemented and runs, every conflict has two sides), never counts of rows
or particular curated values, so curating more rows never breaks them.  While
the curated tables are incomplete the first one fails, and its message is the
list of problem lines that `python -m dashboard check` prints.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

import pytest

from dashboard.validate import RULE_CHECKS, check, run

from conftest import REPO

DATA = REPO / "data"


def _package() -> dict:
    return json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))


def _rows(resource: dict) -> list[dict[str, str]]:
    with (DATA / resource["path"]).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.shipped_data
def test_shipped_data_checks_clean() -> None:
    problems = check(DATA)
    assert problems == [], "\n" + "\n".join(map(str, problems))


@pytest.mark.shipped_data
def test_every_declared_rule_is_implemented_and_runs() -> None:
    rules = _package()["rules"]
    assert rules, "datapackage.json declares no rules"
    for rule in rules:
        assert rule["check"] in RULE_CHECKS, f'rule "{rule["name"]}": no check implements "{rule["check"]}"'
        assert rule.get("description"), f'rule "{rule["name"]}" has no description (the Method page shows it)'
    report = run(DATA)
    declaration = [str(p) for p in report.problems if p.path.endswith("datapackage.json")]
    assert declaration == []
    assert report.rules_run == [rule["name"] for rule in rules]


@pytest.mark.shipped_data
def test_every_conflict_links_two_rows_from_two_seeds_or_tables() -> None:
    """Each key declared by a conflict-links-two rule's resources is used by >= 2 rows of the other tables, and
    those rows come from >= 2 seeds or >= 2 tables: a conflict has two sides."""
    package = _package()
    resources = {r["name"]: r for r in package["resources"]}
    rules = [r for r in package["rules"] if r["check"] == "conflict-links-two"]
    assert rules, "no conflict-links-two rule is declared"
    for rule in rules:
        key_field = rule["field"]
        uses: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for name, resource in resources.items():
            fields = [f["name"] for f in resource.get("schema", {}).get("fields", [])]
            if name in rule["resources"] or key_field not in fields:
                continue
            for row in _rows(resource):
                if row.get(key_field, "").strip():
                    uses[row[key_field]].append((name, row.get("source_id", "")))
        for declaring in rule["resources"]:
            for row in _rows(resources[declaring]):
                key = row[key_field]
                sides = uses.get(key, [])
                assert len(sides) >= 2, f'{declaring}: "{key}" links {sides}'
                tables, seeds = {t for t, _ in sides}, {s for _, s in sides}
                assert len(tables) >= 2 or len(seeds) >= 2, f'{declaring}: "{key}" links rows of one table and one seed: {sides}'


def test_shipped_rules_name_declared_resources() -> None:
    """The declaration itself (no data read): every rule names resources the package declares."""
    package = _package()
    declared = {r["name"] for r in package["resources"]}
    names = [rule["name"] for rule in package["rules"]]
    assert len(names) == len(set(names)), "rule names are unique"
    for rule in package["rules"]:
        assert set(rule["resources"]) <= declared, rule["name"]
        reference = rule.get("reference")
        if reference:
            assert reference["resource"] in declared, rule["name"]
    assert Path(next(r for r in package["resources"] if r["name"] == "sources")["path"]).name == "provenance.csv"
