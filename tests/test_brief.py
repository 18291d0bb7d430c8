"""The briefing: the slide model, the PowerPoint deck, the PDF, and ``python -m dashboard brief``."""

from __future__ import annotations

import json
import csv
import datetime as dt
import io
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Emu
from pypdf import PdfReader

from dashboard import brief, charts, data, export, facts, geo, maps
from dashboard import marks as M
from dashboard.brief import deck, layout, pdf
from dashboard.brief.model import CONFLICTS_PER_SLIDE
from dashboard.filters import DEFAULT, Filters
from dashboard.sections import scope as S_scope

from conftest import REPO

D = dt.date


def _as_of() -> str:
    """The shipped data's date: the latest publication date any seed supports (read from the provenance table)."""
    with (REPO / "seeds" / "provenance.csv").open(encoding="utf-8", newline="") as handle:
        return max(row["published_to"] for row in csv.DictReader(handle))


AS_OF = _as_of()
#: the chart slides, by title, in deck order (each non-empty on the shipped data with the default filters)
MAP_TITLE = "Kazakhstan's oil export routes and its border with Russia"
INDEX_TITLE = "Stance index: 90-day trailing mean per actor"
OIL_TITLES = ("Share of oil exports through each route, as each seed states it",
              "Disruptions, dependence and the alternative route", "Named stakes in Kazakh oil fields")
SANCTIONS_TITLE = "Who said what on sanctions, recognition and UN votes"
SENTIMENT_TITLE = "Signs of public mood over time"


@pytest.fixture(scope="module")
def tables() -> data.Tables:
    loaded = data.load_tables(REPO / "data")
    assert not loaded.problems, loaded.all_problems
    return loaded


@pytest.fixture(scope="module")
def expected(tables):
    """What the deck must hold on the shipped data, derived from the data and the builders, not from curated counts."""
    defence = charts.defence_chart(tables["defense_budget"]).to_dict()["title"]["text"]
    # one ranked corrections slide (the full list only in an appendix, when asked)
    corrections = ["Corrections that change the reading" if len(facts.corrections(tables.frames)) > 1 else "Correction"]
    parts = math.ceil(len(facts.conflicts(tables.frames)) / CONFLICTS_PER_SLIDE)
    conflicts = [f"Conflicting figures ({i} of {parts})" for i in range(1, parts + 1)] if parts > 1 else ["Conflicting figures"]
    found = facts.coverage(tables.frames)
    titles = [found.title, S_scope.build_not_covered(tables.frames).title, "Headline figures", MAP_TITLE, "Stance over time", "What moved, and when",
              INDEX_TITLE, defence, *OIL_TITLES, SANCTIONS_TITLE, SENTIMENT_TITLE, *conflicts, *corrections, "Sources"]
    charted = [MAP_TITLE, "Stance over time", INDEX_TITLE, defence, *OIL_TITLES, SANCTIONS_TITLE, SENTIMENT_TITLE]
    border = next(c for c in facts.headlines(tables.frames) if c.key == "border")
    return {"titles": titles, "chart_slides": [titles.index(t) + 1 for t in charted], "defence": defence,
            "border_quotes": [c.quote for c in border.citations], "border_citations": border.citations}


@pytest.fixture(scope="module")
def built(tables) -> brief.Brief:
    return brief.build_brief(tables, DEFAULT)


@pytest.fixture(scope="module")
def pptx_bytes(built) -> bytes:
    return deck.to_pptx(built)


@pytest.fixture(scope="module")
def pdf_bytes(built) -> bytes:
    return pdf.to_pdf(built)


def read_deck(blob: bytes) -> list[dict]:
    """Per slide: title, the text of each named shape, whether it has a picture, and the notes."""
    out = []
    for page in Presentation(io.BytesIO(blob)).slides:
        shapes = {}
        for shape in page.shapes:
            if shape.has_text_frame and shape.text_frame.text:
                shapes.setdefault(shape.name, []).append(shape.text_frame.text)
        out.append({
            "title": page.shapes.title.text_frame.text,
            "shapes": shapes,
            "texts": [t for texts in shapes.values() for t in texts],
            "pictures": sum(shape.shape_type == MSO_SHAPE_TYPE.PICTURE for shape in page.shapes),
            "notes": page.notes_slide.notes_text_frame.text if page.has_notes_slide else "",
        })
    return out


# --------------------------------------------------------------------------
# the slide model


def test_brief_slides_in_order_on_the_shipped_data(built, expected, tables) -> None:
    assert [s.title for s in built.slides] == expected["titles"]
    assert [i for i, s in enumerate(built.slides, 1) if s.kind == "chart"] == expected["chart_slides"]
    assert [s.kind for s in built.slides[:4]] == ["title", "text", "figures", "chart"]
    assert built.as_of == export.data_as_of(tables["sources"]) == D.fromisoformat(AS_OF)
    # the file name names the period the acts cover: to the latest act's month, not the texts' publication date
    last = facts.coverage(tables.frames).last_act
    assert built.stem == f"brief_all-topics_2022-01-01_to_{last:%Y-%m}"


def test_brief_every_slide_has_a_source_line_and_notes(built) -> None:
    for slide in built.slides:
        assert slide.source_line.startswith("Source: "), slide.title
        assert slide.notes, slide.title


def test_brief_title_slide_states_scope_filters_and_sources(built, tables) -> None:
    title, found = built.slides[0], facts.coverage(tables.frames)
    assert (title.title, built.title) == (found.title, found.title)
    assert title.subtitle == f"Briefing · latest act {found.last_label} · {found.texts_words} published {found.published}"
    assert title.bullets[0] == found.scope_line and title.caveat == found.census_line
    assert title.bullets[1] == "Filters in force: dates 2022-01-01 to the end."
    assert [b.split(" ")[0] for b in title.bullets[4:]] == list(tables["sources"]["source_id"])
    assert "  python -m dashboard brief\n" in title.notes  # the default view needs no argument
    assert "  in the app: the Present page, /present\n" in title.notes
    other = brief.build_brief(tables, Filters(date_from=D(2022, 3, 1), actors=("Russia government",))).slides[0]
    assert "  python -m dashboard brief --from 2022-03-01 --actor 'Russia government'\n" in other.notes
    assert "  in the app: the Present page, /present?from=2022-03-01&actor=Russia+government\n" in other.notes


def test_brief_figures_are_the_overview_headlines_with_their_quotes(built, tables) -> None:
    figures = built.slides[2]
    cards = facts.headlines(tables.frames)
    assert [(f.label, f.value) for f in figures.figures] == [(c.label, c.value) for c in cards]
    assert [f.disputed for f in figures.figures] == [bool(c.conflict) for c in cards]
    for card in cards:
        for citation in card.citations:
            assert f"{citation.source_id} ({citation.row_id}): “{citation.quote}”" in figures.notes


def test_brief_map_slide_caveat_gives_the_drawn_and_the_seed_length(built, tables, expected) -> None:
    border = maps.border_facts(tables.frames, geo.load_border())
    drawn, seed_km = border["drawn_km"], border["seed_km"]
    seeds = ", ".join(dict.fromkeys(border["seed_rows"]["source_id"]))
    slide = built.slides[3]
    assert slide.caveat.startswith(f"The drawn border is Natural Earth's generalised 1:50m line: {drawn:,.0f} km against the "
                                   f"seeds' {seed_km:,.0f} km.")
    assert "outside reference data" in slide.caveat
    assert slide.bullets[0] == f"Border: {seed_km:,.0f} km in the seeds ({seeds}); the drawn line measures {drawn:,.0f} km."
    assert all(quote in slide.notes for quote in expected["border_quotes"])


def test_brief_chart_slides_reuse_the_page_summaries(built, tables, expected) -> None:
    events = tables["events"]
    by_title = {s.title: s for s in built.slides}
    assert by_title["Stance over time"].summary == charts.stance_summary(events, DEFAULT)
    assert by_title[INDEX_TITLE].summary == charts.index_summary(events, DEFAULT)
    from dashboard.sections import narrative as narrative_section

    assert by_title["What moved, and when"].bullets[0].startswith("In what these five texts (published ")
    assert " ".join(by_title["What moved, and when"].bullets) == narrative_section.build(tables.frames, DEFAULT).extra["paragraph"]
    assert by_title[expected["defence"]].summary == M.defence_summary(tables["defense_budget"])
    from dashboard.sections import oil as oil_section

    assert by_title[OIL_TITLES[0]].summary == oil_section.build_shares(tables.frames, DEFAULT).summary


def test_brief_index_slide_says_how_many_acts_it_leaves_out(built, tables) -> None:
    slide = next(s for s in built.slides if s.title == INDEX_TITLE)
    _, left_out = M.index_events(tables["events"], DEFAULT)
    text = M.left_out_text(len(left_out))
    assert text[:1].upper() + text[1:] in slide.subtitle and text in slide.summary
    for act in left_out.itertuples():
        assert f"{act.date_label} · {act.actor} · {act.summary} ({act.ids})" in slide.notes


def test_brief_stance_notes_carry_the_turning_points_quotes(built, tables) -> None:
    notes = built.slides[4].notes
    events = tables["events"]
    turns = M.turning_points(events, DEFAULT)
    assert len(turns), "the shipped data has turning points in the default view"
    for turn in turns.itertuples():
        for row in events[events["event_key"] == turn.event_key].to_dict("records"):
            assert f"{M.turning_point_text(turn.label, turn.date_label)} — {row['source_id']} ({row['id']}): “{row['quote']}”" in notes


@pytest.mark.parametrize(
    ("filters", "changed", "same"),
    [
        (Filters(date_from=D(2022, 1, 1), actors=("Russia government",)), "Stance over time", OIL_TITLES[0]),
        (Filters(date_from=D(2022, 1, 1), min_credibility=1), "Stance over time", SENTIMENT_TITLE),
        (Filters(date_from=D(2022, 3, 1), date_to=D(2022, 6, 30)), SANCTIONS_TITLE, "Headline figures"),
        (Filters(date_from=D(2022, 1, 1), sources=("S001",)), SENTIMENT_TITLE, "Headline figures"),
    ],
    ids=["actor", "credibility", "dates", "source"],
)
def test_brief_filters_change_the_slides_the_pages_would_change(tables, built, filters, changed, same) -> None:
    other = brief.build_brief(tables, filters)
    before = {s.title: s for s in built.slides}
    after = {s.title: s for s in other.slides}
    assert len(other.slides) == len(built.slides)
    assert after[changed].texts() != before[changed].texts()
    assert after[same].texts()[1:-1] == before[same].texts()[1:-1]  # all but the source line, which names the filters
    if changed == "Stance over time":
        assert after[changed].summary == charts.stance_summary(tables["events"], filters)
    assert other.slides[0].bullets[1] == f"Filters in force: {filters.describe()}."


def test_brief_builds_when_a_table_is_missing(tables) -> None:
    frames = {k: v for k, v in tables.frames.items() if k != "events"}
    slides = brief.build_brief(frames, DEFAULT).slides
    stance = [s for s in slides if s.title in ("Stance over time", "What moved, and when", "Stance index")]
    assert [s.bullets for s in stance] == [("The events table did not pass validation, so this slide has nothing to show.",)] * 3
    assert all(s.source_line.startswith("Source: ") for s in slides)


def test_brief_empty_filter_result_gives_plain_slides(tables) -> None:
    slides = brief.build_brief(tables, Filters(date_from=D(2030, 1, 1))).slides
    stance = next(s for s in slides if s.title == "Stance over time")
    assert (stance.kind, stance.bullets, stance.chart) == ("text", ("No events match these filters.",), None)


# --------------------------------------------------------------------------
# filters from the command line


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({}, DEFAULT),
        ({"from": ""}, Filters()),
        ({"from": "2022-03-01", "to": "2022-06-30"}, Filters(date_from=D(2022, 3, 1), date_to=D(2022, 6, 30))),
        ({"actor": ["China", "CSTO"], "domain": ["security"]}, Filters(date_from=D(2022, 1, 1), actors=("China", "CSTO"), domains=("security",))),
        ({"cred": "2", "source": ["S001"]}, Filters(date_from=D(2022, 1, 1), min_credibility=2, sources=("S001",))),
    ],
)
def test_filters_from_cli_match_the_url(tables, values, expected) -> None:
    assert brief.filters_from_cli(values, tables.frames) == expected
    # the URL with the same parameters gives the same filters
    assert Filters.from_query_params(values, DEFAULT) == expected


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"from": "2022-13-01"}, "--from: '2022-13-01' is not a date (YYYY-MM-DD, or '' for no bound)"),
        ({"cred": "9"}, "--min-credibility: '9' is not a credibility grade from 1 (best) to 6"),
        ({"from": "2022-06-01", "to": "2022-01-01"}, "--from 2022-06-01 is after --to 2022-01-01"),
        ({"source": ["S999"]}, "--source: unknown value 'S999' (one of: {sources})"),
    ],
)
def test_filters_from_cli_refuse_bad_values(tables, values, message) -> None:
    with pytest.raises(brief.BriefError) as raised:
        brief.filters_from_cli(values, tables.frames)
    assert str(raised.value) == message.replace("{sources}", ", ".join(sorted(tables["sources"]["source_id"])))


@pytest.mark.parametrize(
    "filters",
    [DEFAULT, Filters(), Filters(date_from=D(2022, 2, 1), date_to=D(2022, 9, 30), actors=("Russia government", "China"),
                                   domains=("energy",), min_credibility=3, sources=("S000", "S002"))],
)
def test_cli_args_round_trip(tables, filters) -> None:
    args = brief.cli_args(filters)
    values: dict[str, list[str]] = {}
    flags = {flag: param for param, flag in brief.FLAGS.items()}
    for flag, value in zip(args[::2], args[1::2]):
        values.setdefault(flags[flag], []).append(value)
    assert brief.filters_from_cli(values, tables.frames) == filters


# --------------------------------------------------------------------------
# the PowerPoint deck


def test_deck_opens_16_by_9_with_one_slide_per_slide_in_order(pptx_bytes, built, expected) -> None:
    prs = Presentation(io.BytesIO(pptx_bytes))
    assert (Emu(prs.slide_width).inches, Emu(prs.slide_height).inches) == pytest.approx((13.333, 7.5), abs=0.001)
    slides = read_deck(pptx_bytes)
    assert len(slides) == len(built.slides) == len(expected["titles"])
    assert [s["title"] for s in slides] == expected["titles"]


def test_deck_chart_slides_have_a_picture_and_others_none(pptx_bytes, expected) -> None:
    pictures = [s["pictures"] for s in read_deck(pptx_bytes)]
    assert [i for i, n in enumerate(pictures, 1) if n] == expected["chart_slides"]
    assert set(pictures) == {0, 1}


def test_deck_every_slide_has_its_source_line_and_number(pptx_bytes, built) -> None:
    for number, (page, slide) in enumerate(zip(read_deck(pptx_bytes), built.slides), 1):
        assert page["shapes"]["Source"] == [slide.source_line]
        assert page["shapes"]["Source"][0].startswith("Source: ")
        assert page["shapes"]["Slide number"] == [f"{number} / {len(built.slides)}"]


def test_deck_shows_every_text_of_the_model(pptx_bytes, built) -> None:
    for page, slide in zip(read_deck(pptx_bytes), built.slides):
        shown = page["texts"] + [page["title"]]
        body = "\n".join(shown)
        for text in slide.texts():
            assert text in shown or text in body, (slide.title, text)
        if slide.caveat:
            assert page["shapes"]["Caveat"] == [slide.caveat]


def test_deck_notes_carry_the_quotes(pptx_bytes, built, tables, expected) -> None:
    pages = read_deck(pptx_bytes)
    assert [p["notes"] for p in pages] == [s.notes for s in built.slides]
    assert all(quote in pages[2]["notes"] for quote in expected["border_quotes"])
    oil = tables["oil_routes"]
    shares = pages[expected["titles"].index(OIL_TITLES[0])]["notes"]
    for quote in oil[oil["kind"] == "export share"]["quote"]:
        assert f"“{quote}”" in shares


def test_deck_pictures_are_crisp_and_sized_to_their_box(pptx_bytes, built, expected) -> None:
    prs = Presentation(io.BytesIO(pptx_bytes))
    for number in expected["chart_slides"]:
        page, slide = prs.slides[number - 1], built.slides[number - 1]
        picture = next(s for s in page.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE)
        box = layout.regions(slide).body
        width, height = picture.image.size
        assert Emu(picture.width).inches <= box.w + 0.01 and Emu(picture.height).inches <= box.h + 0.01
        assert width / Emu(picture.width).inches >= layout.PNG_SCALE * layout.PX_PER_IN - 1  # rendered at PNG_SCALE
        assert picture._element.nvPicPr.cNvPr.get("descr") == slide.alt_text


def test_deck_is_reproducible(pptx_bytes, built) -> None:
    assert deck.to_pptx(built) == pptx_bytes
    props = Presentation(io.BytesIO(pptx_bytes)).core_properties
    assert (props.created, props.modified, props.revision) == (dt.datetime(2022, 12, 31), dt.datetime(2022, 12, 31), 1)


# --------------------------------------------------------------------------
# the PDF


def test_pdf_opens_with_one_page_per_slide_and_the_titles(pdf_bytes, built, expected) -> None:
    reader = PdfReader(io.BytesIO(pdf_bytes))
    assert len(reader.pages) == len(built.slides)
    assert [o.title for o in reader.outline] == expected["titles"]
    for page, slide in zip(reader.pages, built.slides):
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx((960, 540), abs=0.1)
        text = " ".join(page.extract_text().split())
        assert " ".join(slide.title.split()) in text
        assert "Source:" in text


def test_pdf_pages_carry_the_notes(pdf_bytes, built, expected) -> None:
    reader = PdfReader(io.BytesIO(pdf_bytes))
    notes = [page["/Annots"][0].get_object()["/Contents"] for page in reader.pages]
    assert notes == [s.notes for s in built.slides]
    assert all(quote in notes[2] for quote in expected["border_quotes"])


def test_pdf_charts_are_vector(pdf_bytes, expected) -> None:
    reader = PdfReader(io.BytesIO(pdf_bytes))
    for number in expected["chart_slides"]:
        resources = reader.pages[number - 1]["/Resources"]
        images = resources.get("/XObject", {})
        assert not [k for k, v in images.items() if v.get_object().get("/Subtype") == "/Image"], number


# --------------------------------------------------------------------------
# the command line


def _cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dashboard", "brief", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_cli_writes_the_same_deck_as_the_function(tmp_path, tables) -> None:
    filters = Filters(date_from=D(2022, 3, 1), actors=("Russia government", "Kazakhstan government"))
    out = tmp_path / "out"
    out.mkdir()
    result = _cli("--from", "2022-03-01", "--actor", "Russia government", "--actor", "Kazakhstan government",
                  "-o", str(out), "--pdf", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    describe = "dates 2022-03-01 to the end; actors Russia government, Kazakhstan government"
    built = brief.build_brief(tables, filters)
    count = len(built.slides)
    # the name says the topics, the filters and the period
    last = facts.coverage(tables.frames).last_act
    stem = f"brief_all-topics_actor-russia-government_actor-kazakhstan-government_2022-03-01_to_{last:%Y-%m}"
    assert built.stem == stem
    scope = built.slides[0].subtitle.removeprefix("Briefing · ")
    # absolute paths; the PDF beside the .pptx when --pdf names no path (F27)
    assert result.stdout.splitlines() == [
        f"{(out / f'{stem}.pptx').resolve()}: {count} slides ({describe}; {scope})",
        f"{(out / f'{stem}.pdf').resolve()}: {count} slides ({describe}; {scope})",
        f"{(out / f'{stem}_data').resolve()}/: {len(deck.data_csvs(built))} CSV files, the data of each chart slide",
    ]
    assert sorted(p.name for p in (out / f"{stem}_data").iterdir()) == sorted(deck.data_csvs(built))
    from_cli = read_deck((out / f"{stem}.pptx").read_bytes())
    from_function = read_deck(deck.to_pptx(built))
    assert from_cli == from_function
    assert [p["title"] for p in from_cli] == [s.title for s in built.slides]
    assert from_cli[4]["shapes"]["Summary"] == [charts.stance_summary(tables["events"], filters)]
    assert len(PdfReader(out / f"{stem}.pdf").pages) == count and not (tmp_path / f"{stem}.pdf").exists()


@pytest.mark.parametrize(
    ("given", "expected"),
    [(None, f"brief_{AS_OF}.pptx"), ("", f"brief_{AS_OF}.pptx"), ("room.pptx", "room.pptx"), ("talks/room.pptx", "talks/room.pptx"),
     ("room", "room.pptx"), (".", f"brief_{AS_OF}.pptx"), ("new/", f"new/brief_{AS_OF}.pptx")],
)
def test_cli_output_names(given, expected) -> None:
    from dashboard.cli.brief import _output

    assert _output(given, f"brief_{AS_OF}", ".pptx") == Path(expected)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "2022-13-01"), "error: --from: '2022-13-01' is not a date (YYYY-MM-DD, or '' for no bound)"),
        (("--actor", "Nobody"), "error: --actor: unknown value 'Nobody' (one of: "),
        (("--domain", "sport"), "error: --domain: unknown value 'sport' (one of: "),
        (("--min-credibility", "9"), "error: --min-credibility: '9' is not a credibility grade from 1 (best) to 6"),
        (("--from", "2022-06-01", "--to", "2022-01-01"), "error: --from 2022-06-01 is after --to 2022-01-01"),
    ],
)
def test_cli_bad_filters_exit_1_with_one_line(tmp_path, args, message) -> None:
    result = _cli(*args, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith(message) and len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert not list(tmp_path.iterdir())


def test_cli_refuses_data_that_fails_validation(tmp_path) -> None:
    shutil.copytree(REPO / "data", tmp_path / "data")
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    events = tmp_path / "data" / "events.csv"
    frame = pd.read_csv(events, dtype=str, keep_default_na=False)
    frame.loc[0, "stance"] = "3"
    frame.to_csv(events, index=False)
    result = _cli("--data", str(tmp_path / "data"), "-o", str(tmp_path / "b.pptx"))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("error: the briefing needs tables that failed validation: ") and "events.csv" in lines[0]
    assert any(line.endswith("events.csv:2:stance: 3 is above the maximum 2") for line in lines[1:])
    assert "Traceback" not in result.stdout + result.stderr
    assert not (tmp_path / "b.pptx").exists()


# --------------------------------------------------------------------------
# charts on slides and on the Present page


def _legend_orients(chart) -> dict[str, str]:
    spec = chart.to_dict()
    out = {}
    for layer in spec.get("layer", [spec]):
        for channel, encoding in layer.get("encoding", {}).items():
            legend = encoding.get("legend") if isinstance(encoding, dict) else None
            if isinstance(legend, dict) and "orient" in legend:
                out[channel] = legend["orient"]
    return out


def test_stance_chart_legends_leave_the_plot_its_height_on_slides_and_on_screen() -> None:
    from test_charts import EVENTS

    chart = charts.stance_chart(EVENTS)
    assert _legend_orients(chart) == {"color": "bottom", "opacity": "bottom", "shape": "bottom"}  # the page's layout
    on_slide = layout.chart_for(chart, layout.Box(0.5, 1.5, 12.3, 5.0))
    assert _legend_orients(on_slide) == {"color": "right", "opacity": "right", "shape": "right"}
    on_screen = layout.for_screen(chart, 500)
    assert _legend_orients(on_screen) == {"color": "right", "opacity": "bottom", "shape": "bottom"}
    assert on_screen.to_dict()["height"] == 500 + layout.THREE_LEGENDS_EXTRA_PX
    assert _legend_orients(chart) == {"color": "bottom", "opacity": "bottom", "shape": "bottom"}  # the page's chart untouched


# -- the disk cache of rendered chart images


SPEC = json.dumps({"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "data": {"values": [{"a": 1}]},
                   "mark": "point", "encoding": {"x": {"field": "a", "type": "quantitative"}}})


def test_a_rendered_chart_is_reused_from_the_cache(monkeypatch, tmp_path) -> None:
    from dashboard.brief import render_cache

    monkeypatch.setenv(render_cache.CACHE_ENV, str(tmp_path))
    first = render_cache.png(SPEC, 1)
    assert first.startswith(b"\x89PNG") and [p.name for p in tmp_path.iterdir()] == [f"{render_cache.key(SPEC, 1)}.png"]
    monkeypatch.setattr(render_cache.vlc, "vegalite_to_png", lambda *a, **k: pytest.fail("rendered again"))
    assert render_cache.png(SPEC, 1) == first
    with pytest.raises(pytest.fail.Exception):
        render_cache.png(SPEC, 2)  # another scale is another image


def test_an_unwritable_cache_still_renders(monkeypatch, tmp_path) -> None:
    from dashboard.brief import render_cache

    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv(render_cache.CACHE_ENV, str(blocker / "charts"))
    assert render_cache.png(SPEC, 1).startswith(b"\x89PNG")


# --------------------------------------------------------------------------
# "What changed since <release>" (python -m dashboard brief --since)

from dashboard import diff as _diff  # noqa: E402
from dashboard.releases import Snapshot, TableText  # noqa: E402
from pptx.enum.shapes import PP_PLACEHOLDER  # noqa: E402

EVENT_COLUMNS = ("id", "date_from", "date_to", "actor_detail", "summary", "stance", "source_id", "quote", "correction")
FIGURE_COLUMNS = ("id", "amount", "unit", "source_id", "quote", "correction")


def _text_table(name: str, header: tuple, rows: list[tuple]) -> TableText:
    return TableText(name, name, f"data/{name}.csv", header, tuple(rows), ("id",))


def _changes() -> _diff.Diff:
    old = Snapshot("r1", {
        "events": _text_table("events", EVENT_COLUMNS, [
            ("EV001", "2022-03-03", "2022-03-03", "Foreign Ministry", "Will not help evade sanctions", "-1", "S000", "would not help", ""),
            ("EV002", "2022-04-01", "2022-04-30", "Akimat", "Parade cancelled", "-1", "S001", "the parade was cancelled", ""),
        ]),
        "defense_budget": _text_table("defense_budget", FIGURE_COLUMNS, [
            ("DB001", "441", "billion KZT", "S004", "441 billion tenge", ""),
        ]),
    })
    new = Snapshot("current", {
        "events": _text_table("events", EVENT_COLUMNS, [
            ("EV001", "2022-03-03", "2022-03-03", "Foreign Ministry", "Will not help evade sanctions", "-2", "S000", "would not help", ""),
            ("EV002", "2022-04-01", "2022-04-10", "Akimat", "Parade cancelled", "-1", "S001", "the parade was cancelled",
             "The parade was cancelled on 9 April."),
            ("EV003", "2022-05-01", "2022-05-31", "Tokayev", "Visit to Moscow", "1", "S003", "Tokayev attended", ""),
        ]),
        "defense_budget": _text_table("defense_budget", FIGURE_COLUMNS, [
            ("DB001", "450", "billion KZT", "S004", "441 billion tenge", ""),
        ]),
    })
    return _diff.compare(old, new)


def test_changes_slide_lists_new_events_changed_figures_and_new_corrections() -> None:
    slide = brief.changes_slide(_changes())
    assert (slide.title, slide.kind) == ("What changed since r1", "text")
    assert slide.bullets == (
        "1 new event, 3 changed rows, 1 new or revised correction (1 row added, 0 removed, 3 changed in all tables).",
        "New event · May 2022 · Visit to Moscow (S003, EV003)",
        "Changed · events EV001: stance −1 → −2",
        "Changed · events EV002: date_to 2022-04-30 → 2022-04-10",
        "Changed · defense_budget DB001: amount 441 → 450",
        "New correction · S001 (EV002): The parade was cancelled on 9 April.",
    )
    assert slide.source_line == "Source: data/releases/r1/ against the current tables in data/ · python -m dashboard diff r1"
    assert slide.notes.splitlines() == [
        "Every change since release r1, with the quotes:",
        "New event EV003, May 2022 — S003 (EV003): “Tokayev attended”",
        "Changed events EV001: stance: “-1” → “-2”",
        "Changed events EV002: date_to: “2022-04-30” → “2022-04-10”",
        "Changed events EV002: correction: “” → “The parade was cancelled on 9 April.”",
        "Changed defense_budget DB001: amount: “441” → “450”",
        "Correction: New correction · S001 (EV002): The parade was cancelled on 9 April.",
    ]


def test_changes_slide_when_nothing_changed() -> None:
    same = _diff.compare(Snapshot("r1", {}), Snapshot("current", {}))
    assert brief.changes_slide(same).bullets == ("Nothing changed in the tables since release r1.",)


def test_brief_since_puts_the_changes_slide_after_the_title(tables, built) -> None:
    with_changes = brief.build_brief(tables, DEFAULT, changes=_changes())
    titles = [s.title for s in with_changes.slides]
    assert titles == [built.slides[0].title, "What changed since r1", *[s.title for s in built.slides[1:]]]
    page = read_deck(deck.to_pptx(with_changes))[1]
    assert page["title"] == "What changed since r1"
    assert page["shapes"]["Body"] == ["\n".join(with_changes.slides[1].bullets)]


def test_changes_since_the_shipped_release_is_empty_on_the_shipped_data() -> None:
    from dashboard import releases

    last = releases.latest(REPO / "data")
    changes = brief.changes_since(last, REPO / "data")
    assert changes.old == last and changes.new == releases.CURRENT
    assert {t.name for t in changes.tables} >= {"events", "sources"}


def test_changes_since_an_unknown_release_is_a_brief_error() -> None:
    with pytest.raises(brief.BriefError, match=r"^no release nope in "):
        brief.changes_since("nope", REPO / "data")


def test_cli_since_an_unknown_release_exits_1_with_one_line(tmp_path) -> None:
    result = _cli("--since", "nope", "-o", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("error: --since nope: no release nope in ")


# --------------------------------------------------------------------------
# accessibility: titles, alt text, reading order, the charts' data


CHART_TYPES = ("Map", "Timeline chart", "Timeline chart of points and interval bars", "Line chart over time", "Bar chart",
               "Bar chart, faceted")


def test_deck_every_slide_has_a_real_title_placeholder(pptx_bytes, built) -> None:
    for page, slide in zip(Presentation(io.BytesIO(pptx_bytes)).slides, built.slides):
        title = page.shapes.title
        assert title is not None and title.is_placeholder, slide.title
        assert title.placeholder_format.type in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
        assert title.text_frame.text == slide.title


def test_deck_chart_pictures_carry_type_and_summary_as_alt_text(pptx_bytes, built, expected) -> None:
    pages = Presentation(io.BytesIO(pptx_bytes)).slides
    for number in expected["chart_slides"]:
        slide, page = built.slides[number - 1], pages[number - 1]
        pictures = [s for s in page.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1
        descr = pictures[0]._element.nvPicPr.cNvPr.get("descr")
        assert slide.chart_type in CHART_TYPES, slide.chart_type
        assert descr == slide.alt_text
        assert descr.startswith(f"{slide.chart_type}: {slide.title}. ")
        assert descr.endswith(slide.summary or " ".join(slide.bullets))
    assert built.slides[expected["chart_slides"][0] - 1].chart_type == "Map"
    stance = next(s for s in built.slides if s.title == "Stance over time")
    assert stance.chart_type == "Timeline chart of points and interval bars"


#: the order a slide's parts are read in: the layout's, top to bottom (the title placeholder first)
READING_ORDER = ["Subtitle", "Chart", "Key facts", "Body", "Summary", "Caveat", "Source", "Slide number"]


def test_deck_reading_order_follows_the_layout(pptx_bytes) -> None:
    for page in Presentation(io.BytesIO(pptx_bytes)).slides:
        shapes = list(page.shapes)
        assert shapes[0].is_placeholder and shapes[0] == page.shapes.title
        names = [s.name for s in shapes if s.name in READING_ORDER]
        assert names == sorted(names, key=READING_ORDER.index), names
        # and on the page: each part starts below (or beside, for the key facts) the one before it
        tops = [s.top for s in shapes if s.name in ("Subtitle", "Chart", "Body", "Summary", "Caveat", "Source")]
        assert tops == sorted(tops)


def test_deck_chart_data_is_in_the_notes_and_in_csv_files(pptx_bytes, built, expected) -> None:
    files = {n: b for n, b in deck.data_csvs(built).items() if not n.endswith("-plain.csv")}  # the cited ones (a plain one beside each)
    assert len(files) == len(expected["chart_slides"])
    pages = read_deck(pptx_bytes)
    for number in expected["chart_slides"]:
        slide = built.slides[number - 1]
        assert len(slide.data) and not {"y", "hit_start", "slot"} & set(slide.data.columns), slide.title
        head = f"Data behind the chart ({len(slide.data)} row{'' if len(slide.data) == 1 else 's'}; columns: {', '.join(slide.data.columns)}):"
        assert head in pages[number - 1]["notes"].splitlines()
        name = next(n for n in files if n.startswith(f"slide-{number:02d}-"))
        text = files[name].decode("utf-8")
        body = [line for line in text.splitlines() if not line.startswith("#")]
        rows = list(csv.DictReader(io.StringIO("\n".join(body))))
        assert len(rows) == len(slide.data) and list(rows[0]) == list(slide.data.columns), name
        assert f"# {slide.alt_text}" in text.splitlines()
    stance = next(s for s in built.slides if s.title == "Stance over time")
    assert {"date_label", "actor", "stance_label", "sources", "quote"} <= set(stance.data.columns)


def test_pdf_names_its_language_and_title_and_describes_each_chart(pdf_bytes, built, expected) -> None:
    reader = PdfReader(io.BytesIO(pdf_bytes))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en" and bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    for number in expected["chart_slides"]:
        notes = [a.get_object().get("/Contents") for a in reader.pages[number - 1]["/Annots"]]
        assert f"Chart description: {built.slides[number - 1].alt_text}" in notes


def test_every_chart_slide_keeps_its_plot_height(built) -> None:
    """As the deck lays a chart out (its box on the slide, vl-convert's SVG): the plot keeps at least a third of the box's
    height. A rotated axis title longer than the plot once made autosize "fit" shrink the stance plot to a strip."""
    import re

    import vl_convert as vlc

    from dashboard.brief import layout as L

    checked = 0
    for slide in built.slides:
        if slide.key not in ("stance", "index") or slide.chart is None:
            continue  # the two charts drawn to fill their box; lane and bar charts are as tall as their rows
        box = L.regions(slide).body
        laid = L.chart_for(slide.chart, box)
        svg = vlc.vegalite_to_svg(L.spec_json(laid))
        # the plot's height: the y axis's domain line (a vertical <line x2="0" y2="-height">)
        heights = [float(h) for h in re.findall(r'role-axis-domain"[^>]*><line [^>]*x2="0" y2="-([\d.]+)"', svg)]
        assert heights, slide.title
        assert max(heights) >= box.h * L.PX_PER_IN / 3, (slide.title, max(heights), box.h * L.PX_PER_IN)
        checked += 1
    assert checked == 2
