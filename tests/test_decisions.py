"""Curation decisions declared as data (data/decisions/): validated by check, read by the code that applies them.

Each decision table is a resource with role "decision": a bad row is a problem line of ``check``; the code draws
exactly what the table declares (fixture tables written here), and the Method page gets the tables to show.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from dashboard import data, decisions, facts, maps
from dashboard import marks as M
from dashboard.paths import DATA_ENV
from dashboard.checks import check

REPO = Path(__file__).resolve().parents[1]
DECISIONS = ["turning_points", "headlines", "map_layers"]


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A copy of the shipped data and seeds; returns the data folder."""
    shutil.copytree(REPO / "data", tmp_path / "data", ignore=shutil.ignore_patterns(".history"))
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    return tmp_path / "data"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _problems(data_dir: Path) -> list[str]:
    return [str(p) for p in check(data_dir, data_dir.parent / "seeds")]


def test_the_decisions_are_declared_last_with_their_role_and_a_schema() -> None:
    package = json.loads((REPO / "data" / "datapackage.json").read_text(encoding="utf-8"))
    last = package["resources"][-3:]
    assert [r["name"] for r in last] == DECISIONS
    assert [r["path"] for r in last] == [f"decisions/{n}.csv" for n in DECISIONS]
    assert all(r["role"] == "decision" and r["schema"]["primaryKey"] for r in last)
    assert [r["name"] for r in package["resources"] if decisions.is_decision(r)] == DECISIONS
    # no declared rule (quotes, seeds, dates) reads a decision table
    assert not {n for rule in package["rules"] for n in rule.get("resources", [])} & set(DECISIONS)


def test_the_shipped_decisions_pass_check(copy: Path) -> None:
    assert _problems(copy) == []


@pytest.mark.parametrize("name, old, new, expected", [
    ("turning_points", "invasion_2022,Invasion of Ukraine", "invasion_2O22,Invasion of Ukraine",
     ['data/decisions/turning_points.csv:4:event_key: "invasion_2O22" not found in events.event_key',
      'data/decisions/turning_points.csv:4:event_key: "invasion_2O22" does not match the pattern ^[a-z0-9_]+$']),
    ("turning_points", "medvedev_post_2022,Medvedev post", "medvedev_post_2022,",
     ["data/decisions/turning_points.csv:6:label: required value is blank"]),
    ("headlines", "jan2022_deaths,,,,jan2022_deaths", "jan2022_deaths,,,,jan2022_toll",
     ['data/decisions/headlines.csv:5:conflict: "jan2022_toll" not found in conflicts.conflict_key']),
    ("headlines", "csto,CSTO deployment,security_cooperation", "csto,CSTO deployment,security",
     ['data/decisions/headlines.csv:7:table: "security" is not one of the allowed values: events, defense_budget, '
      "oil_routes, sanctions_stance, public_sentiment, casualties, security_cooperation, statehood_rhetoric, "
      "assessments, context_figures"]),
    ("headlines", "border,Kazakhstan–Russia border", "frontier,Kazakhstan–Russia border",
     ['data/decisions/headlines.csv:2:key: "frontier" is not one of the allowed values: border, cpc, defence, deaths, '
      "russian_view, csto"]),
    ("map_layers", "border-claims,border,", "border-claims,frontier,",
     ['data/decisions/map_layers.csv:3:object: "frontier" is not one of the allowed values: border, corridor, asset, place']),
    ("map_layers", "place-events,place,,events,summary,place,in,", "place-events,place,,events,summary,place,among,",
     ['data/decisions/map_layers.csv:9:match: "among" is not one of the allowed values: equals, contains, in']),
])
def test_a_bad_decision_row_is_a_problem_line(copy: Path, name: str, old: str, new: str, expected: list[str]) -> None:
    _replace(copy / "decisions" / f"{name}.csv", old, new)
    assert sorted(_problems(copy)) == sorted(expected)


# --------------------------------------------------------------------------
# the code applies what the tables declare


def _declare(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / "fixture"
    (folder / "decisions").mkdir(parents=True, exist_ok=True)
    (folder / "decisions" / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


EVENTS = pd.DataFrame({
    "id": ["EV1", "EV2", "EV3"],
    "event_key": ["first_key", "second_key", "third_key"],
    "date_from": pd.to_datetime(["2022-01-05", "2022-02-24", "2022-03-10"]),
    "date_to": pd.to_datetime(["2022-01-05", "2022-02-24", "2022-03-12"]),
    "act": ["context", "context", "statement"],
    "actor": ["Kazakhstan government"] * 3,
    "domain": ["security", "security", "diplomacy"],
    "stance": pd.array([None, None, -1], dtype="Int64"),
    "credibility": pd.array([1, 1, 2], dtype="Int64"),
    "summary": ["one", "two", "three"],
    "quote": ["q1", "q2", "q3"],
    "source_id": ["S000", "S000", "S001"],
})


def test_the_turning_points_drawn_are_the_declared_ones(tmp_path: Path, monkeypatch) -> None:
    folder = _declare(tmp_path, "turning_points", "event_key,label\nthird_key,Third act\nfirst_key,First act\nunknown_key,Never drawn\n")
    monkeypatch.setenv(DATA_ENV, str(folder))
    turns = M.turning_points(EVENTS)
    assert list(zip(turns["event_key"], turns["label"], turns["date_label"])) == [
        ("first_key", "First act", "5 Jan 2022"), ("third_key", "Third act", "10–12 Mar 2022")]
    assert M.context_marks(EVENTS)["label"].tolist() == ["First act", ""]
    assert M.stance_marks(EVENTS).turns["label"].tolist() == ["First act", "Third act"]
    # the declaration changes: so do the turning points (nothing stale is remembered)
    (folder / "decisions" / "turning_points.csv").write_text("event_key,label\nsecond_key,Second act\n", encoding="utf-8")
    assert M.turning_points(EVENTS)["label"].tolist() == ["Second act"]
    assert M.stance_marks(EVENTS).turns["label"].tolist() == ["Second act"]


def test_a_data_folder_without_decisions_uses_the_shipped_ones(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(DATA_ENV, str(tmp_path))
    assert decisions.path("turning_points") == REPO / "data" / "decisions" / "turning_points.csv"
    assert M.turning_point_labels() == M.TURNING_POINTS
    assert M.TURNING_POINTS["invasion_2022"] == "Invasion of Ukraine"


def test_an_unreadable_decision_reads_as_no_rows(tmp_path: Path, monkeypatch) -> None:
    folder = _declare(tmp_path, "turning_points", "")
    (folder / "decisions" / "turning_points.csv").write_bytes(b"event_key,label\n\xff\xfe,bad\n")
    monkeypatch.setenv(DATA_ENV, str(folder))
    assert decisions.rows("turning_points") == ()
    assert M.turning_points(EVENTS).empty


FRAMES = {
    "security_cooperation": pd.DataFrame({
        "id": ["SC1", "SC2"], "kind": ["deployment", "exercise"], "unit": ["troops", "troops"],
        "as_stated": ["2,000 troops", "500 troops"], "source_id": ["S001", "S002"], "quote": ["q1", "q2"],
        "date_from": pd.to_datetime([None, None]), "date_to": pd.to_datetime([None, None]),
    }),
    "context_figures": pd.DataFrame({
        "id": ["CF1", "CF2"], "subject": ["Common border", "Pipeline length"], "unit": ["km", "km"],
        "value": [7500.0, 1500.0], "as_stated": ["7,500 km", "1,500 km"], "source_id": ["S000", "S003"], "quote": ["b", "p"],
    }),
}


def test_the_headline_cards_are_the_declared_ones_in_their_order(tmp_path: Path, monkeypatch) -> None:
    folder = _declare(tmp_path, "headlines", (
        "key,label,table,field,match,value,and_field,and_match,and_value,conflict\n"
        "csto,Exercises,security_cooperation,kind,equals,exercise,,,,\n"
        "border,Pipeline,context_figures,subject,contains,PIPELINE,unit,equals,km,\n"
        "deaths,Deaths,casualties,,,,,,,\n"
    ))
    monkeypatch.setenv(DATA_ENV, str(folder))
    cards = facts.headlines(FRAMES)
    assert [(c.key, c.label, c.value) for c in cards] == [
        ("csto", "Exercises", "500 troops"), ("border", "Pipeline", "1,500 km"), ("deaths", "Deaths", "not available")]
    assert [[c.row_id for c in card.citations] for card in cards] == [["SC2"], ["CF2"], []]
    assert cards[2].detail == "The casualties table did not load (see the error panel)."


def test_the_shipped_headlines_read_the_declared_rows() -> None:
    rules = facts.headline_rules()
    assert [r.key for r in rules] == ["border", "cpc", "defence", "deaths", "russian_view", "csto"]
    assert rules[1].where == (("conflict_key", "equals", "cpc_export_share"),) and rules[1].conflict == "cpc_export_share"
    assert rules[0].where == (("subject", "contains", "border"), ("unit", "equals", "km"))
    assert rules[2].where == ()


def test_the_map_describes_an_object_with_the_declared_rows(tmp_path: Path, monkeypatch) -> None:
    folder = _declare(tmp_path, "map_layers", (
        "query,object,name,table,what,field,match,value,and_field,and_match,and_value\n"
        "border-pipeline,border,,context_figures,as_stated,subject,contains,pipeline,,,\n"
        "asset-figures,asset,,context_figures,subject,subject,contains,{stem},,,\n"
        "cpc-only,corridor,CPC,security_cooperation,kind,kind,in,exercise|parade,,,\n"
    ))
    monkeypatch.setenv(DATA_ENV, str(folder))
    tables = {**FRAMES, "context_figures": FRAMES["context_figures"].assign(
        date_from=pd.to_datetime(["2022-01-01", "2022-03-01"]), date_to=pd.to_datetime(["2022-01-01", "2022-03-31"]))}
    border = maps.object_rows(tables, "border")
    assert border[["table", "id", "when", "what", "source_id", "quote"]].values.tolist() == [
        ["context_figures", "CF2", "March 2022", "1,500 km", "S003", "p"]]
    assert maps.object_rows(tables, "asset:Common field (onshore)")["id"].tolist() == ["CF1"]  # {stem}: 'Common'
    assert maps.object_rows(tables, "corridor:CPC")["what"].tolist() == ["exercise"]
    assert maps.object_rows(tables, "corridor:Azerbaijan route").empty  # no query declared for it
    assert maps.object_rows(tables, "place:Almaty").empty


def test_a_query_naming_a_missing_column_is_left_out_and_the_others_still_apply(tmp_path: Path, monkeypatch) -> None:
    folder = _declare(tmp_path, "map_layers", (
        "query,object,name,table,what,field,match,value,and_field,and_match,and_value\n"
        "no-such-field,border,,context_figures,as_stated,subjekt,contains,border,,,\n"
        "no-such-what,border,,context_figures,wording,subject,contains,border,,,\n"
        "border-length,border,,context_figures,as_stated,subject,contains,border,,,\n"
    ))
    monkeypatch.setenv(DATA_ENV, str(folder))
    tables = {"context_figures": FRAMES["context_figures"].assign(date_from=pd.NaT, date_to=pd.NaT)}
    rows = maps.object_rows(tables, "border")
    assert rows[["id", "when", "what"]].values.tolist() == [["CF1", "undated", "7,500 km"]]


def test_the_method_page_gets_each_decision_table() -> None:
    loaded = data.load_tables()
    shown = decisions.for_method(loaded.resources, loaded.frames)
    assert [d["name"] for d in shown] == DECISIONS
    assert [d["title"] for d in shown] == ["Decision: the turning points the stance charts annotate",
                                           "Decision: the Overview's headline cards",
                                           "Decision: the rows that describe each object on the map"]
    assert [len(d["table"]) for d in shown] == [6, 6, 9]
    assert shown[0]["table"]["label"].tolist() == list(M.TURNING_POINTS.values())
