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
import datetime as dt
import json
from collections import defaultdict
from pathlib import Path

import pytest

from dashboard.checks import RULE_CHECKS, check, run

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


# --------------------------------------------------------------------------
# the rules of the corrections, the seed dates and the scored acts: declared over every table they concern, and held
# by every shipped row (restated here in plain Python, independently of dashboard.checks, so a bug in a check kind
# cannot hide a row that breaks its rule)

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
          "December"]
CODED_TEXT = ["summary", "position", "claim", "item", "subject", "actor_detail", "event", "asset", "label"]


def _fields(resource: dict) -> list[str]:
    return [f["name"] for f in resource.get("schema", {}).get("fields", [])]


def _resources_with(*columns: str) -> dict[str, dict]:
    return {r["name"]: r for r in _package()["resources"] if set(columns) <= set(_fields(r))}


def _sources_rows() -> list[dict[str, str]]:
    resource = next(r for r in _package()["resources"] if r["name"] == "sources")
    with (REPO / "seeds" / Path(resource["path"]).name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _numbered(resource: dict):
    for number, row in enumerate(_rows(resource), start=2):
        yield f"{resource['path']}:{number}", row


def _collapsed(text: str) -> str:
    return " ".join(text.split()).casefold()


def _words(phrase: str):
    import re

    return re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, phrase.split())) + r"(?!\w)", re.IGNORECASE)


RULE_COLUMNS = {
    "correction-kind-given": ("correction", "corrects"),
    "corrected-date-from-record": ("corrects", "date_source"),
    "seed-date-carried": ("date_from", "date_to", "date_source", "date_note", "quote"),
    "refuted-not-repeated": ("refuted", "quote"),
    "scored-act-has-mark": ("event_key", "no_event_reason", "stance"),
    "correction-names-source": ("correction",),
    "source-url-evidenced": ("url", "url_evidence"),
}


@pytest.mark.parametrize("name", list(RULE_COLUMNS))
def test_each_rule_is_declared_over_every_table_with_its_columns(name: str) -> None:
    rule = next((r for r in _package()["rules"] if r["name"] == name), None)
    assert rule is not None, f"rule {name} is not declared"
    assert rule.get("description")
    expected = set(_resources_with(*RULE_COLUMNS[name]))
    if name == "scored-act-has-mark":
        expected -= {"events"}  # an events row is the mark itself
    assert set(rule["resources"]) == expected


@pytest.mark.shipped_data
def test_a_correction_says_what_it_corrects_and_names_its_dated_source() -> None:
    import re

    bad = []
    for resource in _resources_with("correction", "corrects").values():
        for where, row in _numbered(resource):
            correction, corrects = row["correction"].strip(), row["corrects"].strip()
            if bool(correction) != bool(corrects):
                bad.append(f"{where}: correction {'given' if correction else 'blank'}, corrects {'given' if corrects else 'blank'}")
            if correction and not re.search(r"(?<![0-9])(19|20)[0-9]{2}(?![0-9])|https?://\S", correction):
                bad.append(f"{where}: the correction names no dated source")
    assert bad == []


@pytest.mark.shipped_data
def test_a_corrected_date_is_dated_from_the_record() -> None:
    bad = [where for resource in _resources_with("corrects", "date_source").values() for where, row in _numbered(resource)
           if "date" in [item.strip() for item in row["corrects"].split(";")] and row["date_source"] != "reference"]
    assert bad == []


@pytest.mark.shipped_data
def test_a_seed_date_is_in_the_seeds_words() -> None:
    import re

    bad = []
    for resource in _resources_with(*RULE_COLUMNS["seed-date-carried"]).values():
        for where, row in _numbered(resource):
            if row["date_source"] != "seed" or not row["date_from"]:
                continue
            start, end = (dt.date.fromisoformat(row[c]) for c in ("date_from", "date_to"))
            months = {MONTHS[(start.month - 1 + k) % 12] for k in range(min(12, (end.year - start.year) * 12 + end.month - start.month + 1))}
            text = row["quote"] + "\n" + row["date_note"]
            years = {int(y) for y in re.findall(r"(?<![0-9])([0-9]{4})(?![0-9])", text)}
            if not any(start.year <= y <= end.year for y in years) and not any(re.search(rf"\b{m}\b", text) for m in months):
                bad.append(f"{where}: {row['date_from']}..{row['date_to']}")
    assert bad == []


@pytest.mark.shipped_data
def test_refuted_words_are_quoted_and_never_repeated() -> None:
    bad = []
    for resource in _resources_with("refuted", "quote").values():
        coded = [c for c in CODED_TEXT if c in _fields(resource)]
        for where, row in _numbered(resource):
            for phrase in filter(None, (p.strip() for p in row["refuted"].split("|"))):
                if _collapsed(phrase) not in _collapsed(row["quote"]):
                    bad.append(f"{where}: refuted {phrase!r} is not in the quote")
                bad += [f"{where}: {c} repeats {phrase!r}" for c in coded if _words(phrase).search(row[c])]
    assert bad == []


@pytest.mark.shipped_data
def test_every_scored_act_reaches_the_stance_charts_or_says_why_not() -> None:
    resources = {r["name"]: r for r in _package()["resources"]}
    keys = {row["event_key"] for row in _rows(resources["events"]) if row["event_key"].strip()}
    bad = [where for name, resource in _resources_with(*RULE_COLUMNS["scored-act-has-mark"]).items() if name != "events"
           for where, row in _numbered(resource)
           if row["stance"].strip() and row["event_key"] not in keys and not row["no_event_reason"].strip()]
    assert bad == []


@pytest.mark.shipped_data
def test_a_source_address_has_its_evidence() -> None:
    bad = [row["source_id"] for row in _sources_rows() if row.get("url", "").strip() and not row.get("url_evidence", "").strip()]
    assert bad == []
