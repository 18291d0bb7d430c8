"""Seed texts: finding whitespace-normalised quotes, escaped highlighting, anchors both ways."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import seeds

TEXT = "Intro <b>bold</b> & more.\nThe ministry said on 3 March\n2022 that it would not\nhelp.  End of text."


@pytest.mark.parametrize(
    ("quote", "span"),
    [
        ("The ministry said on 3 March 2022", (26, 59)),  # a line break in the seed, a space in the quote
        ("it would not help.", (65, 83)),
        ("<b>bold</b> &", (6, 19)),
        ("not in the text", None),
        ("   ", None),
    ],
)
def test_quote_span_matches_across_whitespace(quote: str, span) -> None:
    assert seeds.quote_span(TEXT, quote) == span
    if span:
        assert " ".join(TEXT[span[0] : span[1]].split()) == " ".join(quote.split())


def test_highlight_escapes_the_text_and_links_each_passage() -> None:
    html, missing = seeds.highlight(TEXT, [("EV001", "The ministry said on 3 March 2022"), ("EV002", "<b>bold</b>"), ("EV003", "absent")])
    assert missing == ["EV003"]
    assert "<b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html and "&amp; more." in html
    assert '<span class="qa" id="q-EV001"></span><mark class="q" title="Cited by EV001"><a href="#row-EV001">The ministry said on 3 March\n2022</a></mark>' in html
    assert '<span class="qa" id="q-EV002"></span><mark class="q" title="Cited by EV002"><a href="#row-EV002">&lt;b&gt;bold&lt;/b&gt;</a></mark>' in html


def test_highlight_splits_overlapping_quotes_and_marks_the_current_row() -> None:
    html, _ = seeds.highlight("one two three four", [("A1", "one two three"), ("B2", "two three four")], current="B2")
    assert html == (
        '<div class="seed-text"><span class="qa" id="q-A1"></span>'
        '<mark class="q" title="Cited by A1"><a href="#row-A1">one </a></mark>'
        '<span class="qa" id="q-B2"></span>'
        '<mark class="q cur" title="Cited by A1, B2"><a href="#row-A1">two three</a></mark>'
        '<mark class="q cur" title="Cited by B2"><a href="#row-B2"> four</a></mark></div>'
    )


def test_highlight_names_the_first_citing_rows_counts_the_rest_and_anchors_only_the_listed(monkeypatch) -> None:
    monkeypatch.setattr(seeds, "TITLE_IDS", 2)
    html, missing = seeds.highlight("one two", [("A3", "one"), ("A1", "one"), ("A2", "one"), ("A4", "gone")], anchors=["A2"])
    assert missing == ["A4"]
    assert html == ('<div class="seed-text"><span class="qa" id="q-A2"></span>'
                    '<mark class="q" title="Cited by A1, A2 and 1 more"><a href="#row-A2">one</a></mark> two</div>')


def test_rows_html_links_back_to_the_passage_and_escapes() -> None:
    rows = pd.DataFrame([{"table": "events", "id": "EV001", "date": "3 Mar 2022", "label": "<i>x</i>", "quote": "a & b"}])
    assert seeds.rows_html(rows, current="EV001") == (
        '<div class="seed-rows"><div class="row cur" id="row-EV001"><a href="#q-EV001" title="Show the passage in the text">↑ EV001</a> '
        '<span class="tbl">events</span> · 3 Mar 2022<div class="lbl">&lt;i&gt;x&lt;/i&gt;</div><q>a &amp; b</q></div></div>'
    )


@pytest.mark.parametrize("row_id", ["EV001", "SR026", "CF011"])
def test_scroll_script_for_a_row_id_has_no_characters_the_sanitiser_escapes(row_id: str) -> None:
    script = seeds.scroll_script(row_id)
    body = script.removeprefix("<script>").removesuffix("</script>")
    assert f"'q-{row_id}'" in body and not set("<>&") & set(body)


@pytest.mark.parametrize("row_id", ["", "EV001'); alert(1); ('", "<script>", "EV-1"])
def test_scroll_script_refuses_anything_but_a_row_id(row_id: str) -> None:
    assert seeds.scroll_script(row_id) == ""


def test_citing_rows_lists_every_table_that_quotes_the_seed() -> None:
    frames = {
        "sources": pd.DataFrame({"source_id": ["S000"], "quote": [None], "id": ["x"]}),
        "events": pd.DataFrame({"id": ["EV001", "EV002"], "source_id": ["S000", "S001"], "quote": ["q1", "q2"],
                                "summary": ["first", "second"], "date_from": pd.to_datetime(["2022-03-01", "2022-04-01"]),
                                "date_to": pd.to_datetime(["2022-03-31", "2022-04-01"])}),
        "casualties": pd.DataFrame({"id": ["CA001"], "source_id": ["S000"], "quote": ["q3"], "event": ["January"],
                                    "date_from": [pd.NaT], "date_to": [pd.NaT]}),
        "public_sentiment": pd.DataFrame({"id": ["PS001"], "source_id": ["S000"], "quote": ["q4"], "summary": ["rallies"],
                                          "date_from": pd.to_datetime(["2022-02-24"]), "date_to": pd.to_datetime(["2022-05-08"])}),
    }
    assert seeds.citing_rows(frames, "S000").to_dict("records") == [
        {"table": "events", "id": "EV001", "date": "March 2022", "label": "first", "quote": "q1"},
        {"table": "casualties", "id": "CA001", "date": "undated", "label": "January", "quote": "q3"},
        {"table": "public_sentiment", "id": "PS001", "date": "24 Feb – 8 May 2022", "label": "rallies", "quote": "q4"},
    ]
