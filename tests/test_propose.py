"""propose: candidates with exact offsets, dates resolved against publication, figures, and the libraries' known
false positives filtered."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dashboard import curate, propose
from dashboard.__main__ import main as cli

from conftest import REPO

D = dt.date
TEXT = ("Nur-Sultan, 20 June 2022.\n\n"
        "On 17 June, President Tokayev said Kazakhstan would not recognise the breakaway republics. "
        "Last week the Kremlin announced new inspections of Kazakh trucks at the border. "
        "In March 2022 the CPC pipeline carried 1.2 million barrels a day. "
        "Exports fell 12% in the first quarter. "
        "Analysts may disagree about what this means. "
        "Many people think the relationship is complicated.\n\n"
        "About 2,000 troops took part, the ministry said.\n")
LEXICON = propose.Lexicon(actors={"Tokayev": "Kazakhstan government", "Kremlin": "Russia government"},
                          places={"Nur-Sultan": "Astana"}, domains={"pipeline": "energy", "trucks": "economy"},
                          tables={"pipeline": "oil_routes"}, actor_groups=(), domain_list=())


@pytest.fixture(scope="module")
def candidates() -> list[propose.Candidate]:
    return propose.propose_text(TEXT, "S009", D(2022, 6, 20), D(2022, 6, 20), LEXICON)


def test_every_candidate_s_quote_is_its_exact_passage(candidates) -> None:
    assert candidates and all(TEXT[c.start:c.end] == c.quote for c in candidates)


def test_propose_finds_the_dated_acts_and_figures_and_nothing_else(candidates) -> None:
    got = [(c.rank, c.table, c.quote, c.date_from, c.date_to, c.date_text, c.date_source, c.value, c.unit, c.actor, c.domain)
           for c in candidates]
    assert got == [
        (1, "oil_routes", "In March 2022 the CPC pipeline carried 1.2 million barrels a day.", "2022-03-01", "2022-03-31",
         "March 2022", "seed", 1_200_000.0, "barrel", "", "energy"),
        (2, "events", "On 17 June, President Tokayev said Kazakhstan would not recognise the breakaway republics.",
         "2022-06-17", "2022-06-17", "17 June", "inferred", None, "", "Kazakhstan government", ""),
        (3, "events", "Last week the Kremlin announced new inspections of Kazakh trucks at the border.",
         "2022-06-13", "2022-06-19", "Last week", "inferred", None, "", "Russia government", "economy"),
        (4, "context_figures", "Exports fell 12% in the first quarter.", "", "", "", "", 12.0, "percentage", "", ""),
        (5, "context_figures", "About 2,000 troops took part, the ministry said.", "", "", "", "", 2000.0, "count", "", ""),
    ]
    # the opinions (no date, no figure) and the dateline (no act) are not proposed
    assert not any(c.quote.startswith(("Analysts", "Many people", "Nur-Sultan")) for c in candidates)


def test_offsets_are_character_offsets_in_the_original_text(candidates) -> None:
    tokayev = next(c for c in candidates if "Tokayev" in c.quote)
    assert (tokayev.start, tokayev.end) == (27, 117)


@pytest.mark.parametrize(("sentence", "published", "expected"), [
    ("On 17 June, Tokayev spoke.", (D(2022, 6, 20), D(2022, 6, 20)), [("17 June", D(2022, 6, 17), D(2022, 6, 17))]),
    ("In March the pipeline stopped.", (D(2022, 6, 20), D(2022, 6, 20)), [("March", D(2022, 3, 1), D(2022, 3, 31))]),
    ("Last week the Kremlin spoke.", (D(2022, 6, 20), D(2022, 6, 20)), [("Last week", D(2022, 6, 13), D(2022, 6, 19))]),
    # a publication interval: a relative date is resolved against both ends and takes the union
    ("Yesterday the rally was allowed.", (D(2022, 3, 7), D(2022, 3, 9)), [("Yesterday", D(2022, 3, 6), D(2022, 3, 8))]),
    # a year is cut at publication: nothing reported can be later
    ("In 2022 the budget grew.", (D(2022, 8, 1), D(2022, 8, 20)), [("2022", D(2022, 1, 1), D(2022, 8, 20))]),
    ("Talks were held in September 2021.", (D(2022, 4, 1), D(2022, 4, 30)), [("September 2021", D(2021, 9, 1), D(2021, 9, 30))]),
    # dateparser's known false positives
    ("Exports fell 12% in a year.", (D(2022, 6, 20), D(2022, 6, 20)), []),  # "12%" read as December
    ("About 2,000 troops arrived.", (D(2022, 6, 20), D(2022, 6, 20)), []),  # a bare number read as a date
    ("Officials may march on the square.", (D(2022, 6, 20), D(2022, 6, 20)), []),  # the verbs, not months
    ("The parade is next month.", (D(2022, 6, 20), D(2022, 6, 20)), []),  # after publication: not a past act
])
def test_find_dates(sentence, published, expected) -> None:
    got = [(d.text, d.date_from, d.date_to) for d in propose.find_dates(sentence, *published)]
    assert got == expected


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Exports fell 12% in a year.", [("12%", 12.0, "percentage")]),
    ("It carried 1.2 million barrels.", [("1.2 million barrels", 1_200_000.0, "barrel")]),
    ("About 2,000 troops arrived.", [("2,000", 2000.0, "count")]),
    # quantulum3's known false positives
    ("On 17 June 2022 it was quiet.", []),  # the day and the year of a date
    ("One of the members left.", []),  # "one" is not a figure
    ("It rose by a day.", []),  # "a day"
])
def test_find_figures(sentence, expected) -> None:
    dates = propose.find_dates(sentence, D(2022, 6, 20), D(2022, 6, 20))
    assert [(f.text, f.value, f.unit) for f in propose.find_figures(sentence, dates)] == expected


def test_propose_command_on_a_new_source(tmp_path, capsys) -> None:
    import shutil

    shutil.copytree(REPO / "data", tmp_path / "data", ignore=shutil.ignore_patterns(".history"))
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    dirs = ["--data", str(tmp_path / "data"), "--seeds", str(tmp_path / "seeds")]
    (tmp_path / "new.txt").write_text(TEXT, encoding="utf-8")
    assert cli(["add-source", str(tmp_path / "new.txt"), "--title", "T", "--published-from", "2022-06-20", *dirs]) == 0
    source_id = capsys.readouterr().out.strip()
    assert cli(["propose", source_id, "--format", "json", *dirs]) == 0
    rows = json.loads(capsys.readouterr().out)
    text = (tmp_path / "seeds" / next((tmp_path / "seeds").glob(f"{source_id[1:]}_*.txt")).name).read_text(encoding="utf-8")
    assert rows and all(text[r["start"]:r["end"]] == r["quote"] and r["source_id"] == source_id for r in rows)
    tokayev = next(r for r in rows if "Tokayev" in r["quote"])  # the shipped lexicon names him
    assert (tokayev["actor"], tokayev["date_from"], tokayev["table"]) == ("Kazakhstan government", "2022-06-17", "events")
    assert cli(["propose", "S999", *dirs]) == 1
    assert capsys.readouterr().err.startswith("error: no source 'S999': one of S000, ")
