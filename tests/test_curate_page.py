"""The Curate page for analysts: a new text curated in read-only mode into a bundle that apply-bundle accepts; the
editor's dates ("March 2022"), event keys (picked or made from the summary), act definitions, and problems beside
their fields in plain words."""

from __future__ import annotations

import csv
import datetime as dt

import pandas as pd
import pytest

from dashboard import bundle, checks, curate
from dashboard.views import curate as page

from conftest import open_app, snapshot

D = dt.date
TEXT = ("Астана, 10 ноября 2023 года.\n\n"
        "9 ноября 2023 года Токаев и Путин подписали в Астане соглашение о поставках газа. "
        "Многие считают, что отношения остаются сложными.\n")


@pytest.mark.parametrize(("date_from", "date_to", "expected"), [
    ("March 2022", "", ("2022-03-01", "2022-03-31", {})),
    ("2022-03-17", "", ("2022-03-17", "2022-03-17", {})),
    ("17 March 2022", "April 2022", ("2022-03-17", "2022-04-30", {})),
    ("2022", "", ("2022-01-01", "2022-12-31", {})),
    ("март 2022", "", ("2022-03-01", "2022-03-31", {})),
    ("в марте 2022 года", "", ("2022-03-01", "2022-03-31", {})),
    ("", "", ("", "", {})),
    ("March", "", ("", "", {"date_from": "'March' has no year: write it with the year, for example March 2022"})),
    ("soon 2022", "", ("", "", {"date_from": "'soon 2022' is not a date: write a day (2022-03-17), a month (March 2022) or a year (2022)"})),
])
def test_dates_accept_a_month_or_a_year_and_say_plainly_what_they_cannot_read(date_from, date_to, expected) -> None:
    assert page.interval(date_from, date_to) == expected


def test_a_new_event_key_is_made_from_the_summary_and_the_year() -> None:
    summary = "Tokayev and Putin sign a gas supply agreement in Astana"
    assert page.key_from_summary(summary, "2023-11-09") == "tokayev_putin_sign_gas_supply_2023"
    assert page.key_from_summary(summary, "2023-11-09", {"tokayev_putin_sign_gas_supply_2023"}) == \
        "tokayev_putin_sign_gas_supply_2023_2"
    assert page.key_from_summary("Токаев", None) == "new_act"  # nothing in ASCII: a placeholder the curator replaces


def test_existing_acts_are_found_by_date_and_words() -> None:
    events = pd.DataFrame({"event_key": ["csto_request_2022", "csto_request_2022", "sanctions_line_2022"],
                           "date_from": pd.to_datetime(["2022-01-05", "2022-01-06", "2022-03-29"]),
                           "summary": ["Tokayev requests CSTO troops", "Same act, another seed", "Suleimenov: sanctions observed"],
                           "act": ["bloc_commitment", "bloc_commitment", "sanctions_compliance"]})
    acts = page.acts_list(events)
    assert acts.to_dict("records") == [
        {"event_key": "csto_request_2022", "date": "2022-01-05", "summary": "Tokayev requests CSTO troops", "act": "bloc_commitment"},
        {"event_key": "sanctions_line_2022", "date": "2022-03-29", "summary": "Suleimenov: sanctions observed", "act": "sanctions_compliance"},
    ]
    assert page.find_acts(acts, "2022-03 SANCTIONS") == ["sanctions_line_2022"]
    assert page.find_acts(acts, "2022") == ["csto_request_2022", "sanctions_line_2022"]
    assert page.find_acts(acts, "troops 2023") == []


def test_problems_go_beside_their_fields_in_plain_words() -> None:
    problems = ['data/events.csv:93:quote: not found verbatim in S005 (005_x.txt): "abc"',
                "data/events.csv:93:quote_en: required: S005 is in ru, so the quote needs its English translation",
                "data/events.csv:93:date_to: 2023-11-09 is after S005's latest publication date 2023-11-01",
                "data/events.csv:12:stance: something about another row"]
    by_field, other = page.field_problems(problems, "events.csv", 93)
    assert by_field == {
        "quote": ["Not in the text word for word. Copy the passage from the text: shorten it if needed, never reword it."],
        "quote_en": ["Required: S005 is in ru, so the quote needs its English translation."],
        "date_to": ["Later than the text's publication (2023-11-01): a text reports what happened before it was published."],
    }
    assert other == ["data/events.csv:12:stance: something about another row"]


# --------------------------------------------------------------------------
# the page, under AppTest, read-only


def _widget(elements, label: str):
    found = [e for e in elements if e.label == label]
    assert len(found) == 1, f"{label}: {[e.label for e in elements]}"
    return found[0]


def _read_only_page(project: curate.Package, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(project.data_dir))
    monkeypatch.setenv("DASHBOARD_SEEDS_DIR", str(project.seeds_dir))
    monkeypatch.delenv(curate.WRITE_ENV, raising=False)
    at = open_app("curate", timeout=120)
    at.run()
    assert not at.exception
    return at


def _new_russian_text(at) -> None:
    _widget(at.radio, "Curate").set_value(page.NEW_TEXT).run()
    _widget(at.text_area, "Paste the text").set_value(TEXT)
    _widget(at.text_input, "Title, as it appears in the text").set_value("Токаев и Путин подписали соглашение")
    _widget(at.date_input, "Published from").set_value(D(2023, 12, 1))  # so that "November 2023" may end on the 30th
    _widget(at.selectbox, "Language").set_value("ru")
    _widget(at.button, "Propose rows").click().run()
    assert not at.exception and not at.error


def _fill(at, **values) -> None:
    _widget(at.selectbox, "Table").set_value("events").run()
    texts = {"actor_detail": "Kassym-Jomart Tokayev", "credibility": "2", "date_from": "November 2023", "date_to": "",
             "summary": "Tokayev and Putin sign a gas supply agreement in Astana",
             "quote_en_by": "test curator", **{k: v for k, v in values.items() if k != "quote_en"}}
    for name, value in texts.items():
        _widget(at.text_input, name).set_value(value)
    _widget(at.text_area, "quote_en").set_value(values.get("quote_en", "Tokayev and Putin signed an agreement on gas supplies in Astana"))
    for name, value in {"actor": "Kazakhstan government", "counterpart": "Russia government", "domain": "energy",
                        "act": "integration_step", "date_source": "seed"}.items():
        _widget(at.selectbox, name).set_value(value)
    at.run()
    _widget(at.selectbox, "stance").set_value("1").run()


def test_a_new_russian_text_is_curated_read_only_into_a_bundle_that_apply_bundle_accepts(project, monkeypatch) -> None:
    before = snapshot(project)
    at = _read_only_page(project, monkeypatch)
    _new_russian_text(at)
    picker = _widget(at.selectbox, "Candidate")
    assert picker.options[0].startswith("#1 · events · 2023-11-09 · 9 ноября 2023 года Токаев и Путин подписали")
    # the act list shows each act's definition
    act = _widget(at.selectbox, "act")
    assert any(o.startswith("Step in Russia-led integration: Founding, joining or promoting") for o in act.options)
    _fill(at)
    _widget(at.button, "Accept into events").click().run()
    assert not at.exception and [e.value for e in at.error] == [] and [c.value for c in at.code] == []
    assert [s.value for s in at.success] == ["Accepted into the bundle (1 row). Download it below."]
    assert [d.label for d in at.get("download_button")] == ["Download the curation bundle (1 row)"]
    assert snapshot(project) == before  # nothing written on the server
    data = at.session_state[page.DRAFT]["bundle"]
    payload = bundle.read(data, "bundle", project)
    row = payload["rows"]["events"][0]
    # "November 2023" became the month's interval; the key was made from the summary
    assert (row["date_from"], row["date_to"], row["event_key"]) == ("2023-11-01", "2023-11-30", "tokayev_putin_sign_gas_supply_2023")
    assert row["quote"] == "9 ноября 2023 года Токаев и Путин подписали в Астане соглашение о поставках газа."
    assert payload["check"] == {"ok": True, "problems": []}
    source_id, counts = bundle.apply(project, data, "bundle")
    assert counts == {"events": 1}
    assert checks.run(project.data_dir, project.seeds_dir).problems == []
    provenance = list(csv.DictReader((project.seeds_dir / "provenance.csv").open(encoding="utf-8")))
    assert (provenance[-1]["source_id"], provenance[-1]["language"]) == (source_id, "ru")


def test_a_missing_translation_is_shown_beside_its_field_and_nothing_is_accepted(project, monkeypatch) -> None:
    at = _read_only_page(project, monkeypatch)
    _new_russian_text(at)
    _fill(at, quote_en="", quote_en_by="")
    _widget(at.button, "Accept into events").click().run()
    sid = f"S{len(list(csv.DictReader((project.seeds_dir / 'provenance.csv').open(encoding='utf-8')))):03d}"
    assert [e.value for e in at.error] == [
        f"Required: {sid} is in ru, so the quote needs its English translation.",
        "Not saved: the package would not validate with this row. Nothing was written."]
    rows = sum(1 for _ in (project.data_dir / "events.csv").open(encoding="utf-8"))
    assert at.code[0].value == (f"data/events.csv:{rows + 1}:quote_en: required: {sid} is in ru, so the quote needs "
                                "its English translation")
    assert at.session_state[page.DRAFT]["bundle"] is None and not at.get("download_button")


def test_a_date_the_editor_cannot_read_is_refused_beside_its_field(project, monkeypatch) -> None:
    at = _read_only_page(project, monkeypatch)
    _new_russian_text(at)
    _fill(at, date_from="November")
    _widget(at.button, "Accept into events").click().run()
    assert [e.value for e in at.error] == ["'November' has no year: write it with the year, for example March 2022",
                                           "Not accepted: a date could not be read. Nothing was written."]


def test_a_kazakh_text_is_refused_with_a_clear_message(project, monkeypatch) -> None:
    at = _read_only_page(project, monkeypatch)
    _widget(at.radio, "Curate").set_value(page.NEW_TEXT).run()
    _widget(at.text_area, "Paste the text").set_value("Тоқаев 2023 жылғы 9 қарашада Астанада келісімге қол қойды.\n")
    _widget(at.text_input, "Title, as it appears in the text").set_value("Келісім")
    _widget(at.date_input, "Published from").set_value(D(2023, 11, 10))
    _widget(at.selectbox, "Language").set_value("kk")
    _widget(at.button, "Propose rows").click().run()
    assert [e.value for e in at.error][0].startswith("draft:")
    assert "is in Kazakh: propose reads English (en), Russian (ru) only" in at.error[0].value
