"""Language as data: a Russian text's rows keep their quotes verbatim with the curator's English translation, the
check makes the two consistent with the source's language, and the tooltips, cards and speaker notes show the
original with its translation."""

from __future__ import annotations

import shutil

import pytest

from dashboard import bundle, checks, curate, data, marks
from dashboard.brief import build_brief
from dashboard.sections import common
from dashboard.filters import Filters

from conftest import REPO, open_app

TEXT = ("Астана, 1 декабря 2023 года.\n\n"
        "9 ноября 2023 года Токаев и Путин подписали в Астане соглашение о поставках газа. "
        "В ноябре 2023 года министр заявил, что Казахстан будет соблюдать санкции против России.\n")
SOURCE = {"title": "Соглашение и санкции", "language": "ru", "published_from": "2023-12-01"}
EVENT = {"event_key": "gas_agreement_2023", "date_from": "2023-11-09", "date_to": "2023-11-09", "date_source": "seed",
         "actor": "Kazakhstan government", "actor_detail": "Kassym-Jomart Tokayev", "counterpart": "Russia government",
         "domain": "energy", "act": "integration_step", "stance": "1", "credibility": "2", "place": "Astana",
         "summary": "Tokayev and Putin sign a gas supply agreement in Astana",
         "quote": "9 ноября 2023 года Токаев и Путин подписали в Астане соглашение о поставках газа.",
         "quote_en": "On 9 November 2023 Tokayev and Putin signed an agreement on gas supplies in Astana.",
         "quote_en_by": "AB"}
SANCTIONS = {"event_key": "sanctions_line_2023", "date_from": "2023-11-01", "date_to": "2023-11-30", "date_source": "seed",
             "actor": "Kazakhstan government", "actor_detail": "a minister", "issue": "sanctions compliance",
             "position": "Will observe the sanctions against Russia", "act": "sanctions_compliance", "stance": "-1",
             "no_event_reason": "The test's sanctions line has no events row",
             "quote": "В ноябре 2023 года министр заявил, что Казахстан будет соблюдать санкции против России",
             "quote_en": "In November 2023 the minister said that Kazakhstan would observe the sanctions against Russia", "quote_en_by": "AB"}


def test_a_quote_is_given_with_its_translation_and_translator() -> None:
    assert marks.with_translation("Токаев подписал", "Tokayev signed", "AB") == \
        "“Токаев подписал” (English, translated by AB: “Tokayev signed”)"
    assert marks.with_translation("Tokayev signed", "", "") == "“Tokayev signed”"
    assert common.quote({"source_id": "S005", "id": "EV100", "quote": "Токаев подписал", "quote_en": "Tokayev signed",
                         "quote_en_by": "AB"}, "Gas — ") == \
        "Gas — S005 (EV100): “Токаев подписал” (English, translated by AB: “Tokayev signed”)"


def test_a_tooltip_gives_the_original_then_the_translation_each_cut_to_half() -> None:
    assert marks.tooltip_quote("Токаев подписал", "Tokayev signed") == "Токаев подписал · English: Tokayev signed"
    long = marks.tooltip_quote("я" * 300, "e" * 300)
    half = (marks.TOOLTIP_QUOTE - len(marks.TRANSLATION_MARK)) // 2
    assert long == "я" * (half - 1) + "…" + marks.TRANSLATION_MARK + "e" * (half - 1) + "…"
    assert len(long) <= marks.TOOLTIP_QUOTE


@pytest.fixture(scope="module")
def curated(tmp_path_factory) -> tuple[curate.Package, str]:
    """A copy of the project with a Russian text and two of its rows, applied from a bundle."""
    root = tmp_path_factory.mktemp("ru")
    shutil.copytree(REPO / "data", root / "data", ignore=shutil.ignore_patterns(".history"))
    shutil.copytree(REPO / "seeds", root / "seeds")
    package = curate.open_package(root / "data", root / "seeds")
    made, problems = bundle.make(package, TEXT, SOURCE, {"events": [EVENT], "sanctions_stance": [SANCTIONS]})
    assert problems == []
    source_id, _ = bundle.apply(package, made, "ru.curation.json")
    return package, source_id


def test_the_russian_rows_pass_the_check_with_their_quotes_verbatim(curated) -> None:
    package, _ = curated
    assert checks.run(package.data_dir, package.seeds_dir).problems == []


def test_the_stance_chart_s_tooltip_shows_the_original_with_its_translation(curated) -> None:
    package, source_id = curated
    loaded = data.load_tables(package.data_dir, package.seeds_dir)
    found, _ = marks.event_marks(loaded.frames["events"], Filters())
    mark = found[found["event_key"] == "gas_agreement_2023"].iloc[0]
    assert mark["quote"] == marks.tooltip_quote(EVENT["quote"], EVENT["quote_en"])
    assert mark["summary"] == EVENT["summary"]  # charts and labels use the English summary
    english = found[found["event_key"] != "gas_agreement_2023"]
    assert not english["quote"].str.contains(marks.TRANSLATION_MARK, regex=False).any()


def test_the_deck_s_notes_give_the_original_with_its_translation(curated) -> None:
    package, source_id = curated
    loaded = data.load_tables(package.data_dir, package.seeds_dir)
    deck = build_brief(loaded)
    notes = next(s.notes for s in deck.slides if s.title == "Who said what on sanctions, recognition and UN votes")
    row_id = loaded.frames["sanctions_stance"].iloc[-1]["id"]
    assert f"{source_id} ({row_id}): “{SANCTIONS['quote']}” (English, translated by AB: “{SANCTIONS['quote_en']}”)" in notes


def test_the_stance_page_shows_the_original_with_its_translation(curated, monkeypatch) -> None:

    package, source_id = curated
    monkeypatch.setenv(data.DATA_ENV, str(package.data_dir))
    monkeypatch.setenv(data.SEEDS_ENV, str(package.seeds_dir))
    loaded = data.load_tables(package.data_dir, package.seeds_dir)
    row_id = loaded.frames["events"].iloc[-1]["id"]
    at = open_app("stance", timeout=120)
    at.query_params["event"] = row_id
    at.run()
    assert not at.exception
    assert f"> {EVENT['quote']}" in [m.value.replace("\\", "") for m in at.markdown]
    assert f"English, translated by AB: “{EVENT['quote_en']}”" in [c.value.replace("\\", "") for c in at.caption]
