"""Ready for the room (issue 21): data is text, topic briefings, exports that carry their source, safe links, the map's
labels and keyboard path, the Changes page, and chart text contrast. Behaviour on small fixtures written here; the
shipped data only for invariants. The browser half (every page at projector size) is tests/test_browser_room.py."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from dashboard import brief, charts, data, export, maps, text
from dashboard.brief import deck, topics as T
from dashboard.filters import DEFAULT

from conftest import REPO, open_app

APP = str(REPO / "dashboard" / "app.py")
AS_OF = dt.date(2022, 12, 31)

#: every kind of markup a seed's text could hold: LaTeX, emphasis, a link, HTML, a carriage return, code, a directive
HOSTILE = "Rate $1.7 billion … ₸/$ **bold** [x](http://evil.example) <img src=x onerror=alert(1)> a\rb `tick` :red[c] 1. www.e.com"


# --------------------------------------------------------------------------
# data is text: one helper


@pytest.mark.parametrize("value", [HOSTILE, "$x$", "**", "[x](http://e.com)", "<img src=x>", "a\r\nb", "``", "-1", "#", "&amp;"])
def test_md_shows_exactly_the_characters_of_the_data(value: str) -> None:
    shown = text.md(value)
    assert text.unescape(shown) == text.plain(value)
    assert "\r" not in shown and "\n" not in shown
    # no markup character is left unescaped
    assert not re.search(r"(?<!\\)[`*_{}\[\]()#+\-!|<>~$:&=^@]", shown), shown


def test_plain_and_links() -> None:
    assert text.plain(" a\r\n\tb ") == "a b" and text.plain(None) == "" and text.plain(float("nan")) == ""
    assert text.md_lines("a*\r\nb_") == "a\\*  \nb\\_"
    assert text.safe_url("https://www.rferl.org/a/1.html") == "https://www.rferl.org/a/1.html"
    for bad in ("javascript:alert(1)", "http://", "ftp://x.org", "https://x.org/<a>", "https://x .org", "data:text/html,x"):
        assert text.safe_url(bad) is None, bad
    assert text.link("a [b]", "javascript:alert(1)") == "a \\[b\\]"
    assert text.link("t", "https://x.org/p(1)") == "[t](<https://x.org/p%281%29>)"


def _every_element() -> None:
    """An app that puts HOSTILE through each element kind the pages use, by the pages' own helpers."""

    import pandas as pd
    import streamlit as st

    from dashboard import ui
    from dashboard.brief.model import Figure, Slide
    from dashboard.views import changes as _changes, present as _present, sources as _sources
    from dashboard import diff

    h = st.session_state["hostile"]
    ui.source_link = lambda *a, **k: None  # a page link needs the app's navigation, which this bare script has not
    sources = pd.DataFrame([{"source_id": "S001", "title": h, "reliability": "B"}])
    row = {"id": "EV001", "source_id": "S001", "quote": h, "correction": h}
    ui.quote_card(row, sources, key="q")  # markdown, block quote, warning, page link
    conflict = {"subject": h, "key": "k", "reading": h, "reference": h, "reference_source": h,
                "rows": pd.DataFrame([{"source_id": "S001", "table": "t", "id": "EV001", "figure": h, "value": h, "quote": h,
                                       "date": h, "correction": ""}])}
    ui.conflict_block(conflict, sources, key="c")  # metric label, value, help (tooltip), captions
    st.metric(ui.md(h), ui.plain(h), help=ui.citation_help([type("C", (), {"source_id": "S001", "row_id": "EV001", "quote": h})()]))
    ui.table(pd.DataFrame([{"id": "EV001", "source_id": "S001", "quote": h}]))

    class Loaded:  # the problem panel reads these
        problems = {"events": ["x"]}
        paths = {"events": "data/events.csv"}
        all_problems = [f"data/events.csv:2:quote: {h}"]
    ui.problem_panel(Loaded())
    change = diff.RowChange(kind="removed", key=("EV002",), row={"id": "EV002", "source_id": "S001", "quote": h, "summary": h})
    table = diff.TableChanges(name="events", title=h, key=("id",), removed=(change,))
    _changes.show_table(table, sources)  # the Changes page
    slide = Slide(title=h, kind="figures", subtitle=h, figures=(Figure(h, h, h),), bullets=(h,), summary=h, caveat=h,
                  source_line=h, notes=h + "\n" + h)
    _present.show(slide, 2, lambda: {}, lambda: b"")  # the Present page
    st.markdown(_sources.original({"outlet": h, "url": "javascript:alert(1)"}))  # the Sources page


def test_every_element_kind_shows_data_as_text() -> None:
    at = AppTest.from_function(_every_element, default_timeout=60)
    at.session_state["hostile"] = HOSTILE
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    escaped, seen = text.md(HOSTILE), text.plain(HOSTILE)
    markdown = [m.value for m in at.markdown] + [c.value for c in at.caption] + [w.value for w in at.warning] + \
        [e.value for e in at.error] + [t.value for t in at.title] + [h.value for h in at.header]
    # each markdown-read element that shows the data shows it escaped: never its raw form
    assert sum(escaped in m for m in markdown) >= 12, markdown
    raw = re.compile(r"(?<!\\)(\$1|\*\*bold|\[x\]|<img|`tick|:red)")  # any of the data's markup left unescaped
    fenced = re.compile(r"(`{3,})text\n.*?\n\1", re.S)  # a code block shows its text as typed: not markup
    assert not [m for m in markdown if raw.search(fenced.sub("", m))]
    metrics = list(at.metric)
    assert metrics and all(m.value == seen for m in metrics) and any(m.label == escaped for m in metrics)
    assert [escaped in m.proto.help for m in metrics if m.proto.help] == [True, True]  # tooltips
    assert not [m.label for m in metrics if raw.search(m.label)]
    # the problem panel's lines: in a fenced code block whose fence no backtick run in them can close
    panel = next(e.value for e in at.error if "failed validation" in e.value)
    assert f"```text\ndata/events.csv:2:quote: {seen}\n```" in panel
    frames = [d.value for d in at.dataframe]
    assert any((f.get("quote") == HOSTILE).any() for f in frames if "quote" in f)  # a table cell is plain text already
    # a link's target only when it is an http(s) address
    assert any("not an http(s) address, so not linked" in m for m in markdown)
    assert not any("](javascript" in m for m in markdown)


# --------------------------------------------------------------------------
# topic briefings


def _catalogue(tmp_path: Path, **changes) -> T.Catalogue:
    raw = json.loads(T.PATH.read_text(encoding="utf-8"))
    raw.update(changes)
    path = tmp_path / "topics.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return T.load(path)


def test_topics_file_is_checked_line_by_line(tmp_path) -> None:
    raw = json.loads(T.PATH.read_text(encoding="utf-8"))
    raw["slides"][2]["priority"] = -1
    raw["topics"][0]["slides"].append("nonsense")
    raw["topics"][1]["slides"].append("title")
    raw["budgets"] = [0]
    path = tmp_path / "topics.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(T.TopicsError) as caught:
        T.load(path)
    assert str(caught.value).splitlines() == [
        f"{path}:slides[2]:priority: -1 is not a whole number from 0",
        f"{path}:slides:key: slide 'not_covered' has no priority",
        f"{path}:topics[0]:slides: 'nonsense' is not a slide of the deck",
        f"{path}:topics[1]:slides: 'title' is fixed (every deck has it when asked): do not list it",
        f"{path}:budgets:-: [0] is not a list of slide counts from 1",
    ]
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(T.TopicsError, match=r"bad.json:0:-: cannot be read"):
        T.load(tmp_path / "bad.json")


def test_the_shipped_topics_file_loads() -> None:
    catalogue = T.load()
    assert set(catalogue.priority) == set(brief.SLIDE_KEYS) and {"title", "changes"} <= catalogue.fixed
    assert catalogue.budgets and all(t.slides for t in catalogue.topics.values())


def test_budget_keeps_the_fixed_slides_then_the_lowest_priority_in_deck_order(tmp_path) -> None:
    catalogue = T.load()
    keys = ["title", "changes", "figures", "map", "stance", "moved", "sanctions", "corrections", "sources"]
    priorities = {k: catalogue.priority[k] for k in keys}
    kept = [keys[i] for i in T.keep(keys, catalogue, 5)]
    assert kept[:2] == ["title", "changes"] and len(kept) == 5
    dropped = set(keys) - set(kept)
    assert max(priorities[k] for k in kept if k not in catalogue.fixed) <= min(priorities[k] for k in dropped)
    assert kept == [k for k in keys if k in kept]  # deck order
    assert T.keep(keys, catalogue, None) == list(range(len(keys)))
    with pytest.raises(T.TopicsError, match=r"--max-slides 1: the deck needs at least 2 \(title, changes\)"):
        T.keep(keys, catalogue, 1)


def test_corrections_ranked_and_duplicates_merged() -> None:
    catalogue = T.load()
    rows = pd.DataFrame([
        {"table": "events", "id": "EV2", "source_id": "S1", "quote": "q", "correction": "The name is Suleimenov.", "corrects": ""},
        {"table": "events", "id": "EV1", "source_id": "S0", "quote": "q", "correction": "It was signed on 10 May 2022 (El.kz).", "corrects": ""},
        {"table": "sanctions_stance", "id": "SS1", "source_id": "S0", "quote": "q", "correction": "It was signed on 10 May 2022 (El.kz).", "corrects": ""},
        {"table": "events", "id": "EV3", "source_id": "S2", "quote": "q", "correction": "Wrong capital named.", "corrects": "scope"},
        {"table": "events", "id": "EV4", "source_id": "S2", "quote": "q", "correction": "Wrong vote.", "corrects": "act; wording"},
    ])
    ranked = T.rank_corrections(rows, catalogue)
    assert ranked["ids"].tolist() == ["EV4", "EV1, SS1", "EV3", "EV2"]
    assert ranked["tables"].tolist()[1] == "events, sanctions_stance" and ranked["rows"].tolist() == [1, 2, 1, 1]


def test_file_names_say_topics_filters_and_period() -> None:
    period = (dt.date(2022, 1, 1), AS_OF)
    assert T.file_stem(("sanctions",), {}, period) == "brief_sanctions_2022-01-01_to_2022-12-31"
    assert T.file_stem(("sanctions", "oil"), {"actor": ["Russia government"], "cred": "3", "from": "2022-03-01"}, period) == \
        "brief_sanctions-oil_actor-russia-government_cred-3_2022-01-01_to_2022-12-31"
    assert T.file_stem((), {"source": ["S001 · Ukraine conflict"]}, (None, None)) == "brief_all-topics_source-s001_start_to_undated"
    long = T.file_stem((), {"actor": [f"Actor number {i}" for i in range(20)]}, period)
    assert len(long) <= 150 and re.search(r"-[0-9a-f]{8}_2022-01-01_to_2022-12-31$", long)


@pytest.fixture(scope="module")
def tables():
    return data.load_tables(REPO / "data")


@pytest.mark.shipped_data
def test_sanctions_briefing_on_the_shipped_data(tables) -> None:
    built = brief.build_brief(tables, DEFAULT, topics=("sanctions",), max_slides=6)
    catalogue = T.load()
    assert 1 < len(built.slides) <= 6 and built.slides[0].key == "title"
    assert all(s.key in catalogue.topic("sanctions").slides or s.key in catalogue.fixed for s in built.slides)
    assert any(s.key == "sanctions" for s in built.slides)
    assert [s.key for s in built.slides].count("corrections") <= 1
    assert "Topics: Sanctions" in built.slides[0].bullets[1]  # after the scope line
    if not any(s.key == "map" for s in built.slides):  # no map drawn: no map geography among the sources
        assert not any(b.startswith("Map geography:") for s in built.slides for b in s.bullets)
    assert built.stem.startswith("brief_sanctions_")
    stance = next((s for s in built.slides if s.key == "stance"), None)
    if stance is not None:  # the topic's events only
        assert "domains sanctions" in stance.source_line
    with_appendix = brief.build_brief(tables, DEFAULT, topics=("sanctions",), max_slides=6, appendix=True)
    assert [s.title for s in with_appendix.slides][: len(built.slides)] == [s.title for s in built.slides]
    assert all(s.key == "appendix" and s.title.startswith("Appendix: corrections") for s in with_appendix.slides[len(built.slides):])


def test_cli_topic_briefing_is_one_command(tmp_path) -> None:
    result = subprocess.run([sys.executable, "-m", "dashboard", "brief", "--topic", "sanctions", "--max-slides", "6", "-o", str(tmp_path) + "/"],
                            cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert re.fullmatch(rf"{re.escape(str(tmp_path))}/brief_sanctions_\d{{4}}-\d\d-\d\d_to_\d{{4}}-\d\d\.pptx: [1-6] slides? "
                        r"\(topics sanctions; .*\)", first), first
    bad = subprocess.run([sys.executable, "-m", "dashboard", "brief", "--topic", "weather"], cwd=REPO, capture_output=True,
                         text=True, timeout=300)
    assert bad.returncode == 1 and bad.stderr.splitlines() == [
        "error: unknown topic 'weather' (one of: sanctions, oil, defence, sentiment, diplomacy)"]


# --------------------------------------------------------------------------
# exports that carry their source


def _chart():
    frame = pd.DataFrame({"date": pd.to_datetime(["2022-03-01", "2022-04-01"]), "value": [1, 2], "source_id": ["S001", "S002"]})
    return charts.Spec({"title": {"text": "A test chart", "subtitle": "its subtitle"}, "data": {"name": "rows"},
                        "datasets": {"rows": json.loads(frame.to_json(orient="records", date_format="iso"))},
                        "mark": "point", "encoding": {"x": {"field": "date", "type": "temporal"}, "y": {"field": "value", "type": "quantitative"}}})


def _bottom_band_has_text(png: bytes) -> bool:
    """Dark pixels (text) in the picture's bottom 8%: where the source line and the date are drawn."""
    image = Image.open(io.BytesIO(png)).convert("L")
    w, h = image.size
    band = image.crop((0, int(h * 0.92), w, h))
    return sum(1 for p in band.tobytes() if p < 110) > 200


def test_chart_png_and_svg_carry_title_source_and_date() -> None:
    line = export.source_line(_chart(), ["events"])
    assert line == "Source: data/events.csv · seeds S001, S002"
    png = export.sourced_png(_chart(), line, AS_OF)
    image = Image.open(io.BytesIO(png))
    assert image.text == {"Title": "A test chart", "Source": line, "Creation Time": "2022-12-31"}
    assert _bottom_band_has_text(png)
    svg = export.sourced_svg(_chart(), line, AS_OF).decode()
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert texts[0] == "A test chart" and texts[1] == "its subtitle"
    assert texts[-2:] == [line, "Texts published up to 2022-12-31 (the latest publication date any seed supports)"]
    # the texts are XML-escaped: a hostile title stays text
    hostile = export.framed_svg('<svg width="10" height="10"></svg>', "<script>x</script> & co", "s", None)
    assert "<script>" not in hostile and "&lt;script&gt;x&lt;/script&gt; &amp;" in hostile


@pytest.mark.shipped_data
def test_deck_pictures_carry_their_source(tables) -> None:
    built = brief.build_brief(tables, DEFAULT, topics=("sanctions",), max_slides=6)
    pictures = deck.slide_pngs(built)
    assert pictures
    for index, png in pictures.items():
        slide = built.slides[index]
        fields = Image.open(io.BytesIO(png)).text
        assert fields["Source"] == text.plain(slide.source_line) and fields["Title"] == text.plain(slide.title)
        assert fields["Creation Time"] == built.as_of.isoformat()
        assert _bottom_band_has_text(png)


@pytest.mark.shipped_data
def test_the_decks_csvs_come_plain_too(tables) -> None:
    built = brief.build_brief(tables, DEFAULT, topics=("sanctions",), max_slides=6)
    files = deck.data_csvs(built)
    cited = sorted(n for n in files if not n.endswith("-plain.csv"))
    assert cited and sorted(n for n in files if n.endswith("-plain.csv")) == [n[:-4] + "-plain.csv" for n in cited]
    for name in cited:
        assert files[name].startswith(b"# ")
        plain = list(csv.reader(io.StringIO(files[name[:-4] + "-plain.csv"].decode())))
        assert plain[0][-2:] == ["source", "data_as_of"] and not plain[0][0].startswith("#")
        assert all(row[-1] == built.as_of.isoformat() for row in plain[1:])


def test_plain_csv_has_its_header_on_the_first_row() -> None:
    sources = pd.DataFrame([{"source_id": "S001", "title": "A title, with a comma", "published_from": pd.Timestamp("2022-04-01"),
                             "published_to": pd.Timestamp("2022-04-30"), "reliability": "B", "file": "001.txt"}])
    frame = pd.DataFrame([{"id": "EV1", "source_id": "S001", "quote": "=1+1", "date_from": pd.Timestamp("2022-04-02")}])
    plain = export.plain_csv(frame, sources, AS_OF).decode()
    rows = list(csv.reader(io.StringIO(plain)))
    assert rows[0] == ["id", "source_id", "quote", "date_from", "citation"]
    assert rows[1] == ["EV1", "S001", "'=1+1", "2022-04-02",
                       "S001: A title, with a comma; published 2022-04-01 to 2022-04-30; reliability B; file seeds/001.txt; texts published up to 2022-12-31"]
    assert pd.read_csv(io.StringIO(plain)).columns.tolist() == rows[0]
    cited = export.safe_csv(frame, sources, AS_OF, title="t").decode()
    assert cited.startswith("# t\n")  # the cited CSV keeps its # lines


@pytest.mark.shipped_data
def test_map_png_carries_its_caption_and_sources(tables) -> None:
    from dashboard.views import map as _map

    png = _map.map_png.__wrapped__("v", tables, AS_OF) if hasattr(_map.map_png, "__wrapped__") else _map.map_png("v", tables, AS_OF)
    fields = Image.open(io.BytesIO(png)).text
    assert fields["Source"] == _map.SOURCE and fields["Title"] == "Map: export routes and the border"
    assert _bottom_band_has_text(png)


# --------------------------------------------------------------------------
# the map: labels without collisions, a keyboard path


def test_labels_that_would_collide_move_or_are_left_out() -> None:
    points = [("Alpha", 58.0, 48.0), ("Beta", 58.0, 48.0), ("Gamma", 58.0, 48.0), ("Delta", 58.0, 48.0), ("Epsilon", 58.0, 48.0)]
    assert maps.place_labels(points) == [(0, -18, "middle"), (0, 18, "middle"), (12, 0, "start"), (-12, 0, "end"), None]
    assert maps.place_labels([("Far", 30.0, 40.0), ("Away", 90.0, 60.0)]) == [(0, -18, "middle"), (0, -18, "middle")]


@pytest.mark.shipped_data
def test_every_drawn_object_is_in_the_keyboard_picker(tables) -> None:
    from dashboard import geo

    border = geo.load_border()
    keys = [k for k, _ in maps.pickable_objects(tables.frames, border)]
    drawn = {str(k) for frame in maps.map_objects(tables.frames, border).values() for k in frame["key"]}
    assert set(keys) == drawn and len(keys) == len(set(keys))


# --------------------------------------------------------------------------
# safe links


def _stance(**params) -> AppTest:
    at = open_app("stance", timeout=90)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize(("params", "notice", "kept"), [
    ({"from": "2022-09-01", "to": "2022-03-01"}, "The link's From (2022-09-01) is after its To (2022-03-01), so the two dates are swapped.",
     {"from": "2022-03-01", "to": "2022-09-01"}),
    ({"actor": "Nobody"}, "The link's actor 'Nobody' is not in the data, so it is ignored.", {}),
    ({"cred": "9"}, "The link's cred=9 is not a credibility grade from 1 to 6, so it is ignored.", {}),
    ({"from": "garbage"}, "The link's from=garbage is not a date (YYYY-MM-DD), so it is ignored.", {}),
])
def test_a_bad_link_gets_one_notice_and_falls_back(params, notice, kept) -> None:
    at = _stance(**params)
    assert [text.unescape(w.value) for w in at.warning] == [notice]
    assert {k: v for k, v in at.query_params.items()} == kept
    assert len(at.error) == 0 and at.get("vega_lite_chart")
    summary = [c.value for c in at.caption if "Filters on:" in text.unescape(c.value) or "No filter" in c.value]
    assert summary  # which filters are on, above the chart


# --------------------------------------------------------------------------
# accessibility: chart text contrast


def _luminance(colour: str) -> float:
    rgb = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_axis_and_legend_text_is_aa_in_both_themes() -> None:
    import tomllib

    theme = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["theme"]
    light = charts.THEME["config"]
    for part in ("axis", "legend", "header"):
        for key in ("labelColor", "titleColor"):
            assert _contrast(light[part][key], theme["light"]["backgroundColor"]) >= 4.5, (part, key)
    dark = charts.for_dark(_chart()).spec["config"]
    for part in ("axis", "legend", "header"):
        for key in ("labelColor", "titleColor"):
            assert _contrast(dark[part][key], theme["dark"]["backgroundColor"]) >= 4.5, (part, key)


def test_chart_alt_text_reads_as_sentences() -> None:
    from dashboard import ui

    spec = _chart().to_dict()
    assert ui.alt_text(spec, "Two points, one a month apart.") == "Timeline chart: A test chart. Two points, one a month apart."
