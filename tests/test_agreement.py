"""dashboard.agreement and `python -m dashboard agreement`: Krippendorff's alpha per coded field between two codings,
the date shares, bad input to the exact line, and the coding read from the tables for a sample, all on tiny codings
and a tiny package written here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard import agreement
from dashboard.__main__ import main
from dashboard.agreement import CodingError, alpha, compare, read_coding, summary, tables_records, verdict

from conftest import REPO, _csv

HEADER = ["item", "table", "act", "actor", "domain", "stance", "credibility", "date_from", "date_to"]
KZ, RU = "Kazakhstan government", "Russia government"

FIRST = [
    HEADER,
    ["I1", "events", "hedge", KZ, "diplomatic", "0", "1", "2022-03-01", "2022-03-31"],
    ["I2", "events", "non_recognition", KZ, "diplomatic", "-1", "2", "2022-04-01", "2022-04-01"],
    ["I3", "sanctions_stance", "sanctions_compliance", KZ, "sanctions", "-1", "", "2022-05-01", "2022-05-10"],
    ["I4", "events", "pressure", RU, "information", "1", "3", "2022-06-01", "2022-06-30"],
]


def write(path: Path, rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_csv(rows), encoding="utf-8")
    return path


def changed(rows: list[list[str]], key: str, **values: str) -> list[list[str]]:
    out = [list(r) for r in rows]
    row = next(r for r in out if r[0] == key)
    for column, value in values.items():
        row[out[0].index(column)] = value
    return out


# --------------------------------------------------------------------------
# alpha


def test_perfect_agreement_is_one_on_every_field(tmp_path: Path) -> None:
    a = read_coding(write(tmp_path / "a.csv", FIRST))
    b = read_coding(write(tmp_path / "b.csv", [[*FIRST[0], "note"], *[[*r, "a note"] for r in FIRST[1:]]]))
    result = compare(a, b)
    assert [(f["field"], f["alpha"], f["items"], f["verdict"]) for f in result.fields] == [
        ("table", 1.0, 4, "reliable"), ("act", 1.0, 4, "reliable"), ("actor", 1.0, 4, "reliable"),
        ("domain", 1.0, 4, "reliable"), ("stance", 1.0, 4, "reliable"), ("credibility", 1.0, 3, "reliable"),
    ]
    assert result.dates == {"items": 4, "overlap": 4, "exact": 4, "overlap_share": 1.0, "exact_share": 1.0}


def test_nominal_alpha_matches_a_hand_computation() -> None:
    # pairs (a,a) (a,b) (b,b) (b,b): n = 8 pairable values, n_a = 3, n_b = 5; D_o = 2/8,
    # D_e = 2 * 3 * 5 / (8 * 7) = 30/56; alpha = 1 - (2/8) / (30/56) = 8/15
    assert alpha([("a", "a"), ("a", "b"), ("b", "b"), ("b", "b")], "nominal") == pytest.approx(8 / 15, abs=1e-12)


def test_ordinal_alpha_matches_a_hand_computation() -> None:
    # stances (-1,-1) (0,1) (1,1) (2,2): n_-1 = 2, n_0 = 1, n_1 = 3, n_2 = 2 (n = 8); the ordinal distance
    # d(c,k) = (sum of n_g from c to k - (n_c + n_k) / 2)^2 gives d(0,1) = 4, so D_o = 2 * 4 / 8 = 1, and
    # D_e = 2 * (2*1*2.25 + 2*3*12.25 + 2*2*36 + 1*3*4 + 1*2*20.25 + 3*2*6.25) / (8 * 7) = 624/56; alpha = 1 - 56/624 = 71/78
    assert alpha([(-1, -1), (0, 1), (1, 1), (2, 2)], "ordinal") == pytest.approx(71 / 78, abs=1e-12)


def test_ordinal_weighs_distance_and_nominal_does_not() -> None:
    near = [(-2, -2), (-1, 0), (0, 0), (1, 1), (2, 2)]
    far = [(-2, -2), (-1, 2), (0, 0), (1, 1), (2, 2)]
    assert alpha(near, "ordinal") > alpha(far, "ordinal")
    assert alpha([(str(a), str(b)) for a, b in near], "nominal") == pytest.approx(alpha([(str(a), str(b)) for a, b in far], "nominal"))


@pytest.mark.parametrize("pairs", [[("a", "a"), ("a", "a")], [("a", None), (None, "b")], []], ids=["one value", "no pair", "none"])
def test_alpha_is_undefined_without_two_values_and_a_pair(pairs) -> None:
    assert alpha(pairs, "nominal") is None


def test_missing_values_are_left_out() -> None:
    assert alpha([("a", "a"), ("b", None), ("b", "b")], "nominal") == 1.0


@pytest.mark.parametrize("value, expected", [(1.0, "reliable"), (0.8, "reliable"), (0.7999, "tentative"), (0.667, "tentative"),
                                             (0.6669, "unreliable"), (-0.2, "unreliable"), (None, "undefined")])
def test_verdict(value, expected: str) -> None:
    assert verdict(value) == expected


def test_fields_and_items_coded_by_both(tmp_path: Path) -> None:
    second = changed(FIRST, "I2", act="hedge", stance="0", credibility="")
    second = changed(second, "I4", domain="diplomatic")
    result = compare(read_coding(write(tmp_path / "a.csv", FIRST)), read_coding(write(tmp_path / "b.csv", second)))
    by_field = {f["field"]: f for f in result.fields}
    # act: (hedge,hedge) (non_recognition,hedge) (sanctions_compliance x2) (pressure x2): alpha by the package
    assert by_field["act"]["alpha"] == round(alpha([("hedge", "hedge"), ("non_recognition", "hedge"),
                                                    ("sanctions_compliance", "sanctions_compliance"),
                                                    ("pressure", "pressure")], "nominal"), 6)
    assert by_field["act"]["alpha"] < 1.0
    assert by_field["credibility"] == {"field": "credibility", "level": "ordinal", "alpha": 1.0, "items": 2,
                                       "verdict": "reliable"}
    assert by_field["table"]["alpha"] == 1.0 and by_field["actor"]["alpha"] == 1.0


# --------------------------------------------------------------------------
# dates and items


def test_date_shares(tmp_path: Path) -> None:
    second = changed(FIRST, "I1", date_from="2022-03-15", date_to="2022-03-15")  # inside: overlaps, not exact
    second = changed(second, "I2", date_from="2022-04-02", date_to="2022-04-30")  # after: no overlap
    second = changed(second, "I3", date_from="2022-05-10", date_to="2022-06-10")  # shares one day: overlaps
    second = changed(second, "I4", date_from="", date_to="")  # undated: not counted
    result = compare(read_coding(write(tmp_path / "a.csv", FIRST)), read_coding(write(tmp_path / "b.csv", second)))
    assert result.dates == {"items": 3, "overlap": 2, "exact": 0, "overlap_share": round(2 / 3, 6), "exact_share": 0.0}


def test_items_missing_from_one_coding_are_reported(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "a.csv", FIRST[:4])
    write(tmp_path / "b.csv", [FIRST[0], FIRST[1], FIRST[2], FIRST[4], ["I5", *FIRST[4][1:]]])
    assert main(["agreement", "a.csv", "b.csv"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[:2] == [
        "Coding reliability: a.csv against b.csv",
        "items coded by both: 2; only in a.csv: I3; only in b.csv: I4, I5",
    ]


def test_text_output(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "a.csv", FIRST)
    write(tmp_path / "b.csv", changed(FIRST, "I1", date_to="2022-03-30"))
    assert main(["agreement", "a.csv", "b.csv"]) == 0
    assert capsys.readouterr().out == (
        "Coding reliability: a.csv against b.csv\n"
        "items coded by both: 4; only in a.csv: none; only in b.csv: none\n"
        "\n"
        "field        level     alpha items  verdict\n"
        "table        nominal   1.000     4  reliable\n"
        "act          nominal   1.000     4  reliable\n"
        "actor        nominal   1.000     4  reliable\n"
        "domain       nominal   1.000     4  reliable\n"
        "stance       ordinal   1.000     4  reliable\n"
        "credibility  ordinal   1.000     3  reliable\n"
        "\n"
        "dates: 4 items with both intervals; overlap 1.000 (4), exact 0.750 (3)\n"
        "verdicts: alpha >= 0.800 reliable, 0.667 to 0.800 tentative, below unreliable\n"
    )


def test_json_and_md_output(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "a.csv", FIRST)
    write(tmp_path / "b.csv", changed(FIRST, "I2", stance="-2"))
    assert main(["agreement", "a.csv", "b.csv", "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["a"] == "a.csv" and result["items"] == 4 and result["only_a"] == [] and result["only_b"] == []
    stance = next(f for f in result["fields"] if f["field"] == "stance")
    assert stance == {"field": "stance", "level": "ordinal", "items": 4, "verdict": verdict(stance["alpha"]),
                      "alpha": round(alpha([(0, 0), (-1, -2), (-1, -1), (1, 1)], "ordinal"), 6)}
    assert main(["agreement", "a.csv", "b.csv", "--format", "md"]) == 0
    md = capsys.readouterr().out
    assert "| field | level | alpha | items | verdict |" in md
    assert f"| stance | ordinal | {stance['alpha']:.3f} | 4 | {stance['verdict']} |" in md


# --------------------------------------------------------------------------
# bad input: one line each, file, row and field, exit 1

BAD = [
    ("missing file", lambda d: None, "nowhere.csv", ["nowhere.csv:0:-: file not found"]),
    ("missing column", lambda d: write(d / "bad.csv", [[v for v, c in zip(r, HEADER) if c != "domain"] for r in FIRST]),
     "bad.csv", ["bad.csv:1:domain: missing column"]),
    ("unknown column", lambda d: write(d / "bad.csv", [[*FIRST[0], "colour"], *[[*r, "red"] for r in FIRST[1:]]]),
     "bad.csv", ["bad.csv:1:colour: unknown column (a coding has item, table, act, actor, domain, stance, credibility, "
                 "date_from, date_to; note is allowed)"]),
    ("bad date", lambda d: write(d / "bad.csv", changed(FIRST, "I2", date_to="2022-04-31")),
     "bad.csv", ['bad.csv:3:date_to: "2022-04-31" is not a date (YYYY-MM-DD)']),
    ("unknown stance", lambda d: write(d / "bad.csv", changed(FIRST, "I3", stance="3")),
     "bad.csv", ['bad.csv:4:stance: "3" is not a stance (-2, -1, 0, 1, 2)']),
    ("stance in words", lambda d: write(d / "bad.csv", changed(FIRST, "I3", stance="negative")),
     "bad.csv", ['bad.csv:4:stance: "negative" is not a stance (-2, -1, 0, 1, 2)']),
    ("unknown credibility", lambda d: write(d / "bad.csv", changed(FIRST, "I4", credibility="7")),
     "bad.csv", ['bad.csv:5:credibility: "7" is not a credibility (1, 2, 3, 4, 5, 6)']),
    ("half an interval", lambda d: write(d / "bad.csv", changed(FIRST, "I1", date_to="")),
     "bad.csv", ["bad.csv:2:date_to: blank while the other end is given: an interval has both ends or neither"]),
    ("inverted interval", lambda d: write(d / "bad.csv", changed(FIRST, "I1", date_from="2022-04-01")),
     "bad.csv", ["bad.csv:2:date_from: 2022-04-01 is after date_to 2022-03-31"]),
    ("item twice", lambda d: write(d / "bad.csv", changed(FIRST, "I2", item="I1")),
     "bad.csv", ['bad.csv:3:item: "I1" is already coded in row 2']),
    ("blank item", lambda d: write(d / "bad.csv", changed(FIRST, "I2", item="")),
     "bad.csv", ["bad.csv:3:item: blank: every coded row names its item"]),
    ("a row of the wrong length", lambda d: (d / "bad.csv").write_text(_csv(FIRST) + "I9,events\n", encoding="utf-8"),
     "bad.csv", ["bad.csv:6:-: 2 cells in a row of 9 columns"]),
    ("not UTF-8", lambda d: (d / "bad.csv").write_bytes(b"item\n\xff\n"),
     "bad.csv", ["bad.csv:0:-: not valid UTF-8 text (invalid start byte at byte 5)"]),
]


@pytest.mark.parametrize("make, name, lines", [case[1:] for case in BAD], ids=[case[0] for case in BAD])
def test_bad_input_is_one_line_each_and_exit_1(tmp_path: Path, capsys, monkeypatch, make, name: str, lines: list[str]) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "good.csv", FIRST)
    make(tmp_path)
    assert main(["agreement", "good.csv", name]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.splitlines() == lines


def test_bad_input_never_tracebacks_from_the_command_line(tmp_path: Path) -> None:
    write(tmp_path / "bad.csv", changed(FIRST, "I3", stance="3"))
    done = subprocess.run([sys.executable, "-m", "dashboard", "agreement", "bad.csv", "tables", "--data", "nodata"],
                          cwd=tmp_path, capture_output=True, text=True, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr == 'bad.csv:4:stance: "3" is not a stance (-2, -1, 0, 1, 2)\n'


def test_two_codings_are_needed(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["agreement", "a.csv"]) == 1
    assert capsys.readouterr().err == "error: give two codings (files, or the word tables), or --export tables\n"


# --------------------------------------------------------------------------
# the coding in the tables, for the sample


def _resource(name: str, fields: list[str]) -> dict:
    return {"name": name, "path": f"{name}.csv", "schema": {"fields": [{"name": f, "type": "string"} for f in fields]}}


EVENTS = [
    ["id", "event_key", "date_from", "date_to", "actor", "domain", "act", "stance", "credibility", "quote"],
    ["EV001", "no_help", "2022-03-03", "2022-03-03", KZ, "sanctions", "sanctions_compliance", "-1", "2", "q"],
    ["EV002", "no_help", "2022-03-01", "2022-03-31", KZ, "diplomatic", "sanctions_compliance", "-1", "4", "q"],
    ["EV003", "threat", "2022-08-01", "2022-08-02", RU, "information", "pressure", "1", "3", "q"],
]
SANCTIONS = [
    ["id", "event_key", "date_from", "date_to", "actor", "act", "stance", "quote"],
    ["SS001", "no_help", "2022-03-01", "2022-03-31", KZ, "sanctions_compliance", "-1", "q"],
    ["SS002", "", "", "", KZ, "sanctions_compliance", "-2", "q"],
]
SECURITY = [
    ["id", "event_key", "date_from", "date_to", "act", "stance", "quote"],
    ["SC001", "threat", "2022-08-01", "2022-08-31", "pressure", "1", "q"],
    ["SC002", "", "2022-09-01", "2022-09-30", "diversification", "-1", "q"],
]
SAMPLE = [["item", "table", "id"], ["B1", "events", "EV003"], ["B2", "sanctions_stance", "SS001"],
          ["B3", "sanctions_stance", "SS002"], ["B4", "security_cooperation", "SC001"], ["B5", "security_cooperation", "SC002"]]
EXPORTED = [
    HEADER,
    # an events row whose act also has a thematic row (SC001 shares its key) is coded with its home table
    ["B1", "security_cooperation", "pressure", RU, "information", "1", "3", "2022-08-01", "2022-08-02"],
    # the thematic row's act, stance, dates and actor; domain and credibility from the first events row of its key
    ["B2", "sanctions_stance", "sanctions_compliance", KZ, "sanctions", "-1", "2", "2022-03-01", "2022-03-31"],
    # no events row: blanks
    ["B3", "sanctions_stance", "sanctions_compliance", KZ, "", "-2", "", "", ""],
    # security_cooperation has no actor: the events row's
    ["B4", "security_cooperation", "pressure", RU, "information", "1", "3", "2022-08-01", "2022-08-31"],
    ["B5", "security_cooperation", "diversification", "", "", "-1", "", "2022-09-01", "2022-09-30"],
]


@pytest.fixture
def package(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    (data / "datapackage.json").write_text(json.dumps({"resources": [
        _resource("events", EVENTS[0]), _resource("sanctions_stance", SANCTIONS[0]),
        _resource("security_cooperation", SECURITY[0])]}), encoding="utf-8")
    write(data / "events.csv", EVENTS)
    write(data / "sanctions_stance.csv", SANCTIONS)
    write(data / "security_cooperation.csv", SECURITY)
    write(data / "coding" / "sample.csv", SAMPLE)
    return data


def test_tables_coding_for_the_sample(package: Path) -> None:
    records = tables_records(package)
    assert [[r[c] for c in HEADER] for r in records] == EXPORTED[1:]


def test_export_writes_the_tables_coding(package: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["agreement", "--export", "tables", "-o", "out.csv", "--data", "data"]) == 0
    assert capsys.readouterr().out == "out.csv: 5 items coded as in the tables\n"
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == _csv(EXPORTED)


def test_tables_against_a_coding_file(package: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "second.csv", changed(EXPORTED, "B3", domain="sanctions", credibility="2"))
    assert main(["agreement", "tables", "second.csv", "--data", "data", "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["a"] == "tables" and result["items"] == 5
    assert {f["field"]: f["items"] for f in result["fields"]} == {"table": 5, "act": 5, "actor": 4, "domain": 3, "stance": 5,
                                                                  "credibility": 3}


@pytest.mark.parametrize("edit, lines", [
    (lambda d: write(d / "coding" / "sample.csv", [*SAMPLE, ["B6", "events", "EV009"]]),
     ['data/coding/sample.csv:7:id: "EV009" is no row of data/events.csv']),
    (lambda d: write(d / "coding" / "sample.csv", [*SAMPLE, ["B6", "casualties", "CA001"]]),
     ['data/coding/sample.csv:7:table: "casualties" is not a coded table (events, sanctions_stance, security_cooperation)']),
    (lambda d: write(d / "coding" / "sample.csv", [["item", "table"], ["B1", "events"]]),
     ["data/coding/sample.csv:1:id: missing column"]),
    (lambda d: (d / "coding" / "sample.csv").unlink(), ["data/coding/sample.csv:0:-: file not found"]),
    (lambda d: write(d / "events.csv", changed(EVENTS, "EV003", stance="+5")),
     ['data/events.csv:4:stance: "+5" is not a stance (-2, -1, 0, 1, 2)']),
    (lambda d: write(d / "events.csv", changed(EVENTS, "EV001", credibility="0")),
     ['data/events.csv:2:credibility: "0" is not a credibility (1, 2, 3, 4, 5, 6)']),
], ids=["unknown id", "uncoded table", "missing column", "no sample", "bad stance in a table", "bad value of the events row"])
def test_tables_bad_input(package: Path, tmp_path: Path, capsys, monkeypatch, edit, lines: list[str]) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "second.csv", EXPORTED)
    edit(package)
    assert main(["agreement", "tables", "second.csv", "--data", "data"]) == 1
    assert capsys.readouterr().err.splitlines() == lines


# --------------------------------------------------------------------------
# the shipped figures (the Method page and each release's manifest)


def test_summary_is_none_without_a_second_coding(package: Path) -> None:
    assert summary(package) is None


def test_summary_before_and_after(package: Path) -> None:
    write(package / "coding" / "first.csv", changed(EXPORTED, "B1", act="hedge", stance="0"))
    write(package / "coding" / "second.csv", EXPORTED)
    write(package / "coding" / "coders.csv", [["coding", "coder", "coded_on", "blinding", "note"],
                                              ["first", "curators", "2026-11-30", "before the sample", ""],
                                              ["second", "a second coder", "2026-12-02", "saw the quotes only", ""]])
    figures = summary(package)
    assert figures["second_coded_on"] == "2026-12-02" and figures["sample"] == 5
    assert {f["field"]: f["alpha"] for f in figures["after"]["fields"]}["act"] == 1.0
    assert {f["field"]: f["alpha"] for f in figures["before"]["fields"]}["act"] < 1.0
    assert figures["before"]["a"].endswith("first.csv") and figures["after"]["a"] == "tables"


def test_summary_raises_on_a_bad_second_coding(package: Path) -> None:
    write(package / "coding" / "second.csv", changed(EXPORTED, "B1", stance="9"))
    with pytest.raises(CodingError):
        summary(package)


def test_the_shipped_codings_compare_without_error() -> None:
    """Invariant only: when the coordinator has placed the codings, the shipped ones read and compare."""
    data = REPO / "data"
    figures = summary(data)
    if not (data / "coding" / "second.csv").is_file():
        assert figures is None
        return
    assert figures is not None and figures["sample"] > 0
    for comparison in (figures.get("before"), figures["after"]):
        if comparison is not None:
            assert [f["field"] for f in comparison["fields"]] == list(agreement.LEVELS)
