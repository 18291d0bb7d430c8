"""The analyst's pages, run headless with AppTest: content, filters, URL state, downloads, broken tables."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import shutil
from pathlib import Path, PurePosixPath

import pandas as pd
import pyarrow as pa
import pytest
import streamlit.testing.v1.app_test as app_test_module
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from dashboard import charts, data, facts, seeds, ui
from dashboard.filters import DEFAULT, Filters, apply

from conftest import REPO, Pkg

APP = str(REPO / "dashboard" / "app.py")
D = dt.date


# --------------------------------------------------------------------------
# helpers


class _CapturedMedia(MemoryMediaFileStorage):
    """AppTest's in-memory media store, keeping a copy of every file so a test can read a download."""

    files: dict[str, bytes] = {}

    def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):
        file_id = super().load_and_get_id(path_or_data, mimetype, kind, filename)
        _CapturedMedia.files[file_id] = self.get_file(file_id).content
        return file_id


@pytest.fixture
def media(monkeypatch) -> dict[str, bytes]:
    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", _CapturedMedia)
    _CapturedMedia.files = {}
    return _CapturedMedia.files


def download(at: AppTest, media: dict[str, bytes], label: str) -> str:
    button = next(b for b in at.get("download_button") if b.proto.label == label)
    return media[PurePosixPath(button.proto.url).stem].decode("utf-8")


def read_csv(text: str) -> tuple[list[str], list[dict[str, str]]]:
    lines = text.splitlines()
    header = [line for line in lines if line.startswith("#")]
    assert lines[: len(header)] == header, "comment lines come first"
    return header, list(csv.DictReader(io.StringIO("\n".join(lines[len(header) :]))))


@pytest.fixture
def shipped(monkeypatch):
    """The app on the repository's own data/ and seeds/."""
    monkeypatch.delenv(data.DATA_ENV, raising=False)
    monkeypatch.delenv(data.SEEDS_ENV, raising=False)
    return data.load_tables()


def open_page(page: str, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.switch_page(f"views/{page}.py")
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def chart_frames(at: AppTest, index: int = 0) -> list[pd.DataFrame]:
    element = at.get("vega_lite_chart")[index]
    return [pa.ipc.open_stream(d.data.data).read_pandas() for d in element.proto.datasets]


def stance_keys(at: AppTest) -> list[str]:
    """The keys of the marks the stance chart was given (the dataset with stance labels)."""
    frames = [f for f in chart_frames(at, 0) if "stance_label" in f.columns]
    assert 1 <= len(frames) <= 2  # the marks, and the selection ring when an event is selected
    return max(frames, key=len)["key"].tolist()


def url(at: AppTest) -> dict[str, list[str]]:
    return {k: v if isinstance(v, list) else [v] for k, v in at.query_params.items()}


# --------------------------------------------------------------------------
# every page


@pytest.mark.parametrize(
    ("page", "params", "title"),
    [
        ("overview", {}, "Kazakhstan and Russia since 2022"),
        ("stance", {}, "Stance over time"),
        ("indicators", {"view": "defence"}, "Indicators"),
        ("indicators", {"view": "oil"}, "Indicators"),
        ("indicators", {"view": "sanctions"}, "Indicators"),
        ("indicators", {"view": "sentiment"}, "Indicators"),
        ("sources", {}, "Sources"),
        ("method", {}, "Method"),
    ],
)
def test_page_renders_on_the_shipped_data(shipped, page: str, params: dict, title: str) -> None:
    at = open_page(page, **params)
    assert [t.value for t in at.title] == [title]
    assert not at.error, [e.value for e in at.error]
    # every chart has its one-line summary under it
    assert len(at.get("vega_lite_chart")) <= len([c for c in at.caption if c.value.endswith(".")])


# --------------------------------------------------------------------------
# overview


def test_overview_headline_figures_with_both_sides_of_each_conflict(shipped) -> None:
    at = open_page("overview")
    assert [(m.label, m.value) for m in at.metric] == [
        ("Kazakhstan–Russia border", "7,500 km"),
        ("Oil exports through the CPC", "80% vs about 75%"),
        ("Defence budget increase, 2022", "+₸441bn · +$918m"),
        ("Deaths in the January 2022 unrest", ">200 vs 238"),
        ("Public holding the Russian view of the war", "At least a third"),
        ("CSTO deployment, January 2022", "2,000-plus troops"),
    ]
    captions = [c.value for c in at.caption]
    assert "S000: “80% of Kazakh oil” · S001: “About 75% of Kazakhstan’s oil exports to the west”" in captions
    assert "S000: “more than 200 people” · S002: “238 people” · S002: “238 protesters” (corrected: see the Method page)" in captions
    assert sum(c.startswith("**The seeds disagree.**") for c in captions) == 2
    # each figure's quote is one hover (help) or one click (popover) away
    cpc = at.metric[1].proto.help
    assert "through which 80% of Kazakh oil had been loaded" in cpc and "About 75% of Kazakhstan’s oil exports" in cpc
    quotes = [m.value for m in at.markdown if m.value.startswith("> ")]
    assert any("a 7,500 km common border leaves no chance" in q for q in quotes)
    assert "Data as of 31 December 2022 (the latest publication date any seed supports)." in captions


def test_overview_paragraph_is_generated_from_the_data(shipped) -> None:
    at = open_page("overview")
    expected = ui._md(facts.narrative(shipped["events"], DEFAULT))
    assert expected in [m.value for m in at.markdown]
    assert expected.startswith("The seeds record 47 scored events")


# --------------------------------------------------------------------------
# stance over time


def _expected_keys(events: pd.DataFrame, filters: Filters) -> list[str]:
    return charts.event_marks(events, filters)[0]["key"].tolist()


@pytest.mark.parametrize(
    ("change", "filters"),
    [
        (lambda at: at.date_input(key="stance.dates").set_value((D(2022, 3, 1), D(2022, 6, 30))),
         Filters(date_from=D(2022, 3, 1), date_to=D(2022, 6, 30))),
        (lambda at: at.multiselect(key="stance.actors").select("Russia government"),
         Filters(date_from=D(2022, 1, 1), actors=("Russia government",))),
        (lambda at: at.multiselect(key="stance.domains").select("security"),
         Filters(date_from=D(2022, 1, 1), domains=("security",))),
        (lambda at: at.select_slider(key="stance.cred").set_value(1),
         Filters(date_from=D(2022, 1, 1), min_credibility=1)),
        (lambda at: at.multiselect(key="stance.sources").select("S004"),
         Filters(date_from=D(2022, 1, 1), sources=("S004",))),
    ],
    ids=["dates", "actors", "domains", "credibility", "sources"],
)
def test_stance_each_filter_changes_what_the_chart_receives_and_the_url(shipped, change, filters: Filters) -> None:
    at = open_page("stance")
    before = stance_keys(at)
    assert before == _expected_keys(shipped["events"], DEFAULT)
    change(at).run()
    assert not at.exception
    after = stance_keys(at)
    assert after == _expected_keys(shipped["events"], filters)
    assert after != before and len(after) < len(before)
    assert url(at) == {k: v if isinstance(v, list) else [v] for k, v in filters.to_query_params(DEFAULT).items()}


def test_stance_query_params_restore_filters_and_selection(shipped) -> None:
    params = {"from": "2022-03-01", "to": "2022-06-30", "actor": ["Kazakhstan government"], "domain": ["diplomatic"],
              "cred": "2", "source": ["S000"], "event": "EV049"}
    at = open_page("stance", **params)
    assert at.date_input(key="stance.dates").value == (D(2022, 3, 1), D(2022, 6, 30))
    assert at.multiselect(key="stance.actors").value == ["Kazakhstan government"]
    assert at.multiselect(key="stance.domains").value == ["diplomatic"]
    assert at.select_slider(key="stance.cred").value == 2
    assert at.multiselect(key="stance.sources").value == ["S000"]
    assert at.selectbox(key="stance.event").value == "EV049"
    filters = Filters(date_from=D(2022, 3, 1), date_to=D(2022, 6, 30), actors=("Kazakhstan government",),
                      domains=("diplomatic",), min_credibility=2, sources=("S000",))
    assert stance_keys(at) == _expected_keys(shipped["events"], filters) == ["EV037", "EV049", "EV050", "EV047", "EV048"]
    # the selection: its quote, its seed, and a link to the passage
    text = [m.value for m in at.markdown]
    assert any(v.startswith("> ") and "international investigation" in v for v in text)
    assert {(p.proto.label, p.proto.query_string) for p in at.get("page_link")} >= {("Open S000 at EV049", "seed=S000&row=EV049")}
    # the ring around the selected mark is in the chart's data
    assert any(list(f["key"]) == ["EV049"] for f in chart_frames(at, 0) if "key" in f.columns)
    assert url(at) == {k: v if isinstance(v, list) else [v] for k, v in params.items()}


def test_stance_selecting_an_event_shows_every_row_that_tells_it(shipped) -> None:
    at = open_page("stance")
    at.selectbox(key="stance.event").select("EV043").run()
    cards = [m.value for m in at.markdown if m.value.startswith("**EV0")]
    assert [c.split("**")[1] for c in cards] == ["EV043", "EV044"]  # S001 and S000 tell the Suleimenov interview
    assert url(at)["event"] == ["EV043"]


def test_stance_link_to_any_row_of_an_event_selects_its_mark(shipped) -> None:
    at = open_page("stance", event="EV044")
    assert at.selectbox(key="stance.event").value == "EV043"


def test_stance_filter_that_leaves_nothing_says_so(shipped) -> None:
    at = open_page("stance", actor=["China"], domain=["energy"])
    assert [i.value for i in at.info] == [
        "No events match these filters. Widen the date range, clear an actor, domain or source, or lower the credibility bar."
    ]
    assert not at.get("vega_lite_chart")


def test_stance_download_is_the_filtered_view_with_its_sources(shipped, media) -> None:
    at = open_page("stance", actor=["Russia government"])
    header, rows = read_csv(download(at, media, "Download these events (CSV)"))
    expected = apply(shipped["events"], Filters(date_from=D(2022, 1, 1), actors=("Russia government",)))
    assert [r["id"] for r in rows] == expected["id"].tolist()
    assert {"source_id", "quote"} <= set(rows[0])
    assert header[:4] == [
        "# Events (filtered view)",
        "# Filters: dates 2022-01-01 to the end; actors Russia government",
        "# Data as of 2022-12-31 (latest seed publication date)",
        f"# {len(expected)} rows; source_id names the seed and quote is its verbatim passage",
    ]
    cited = sorted(set(expected["source_id"]))
    assert [h.split(":")[0].removeprefix("# ") for h in header[5:]] == cited


def test_download_neutralises_formula_cells(monkeypatch, pkg: Pkg, media) -> None:
    """A quote that a spreadsheet would run as a formula is downloaded as text."""
    formula = '=HYPERLINK("http://example.com","x")'
    seed = pkg.read("seeds/000_aaaaaaaaaaaaaaaa.txt") + f"{formula} was in the text.\n"
    pkg.write("seeds/000_aaaaaaaaaaaaaaaa.txt", seed)
    pkg.set_cell("seeds/provenance.csv", "S000", "sha256", hashlib.sha256(seed.encode()).hexdigest())
    pkg.write("data/events.csv", pkg.read("data/events.csv") + f'EV003,2022-03-20,-1,security,S000,"{formula.replace(chr(34), chr(34) * 2)}"\n')
    monkeypatch.setenv(data.DATA_ENV, str(pkg.data))
    monkeypatch.delenv(data.SEEDS_ENV, raising=False)
    at = open_page("stance")
    assert not at.error, [e.value for e in at.error]
    _, rows = read_csv(download(at, media, "Download these events (CSV)"))
    assert [(r["id"], r["stance"], r["quote"]) for r in rows] == [
        ("EV001", "-1", "Kazakhstan would not help Russia circumvent sanctions"),  # a negative number stays a number
        ("EV002", "", "the parade was cancelled"),
        ("EV003", "-1", "'" + formula),
    ]


def test_data_page_download_is_formula_safe_and_cites_its_sources(shipped, media) -> None:
    at = AppTest.from_file(APP, default_timeout=90)
    at.switch_page("views/data.py")
    at.run()
    at.selectbox[0].select_index(2).run()  # events
    header, rows = read_csv(download(at, media, "Download events.csv"))
    assert header[0] == "# Dated events and statements" and len(rows) == len(shipped["events"])
    assert all(not r["quote"].startswith(("=", "+", "-", "@")) for r in rows)


# --------------------------------------------------------------------------
# indicators


@pytest.mark.parametrize(
    ("view", "metrics"),
    [
        ("defence", [("Addition, tenge", "441 billion tenge"), ("Addition, dollars", "$918 million"),
                     ("Implied exchange rate", "480.4 ₸/$"), ("Increase", "nearly 1.5-fold")]),
        ("oil", [("S000 · oil_routes (OR001)", "80%"), ("S001 · oil_routes (OR002)", "about 75%")]),
        ("sanctions", []),
        ("sentiment", [("S000 · public_sentiment (PS003)", "nearly 2,000 people"),
                       ("S001 · public_sentiment (PS004)", "Thousands of protesters")]),
    ],
)
def test_indicators_views_show_each_figure_and_both_sides_of_conflicts(shipped, view: str, metrics: list) -> None:
    at = open_page("indicators", view=view)
    assert at.get("button_group")[0].value == view
    assert [(m.label, m.value) for m in at.metric] == metrics
    assert at.get("vega_lite_chart"), "each view draws at least one chart"
    table = at.dataframe[-1].value
    assert {"source_id", "quote", "passage"} <= set(table.columns)
    assert all(link.startswith("sources?seed=S00") and "&row=" in link for link in table["passage"])


def test_indicators_filters_change_the_charts_and_restore_from_the_url(shipped) -> None:
    at = open_page("indicators", view="sanctions")
    before = [f for f in chart_frames(at) if "slot" in f.columns][0]["id"].tolist()
    at.multiselect(key="indicators.sources").select("S001").run()
    after = [f for f in chart_frames(at) if "slot" in f.columns][0]["id"].tolist()
    assert after == ["SS008", "SS009", "SS010", "SS011", "SS020"] and after != before
    assert url(at) == {"source": ["S001"], "view": ["sanctions"]}
    again = open_page("indicators", view="sanctions", source=["S001"], **{"from": ""})
    assert again.multiselect(key="indicators.sources").value == ["S001"]
    assert again.date_input(key="indicators.dates").value[0] == D(2005, 1, 1)  # from= : all dates
    ids = [f for f in chart_frames(again) if "slot" in f.columns][0]["id"].tolist()
    assert ids == ["SS008", "SS009", "SS010", "SS011", "SS020"]  # S001 has no earlier dated position


def test_indicators_selected_position_restores_from_the_url(shipped) -> None:
    at = open_page("indicators", view="sanctions", row="SS015")
    assert any(m.value.startswith("**7 Apr 2022** · Government of Kazakhstan") for m in at.markdown)
    assert ("Open S000 at SS015", "seed=S000&row=SS015") in {(p.proto.label, p.proto.query_string) for p in at.get("page_link")}
    assert any(w.value.startswith("Correction: The vote (resolution ES-11/3") for w in at.warning)
    assert url(at) == {"view": ["sanctions"], "row": ["SS015"]}


# --------------------------------------------------------------------------
# sources


def test_sources_page_lists_every_seed(shipped) -> None:
    at = open_page("sources")
    box = at.selectbox(key="sources.seed")
    assert [o.split(" · ")[0] for o in box.options] == shipped["sources"]["source_id"].tolist()


def test_sources_link_restores_the_seed_and_highlights_the_row(shipped) -> None:
    at = open_page("sources", seed="S001", row="EV043")
    assert at.selectbox(key="sources.seed").value == "S001"
    assert any(m.value.startswith("**Selected: EV043** (events)") for m in at.markdown)
    html = "".join(h.proto.body for h in at.get("html"))
    assert '<span class="qa" id="q-EV043"></span><mark class="q cur"' in html
    assert '<div class="row cur" id="row-EV043"><a href="#q-EV043"' in html
    assert "scrollIntoView" in html
    assert url(at) == {"seed": ["S001"], "row": ["EV043"]}


@pytest.mark.parametrize("source_id", ["S000", "S001", "S002", "S003", "S004"])
def test_every_quote_is_highlighted_in_its_seed(shipped, source_id: str) -> None:
    record = shipped["sources"].set_index("source_id").loc[source_id]
    text = seeds.read_seed(REPO / "seeds", record["file"])
    rows = seeds.citing_rows(shipped.frames, source_id)
    html, missing = seeds.highlight(text, zip(rows["id"], rows["quote"]))
    assert missing == [] and len(rows) > 0
    assert all(f'id="q-{rid}"' in html for rid in rows["id"])


# --------------------------------------------------------------------------
# method (docs are tested: every table and column of datapackage.json appears)


def test_method_page_documents_every_table_and_column(shipped) -> None:
    at = open_page("method")
    package = json.loads((REPO / "data" / "datapackage.json").read_text(encoding="utf-8"))
    headers = [s.value for s in at.subheader]
    field_tables = [d.value for d in at.dataframe if list(d.value.columns) == ["name", "type", "description", "constraints"]]
    for resource in package["resources"]:
        assert f"{resource.get('title') or resource['name']} (`{resource['name']}`)" in headers
        names = [f["name"] for f in resource["schema"]["fields"]]
        assert names in [t["name"].tolist() for t in field_tables], resource["name"]
        descriptions = {f["name"]: f.get("description", "") for f in resource["schema"]["fields"]}
        table = next(t for t in field_tables if t["name"].tolist() == names)
        assert dict(zip(table["name"], table["description"])) == descriptions


def test_method_page_lists_conflicts_corrections_and_the_codebook(shipped) -> None:
    at = open_page("method")
    text = "\n".join(m.value for m in at.markdown)
    for key in shipped["conflicts"]["conflict_key"]:
        assert f"`{key}`" in text
    assert "## The stance score" in text  # the codebook, one heading level down
    corrections = next(d.value for d in at.dataframe if "correction" in d.value.columns and "passage" in d.value.columns)
    assert corrections["id"].tolist() == facts.corrections(shipped.frames)["id"].tolist()
    assert len(corrections) == 12


def test_method_tab_lives_in_the_url(shipped) -> None:
    at = open_page("method", tab="tables")
    assert url(at) == {"tab": ["tables"]}


# --------------------------------------------------------------------------
# a table that fails validation


@pytest.fixture
def broken(tmp_path: Path, monkeypatch):
    """A copy of the shipped data with two broken tables: events and oil_routes."""
    shutil.copytree(REPO / "data", tmp_path / "data")
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    events = (tmp_path / "data" / "events.csv").read_text(encoding="utf-8")
    (tmp_path / "data" / "events.csv").write_text(events.replace("EV044,suleimenov_interview_2022,2022-04-01", "EV044,suleimenov_interview_2022,2022-04-31", 1), encoding="utf-8")
    oil = (tmp_path / "data" / "oil_routes.csv").read_text(encoding="utf-8")
    (tmp_path / "data" / "oil_routes.csv").write_text(oil.replace("OR001,CPC,export share", "OR001,CPC,export quota", 1), encoding="utf-8")
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path / "data"))
    monkeypatch.delenv(data.SEEDS_ENV, raising=False)


@pytest.mark.parametrize("page", ["overview", "stance", "indicators", "sources", "method"])
def test_broken_tables_show_the_error_panel_and_the_page_still_renders(broken, page: str) -> None:
    at = open_page(page, view="oil") if page == "indicators" else open_page(page)
    assert len(at.error) == 1
    panel = at.error[0].value
    assert panel.startswith("**2 tables failed validation and are not shown:** data/events.csv, data/oil_routes.csv.")
    assert "data/events.csv:45:date:" in panel and "data/oil_routes.csv:2:kind:" in panel
    if page == "overview":
        values = {m.label: m.value for m in at.metric}
        assert values["Oil exports through the CPC"] == "not available"
        assert values["Kazakhstan–Russia border"] == "7,500 km"
        assert "The events table did not pass validation, so there is no timeline." in [i.value for i in at.info]
    elif page == "stance":
        assert [i.value for i in at.info] == ["The events table did not pass validation, so there is no stance chart to draw."]
    elif page == "indicators":
        assert any("oil_routes table did not pass validation" in i.value for i in at.info)
    elif page == "sources":
        assert at.get("html"), "the seed text still shows, highlighted from the tables that loaded"
    elif page == "method":
        assert len(at.subheader) > 10


@pytest.mark.parametrize(
    ("state", "values"),
    [
        ({"selection": {"event": [{"key": "EV060"}]}}, ["EV060"]),  # a point selection: a list of the fields' values
        ({"selection": {"event": {"key": ["EV060", "EV061"]}}}, ["EV060", "EV061"]),
        ({"selection": {"event": {}}}, []),  # nothing selected
        ({"selection": {"other": [{"key": "x"}]}}, []),
        (None, []),
    ],
)
def test_chart_selection_values(state, values: list[str]) -> None:
    assert ui.selection_values(state, "event", "key") == values
