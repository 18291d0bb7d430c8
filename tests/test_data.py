"""dashboard.data: typed frames from the schema, failing tables left out, descriptor helpers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dashboard import data
from dashboard.data import load_tables

from conftest import REPO, Pkg


def test_types_follow_the_schema(pkg: Pkg) -> None:
    tables = load_tables(pkg.data)
    assert tables.problems == {}
    assert list(tables.frames) == ["sources", "conflicts", "events", "figures"]
    events, figures, sources = tables["events"], tables["figures"], tables["sources"]
    assert pd.api.types.is_datetime64_any_dtype(events["date_from"]) and pd.api.types.is_datetime64_any_dtype(events["date_to"])
    assert pd.api.types.is_datetime64_any_dtype(sources["published_to"])
    assert str(events["stance"].dtype) == "Int64"
    assert events["stance"].tolist()[0] == -1 and events["stance"].isna().tolist() == [False, True]
    assert figures["value"].dtype == "float64"
    assert figures["date_from"].isna().tolist() == [False, True]
    assert events["quote"].iloc[0] == "Kazakhstan would not help Russia circumvent sanctions"
    assert list(events.columns) == ["id", "date_from", "date_to", "stance", "domain", "source_id", "quote"]


def test_failing_table_is_left_out_and_the_rest_load(pkg: Pkg) -> None:
    pkg.set_cell("data/events.csv", "EV001", "stance", "9")
    tables = load_tables(pkg.data)
    assert "events" not in tables
    assert set(tables.frames) == {"sources", "conflicts", "figures"}
    assert [str(p) for p in tables.problems["events"]] == ["data/events.csv:2:stance: 9 is above the maximum 2"]


def test_seed_problem_fails_the_sources_table(pkg: Pkg) -> None:
    pkg.write("seeds/000_aaaaaaaaaaaaaaaa.txt", "rewritten\n")
    tables = load_tables(pkg.data)
    assert "sources" not in tables and "conflicts" in tables
    assert [p.location for p in tables.problems["sources"]] == ["seeds/provenance.csv:2:sha256"]


def test_broken_datapackage_loads_nothing(pkg: Pkg) -> None:
    pkg.write("data/datapackage.json", "{")
    tables = load_tables(pkg.data)
    assert tables.frames == {}
    assert [p.location for p in tables.problems["datapackage"]] == ["data/datapackage.json:0:-"]


def test_default_dirs_come_from_the_environment(monkeypatch, pkg: Pkg, tmp_path: Path) -> None:
    monkeypatch.delenv(data.DATA_ENV, raising=False)
    monkeypatch.delenv(data.SEEDS_ENV, raising=False)
    assert data.default_data_dir() == REPO / "data"
    assert data.default_seeds_dir() is None  # i.e. where datapackage.json's sources path points
    texts = tmp_path / "texts"
    pkg.seeds.rename(texts)
    monkeypatch.setenv(data.DATA_ENV, str(pkg.data))
    monkeypatch.setenv(data.SEEDS_ENV, str(texts))
    tables = load_tables()
    assert tables.problems == {} and len(tables["events"]) == 2


def test_descriptor_helpers(pkg: Pkg) -> None:
    assert data.field_descriptions("events", pkg.data)["quote"] == "Verbatim passage from the seed."
    assert data.schema("events", pkg.data)["primaryKey"] == ["id"]
    assert data.titles(pkg.data)["figures"] == "Figures"
    tables = load_tables(pkg.data)
    assert tables.title("events") == "Events"
    assert tables.descriptions("events")["quote"] == "Verbatim passage from the seed."


def test_shipped_descriptor_has_descriptions() -> None:
    """Every field of the shipped package has a description (the Method page shows them)."""
    for name in data.titles(REPO / "data"):
        descriptions = data.field_descriptions(name, REPO / "data")
        assert descriptions and all(descriptions.values()), name


def test_tables_carry_seed_texts_package_and_date(pkg: Pkg) -> None:
    tables = load_tables(pkg.data)
    seed = (pkg.seeds / "000_aaaaaaaaaaaaaaaa.txt").read_text(encoding="utf-8")
    assert tables.seed_texts["S000"] == seed
    assert tables.package["resources"][0]["name"] == "sources"
    assert tables.as_of == tables["sources"]["published_to"].max().date()
