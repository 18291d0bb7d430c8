"""propose in Russian: candidates with exact offsets, dates resolved against publication by dateparser's Russian
parser, figures by the grammar, actors and places matched by lemma, the known false positives, Kazakh refused."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

from dashboard import propose, propose_ru
from dashboard.__main__ import main as cli

from conftest import REPO

D = dt.date
PUBLISHED = (D(2024, 11, 20), D(2024, 11, 20))
TEXT = ("Астана, 20 ноября 2024 года.\n\n"
        "9 ноября 2023 года Токаев и Путин подписали в Астане соглашение о поставках газа. "
        "На прошлой неделе Кремль сообщил о новых проверках казахстанских грузовиков. "
        "В октябре 2024 года по КТК прокачали около 1,1 миллиона тонн нефти. "
        "Экспорт зерна вырос на 30 процентов. "
        "Многие считают, что отношения остаются сложными.\n\n"
        "Через год Токаев может снова посетить Москву. "
        "Оборонный бюджет составил 441 млрд тенге, или $918 млн.\n")
LEXICON = propose.Lexicon(
    actors={"Токаев": "Kazakhstan government", "Путин": "Russia government", "Кремль": "Russia government"},
    places={"Астана": "Astana", "Москва": "Moscow"}, domains={"газ": "energy", "нефть": "energy", "грузовик": "economy"},
    tables={"ктк": "oil_routes", "оборонный бюджет": "defense_budget"}, actor_groups=(), domain_list=())


@pytest.fixture(scope="module")
def candidates() -> list[propose.Candidate]:
    return propose.propose_text(TEXT, "S009", *PUBLISHED, LEXICON, language="ru")


def test_every_russian_candidate_s_quote_is_its_exact_passage(candidates) -> None:
    assert candidates and all(TEXT[c.start:c.end] == c.quote for c in candidates)


def test_propose_finds_the_russian_dated_acts_and_figures_and_nothing_else(candidates) -> None:
    got = [(c.rank, c.table, c.quote, c.start, c.end, c.date_from, c.date_to, c.date_text, c.date_source, c.value,
            c.unit, c.figure_text, c.actor, c.domain, c.place) for c in candidates]
    assert got == [
        (1, "events", "9 ноября 2023 года Токаев и Путин подписали в Астане соглашение о поставках газа.", 30, 111,
         "2023-11-09", "2023-11-09", "9 ноября 2023 года", "seed", None, "", "", "Kazakhstan government", "energy", "Astana"),
        (2, "oil_routes", "В октябре 2024 года по КТК прокачали около 1,1 миллиона тонн нефти.", 189, 256,
         "2024-10-01", "2024-10-31", "В октябре 2024 года", "seed", 1_100_000.0, "tonne", "1,1 миллиона тонн", "", "energy", ""),
        # "на прошлой неделе" in a text of 20 November 2024 (a Wednesday): the week of 11-17 November
        (3, "events", "На прошлой неделе Кремль сообщил о новых проверках казахстанских грузовиков.", 112, 188,
         "2024-11-11", "2024-11-17", "На прошлой неделе", "inferred", None, "", "", "Russia government", "economy", ""),
        (4, "defense_budget", "Оборонный бюджет составил 441 млрд тенге, или $918 млн.", 390, 445,
         "", "", "", "", 441e9, "kazakhstani tenge", "441 млрд тенге", "", "", ""),
        (5, "context_figures", "Экспорт зерна вырос на 30 процентов.", 257, 293, "", "", "", "", 30.0, "percentage",
         "30 процентов", "", "", ""),
        # "через год" counts from another event, not from publication: an undated act, never a date in 2025
        (6, "events", "Через год Токаев может снова посетить Москву.", 344, 389, "", "", "", "", None, "", "",
         "Kazakhstan government", "", "Moscow"),
    ]
    # the opinion (no date, no figure) and the dateline (no act) are not proposed
    assert not any(c.quote.startswith(("Многие", "Астана,")) for c in candidates)
    # the inflected forms were found by lemma: "Путин" in the nominative, "Кремль", "Астане", "Москву"
    assert "actor: Russia government" in candidates[0].signals and "place: Astana" in candidates[0].signals


@pytest.mark.parametrize(("sentence", "published", "expected"), [
    ("9 ноября 2023 года Токаев выступил.", PUBLISHED, [("9 ноября 2023 года", D(2023, 11, 9), D(2023, 11, 9))]),
    ("В октябре 2024 года Казахстан отказался.", PUBLISHED, [("В октябре 2024 года", D(2024, 10, 1), D(2024, 10, 31))]),
    # year-less: the latest March before publication, and both ends of the publication interval
    ("В марте Кремль сообщил о переговорах.", PUBLISHED, [("В марте", D(2024, 3, 1), D(2024, 3, 31))]),
    ("17 июня Токаев выступил.", PUBLISHED, [("17 июня", D(2024, 6, 17), D(2024, 6, 17))]),
    ("Вчера министр заявил.", (D(2022, 3, 7), D(2022, 3, 9)), [("Вчера", D(2022, 3, 6), D(2022, 3, 8))]),
    ("Три года назад Россия признала республики.", PUBLISHED, [("Три года назад", D(2021, 1, 1), D(2021, 12, 31))]),
    ("В прошлом месяце министр заявил.", PUBLISHED, [("В прошлом месяце", D(2024, 10, 1), D(2024, 10, 31))]),
    # a year is cut at publication; a season with a year is resolved by the grammar; a range of days
    ("В 2024 году бюджет вырос.", PUBLISHED, [("В 2024 году", D(2024, 1, 1), D(2024, 11, 20))]),
    ("Летом 2022 года КТК остановил отгрузки.", PUBLISHED, [("Летом 2022 года", D(2022, 6, 1), D(2022, 8, 31))]),
    ("9–10 ноября 2023 года прошел визит.", PUBLISHED, [("9–10 ноября 2023 года", D(2023, 11, 9), D(2023, 11, 10))]),
    ("С 1 января 2023 года действует запрет.", PUBLISHED, [("1 января 2023 года", D(2023, 1, 1), D(2023, 1, 1))]),
    # dateparser's known false positives and what is not the act's date
    ("Через год Астана объявила о решении.", PUBLISHED, []),  # search_dates: 20 November 2025
    ("Около 1,1 миллиона тонн отправлено.", PUBLISHED, []),  # search_dates: "Около 1,1" as 1 January
    ("К 2030 году построят станцию.", PUBLISHED, []),  # a bound in the future
    ("До 2022 года торговля росла.", PUBLISHED, []),  # a bound, not the act's date
    ("Бюджет составил 441 млрд тенге.", PUBLISHED, []),
    ("Он может провести май в Астане.", (D(2024, 4, 1), D(2024, 4, 1)), [("май", D(2023, 5, 1), D(2023, 5, 31))]),
])
def test_find_dates_in_russian(sentence, published, expected) -> None:
    got = [(d.text, d.date_from, d.date_to) for d in propose_ru.find_dates(sentence, *published)]
    assert got == expected


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Доля выросла до 71 процента.", [("71 процента", 71.0, "percentage")]),
    ("Экспорт вырос на 30 процентов.", [("30 процентов", 30.0, "percentage")]),
    ("Цены выросли на 12%.", [("12%", 12.0, "percentage")]),
    ("Отправлено около 1,1 миллиона тонн зерна.", [("1,1 миллиона тонн", 1_100_000.0, "tonne")]),
    ("Контракт стоит $918 млн, сообщил министр.", [("$918 млн", 918e6, "dollar")]),
    ("Бюджет составил 441 млрд тенге.", [("441 млрд тенге", 441e9, "kazakhstani tenge")]),
    ("Граница длиной 7 500 км.", [("7 500 км", 7500.0, "kilometre")]),
    ("Прибыли 2 000 военнослужащих и 12 человек.", [("2 000 военнослужащих", 2000.0, "count"), ("12 человек", 12.0, "count")]),
    ("Ущерб оценили в 5,3 млрд рублей.", [("5,3 млрд рублей", 5.3e9, "russian ruble")]),
    # not figures: the day and year of a date, a bare year, a 1 with no unit
    ("9 ноября 2023 года было тихо.", []),
    ("В 2022 году ничего не изменилось.", []),
    ("Он 1 из лидеров.", []),
    ("Самолет Су-30 пролетел.", []),
])
def test_find_figures_in_russian(sentence, expected) -> None:
    dates = propose_ru.find_dates(sentence, *PUBLISHED)
    assert [(f.text, f.value, f.unit) for f in propose_ru.find_figures(sentence, dates)] == expected


@pytest.mark.parametrize("sentence", [
    "Токаева встретили в Москве в среду вечером.", "Путин позвонил Токаеву в среду вечером.",
    "В среду вечером Путин встретился с Токаевым.", "Речь Токаева в среду вечером обсуждали.",
])
def test_inflected_forms_are_found_by_lemma(sentence) -> None:
    found = propose.propose_text(sentence, "S009", *PUBLISHED, LEXICON, language="ru")
    assert len(found) == 1 and "actor: Kazakhstan government" in found[0].signals


def test_a_lexicon_name_in_english_does_not_match_a_russian_text() -> None:
    lexicon = propose.Lexicon(actors={"Tokayev": "Kazakhstan government"}, places={}, domains={}, tables={},
                              actor_groups=(), domain_list=())
    found = propose.propose_text("9 ноября 2023 года Токаев подписал указ о визите.", "S009", *PUBLISHED, lexicon,
                                 language="ru")
    assert [c.actor for c in found] == [""]


@pytest.mark.parametrize(("language", "text", "message"), [
    ("kk", "Тоқаев 2023 жылғы 9 қарашада келісімге қол қойды.",
     "S009 is in Kazakh: propose reads English (en), Russian (ru) only (dateparser does not read Kazakh case endings "
     "and no Kazakh morphology ships with the libraries); curate its rows by hand"),
    ("ru", "Тоқаев 2023 жылғы 9 қарашада Астанада келісімге қол қойды.",  # declared Russian, written in Kazakh
     "S009 is in Kazakh: propose reads English (en), Russian (ru) only (dateparser does not read Kazakh case endings "
     "and no Kazakh morphology ships with the libraries); curate its rows by hand"),
    ("de", "Am 9. November 2023 unterzeichnete Tokajew ein Abkommen.",
     "S009 is in 'de': propose reads English (en), Russian (ru) only; curate its rows by hand"),
])
def test_kazakh_and_other_languages_are_refused_in_one_line(language, text, message) -> None:
    with pytest.raises(propose.ProposeError) as raised:
        propose.propose_text(text, "S009", *PUBLISHED, LEXICON, language=language)
    assert str(raised.value) == message


def test_a_russian_text_goes_from_add_source_to_propose_with_the_shipped_lexicon(tmp_path, capsys) -> None:
    shutil.copytree(REPO / "data", tmp_path / "data", ignore=shutil.ignore_patterns(".history"))
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    dirs = ["--data", str(tmp_path / "data"), "--seeds", str(tmp_path / "seeds")]
    (tmp_path / "new.txt").write_text(TEXT, encoding="utf-8")
    assert cli(["add-source", str(tmp_path / "new.txt"), "--title", "T", "--published-from", "2024-11-20",
                "--language", "ru", *dirs]) == 0
    source_id = capsys.readouterr().out.strip()
    assert cli(["propose", source_id, "--format", "json", *dirs]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and all(TEXT[r["start"]:r["end"]] == r["quote"] for r in rows)
    signed = next(r for r in rows if r["quote"].startswith("9 ноября"))
    # the shipped lexicon's Russian names: Токаев and Путин, Астана (a place of places.csv), газ (energy)
    assert (signed["actor"], signed["place"], signed["domain"], signed["date_from"]) == \
        ("Kazakhstan government", "Astana", "energy", "2023-11-09")
    assert cli(["add-source", str(tmp_path / "new.txt"), "--title", "T", "--published-from", "2024-11-20",
                "--language", "russian", *dirs]) == 1
    assert capsys.readouterr().err == "error: --language 'russian' is not an ISO 639-1 code (two letters: en, ru, kk)\n"


def test_a_year_less_date_takes_the_year_an_earlier_sentence_of_its_paragraph_wrote() -> None:
    text = ("5 января 2022 года Токаев обратился к союзникам за помощью. "
            "Вывод войск начался 13 января, а завершить его пообещали к 19 января 2022 года.\n\n"
            "13 января Токаев выступил в Мажилисе с отчетом.\n")
    found = {c.quote[:12]: c for c in propose.propose_text(text, "S009", *PUBLISHED, LEXICON, language="ru")}
    withdrawal = found["Вывод войск "]
    # the paragraph's year, not the latest 13 January before publication; "к 19 января 2022 года" is a bound, and
    # its day is not a figure
    assert (withdrawal.date_from, withdrawal.date_to, withdrawal.date_source, withdrawal.value) == \
        ("2022-01-13", "2022-01-13", "inferred", None)
    # another paragraph: no year to take, so the latest 13 January before publication
    assert (found["13 января То"].date_from, found["13 января То"].date_source) == ("2024-01-13", "inferred")


def test_a_date_left_out_as_a_bound_holds_no_figure() -> None:
    sentence = "Вывод завершат к 19 января 2022 года."
    assert propose_ru.find_dates(sentence, *PUBLISHED) == []
    assert propose_ru.find_figures(sentence, []) == []


def test_the_recall_score_counts_facts_found_dates_right_and_figures_right() -> None:
    from benchmarks.recall import score

    text = "On 5 May 2022 A happened. B rose by 12%. C was quiet."
    facts = [{"passage": "On 5 May 2022 A happened", "date_from": "2022-05-05", "date_to": "2022-05-05", "value": ""},
             {"passage": "B rose by 12%", "date_from": "", "date_to": "", "value": "12"},
             {"passage": "C was quiet", "date_from": "2022-01-01", "date_to": "2022-01-01", "value": "3"}]
    cands = [{"start": 0, "end": 25, "quote": text[0:25], "date_from": "2022-05-01", "date_to": "2022-05-31", "value": None},
             {"start": 26, "end": 40, "quote": text[26:40], "date_from": "", "date_to": "", "value": 12.0}]
    assert score(text, facts, cands) == {"facts": 3, "found": 2, "dated": 2, "dates_right": 0, "figures": 2,
                                         "figures_right": 1, "candidates": 2}


@pytest.mark.parametrize("folder", ["recall_ru", "recall_en"])
def test_the_recall_texts_hold_their_facts(folder) -> None:
    """The benchmark's texts (invariants only): at least 400 words, 8 dated acts and 5 figures, every passage verbatim."""
    import csv

    from dashboard import seeds

    root = REPO / "benchmarks" / folder
    text = (root / "text.txt").read_text(encoding="utf-8")
    facts = list(csv.DictReader((root / "facts.csv").open(encoding="utf-8")))
    assert len(text.split()) >= 400
    assert sum(bool(f["date_from"]) for f in facts) >= 8 and sum(bool(f["value"]) for f in facts) >= 5
    assert all(seeds.quote_span(text, f["passage"]) for f in facts)
    assert json.loads((root / "meta.json").read_text(encoding="utf-8"))["language"] == folder[-2:]
