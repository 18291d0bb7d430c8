"""dashboard.checks.check and `python -m dashboard check` on a tiny fixture package, valid and corrupted.

The fixture here follows the shipped package's schema: dated tables carry the interval ``date_from``/``date_to``
with ``date_source``/``date_note``; stance tables carry an ``act`` (a key of the ``acts`` table, whose ``scores``
lists the stances it allows) and an ``event_key``; and the package declares its project checks as ``rules``, one
per check kind.  Each rule gets at least one corrupted input below, asserted to the exact ``path:row:field:
message`` line.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.checks import RULE_CHECKS, Problem, check, run

from conftest import REPO, Pkg, _csv

SEEDS = {
    "000_aaaaaaaaaaaaaaaa.txt": (
        "Kazakhstan and Russia\n\n"
        "Russia invaded Ukraine on 24 February 2022.\n"
        "The ministry said on 3 March 2022 that Kazakhstan would not\n"
        "help Russia circumvent sanctions.\n"
        "About 2,500 troops were deployed in January.\n"
    ),
    "001_bbbbbbbbbbbbbbbb.txt": (
        "A second text.\n"
        "Officials said 3,000 troops arrived, and the parade was cancelled.\n"
        "The minister again ruled out helping Russia evade sanctions.\n"
    ),
}
PUBLISHED_TO = {"S000": "2022-03-31", "S001": "2022-04-30"}
URLS = {"S000": ("https://example.org/s000", "The page's text is the seed's, word for word")}


def _string(name, description="", **constraints):
    field = {"name": name, "type": "string", "description": description or name}
    if constraints:
        field["constraints"] = constraints
    return field


def _date(name, **constraints):
    field = {"name": name, "type": "date", "description": name}
    if constraints:
        field["constraints"] = constraints
    return field


def _fk(field, resource, ref_field=None):
    return {"fields": [field], "reference": {"resource": resource, "fields": [ref_field or field]}}


def _resource(name, path, fields, primary_key, foreign_keys=()):
    schema = {"fields": fields, "primaryKey": primary_key, "missingValues": [""]}
    if foreign_keys:
        schema["foreignKeys"] = list(foreign_keys)
    return {
        "name": name,
        "path": path,
        "title": name.capitalize(),
        "description": f"Test table {name}.",
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": schema,
    }


def _interval():
    return [
        _date("date_from"),
        _date("date_to"),
        _string("date_source", enum=["seed", "inferred", "reference"]),
        _string("date_note"),
    ]


def _corrected():
    return [
        _string("summary"),
        _string("correction"),
        _string("corrects", pattern="^((date|wording|figure|other)(; (date|wording|figure|other))*)?$"),
        _string("refuted"),
    ]


STANCE = {"name": "stance", "type": "integer", "description": "stance", "constraints": {"minimum": -2, "maximum": 2}}
SOURCE_ID = _string("source_id", required=True, pattern="^S[0-9]{3}$")
QUOTE = _string("quote", "Verbatim passage from the seed.", required=True, minLength=8)
DATED = ["events", "sanctions", "figures"]
STANCES = ["events", "sanctions", "security"]

RULES = [
    {"name": "quote-verbatim", "check": "quote-in-seed", "resources": [*STANCES, "figures"], "field": "quote",
     "description": "Every quote occurs verbatim in its seed."},
    {"name": "seed-checksum", "check": "seed-sha256", "resources": ["sources"], "field": "sha256",
     "description": "Each seed file matches its sha256."},
    {"name": "interval-complete", "check": "both-or-neither", "resources": DATED, "fields": ["date_from", "date_to"],
     "description": "Both ends of the interval or neither."},
    {"name": "interval-ordered", "check": "not-after", "resources": DATED, "field": "date_from", "other": "date_to",
     "description": "date_from is not after date_to."},
    {"name": "within-publication", "check": "not-after-publication", "resources": DATED, "field": "date_to",
     "description": "No interval ends after its seed was published."},
    {"name": "date-source-given", "check": "required-when-present", "resources": DATED, "field": "date_source",
     "when": "date_from", "description": "Every dated row says where its date comes from."},
    {"name": "date-evidence", "check": "required-when-in", "resources": DATED, "field": "date_note",
     "when": {"field": "date_source", "in": ["inferred", "reference"]}, "description": "Inferred dates name their evidence."},
    {"name": "inferred-from-own-seed", "check": "no-other-seed", "resources": DATED, "field": "date_note",
     "when": {"field": "date_source", "in": ["inferred"]}, "description": "Inferred only from the row's own seed."},
    {"name": "act-allows-score", "check": "lookup-allows", "resources": STANCES, "field": "stance", "by": "act",
     "reference": {"resource": "acts", "key": "act", "values": "scores"}, "description": "The act allows the stance."},
    {"name": "event-key-agrees", "check": "group-agrees", "resources": STANCES, "group": "event_key",
     "fields": ["act", "stance", "actor"], "description": "Rows of one event agree."},
    {"name": "one-row-per-seed-per-event", "check": "unique-together", "resources": ["events"],
     "fields": ["event_key", "source_id"], "description": "One row per seed per event."},
    {"name": "conflict-pairs", "check": "conflict-links-two", "resources": ["conflicts"], "field": "conflict_key",
     "description": "Every conflict links two rows."},
]

DATAPACKAGE = {
    "profile": "tabular-data-package",
    "name": "test-package",
    "resources": [
        _resource(
            "sources",
            "../seeds/provenance.csv",
            [
                _string("source_id", required=True, unique=True, pattern="^S[0-9]{3}$"),
                _string("file", required=True, unique=True),
                _string("title", required=True),
                _date("published_to", required=True),
                _string("sha256", required=True, pattern="^[0-9a-f]{64}$"),
                _string("url", pattern="^(https?://[^\\s]+)?$"),
                _string("url_evidence"),
            ],
            ["source_id"],
        ),
        _resource(
            "conflicts",
            "conflicts.csv",
            [_string("conflict_key", required=True, unique=True, pattern="^[a-z0-9_]+$"), _string("subject", required=True)],
            ["conflict_key"],
        ),
        _resource(
            "acts",
            "acts.csv",
            [
                _string("act", required=True, unique=True, pattern="^[a-z_]+$"),
                _string("label", required=True),
                _string("scores", pattern="^(-?[0-2])( -?[0-2])*$"),
                _string("definition", required=True),
            ],
            ["act"],
        ),
        _resource(
            "events",
            "events.csv",
            [
                _string("id", required=True, unique=True, pattern="^EV[0-9]{3}$"),
                _string("event_key", required=True, pattern="^[a-z0-9_]+$"),
                _date("date_from", required=True),
                _date("date_to", required=True),
                _string("date_source", required=True, enum=["seed", "inferred", "reference"]),
                _string("date_note"),
                _string("actor", required=True, enum=["Kazakhstan government", "Russia government", "CSTO"]),
                _string("act", required=True),
                STANCE,
                _string("domain", required=True, enum=["sanctions", "society", "security"]),
                *_corrected(),
                SOURCE_ID,
                QUOTE,
            ],
            ["id"],
            [_fk("source_id", "sources"), _fk("act", "acts")],
        ),
        _resource(
            "sanctions",
            "sanctions.csv",
            [
                _string("id", required=True, unique=True, pattern="^SS[0-9]{3}$"),
                _string("event_key", pattern="^[a-z0-9_]+$"),
                *_interval(),
                _string("actor", required=True),
                _string("act", required=True),
                STANCE,
                _string("no_event_reason"),
                _string("position"),
                *_corrected(),
                SOURCE_ID,
                QUOTE,
            ],
            ["id"],
            [_fk("source_id", "sources"), _fk("act", "acts")],
        ),
        _resource(
            "security",
            "security.csv",
            [
                _string("id", required=True, unique=True, pattern="^SC[0-9]{3}$"),
                _string("event_key", pattern="^[a-z0-9_]+$"),
                _string("act", required=True),
                STANCE,
                _string("no_event_reason"),
                SOURCE_ID,
                QUOTE,
            ],
            ["id"],
            [_fk("source_id", "sources"), _fk("act", "acts")],
        ),
        _resource(
            "figures",
            "figures.csv",
            [
                _string("id", required=True, unique=True, pattern="^FG[0-9]{3}$"),
                {"name": "value", "type": "number", "description": "value", "constraints": {"required": True, "minimum": 0}},
                _string("unit", required=True, enum=["troops", "percent"]),
                *_interval(),
                SOURCE_ID,
                QUOTE,
                _string("conflict_key"),
            ],
            ["id"],
            [_fk("source_id", "sources"), _fk("conflict_key", "conflicts")],
        ),
    ],
    "rules": RULES,
}

DATAPACKAGE["resources"].append(_resource("releases", "releases/releases.csv", [
    _string("release", required=True, unique=True), _string("manifest_sha256", required=True)], ["release"]))
RULES.append({"name": "release-immutable", "check": "release-sha256", "resources": ["releases"], "field": "manifest_sha256",
              "description": "Releases are immutable."})
CORRECTED = ["events", "sanctions"]
RULES += [
    {"name": "correction-kind-given", "check": "both-or-neither", "resources": CORRECTED, "fields": ["correction", "corrects"],
     "description": "corrects exactly when correction."},
    {"name": "corrected-date-from-record", "check": "value-in-when", "resources": CORRECTED, "field": "date_source",
     "in": ["reference"], "when": {"field": "corrects", "lists": "date", "separator": ";"},
     "description": "A corrected date is dated from the record."},
    {"name": "seed-date-carried", "check": "date-in-words", "resources": DATED, "field": "date_from", "other": "date_to",
     "fields": ["quote", "date_note"], "when": {"field": "date_source", "in": ["seed"]},
     "description": "A seed date is in the seed's words."},
    {"name": "refuted-not-repeated", "check": "phrases-quoted-not-coded", "resources": CORRECTED, "field": "refuted",
     "other": "quote", "fields": ["summary", "position"], "separator": "|",
     "description": "The refuted words are in the quote and not in the coded text."},
    {"name": "scored-act-has-mark", "check": "linked-or-explained", "resources": ["sanctions", "security"], "field": "event_key",
     "other": "no_event_reason", "when": "stance", "linked": {"resource": "events", "field": "event_key"},
     "description": "A scored act has its mark in events, or a reason why not."},
    {"name": "correction-names-source", "check": "has-pattern", "resources": CORRECTED, "field": "correction",
     "pattern": "(^|[^0-9])(19|20)[0-9]{2}([^0-9]|$)|https?://[^ ]",
     "what": "dated outside source (a year 19xx or 20xx, or an http(s) address)",
     "description": "A correction names its source with a date."},
    {"name": "source-url-evidenced", "check": "required-when-present", "resources": ["sources"], "field": "url_evidence",
     "when": "url", "description": "A url has its evidence."},
]

TABLES = {
    "data/releases/releases.csv": [["release", "manifest_sha256"]],
    "data/conflicts.csv": [
        ["conflict_key", "subject"],
        ["troops_deployed", "Troops deployed in January 2022"],
    ],
    "data/acts.csv": [
        ["act", "label", "scores", "definition"],
        ["context", "Context marker", "", "A reference point, never scored."],
        ["sanctions_compliance", "Sanctions compliance", "-2 -1", "A commitment to observe the sanctions on Russia."],
        ["pointed_gesture", "Pointed gesture", "-1", "A public act that marks distance from Moscow."],
        ["bloc_commitment", "Bloc commitment", "2", "Deploying the forces of a Russia-led bloc."],
    ],
    "data/events.csv": [
        ["id", "event_key", "date_from", "date_to", "date_source", "date_note", "actor", "act", "stance", "domain",
         "summary", "correction", "corrects", "refuted", "source_id", "quote"],
        # the quote spans a line break in the seed: whitespace is normalised; a seed date in the seed's words (date_note)
        ["EV001", "no_circumvention", "2022-03-03", "2022-03-03", "seed", "The seed: on 3 March 2022", "Kazakhstan government",
         "sanctions_compliance", "-1", "sanctions", "", "", "", "", "S000", "Kazakhstan would not help Russia circumvent sanctions"],
        # an inferred date may name the row's own seed; a correction of the wording, with the words it refutes
        ["EV002", "parade_cancelled", "2022-04-01", "2022-04-30", "inferred", "S001 gives the month only", "Kazakhstan government",
         "pointed_gesture", "-1", "society", "The parade was postponed",
         "The parade was postponed, not cancelled (Example News, 5 April 2022)", "wording", "cancelled", "S001",
         "the parade was cancelled"],
        # a seed date in the quote
        ["EV003", "invasion", "2022-02-24", "2022-02-24", "seed", "", "Russia government", "context", "", "security",
         "", "", "", "", "S000", "Russia invaded Ukraine on 24 February 2022"],
        ["EV004", "troops_january", "2022-01-01", "2022-01-31", "seed", "The seed: deployed in January", "CSTO",
         "bloc_commitment", "2", "security", "", "", "", "", "S000", "About 2,500 troops were deployed"],
    ],
    "data/sanctions.csv": [
        ["id", "event_key", "date_from", "date_to", "date_source", "date_note", "actor", "act", "stance", "no_event_reason",
         "position", "summary", "correction", "corrects", "refuted", "source_id", "quote"],
        # a reference date may name another seed; a corrected date is a reference date
        ["SS001", "no_circumvention", "2022-03-01", "2022-03-31", "reference", "S001 dates the statement to March 2022",
         "Kazakhstan government", "sanctions_compliance", "-1", "", "Will not help circumvent the sanctions", "",
         "Said in March, see https://example.org/statement", "date", "", "S000", "help Russia circumvent sanctions"],
        # undated: both ends blank, and no date_source; a scored act with no mark in events says why
        ["SS002", "", "", "", "", "", "Kazakhstan government", "sanctions_compliance", "-2", "The seed does not date it",
         "Rules out helping to evade the sanctions", "", "", "", "", "S001", "ruled out helping Russia evade sanctions"],
    ],
    "data/security.csv": [
        ["id", "event_key", "act", "stance", "no_event_reason", "source_id", "quote"],
        ["SC001", "troops_january", "bloc_commitment", "2", "", "S001", "3,000 troops arrived"],
    ],
    "data/figures.csv": [
        ["id", "value", "unit", "date_from", "date_to", "date_source", "date_note", "source_id", "quote", "conflict_key"],
        ["FG001", "2500", "troops", "2022-01-01", "2022-01-31", "seed", "deployed in January", "S000", "About 2,500 troops were deployed",
         "troops_deployed"],
        ["FG002", "3000", "troops", "", "", "", "", "S001", "3,000 troops arrived", "troops_deployed"],
    ],
}

# language as data: each source's language; a figure's quote from a source not in English carries its translation
LANGUAGE = {"S000": "en", "S001": "en"}
DATAPACKAGE["resources"][0]["schema"]["fields"].append(_string("language", required=True, pattern="^[a-z]{2}$"))
next(r for r in DATAPACKAGE["resources"] if r["name"] == "figures")["schema"]["fields"] += [_string("quote_en"), _string("quote_en_by")]
TABLES["data/figures.csv"] = [[*row, *(["quote_en", "quote_en_by"] if i == 0 else ["", ""])] for i, row in enumerate(TABLES["data/figures.csv"])]
RULES.append({"name": "translation-by-language", "check": "translation-by-language", "resources": ["figures"], "field": "quote_en",
              "description": "A quote from a source not in English carries its translation; one from an English source does not."})


class RulesPkg(Pkg):
    """The conftest Pkg helpers on this module's package, which declares every rule kind."""

    def build(self) -> "RulesPkg":
        (self.data / "releases").mkdir(parents=True)
        self.seeds.mkdir(parents=True)
        (self.data / "datapackage.json").write_text(json.dumps(DATAPACKAGE, indent=2), encoding="utf-8")
        provenance = [["source_id", "file", "title", "published_to", "sha256", "language", "url", "url_evidence"]]
        for number, (name, text) in enumerate(SEEDS.items()):
            source_id = f"S{number:03d}"
            (self.seeds / name).write_text(text, encoding="utf-8")
            url, evidence = URLS.get(source_id, ("", ""))
            provenance.append([source_id, name, f"Seed {number}", PUBLISHED_TO[source_id], hashlib.sha256(text.encode()).hexdigest(),
                               LANGUAGE[source_id], url, evidence])
        self.write("seeds/provenance.csv", _csv(provenance))
        for rel, rows in TABLES.items():
            self.write(rel, _csv(rows))
        return self

    def add_row(self, rel: str, like: str, **values: str) -> None:
        """Append a copy of the row whose first cell is ``like``, with ``values`` changed."""
        rows = self.rows(rel)
        row = list(next(r for r in rows[1:] if r[0] == like))
        for column, value in values.items():
            row[rows[0].index(column)] = value
        self.write(rel, _csv([*rows, row]))


@pytest.fixture
def pkg(tmp_path: Path) -> RulesPkg:
    """A fresh valid package in tmp_path/pkg/data + tmp_path/pkg/seeds (overrides conftest's for this module)."""
    return RulesPkg(tmp_path / "pkg").build()


def locations(problems: list[Problem]) -> list[str]:
    return [p.location for p in problems]


def _rules(edit):
    def apply(descriptor: dict) -> None:
        edit(descriptor["rules"])

    return apply


def _resource_named(descriptor: dict, name: str) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == name)


# --------------------------------------------------------------------------
# the clean fixture


def test_fixture_package_is_clean(pkg: RulesPkg) -> None:
    assert check(pkg.data) == []


def test_every_rule_kind_is_declared_in_the_fixture_and_runs(pkg: RulesPkg) -> None:
    report = run(pkg.data)
    assert {rule["check"] for rule in RULES} == RULE_CHECKS
    assert report.rules_run == [rule["name"] for rule in RULES]


def test_report_counts_rows(pkg: RulesPkg) -> None:
    report = run(pkg.data)
    assert report.rows == {"sources": 2, "conflicts": 1, "acts": 4, "events": 4, "sanctions": 2, "security": 1, "figures": 2, "releases": 0}
    assert report.paths["sources"] == "seeds/provenance.csv"
    assert report.paths["events"] == "data/events.csv"


def _drop_field_type(descriptor: dict) -> None:
    _resource_named(descriptor, "events")["schema"]["fields"][2]["type"] = "strang"


BAD_INPUTS = [
    # file level: row 0, field "-"
    ("missing file", lambda p: p.remove("data/events.csv"), ["data/events.csv:0:-"]),
    ("empty file", lambda p: p.write("data/events.csv", ""), ["data/events.csv:0:-"]),
    ("malformed CSV", lambda p: p.write("data/events.csv", 'id,date_from\nEV001,"2022-03-03\n'), ["data/events.csv:0:-"]),
    ("not UTF-8", lambda p: p.write_bytes("data/events.csv", b"id,date_from\n\xff\xfe\n"), ["data/events.csv:0:-"]),
    ("missing provenance", lambda p: p.remove("seeds/provenance.csv"), ["seeds/provenance.csv:0:-"]),
    ("missing lookup table: the rules using it skip", lambda p: p.remove("data/acts.csv"), ["data/acts.csv:0:-"]),
    ("datapackage.json not JSON", lambda p: p.write("data/datapackage.json", "{"), ["data/datapackage.json:0:-"]),
    ("datapackage.json bad field type", lambda p: p.edit_package(_drop_field_type), ["data/datapackage.json:0:-"]),
    # header: row 1, the column's name
    ("missing column", lambda p: p.drop_column("data/events.csv", "domain"), ["data/events.csv:1:domain"]),
    (
        "missing column a rule reads: the rule skips the table",
        lambda p: p.drop_column("data/figures.csv", "date_note"),
        ["data/figures.csv:1:date_note"],
    ),
    (
        "renamed column",
        lambda p: p.replace("data/events.csv", "id,event_key,", "id,key,"),
        ["data/events.csv:1:event_key", "data/events.csv:1:key"],
    ),
    ("undeclared column", lambda p: p.add_column("data/events.csv", "colour", "red"), ["data/events.csv:1:colour"]),
    # cells: frictionless row numbers (header = 1); the rules skip cells that failed the schema
    ("wrong type", lambda p: p.set_cell("data/events.csv", "EV001", "stance", "minus one"), ["data/events.csv:2:stance"]),
    ("unparseable date", lambda p: p.set_cell("data/events.csv", "EV002", "date_from", "2022-02-30"), ["data/events.csv:3:date_from"]),
    ("above maximum", lambda p: p.set_cell("data/events.csv", "EV001", "stance", "3"), ["data/events.csv:2:stance"]),
    ("below minimum", lambda p: p.set_cell("data/figures.csv", "FG001", "value", "-5"), ["data/figures.csv:2:value"]),
    ("outside enum", lambda p: p.set_cell("data/events.csv", "EV002", "domain", "sports"), ["data/events.csv:3:domain"]),
    ("pattern", lambda p: p.set_cell("data/events.csv", "EV002", "id", "E2"), ["data/events.csv:3:id"]),
    ("required blank", lambda p: p.set_cell("data/events.csv", "EV002", "quote", ""), ["data/events.csv:3:quote"]),
    ("required act blank", lambda p: p.set_cell("data/events.csv", "EV002", "act", ""), ["data/events.csv:3:act"]),
    ("duplicate id", lambda p: p.set_cell("data/events.csv", "EV002", "id", "EV001"), ["data/events.csv:3:id"]),
    (
        "source_id that does not exist",
        lambda p: p.set_cell("data/events.csv", "EV001", "source_id", "S009"),
        ["data/events.csv:2:source_id"],
    ),
    ("act that does not exist", lambda p: p.set_cell("data/events.csv", "EV002", "act", "gesture"), ["data/events.csv:3:act"]),
    ("extra value in a row", lambda p: p.replace("data/events.csv", "was cancelled\n", "was cancelled,x\n"), ["data/events.csv:3:-"]),
    # rules: quote-in-seed, seed-sha256, conflict-links-two
    (
        "quote not in its seed",
        lambda p: p.set_cell("data/events.csv", "EV001", "quote", "Kazakhstan will help Russia circumvent sanctions"),
        ["data/events.csv:2:quote"],
    ),
    (
        "seed checksum changed",
        lambda p: p.write("seeds/000_aaaaaaaaaaaaaaaa.txt", p.read("seeds/000_aaaaaaaaaaaaaaaa.txt") + "Edited.\n"),
        ["seeds/provenance.csv:2:sha256"],
    ),
    ("seed file missing", lambda p: p.remove("seeds/001_bbbbbbbbbbbbbbbb.txt"), ["seeds/provenance.csv:3:file"]),
    (
        "conflict key used once",
        lambda p: p.set_cell("data/figures.csv", "FG002", "conflict_key", ""),
        ["data/conflicts.csv:2:conflict_key", "data/figures.csv:2:conflict_key"],
    ),
    (
        "conflict key not in conflicts.csv",
        lambda p: p.set_cell("data/figures.csv", "FG002", "conflict_key", "troops_arrived"),
        [
            "data/conflicts.csv:2:conflict_key",  # troops_deployed now used once
            "data/figures.csv:2:conflict_key",  # ... by this row
            "data/figures.csv:3:conflict_key",  # troops_arrived: not declared
            "data/figures.csv:3:conflict_key",  # troops_arrived: used once
        ],
    ),
]


@pytest.mark.parametrize("corrupt, expected", [case[1:] for case in BAD_INPUTS], ids=[case[0] for case in BAD_INPUTS])
def test_bad_input_is_reported_at_exact_location(pkg: RulesPkg, corrupt, expected: list[str]) -> None:
    corrupt(pkg)
    problems = check(pkg.data)
    assert locations(problems) == expected, "\n".join(map(str, problems))
    for problem in problems:
        assert problem.message and "\n" not in problem.message
        assert "Traceback" not in str(problem)


# --------------------------------------------------------------------------
# one bad input (at least) per declared rule kind, to the exact line

RULE_CASES = [
    ("release-sha256", lambda p: (p.data / "releases" / "r0").mkdir(),
     ["data/releases/r0:0:-: a release directory not listed in releases.csv (an interrupted release?): run python -m "
      "dashboard recover to move it to the data directory's .history/"]),
    (
        "quote-in-seed",
        lambda p: p.set_cell("data/sanctions.csv", "SS002", "quote", "ruled out helping Russia circumvent sanctions"),
        ['data/sanctions.csv:3:quote: not found verbatim in S001 (001_bbbbbbbbbbbbbbbb.txt): '
         '"ruled out helping Russia circumvent sanctions"'],
    ),
    (
        "seed-sha256",
        lambda p: p.set_cell("seeds/provenance.csv", "S001", "sha256", "0" * 64),
        [f"seeds/provenance.csv:3:sha256: does not match 001_bbbbbbbbbbbbbbbb.txt, whose sha256 is "
         f"{hashlib.sha256(SEEDS['001_bbbbbbbbbbbbbbbb.txt'].encode()).hexdigest()}"],
    ),
    (
        "both-or-neither",
        lambda p: p.set_cell("data/figures.csv", "FG001", "date_to", ""),
        ["data/figures.csv:2:date_to: blank while date_from is given: date_from and date_to are given together or not at all"],
    ),
    (
        "both-or-neither, the other end",
        lambda p: p.set_cell("data/sanctions.csv", "SS002", "date_to", "2022-04-01"),
        ["data/sanctions.csv:3:date_from: blank while date_to is given: date_from and date_to are given together or not at all"],
    ),
    (
        "not-after",
        lambda p: p.set_cell("data/events.csv", "EV002", "date_from", "2022-05-01"),
        ["data/events.csv:3:date_from: 2022-05-01 is after date_to 2022-04-30"],
    ),
    (
        "not-after-publication",
        lambda p: p.set_cell("data/events.csv", "EV001", "date_to", "2022-04-15"),
        ["data/events.csv:2:date_to: 2022-04-15 is after S000's latest publication date 2022-03-31"],
    ),
    (
        "required-when-present",
        lambda p: p.set_cell("data/figures.csv", "FG001", "date_source", ""),
        ["data/figures.csv:2:date_source: required when date_from is given"],
    ),
    (
        "required-when-in",
        lambda p: p.set_cell("data/events.csv", "EV002", "date_note", ""),
        ['data/events.csv:3:date_note: required when date_source is "inferred"'],
    ),
    (
        "required-when-in, the other value",
        lambda p: p.set_cell("data/sanctions.csv", "SS001", "date_note", ""),
        ['data/sanctions.csv:2:date_note: required when date_source is "reference"'],
    ),
    (
        "no-other-seed",
        lambda p: p.set_cell("data/events.csv", "EV002", "date_note", "S000 and S003 date the parade to April"),
        ['data/events.csv:3:date_note: names S000 and S003, not the row\'s own seed S001, while date_source is "inferred"'],
    ),
    (
        "no-other-seed: a reference date may name another seed",
        lambda p: p.set_cell("data/sanctions.csv", "SS001", "date_note", "S001 and S002 date it"),
        [],
    ),
    (
        "lookup-allows: a score the act does not allow",
        lambda p: p.set_cell("data/events.csv", "EV002", "stance", "1"),
        ['data/events.csv:3:stance: 1 is not allowed for act "pointed_gesture", which allows -1 (acts.scores)'],
    ),
    (
        "lookup-allows: a scored context marker",
        lambda p: p.set_cell("data/events.csv", "EV003", "stance", "-1"),
        ['data/events.csv:4:stance: -1 given, but act "context" allows none (acts.scores is blank): leave stance blank'],
    ),
    (
        "lookup-allows: a scored act without a stance",
        lambda p: p.set_cell("data/sanctions.csv", "SS002", "stance", ""),
        ['data/sanctions.csv:3:stance: blank, but act "sanctions_compliance" needs one of -2, -1 (acts.scores)'],
    ),
    (
        "lookup-allows: the scores come from the acts table",
        lambda p: p.set_cell("data/acts.csv", "pointed_gesture", "scores", "-2 1"),
        ['data/events.csv:3:stance: -1 is not allowed for act "pointed_gesture", which allows -2, 1 (acts.scores)'],
    ),
    (
        "group-agrees: stance across tables",
        lambda p: p.set_cell("data/sanctions.csv", "SS001", "stance", "-2"),
        ['data/sanctions.csv:2:stance: -2 differs from data/events.csv:2, which has -1 (same event_key "no_circumvention")'],
    ),
    (
        "group-agrees: actor, where both tables have it",
        lambda p: p.set_cell("data/sanctions.csv", "SS001", "actor", "Russia government"),
        ['data/sanctions.csv:2:actor: "Russia government" differs from data/events.csv:2, which has "Kazakhstan government" '
         '(same event_key "no_circumvention")'],
    ),
    (
        "group-agrees: a table without the field is not compared on it",
        lambda p: p.set_cell("data/events.csv", "EV004", "actor", "Russia government"),
        [],
    ),
    (
        "group-agrees: each disagreeing field",
        lambda p: (p.set_cell("data/security.csv", "SC001", "act", "pointed_gesture"),
                   p.set_cell("data/security.csv", "SC001", "stance", "-1")),
        ['data/security.csv:2:act: "pointed_gesture" differs from data/events.csv:5, which has "bloc_commitment" '
         '(same event_key "troops_january")',
         'data/security.csv:2:stance: -1 differs from data/events.csv:5, which has 2 (same event_key "troops_january")'],
    ),
    (
        "group-agrees: within one table, each row after the first, against the first",
        lambda p: (p.add_row("data/events.csv", "EV002", id="EV005", event_key="troops_january"),
                   p.add_row("data/events.csv", "EV002", id="EV006", event_key="troops_january", actor="CSTO",
                             act="bloc_commitment", stance="2")),
        ['data/events.csv:6:act: "pointed_gesture" differs from data/events.csv:5, which has "bloc_commitment" '
         '(same event_key "troops_january")',
         'data/events.csv:6:actor: "Kazakhstan government" differs from data/events.csv:5, which has "CSTO" '
         '(same event_key "troops_january")',
         'data/events.csv:6:stance: -1 differs from data/events.csv:5, which has 2 (same event_key "troops_january")',
         # EV006 agrees with the first row (EV004); it shares EV005's seed
         'data/events.csv:7:event_key,source_id: event_key "troops_january" with source_id "S001" is already in row 6'],
    ),
    (
        "unique-together",
        lambda p: p.add_row("data/events.csv", "EV001", id="EV005"),
        ['data/events.csv:6:event_key,source_id: event_key "no_circumvention" with source_id "S000" is already in row 2'],
    ),
    (
        "conflict-links-two",
        lambda p: p.set_cell("data/figures.csv", "FG001", "conflict_key", ""),
        ['data/conflicts.csv:2:conflict_key: "troops_deployed" is used by 1 row in the tables; a conflict links at least two',
         'data/figures.csv:3:conflict_key: "troops_deployed" is used by no other row; a conflict links at least two'],
    ),
    (
        "translation-by-language: an English source's quote needs no translation",
        lambda p: p.set_cell("data/figures.csv", "FG001", "quote_en", "About 2,500 troops were deployed"),
        ["data/figures.csv:2:quote_en: must be blank: S000 is in English, so its quote needs no translation"],
    ),
    (
        "translation-by-language: a quote from a source not in English needs one",
        lambda p: p.set_cell("seeds/provenance.csv", "S001", "language", "ru"),
        ["data/figures.csv:3:quote_en: required: S001 is in ru, so the quote needs its English translation"],
    ),
    (
        "translation-by-language: given, it passes",
        lambda p: (p.set_cell("seeds/provenance.csv", "S001", "language", "ru"),
                   p.set_cell("data/figures.csv", "FG002", "quote_en", "3,000 troops arrived")),
        [],
    ),
]


_ORDER = "correction and corrects are given together or not at all"
_MARK = "where stance is given, the row shares its event_key with data/events.csv or says why not in no_event_reason"
_NO_SOURCE = "has no dated outside source (a year 19xx or 20xx, or an http(s) address)"
_NOT_SEED = "a date not in the seed's words is inferred or reference"

# the rules of issue 18: each by its kind and rule name, bad inputs and the passing cases next to them
RULE_CASES += [
    (
        "both-or-neither, correction-kind-given: a correction without what it corrects",
        lambda p: p.set_cell("data/events.csv", "EV002", "corrects", ""),
        [f"data/events.csv:3:corrects: blank while correction is given: {_ORDER}"],
    ),
    (
        "both-or-neither, correction-kind-given: what a correction corrects, without the correction",
        lambda p: p.set_cell("data/sanctions.csv", "SS002", "corrects", "figure"),
        [f"data/sanctions.csv:3:correction: blank while corrects is given: {_ORDER}"],
    ),
    (
        "value-in-when, corrected-date-from-record: a corrected date still inferred from the seed",
        lambda p: p.set_cell("data/events.csv", "EV002", "corrects", "wording; date"),
        ['data/events.csv:3:date_source: "inferred", but corrects lists "date": must be "reference"'],
    ),
    (
        "value-in-when, corrected-date-from-record: a corrected date with the seed's date",
        lambda p: (p.set_cell("data/sanctions.csv", "SS001", "date_source", "seed"),
                   p.set_cell("data/sanctions.csv", "SS001", "date_note", "March 2022")),
        ['data/sanctions.csv:2:date_source: "seed", but corrects lists "date": must be "reference"'],
    ),
    (
        "value-in-when, corrected-date-from-record: 'date' is an item of the list, not a part of a word",
        lambda p: p.set_cell("data/events.csv", "EV002", "corrects", "other"),
        [],
    ),
    (
        "date-in-words, seed-date-carried: neither the quote nor the note names the date",
        lambda p: p.set_cell("data/events.csv", "EV003", "quote", "Russia invaded Ukraine"),
        [f'data/events.csv:4:date_source: "seed", but neither quote nor date_note names a year or a month of '
         f"2022-02-24 to 2022-02-24: {_NOT_SEED}"],
    ),
    (
        "date-in-words, seed-date-carried: a month the interval does not cover",
        lambda p: p.set_cell("data/events.csv", "EV004", "date_note", "The seed: deployed in March"),
        [f'data/events.csv:5:date_source: "seed", but neither quote nor date_note names a year or a month of '
         f"2022-01-01 to 2022-01-31: {_NOT_SEED}"],
    ),
    (
        "date-in-words, seed-date-carried: a year outside the interval, a month in lower case",
        lambda p: p.set_cell("data/figures.csv", "FG001", "date_note", "deployed in january 2021"),
        [f'data/figures.csv:2:date_source: "seed", but neither quote nor date_note names a year or a month of '
         f"2022-01-01 to 2022-01-31: {_NOT_SEED}"],
    ),
    (
        "date-in-words, seed-date-carried: a year within a longer interval",
        lambda p: (p.set_cell("data/figures.csv", "FG001", "date_from", "2021-06-01"),
                   p.set_cell("data/figures.csv", "FG001", "date_note", "the seed says 2021")),
        [],
    ),
    (
        "date-in-words, seed-date-carried: a month of an interval across the new year",
        lambda p: (p.set_cell("data/figures.csv", "FG001", "date_from", "2021-11-15"),
                   p.set_cell("data/figures.csv", "FG001", "date_to", "2022-01-10"),
                   p.set_cell("data/figures.csv", "FG001", "date_note", "in December")),
        [],
    ),
    (
        "date-in-words, seed-date-carried: an inferred date needs no date in the words",
        lambda p: (p.set_cell("data/events.csv", "EV003", "quote", "Russia invaded Ukraine"),
                   p.set_cell("data/events.csv", "EV003", "date_source", "inferred"),
                   p.set_cell("data/events.csv", "EV003", "date_note", "S000 was written after the invasion")),
        [],
    ),
    (
        "phrases-quoted-not-coded, refuted-not-repeated: a refuted phrase that is not in the quote",
        lambda p: p.set_cell("data/events.csv", "EV002", "refuted", "cancelled | called off"),
        ['data/events.csv:3:refuted: "called off" does not occur in quote'],
    ),
    (
        "phrases-quoted-not-coded, refuted-not-repeated: the coded text repeats a refuted phrase",
        lambda p: p.set_cell("data/events.csv", "EV002", "summary", "Parade  CANCELLED"),
        ['data/events.csv:3:summary: repeats "cancelled", which refuted lists'],
    ),
    (
        "phrases-quoted-not-coded, refuted-not-repeated: each phrase, each field that repeats it",
        lambda p: (p.set_cell("data/sanctions.csv", "SS001", "refuted", "help Russia | circumvent  sanctions"),
                   p.set_cell("data/sanctions.csv", "SS001", "summary", "Would help Russia"),
                   p.set_cell("data/sanctions.csv", "SS001", "position", "Will not circumvent\nsanctions")),
        ['data/sanctions.csv:2:position: repeats "circumvent sanctions", which refuted lists',
         'data/sanctions.csv:2:summary: repeats "help Russia", which refuted lists'],
    ),
    (
        "phrases-quoted-not-coded, refuted-not-repeated: an empty phrase",
        lambda p: p.set_cell("data/events.csv", "EV002", "refuted", "cancelled |"),
        ['data/events.csv:3:refuted: has an empty phrase: phrases are joined by "|"'],
    ),
    (
        "phrases-quoted-not-coded, refuted-not-repeated: whole words only",
        lambda p: p.set_cell("data/events.csv", "EV002", "summary", "The uncancelled parade"),
        [],
    ),
    (
        "linked-or-explained, scored-act-has-mark: no event_key and no reason",
        lambda p: p.set_cell("data/sanctions.csv", "SS002", "no_event_reason", ""),
        [f"data/sanctions.csv:3:event_key: blank, and no_event_reason is blank: {_MARK}"],
    ),
    (
        "linked-or-explained, scored-act-has-mark: an event_key that no events row has",
        lambda p: p.set_cell("data/security.csv", "SC001", "event_key", "troops_february"),
        [f'data/security.csv:2:event_key: "troops_february" is in no row of data/events.csv, and no_event_reason is blank: {_MARK}'],
    ),
    (
        "linked-or-explained, scored-act-has-mark: a reason given",
        lambda p: (p.set_cell("data/security.csv", "SC001", "event_key", "troops_february"),
                   p.set_cell("data/security.csv", "SC001", "no_event_reason", "S001 alone reports it")),
        [],
    ),
    (
        "has-pattern, correction-names-source: a correction without a dated source",
        lambda p: p.set_cell("data/events.csv", "EV002", "correction", "The parade was postponed (Example News)"),
        [f'data/events.csv:3:correction: {_NO_SOURCE}: "The parade was postponed (Example News)"'],
    ),
    (
        "has-pattern, correction-names-source: a number is not a year",
        lambda p: p.set_cell("data/events.csv", "EV002", "correction", "Postponed by 120 days (Example News, page 20221)"),
        [f'data/events.csv:3:correction: {_NO_SOURCE}: "Postponed by 120 days (Example News, page 20221)"'],
    ),
    (
        "has-pattern, correction-names-source: an address will do",
        lambda p: p.set_cell("data/events.csv", "EV002", "correction", "Postponed: https://example.org/parade"),
        [],
    ),
    (
        "required-when-present, source-url-evidenced: an address without its evidence",
        lambda p: p.set_cell("seeds/provenance.csv", "S001", "url", "https://example.org/s001"),
        ["seeds/provenance.csv:3:url_evidence: required when url is given"],
    ),
]


@pytest.mark.parametrize("corrupt, lines", [case[1:] for case in RULE_CASES], ids=[case[0] for case in RULE_CASES])
def test_rule_reports_the_exact_line(pkg: RulesPkg, corrupt, lines: list[str]) -> None:
    corrupt(pkg)
    assert [str(p) for p in check(pkg.data)] == lines


def test_every_rule_kind_has_a_bad_input_case() -> None:
    assert {case[0].split(":")[0].split(",")[0] for case in RULE_CASES} == RULE_CHECKS


ISSUE_18_RULES = ["correction-kind-given", "corrected-date-from-record", "seed-date-carried", "refuted-not-repeated",
                  "scored-act-has-mark", "correction-names-source", "source-url-evidenced"]


def test_every_rule_of_the_corrections_and_dates_has_a_bad_input_case_and_is_declared_in_the_fixture() -> None:
    bad = {case[0].split(":")[0].split(", ")[1] for case in RULE_CASES if case[2] and ", " in case[0].split(":")[0]}
    assert set(ISSUE_18_RULES) <= bad
    assert set(ISSUE_18_RULES) <= {rule["name"] for rule in RULES}


# --------------------------------------------------------------------------
# the declaration of the rules: problems on datapackage.json, never a crash

DECLARATION_CASES = [
    (
        "unknown check kind",
        _rules(lambda rules: rules.append({"name": "spelling", "check": "spell-check", "resources": ["events"]})),
        'rule "spelling": unknown check "spell-check" (known: ' + ", ".join(sorted(RULE_CHECKS)) + ")",
    ),
    ("rules not a list", lambda d: d.update(rules={"quote-verbatim": {}}), '"rules" is not a list of rules'),
    ("rule not an object", _rules(lambda rules: rules.append("quote-in-seed")), f"rule {len(RULES)}: is not an object"),
    ("rule without a check", _rules(lambda rules: rules.append({"name": "x"})), 'rule "x": has no "check"'),
    (
        "rule without a needed parameter",
        _rules(lambda rules: rules[3].pop("other")),
        'rule "interval-ordered": check "not-after" needs "other"',
    ),
    (
        "rule on an undeclared resource",
        _rules(lambda rules: rules[0]["resources"].append("evnts")),
        'rule "quote-verbatim": resource "evnts" is not declared',
    ),
    (
        "rule on an undeclared field",
        _rules(lambda rules: rules[2].update(fields=["date_from", "date_too"])),
        'rule "interval-complete": resource "events" declares no field "date_too"',
    ),
    (
        "group-agrees field no table declares",
        _rules(lambda rules: rules[9]["fields"].append("colour")),
        'rule "event-key-agrees": no resource of the rule declares the field "colour"',
    ),
    (
        "lookup on an undeclared resource",
        _rules(lambda rules: rules[8]["reference"].update(resource="kinds")),
        'rule "act-allows-score": reference resource "kinds" is not declared',
    ),
    ("when of the wrong shape", _rules(lambda rules: rules[6].update(when=["date_source"])),
     'rule "date-evidence": "when" is neither a field name nor {"field": ..., "in": [...]} nor {"field": ..., "lists": "item"}'),
    ("required-when-in without in", _rules(lambda rules: rules[6].update(when="date_source")),
     'rule "date-evidence": check "required-when-in" needs "when": {"field": ..., "in": [...]}'),
    ("a rule declared twice", _rules(lambda rules: rules.append(dict(rules[0]))), 'rule "quote-verbatim": is declared more than once'),
    ("value-in-when: in is not a list", _rules(lambda rules: _named(rules, "corrected-date-from-record").update({"in": "reference"})),
     'rule "corrected-date-from-record": check "value-in-when" needs "in", a list of values'),
    ("when lists: an empty item", _rules(lambda rules: _named(rules, "corrected-date-from-record")["when"].update(lists=" ")),
     'rule "corrected-date-from-record": "when" with "lists" is {"field": ..., "lists": "item"} (and optionally "separator")'),
    ("linked-or-explained: an undeclared resource",
     _rules(lambda rules: _named(rules, "scored-act-has-mark")["linked"].update(resource="evnts")),
     'rule "scored-act-has-mark": linked resource "evnts" is not declared'),
    ("linked-or-explained: an undeclared field",
     _rules(lambda rules: _named(rules, "scored-act-has-mark")["linked"].update(field="key")),
     'rule "scored-act-has-mark": linked resource "events" declares no field "key"'),
    ("linked-or-explained: without linked", _rules(lambda rules: _named(rules, "scored-act-has-mark").pop("linked")),
     'rule "scored-act-has-mark": check "linked-or-explained" needs "linked"'),
    ("has-pattern: not a regular expression", _rules(lambda rules: _named(rules, "correction-names-source").update(pattern="(19")),
     'rule "correction-names-source": "pattern" is not a regular expression: Invalid regular expression: missing ): (19'),
    ("phrases-quoted-not-coded: a field no table declares",
     _rules(lambda rules: _named(rules, "refuted-not-repeated")["fields"].append("colour")),
     'rule "refuted-not-repeated": no resource of the rule declares the field "colour"'),
    ("phrases-quoted-not-coded: a blank separator", _rules(lambda rules: _named(rules, "refuted-not-repeated").update(separator=" ")),
     'rule "refuted-not-repeated": "separator" is blank or not a text'),
]


def _named(rules: list[dict], name: str) -> dict:
    return next(rule for rule in rules if rule["name"] == name)


@pytest.mark.parametrize("edit, message", [case[1:] for case in DECLARATION_CASES], ids=[case[0] for case in DECLARATION_CASES])
def test_bad_rule_declaration_is_a_problem_on_datapackage_json(pkg: RulesPkg, edit, message: str) -> None:
    pkg.edit_package(edit)
    report = run(pkg.data)
    assert [str(p) for p in report.problems] == [f"data/datapackage.json:0:-: {message}"]
    # every other rule still ran
    if message.startswith('"rules"'):
        assert report.rules_run == []
    else:
        assert len({rule["name"] for rule in RULES} - set(report.rules_run)) <= 1


def _set_field(name: str, **changes):
    def edit(descriptor: dict) -> None:
        spec = next(f for f in _resource_named(descriptor, "events")["schema"]["fields"] if f["name"] == name)
        spec.update(changes)

    return edit


@pytest.mark.parametrize(
    "edit, message",
    [
        (_set_field("stance", type="geopoint"), 'resource "events": field "stance": type "geopoint" is not supported '
         '(supported: string, integer, number, boolean, date, datetime, year)'),
        (_set_field("quote", format="email"), 'resource "events": field "quote": format "email" is not supported for type string'),
        (_set_field("stance", constraints={"pattern": "^-?[0-2]$"}),
         'resource "events": field "stance": constraint "pattern" does not apply to type integer'),
        (_set_field("date_from", constraints={"minimum": "soon"}),
         'resource "events": field "date_from": constraint "minimum" is not a date (YYYY-MM-DD)'),
        (lambda d: _resource_named(d, "events")["schema"].update(primaryKey="id"),
         'resource "events": "primaryKey" is not a list of field names'),
        (lambda d: _resource_named(d, "events").update(dialect={"delimiter": ";"}),
         'resource "events": dialect "delimiter": ";" is not supported (the tables are plain CSV)'),
        (lambda d: _resource_named(d, "events")["schema"]["foreignKeys"][1]["reference"].update(resource="deeds"),
         'resource "events": foreign key 2: resource "deeds" is not declared'),
    ],
    ids=["type", "format", "constraint for the type", "constraint value", "primaryKey not a list", "dialect", "foreign key"],
)
def test_a_declaration_the_checks_cannot_read_is_a_problem_on_datapackage_json(pkg: RulesPkg, edit, message: str) -> None:
    """What the checks interpret (types, formats, constraints, keys, CSV layout) must be declared as they read it."""
    pkg.edit_package(edit)
    report = run(pkg.data)
    assert [str(p) for p in report.problems] == [f"data/datapackage.json:0:-: {message}"]
    assert report.rules_run == [] and report.columns == {}


def test_a_bad_rule_does_not_stop_the_others(pkg: RulesPkg) -> None:
    pkg.edit_package(_rules(lambda rules: rules.insert(0, {"name": "spelling", "check": "spell-check", "resources": ["events"]})))
    pkg.set_cell("data/events.csv", "EV001", "quote", "Kazakhstan will help Russia circumvent sanctions")
    assert locations(check(pkg.data)) == ["data/datapackage.json:0:-", "data/events.csv:2:quote"]


def test_only_declared_rules_run(pkg: RulesPkg) -> None:
    pkg.edit_package(lambda d: d.pop("rules"))
    pkg.set_cell("data/events.csv", "EV001", "quote", "Kazakhstan will help Russia circumvent sanctions")
    report = run(pkg.data)
    assert report.problems == [] and report.rules_run == []


# --------------------------------------------------------------------------
# plain messages for the schema part


@pytest.mark.parametrize(
    "corrupt, line",
    [
        (
            lambda p: p.set_cell("data/events.csv", "EV001", "stance", "minus one"),
            'data/events.csv:2:stance: "minus one" is not a whole number',
        ),
        (
            lambda p: p.set_cell("data/events.csv", "EV002", "date_from", "2022-02-30"),
            'data/events.csv:3:date_from: "2022-02-30" is not a date (YYYY-MM-DD)',
        ),
        (
            lambda p: p.set_cell("data/events.csv", "EV001", "stance", "3"),
            "data/events.csv:2:stance: 3 is above the maximum 2",
        ),
        (
            lambda p: p.set_cell("data/events.csv", "EV002", "domain", "sports"),
            'data/events.csv:3:domain: "sports" is not one of the allowed values: sanctions, society, security',
        ),
        (
            lambda p: p.set_cell("data/events.csv", "EV002", "id", "EV001"),
            'data/events.csv:3:id: duplicate value "EV001" (first in row 2)',
        ),
        (
            lambda p: p.set_cell("data/events.csv", "EV001", "source_id", "S009"),
            'data/events.csv:2:source_id: "S009" not found in sources.source_id',
        ),
        (
            lambda p: p.set_cell("data/events.csv", "EV002", "act", "gesture"),
            'data/events.csv:3:act: "gesture" not found in acts.act',
        ),
        (lambda p: p.drop_column("data/events.csv", "domain"), "data/events.csv:1:domain: missing column (declared in datapackage.json)"),
        (lambda p: p.remove("data/events.csv"), "data/events.csv:0:-: file not found"
         "; rules quote-verbatim, interval-complete, interval-ordered, within-publication, date-source-given, date-evidence, inferred-from-own-seed, act-allows-score, event-key-agrees, one-row-per-seed-per-event, correction-kind-given, corrected-date-from-record, seed-date-carried, refuted-not-repeated and correction-names-source skipped for it"),
        (lambda p: p.write("data/events.csv", ""), "data/events.csv:0:-: file is empty"
         "; rules quote-verbatim, interval-complete, interval-ordered, within-publication, date-source-given, date-evidence, inferred-from-own-seed, act-allows-score, event-key-agrees, one-row-per-seed-per-event, correction-kind-given, corrected-date-from-record, seed-date-carried, refuted-not-repeated and correction-names-source skipped for it"),
    ],
)
def test_messages_are_plain(pkg: RulesPkg, corrupt, line: str) -> None:
    corrupt(pkg)
    assert [str(p) for p in check(pkg.data)] == [line]


def test_problems_are_sorted_and_stable(pkg: RulesPkg) -> None:
    pkg.set_cell("data/figures.csv", "FG002", "value", "-1")
    pkg.set_cell("data/events.csv", "EV002", "domain", "sports")
    pkg.write("seeds/001_bbbbbbbbbbbbbbbb.txt", "changed\n")
    first = check(pkg.data)
    assert first == sorted(first)
    assert check(pkg.data) == first
    assert locations(first) == [
        "data/events.csv:3:domain",
        "data/events.csv:3:quote",  # the seed's text changed under the quotes
        "data/figures.csv:3:quote",
        "data/figures.csv:3:value",
        "data/sanctions.csv:3:quote",
        "data/security.csv:2:quote",
        "seeds/provenance.csv:3:sha256",
    ]


def test_copied_data_and_seeds_side_by_side(pkg: RulesPkg, tmp_path: Path) -> None:
    copy = pkg.copy_to(tmp_path / "elsewhere")
    assert check(copy.data) == []


def test_seeds_dir_can_be_elsewhere(pkg: RulesPkg, tmp_path: Path) -> None:
    texts = tmp_path / "texts"
    pkg.seeds.rename(texts)
    assert check(pkg.data, texts) == []
    assert locations(check(pkg.data)) == ["seeds/provenance.csv:0:-"]


@pytest.mark.parametrize(
    "descriptor",
    ["[]", "{}", '{"resources": 3}', '{"resources": [1, "x"]}', '{"resources": [{"name": "events", "path": "events.csv", "schema": {"fields": "no"}}]}'],
)
def test_never_raises_on_nonsense_descriptor(pkg: RulesPkg, descriptor: str) -> None:
    pkg.write("data/datapackage.json", descriptor)
    problems = check(pkg.data)
    assert problems and all(isinstance(p, Problem) for p in problems)
    assert {p.location for p in problems} == {"data/datapackage.json:0:-"}


def test_missing_data_dir(tmp_path: Path) -> None:
    assert [str(p) for p in check(tmp_path / "nowhere")] == ["nowhere/datapackage.json:0:-: file not found"]


def test_problem_str() -> None:
    assert str(Problem("data/events.csv", 3, "date_from", "bad")) == "data/events.csv:3:date_from: bad"


# -- the command line


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dashboard", "check", *args], cwd=REPO, capture_output=True, text=True, timeout=120
    )


def test_cli_reports_problem_lines_and_exits_1(pkg: RulesPkg) -> None:
    pkg.set_cell("data/events.csv", "EV002", "stance", "1")
    result = _cli("--data", str(pkg.data))
    assert result.returncode == 1
    assert result.stdout.splitlines() == ['data/events.csv:3:stance: 1 is not allowed for act "pointed_gesture", which allows -1 (acts.scores)']
    assert "Traceback" not in result.stdout + result.stderr


def test_cli_ok_summary_exits_0(pkg: RulesPkg) -> None:
    result = _cli("--data", str(pkg.data), "--seeds", str(pkg.seeds))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("OK: 8 tables, 16 rows checked")


def test_cli_does_not_import_pandas(pkg: RulesPkg) -> None:
    code = "import sys, runpy; sys.argv = ['dashboard', 'check', '--data', sys.argv[1]]\n" \
           "try:\n    runpy.run_module('dashboard', run_name='__main__')\nexcept SystemExit:\n    pass\n" \
           "print('pandas' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code, str(pkg.data)], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.stdout.splitlines()[-1] == "False", result.stdout + result.stderr


@pytest.mark.parametrize("args", [("--data", "/nonexistent/data"), ("--data", "README.md")])
def test_cli_bad_paths_never_traceback(args: tuple[str, ...]) -> None:
    result = _cli(*args)
    assert result.returncode == 1
    assert result.stdout.strip().endswith("datapackage.json:0:-: file not found")
    assert "Traceback" not in result.stdout + result.stderr


def test_cli_broken_json_never_traceback(pkg: RulesPkg) -> None:
    pkg.write("data/datapackage.json", "{\n  nope")
    result = _cli("--data", str(pkg.data))
    assert result.returncode == 1
    assert result.stdout.startswith("data/datapackage.json:0:-: not valid JSON")
    assert "Traceback" not in result.stdout + result.stderr


# -- the shipped descriptor


def test_shipped_datapackage_descriptor_is_valid() -> None:
    """data/datapackage.json is valid Frictionless metadata and keeps the conventions the checks rely on."""
    from frictionless import Package, system

    descriptor = json.loads((REPO / "data" / "datapackage.json").read_text(encoding="utf-8"))
    with system.use_context(trusted=True):
        assert [e.message for e in Package.metadata_validate(descriptor)] == []
    resources = {r["name"]: r for r in descriptor["resources"]}
    assert Path(resources["sources"]["path"]).name == "provenance.csv"
    assert "conflicts" in resources


def test_dates_in_words_vectorised_agrees_with_the_plain_definition() -> None:
    """seed-date-carried's vectorised matcher gives, text by text, what the plain per-row definition gives."""
    import datetime as dt
    import random

    import numpy as np
    import pyarrow as pa

    from dashboard.checks.rules_text import _in_words, _interval_in_words, _months

    words = ["In", "May", "Mayday", "may", "March", "December", "January", "2021", "2022", "20221", "12022", "1999",
             "on", "3", "the", "9 June 2023", "S001", "(2020)", "Sept", "November,", "2022-03-01", ""]
    rng = random.Random(18)
    texts, starts, ends = [], [], []
    for _ in range(2000):
        start = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(1800))
        end = start + dt.timedelta(days=rng.choice([0, 5, 30, 60, 200, 400]))
        texts.append(None if rng.random() < 0.05 else " ".join(rng.choice(words) for _ in range(rng.randrange(5))))
        starts.append(start)
        ends.append(end)
    texts += ["the parade in December", "in January", "2014 and 2015"]
    starts += [dt.date(2021, 11, 15), dt.date(2021, 11, 15), dt.date(2013, 6, 1)]
    ends += [dt.date(2022, 1, 10), dt.date(2022, 1, 10), dt.date(2014, 2, 1)]
    found = _in_words(pa.array(texts, pa.string()), _months(pa.array(starts, pa.date32())), _months(pa.array(ends, pa.date32())))
    expected = np.array([_interval_in_words(t, a, b) for t, a, b in zip(texts, starts, ends)])
    assert found.tolist() == expected.tolist()
    assert found[-3:].tolist() == [True, True, True] and 0 < found.sum() < len(found)
