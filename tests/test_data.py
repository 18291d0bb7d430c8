"""dashboard.data: typed frames from the schema, failing tables left out, descriptor helpers."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

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


def test_load_tables_reads_and_parses_each_csv_once(pkg: Pkg, monkeypatch) -> None:
    """One read of each file, one parse, one cast: the frames are the validated columns, nothing reads them again."""
    from collections import Counter

    import pyarrow.csv

    from dashboard import contract

    reads: Counter[str] = Counter()
    parses: list[int] = []
    real_read_bytes, real_parse = Path.read_bytes, pyarrow.csv.read_csv

    def read_bytes(self: Path) -> bytes:
        if self.suffix == ".csv":
            reads[self.name] += 1
        return real_read_bytes(self)

    def parse(source, *args, **kwargs):
        parses.append(1)
        return real_parse(source, *args, **kwargs)

    def no_second_reader(*args, **kwargs):
        raise AssertionError("a CSV was parsed a second time")

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr(pyarrow.csv, "read_csv", parse)
    monkeypatch.setattr(contract.csvfile, "_read_strict", no_second_reader)  # where read_csv calls it
    monkeypatch.setattr(pd, "read_csv", no_second_reader)
    tables = load_tables(pkg.data)
    assert tables.problems == {} and len(tables.frames) == 4
    assert reads == {"provenance.csv": 1, "conflicts.csv": 1, "events.csv": 1, "figures.csv": 1}
    assert len(parses) == 4


CSV_CASES = [
    b"id,text\nA1,plain\n",
    b'\xef\xbb\xbfid,text\r\nA1,"two\r\nlines"\r\nA2,"a ""quoted"" word"\r\n',
    b"id,text\nA1,x\n\nA2,y\n\n",
    b'id,text\nA1,"comma, inside"\nA2,\n',
    b"id,text\n",
]


@pytest.mark.parametrize("raw", CSV_CASES)
def test_the_fast_and_the_strict_reader_agree(raw: bytes) -> None:
    """pyarrow's reader and Python's strict csv give the same labels and cells (blank lines are rows)."""
    from dashboard import contract

    fast = contract._read_fast(raw.removeprefix(b"\xef\xbb\xbf"))
    strict = contract._read_strict(raw, "utf-8")
    assert fast is not None
    assert fast.labels == strict.labels and fast.num_rows == strict.num_rows
    blank = lambda cells: [c or "" for c in cells]  # noqa: E731 - a blank line: "" from pyarrow, no cells from csv
    assert [blank(c.to_pylist()) for c in fast.columns] == [blank(c.to_pylist()) for c in strict.columns]


@pytest.mark.parametrize(
    "raw, message",
    [
        (b'id,text\nA1,"never closed\n', "malformed CSV near line 2: unexpected end of data"),
        (b"id,text\nA1,\xff\n", "file is not valid utf-8 text (byte 11)"),
        (b"  \n", "file is empty"),
    ],
)
def test_a_file_pyarrow_would_misread_goes_to_the_strict_reader(raw: bytes, message: str) -> None:
    from dashboard import contract

    with pytest.raises(contract.FileProblem, match=re.escape(message)):
        contract.read_csv(raw)


def test_ragged_rows_are_read_strictly() -> None:
    from dashboard import contract

    table = contract.read_csv(b"id,text\nA1\nA2,x,y\nA3,z\n")
    assert table.ragged == {0: 1, 1: 3} and table.num_rows == 3
    assert [c.to_pylist() for c in table.columns] == [["A1", "A2", "A3"], [None, "x", "z"]]


def test_a_table_that_cannot_be_cast_is_its_own_problem(pkg: Pkg, monkeypatch) -> None:
    """An unexpected failure while casting one table is a row-0 problem of that table; the others still load."""
    from dashboard import contract

    real_cast = contract.cast

    def cast(raw, resource):
        if resource["name"] == "events":
            raise RuntimeError("boom")
        return real_cast(raw, resource)

    monkeypatch.setattr(contract, "cast", cast)
    tables = load_tables(pkg.data)
    assert set(tables.frames) == {"sources", "conflicts", "figures"}
    assert [str(p) for p in tables.problems["events"]] == [
        "data/events.csv:0:-: file cannot be cast as declared: RuntimeError: boom; "
        "rules quote-verbatim and within-publication skipped for it"
    ]
