"""Downloads: CSV with cited sources and formula-safe cells; charts as PNG and SVG."""

from __future__ import annotations

import csv
import datetime as dt
import io

import altair as alt
import pandas as pd
import pytest

from dashboard import export

SOURCES = pd.DataFrame(
    {
        "source_id": ["S000", "S001"],
        "file": ["000_a.txt", "001_b.txt"],
        "title": ["First, =seed", "Second seed"],
        "author": ["not stated", "Jane Doe"],
        "outlet": ["not stated", "The Outlet"],
        "published_from": pd.to_datetime(["2022-04-11", "2022-04-01"]),
        "published_to": pd.to_datetime(["2022-05-08", "2022-04-30"]),
        "reliability": ["C", "B"],
    }
)

FRAME = pd.DataFrame(
    {
        "id": ["R1", "R2", "R3", "R4", "R5"],
        "stance": pd.array([-1, 2, None, 0, -2], dtype="Int64"),
        "date": pd.to_datetime(["2022-03-02", None, "2022-04-01", "2022-04-07", "2022-04-11"]),
        "source_id": ["S000"] * 5,
        "quote": ["=1+1", "+x", "-x", "@x", 'plain, with "quotes"'],
    }
)


def test_safe_csv_exact_output() -> None:
    out = export.safe_csv(FRAME, SOURCES, export.data_as_of(SOURCES), title="Test", filters="actors China")
    assert out.decode("utf-8") == (
        "# Test\n"
        "# Filters: actors China\n"
        "# Texts published up to 2022-05-08 (latest seed publication date); rows are what these texts report (not a census)\n"
        "# 5 rows; source_id names the seed and quote is its verbatim passage\n"
        "# Sources:\n"
        # the title's ",=seed" would be a cell of its own in a spreadsheet: neutralised too
        "# S000: First, '=seed; published 2022-04-11 to 2022-05-08; reliability C; file seeds/000_a.txt\n"
        "id,stance,date,source_id,quote\n"
        "R1,-1,2022-03-02,S000,'=1+1\n"
        "R2,2,,S000,'+x\n"
        "R3,,2022-04-01,S000,'-x\n"
        "R4,0,2022-04-07,S000,'@x\n"
        'R5,-2,2022-04-11,S000,"plain, with ""quotes"""\n'
    )


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+x", "'+x"),
        ("-x", "'-x"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\nx"),  # a carriage return is written as a line feed, which the CSV writer quotes
        ("a\r=1", "a\n=1"),
        ('=HYPERLINK("http://example.com","click")', "'=HYPERLINK(\"http://example.com\",\"click\")"),
        ("x=1", "x=1"),
        (" =1", " =1"),
        ("", ""),
        (-1, -1),
        (None, None),
    ],
)
def test_neutralise(cell, safe) -> None:
    assert export.neutralise(cell) == safe


def test_safe_csv_reads_back_with_comment_lines_skipped() -> None:
    out = export.safe_csv(FRAME, SOURCES, dt.date(2022, 5, 8))
    lines = out.decode("utf-8").splitlines()
    header = [line for line in lines if line.startswith("#")]
    assert len(header) == 4 and lines[: len(header)] == header
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[len(header) :]))))
    assert [r["quote"] for r in rows] == ["'=1+1", "'+x", "'-x", "'@x", 'plain, with "quotes"']
    assert [r["stance"] for r in rows] == ["-1", "2", "", "0", "-2"]  # numbers stay numbers


def test_safe_csv_cites_only_the_seeds_its_rows_use() -> None:
    text = export.safe_csv(FRAME.assign(source_id="S001"), SOURCES, None).decode("utf-8")
    assert "# S001: Second seed (Jane Doe, The Outlet); published 2022-04-01 to 2022-04-30; reliability B; file seeds/001_b.txt" in text
    assert "S000" not in text
    assert "# Texts published up to an unknown date" in text and "Data as of" not in text


def test_data_as_of_is_the_latest_publication_date() -> None:
    assert export.data_as_of(SOURCES) == dt.date(2022, 5, 8)
    assert export.data_as_of(None) is None


def _chart() -> alt.Chart:
    frame = pd.DataFrame({"x": [1, 2, 3], "y": [3, 1, 2]})
    return alt.Chart(frame).mark_line().encode(x="x:Q", y="y:Q").properties(width="container", height=200)


def test_chart_png_is_a_png() -> None:
    assert export.chart_png(_chart(), scale=1)[:8] == b"\x89PNG\r\n\x1a\n"


def test_chart_svg_is_an_svg_of_fixed_width() -> None:
    svg = export.chart_svg(_chart()).decode("utf-8")
    assert svg.startswith("<svg") and 'class="marks"' in svg
