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
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from dashboard import data, export, facts, seeds, ui
from dashboard import marks as M
from dashboard.sections import narrative as S_narrative
from dashboard.filters import DEFAULT, Filters, apply
from dashboard.text import unescape

from conftest import REPO, Pkg, _csv, open_app, run_page

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


class _CapturedDownloads(MediaFileManager):
    """AppTest's media manager, keeping the callables of downloads built on click so a test can click them."""

    deferred: dict[str, object] = {}

    def add_deferred(self, callable_, mimetype, coordinates, file_name=None, **kwargs):
        file_id = super().add_deferred(callable_, mimetype, coordinates, file_name=file_name, **kwargs)
        _CapturedDownloads.deferred[file_id] = callable_
        return file_id


@pytest.fixture
def media(monkeypatch) -> dict[str, bytes]:
    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", _CapturedMedia)
    monkeypatch.setattr(app_test_module, "MediaFileManager", _CapturedDownloads)
    _CapturedMedia.files = {}
    _CapturedDownloads.deferred = {}
    return _CapturedMedia.files


def download(at: AppTest, media: dict[str, bytes], label: str) -> str:
    """The file a download button delivers: built now, as a click would (the buttons build their files on click)."""
    button = next(b for b in at.get("download_button") if b.proto.label == label)
    if button.proto.deferred_file_id:
        content = _CapturedDownloads.deferred[button.proto.deferred_file_id]()
        return content.decode("utf-8") if isinstance(content, bytes) else content
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
    return run_page(page, **params)


def chart_frames(at: AppTest, index: int = 0) -> list[pd.DataFrame]:
    element = at.get("vega_lite_chart")[index]
    return [pa.ipc.open_stream(d.data.data).read_pandas() for d in element.proto.datasets]


def stance_keys(at: AppTest) -> list[str]:
    """The keys of the marks the stance chart was given (the dataset with stance labels)."""
    frames = [f for f in chart_frames(at, 0) if "stance_label" in f.columns]
    assert 1 <= len(frames) <= 2  # the marks, and the selection ring when an event is selected
    return max(frames, key=len)["key"].tolist()


def url(at: AppTest) -> dict[str, list[str]]:
    """The query string as the server last set it (AppTest does not play the browser's part: see browser_url)."""
    return {k: v if isinstance(v, list) else [v] for k, v in at.query_params.items()}


def _nodes(node):
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _nodes(child)


def _number(value) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def bound_widgets(at: AppTest) -> dict[str, object]:
    """The widgets bound to a query parameter (``bind="query-params"``), by parameter name."""
    return {n.proto.query_param_key: n for n in _nodes(at._tree)
            if getattr(getattr(n, "proto", None), "query_param_key", "")}


def browser_url(at: AppTest) -> dict[str, list[str]]:
    """The query string the browser holds after the run: the server's parameters, and each bound widget's value as the
    browser writes it (its formatted option, its date, its number), left out at its default.

    In a browser Streamlit's front end rewrites the URL when a bound widget changes; AppTest has no front end, so
    this plays its part from the widgets' protos.
    """
    widgets = bound_widgets(at)
    out = {k: v for k, v in url(at).items() if k not in widgets}
    for key, widget in widgets.items():
        proto, kind = widget.proto, type(widget).__name__
        if kind == "DateInput":
            value = widget.value
            values = [d.isoformat() for d in (value if isinstance(value, (tuple, list)) else [value]) if d is not None]
            default = list(proto.default)
        elif kind == "Multiselect":
            values, default = list(widget.values), [proto.options[i] for i in proto.default]
        elif kind == "ButtonGroup":
            labels = [option.content for option in proto.options]
            values, default = [labels[i] for i in widget.indices], [labels[i] for i in proto.default]
        elif kind in ("Slider", "NumberInput"):
            value = widget.value
            values = [_number(v) for v in (value if isinstance(value, (tuple, list)) else [value])]
            default = [_number(v) for v in proto.default]
        elif kind == "Selectbox":  # written as its formatted option
            values, default = [proto.options[widget.index]] if widget.index is not None else [], [proto.options[i] for i in [proto.default]]
        elif kind == "Pagination":
            values, default = [str(widget.value)], [str(proto.default)]
        else:
            raise AssertionError(f"no browser serialisation for {kind} ({key})")
        if values != default:
            out[key] = values
    return out


def share_link_query(at: AppTest) -> dict[str, list[str]]:
    """The query string of the page's 'Copy link to this view' (its one st.code block)."""
    from urllib.parse import parse_qs, urlsplit

    codes = [c.value for c in at.code]
    assert len(codes) == 1, codes
    return parse_qs(urlsplit(codes[0]).query, keep_blank_values=True)


def expected_url(filters: Filters, shipped) -> dict[str, list[str]]:
    """The filters' query parameters as the bound widgets write them: seeds by their label."""
    titles = dict(zip(shipped["sources"]["source_id"], shipped["sources"]["title"]))
    params = {k: v if isinstance(v, list) else [v] for k, v in filters.to_query_params(DEFAULT).items()}
    if "source" in params:
        params["source"] = [ui.source_label(s, titles) for s in params["source"]]
    return params


# --------------------------------------------------------------------------
# every page


@pytest.mark.parametrize(
    ("page", "params", "title"),
    [
        ("overview", {}, None),  # computed: facts.coverage(...).title (issue 20, F10)
        ("stance", {}, "Stance over time"),
        ("indicators", {"view": "defence"}, "Indicators"),
        ("indicators", {"view": "oil"}, "Indicators"),
        ("indicators", {"view": "sanctions"}, "Indicators"),
        ("indicators", {"view": "sentiment"}, "Indicators"),
        ("sources", {}, "Sources"),
        ("method", {}, "Method"),
    ],
)
def test_page_renders_on_the_shipped_data(shipped, page: str, params: dict, title: str | None) -> None:
    at = open_page(page, **params)
    assert [unescape(t.value) for t in at.title] == [title or facts.coverage(shipped.frames).title]
    assert not at.error, [e.value for e in at.error]
    # every chart has its one-line summary under it
    assert len(at.get("vega_lite_chart")) <= len([c for c in at.caption if c.value.endswith(".")])


# --------------------------------------------------------------------------
# overview


def test_overview_headline_figures_with_both_sides_of_each_conflict(shipped) -> None:
    at = open_page("overview")
    cards = facts.headlines(shipped.frames)
    # data is text: labels and captions are escaped Markdown, read back as the reader sees them
    assert [(unescape(m.label), m.value) for m in at.metric] == [(c.label, c.value) for c in cards]
    assert all(c.value != "not available" for c in cards)  # every table the headlines need loaded
    captions = [unescape(c.value) for c in at.caption]
    for card in cards:
        if card.detail:
            assert card.detail in captions, card.key
    assert sum(c.startswith("**The seeds disagree.**") for c in captions) == sum(bool(c.conflict) for c in cards)
    # each figure's quote is one hover (help) or one click (popover) away
    for metric, card in zip(at.metric, cards):
        for cite in card.citations:
            assert ui._md(cite.quote) in metric.proto.help, (card.key, cite.row_id)
    quotes = [m.value for m in at.markdown if m.value.startswith("> ")]
    border = next(c for c in cards if c.key == "border")
    assert all(any(ui._md(cite.quote) in q for q in quotes) for cite in border.citations)
    found = facts.coverage(shipped.frames)  # the scope line and the census line, not "data as of" (issue 20, F10/F11)
    assert found.scope_line in captions and found.census_line in captions
    assert not any(c.startswith("Data as of") for c in captions)


def test_overview_headlines_read_their_basis_and_scope_from_the_rows(shipped) -> None:
    cards = {c.key: c for c in facts.headlines(shipped.frames)}
    # each CPC figure is given with what it is a share of, and the conflict's reading is shown
    shares = shipped["oil_routes"][shipped["oil_routes"]["conflict_key"] == "cpc_export_share"]
    for row in shares.to_dict("records"):
        assert f"{row['source_id']}: " in cards["cpc"].detail
    # the reading is kept; the disagreement styling (conflict) only when the conflict's kind is "disagreement"
    assert cards["cpc"].reading == facts._reading(shipped.frames, "cpc_export_share")
    assert cards["cpc"].conflict == (cards["cpc"].reading if cards["cpc"].kind == "disagreement" else "")
    # the defence label follows the rows: security-wide when a note or correction says so
    budget = shipped["defense_budget"]
    assert cards["defence"].label == M.defence_label(budget)
    if M.defence_scope(budget)["security_wide"]:
        assert not cards["defence"].label.startswith("Defence budget increase")
        assert cards["defence"].detail.startswith("Not all defence: ")


def test_overview_paragraph_is_generated_from_the_data(shipped) -> None:
    at = open_page("overview")
    paragraph = S_narrative.build(shipped.frames, DEFAULT).extra["paragraph"]
    assert ui._md(paragraph) in [m.value for m in at.markdown]
    marks, _ = M.event_marks(shipped["events"], DEFAULT)
    assert paragraph.startswith(f"In what these five texts (published ")
    assert f"report, there are {len(marks)} acts with a stance score" in paragraph


# --------------------------------------------------------------------------
# stance over time


def _expected_keys(events: pd.DataFrame, filters: Filters) -> list[str]:
    return M.event_marks(events, filters)[0]["key"].tolist()


def _most_told_act(events: pd.DataFrame, filters: Filters = DEFAULT) -> pd.Series:
    """The mark in the view told by the most rows (an act several seeds report, where the data has one)."""
    marks, _ = M.event_marks(events, filters)
    return marks.sort_values(["n_rows", "start", "key"], ascending=[False, True, True], kind="stable").iloc[0]


def _dates(start: dt.date, end: dt.date):
    def change(at: AppTest):
        at.date_input(key="from").set_value(start)
        return at.date_input(key="to").set_value(end)
    return change


@pytest.mark.parametrize(
    ("change", "filters"),
    [
        (_dates(D(2022, 3, 1), D(2022, 6, 30)), Filters(date_from=D(2022, 3, 1), date_to=D(2022, 6, 30))),
        (lambda at: at.multiselect(key="actor").select("Russia government"),
         Filters(date_from=D(2022, 1, 1), actors=("Russia government",))),
        (lambda at: at.multiselect(key="domain").select("security"),
         Filters(date_from=D(2022, 1, 1), domains=("security",))),
        (lambda at: at.slider(key="cred").set_value(1),
         Filters(date_from=D(2022, 1, 1), min_credibility=1)),
        (lambda at: at.multiselect(key="source").select("S004"),
         Filters(date_from=D(2022, 1, 1), sources=("S004",))),
    ],
    ids=["dates", "actors", "domains", "credibility", "sources"],
)
def test_stance_each_filter_changes_what_the_chart_receives_and_the_url(shipped, change, filters: Filters) -> None:
    at = open_page("stance")
    before = stance_keys(at)
    assert before == _expected_keys(shipped["events"], DEFAULT)
    assert browser_url(at) == {} and share_link_query(at) == {}  # the default view: nothing in the URL
    change(at).run()
    assert not at.exception
    after = stance_keys(at)
    expected = _expected_keys(shipped["events"], filters)
    assert after == expected and after != before
    # each filter is bound to its parameter: the URL the browser writes opens the same view in a new session
    link = browser_url(at)
    assert link == expected_url(filters, shipped)
    again = open_page("stance", **link)
    assert stance_keys(again) == expected
    assert share_link_query(again) == link


def test_stance_query_params_restore_filters_and_selection(shipped) -> None:
    events = shipped["events"]
    options = ui.filter_options(events, shipped["sources"])
    marks, _ = M.event_marks(events, DEFAULT)
    inside = marks[(marks["start"].dt.date > options.first) & ((marks["end"] - pd.Timedelta(days=1)).dt.date < options.last)]
    act = inside.sort_values(["n_rows", "key"], ascending=[False, True], kind="stable").iloc[0]
    rows = events[events["id"].isin(act["ids"].split(", "))]
    row = rows.iloc[-1]  # a row of the act, not necessarily the one its mark stands for
    first, last = act["start"].date(), (act["end"] - pd.Timedelta(days=1)).date()
    params = {"from": first.isoformat(), "to": last.isoformat(), "actor": [act["actor"]], "domain": [act["domain"]],
              "source": [row["source_id"]], "event": row["id"]}
    if int(row["credibility"]) < 6:
        params["cred"] = str(int(row["credibility"]))
    at = open_page("stance", **params)  # today's links name a seed by its id
    assert (at.date_input(key="from").value, at.date_input(key="to").value) == (first, last)
    assert at.multiselect(key="actor").value == [act["actor"]]
    assert at.multiselect(key="domain").value == [act["domain"]]
    assert at.multiselect(key="source").value == [row["source_id"]]
    filters = Filters.from_query_params(params, DEFAULT)
    assert at.slider(key="cred").value == filters.min_credibility
    shown, _ = M.event_marks(events, filters)
    assert stance_keys(at) == shown["key"].tolist()
    selected = M.mark_for_row(shown, row["id"])
    assert at.selectbox(key="stance.event").value == selected
    # the selection: its quote, its seed, and a link to the passage
    text = [m.value for m in at.markdown]
    assert any(v.startswith("> ") and ui._md(row["quote"]) in v for v in text)
    assert {(p.proto.label, p.proto.query_string) for p in at.get("page_link")} >= {
        (f"Open {row['source_id']} at {row['id']}", f"seed={row['source_id']}&row={row['id']}")}
    # the ring around the selected mark is in the chart's data
    assert any(list(f["key"]) == [selected] for f in chart_frames(at, 0) if "key" in f.columns)
    # the link is kept, in the form the widgets write it: the seed by its label, the event by its mark
    kept = {k: v if isinstance(v, list) else [v] for k, v in params.items()} | expected_url(filters, shipped) | {"event": [selected]}
    assert url(at) == kept == share_link_query(at)


def test_stance_selecting_an_event_shows_every_row_that_tells_it(shipped) -> None:
    act = _most_told_act(shipped["events"])
    at = open_page("stance")
    at.selectbox(key="stance.event").select(act["key"]).run()
    assert url(at) == {"event": [act["key"]]}  # the picker writes the selection into the URL
    cards = [m.value for m in at.markdown if m.value.startswith("**EV")]
    told = shipped["events"][shipped["events"]["event_key"] == act["event_key"]]
    assert [c.split("**")[1] for c in cards] == told["id"].tolist()  # one mark, every row that tells the act
    assert len(cards) == act["n_rows"]
    assert url(at)["event"] == [act["key"]]


def test_stance_link_to_any_row_of_an_event_selects_its_mark(shipped) -> None:
    act = _most_told_act(shipped["events"])
    other = [i for i in act["ids"].split(", ") if i != act["key"]] or [act["key"]]
    at = open_page("stance", event=other[0])
    assert at.selectbox(key="stance.event").value == act["key"]


def test_stance_filter_that_leaves_nothing_says_so(shipped) -> None:
    events = apply(shipped["events"], DEFAULT)
    pairs = [(a, d) for a in sorted(events["actor"].unique()) for d in sorted(events["domain"].unique())
             if not ((events["actor"] == a) & (events["domain"] == d)).any()]
    assert pairs, "every actor acts in every domain: no empty combination to try"
    actor, domain = pairs[0]
    at = open_page("stance", actor=[actor], domain=[domain])
    assert [i.value for i in at.info] == [
        "No events match these filters. Widen the date range, clear an actor, domain or source, or lower the credibility bar."
    ]
    assert not at.get("vega_lite_chart")


def test_stance_download_is_the_filtered_view_with_its_sources(shipped, media) -> None:
    at = open_page("stance", actor=["Russia government"])
    header, rows = read_csv(download(at, media, "Download these events (CSV)"))
    expected = apply(shipped["events"], Filters(date_from=D(2022, 1, 1), actors=("Russia government",)))
    assert [r["id"] for r in rows] == expected["id"].tolist()
    assert {"source_id", "quote", "date_from", "date_to"} <= set(rows[0])
    assert header[:4] == [
        "# Events (filtered view)",
        "# Filters: dates 2022-01-01 to the end; actors Russia government",
        f"# Texts published up to {export.data_as_of(shipped['sources']).isoformat()} (latest seed publication date); "
        "rows are what these texts report (not a census)",
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
    pkg.write("data/events.csv", pkg.read("data/events.csv") + f'EV003,2022-03-20,2022-03-20,-1,security,S000,"{formula.replace(chr(34), chr(34) * 2)}"\n')
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


def test_chart_downloads_are_the_light_chart_built_on_click(shipped, media) -> None:
    at = open_page("overview")
    buttons = {b.proto.label: b.proto for b in at.get("download_button")}
    assert buttons["PNG"].deferred_file_id and buttons["SVG"].deferred_file_id  # nothing is drawn until a click
    svg = download(at, media, "SVG")
    assert svg.startswith("<svg") and "Russia government" in svg
    png = _CapturedDownloads.deferred[buttons["PNG"].deferred_file_id]()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_data_page_download_is_formula_safe_and_cites_its_sources(shipped, media) -> None:
    at = open_app("data", timeout=90)
    at.run()
    box = at.selectbox[0]
    box.select(next(o for o in box.options if f"(events, {len(shipped['events'])} rows)" in o)).run()
    header, rows = read_csv(download(at, media, "Download events.csv"))
    assert header[0] == f"# {shipped.title('events')}" and len(rows) == len(shipped["events"])
    assert all(not r["quote"].startswith(("=", "+", "-", "@")) for r in rows)


# --------------------------------------------------------------------------
# indicators


def _conflict_metrics(frames, frame: pd.DataFrame) -> list[tuple[str, str]]:
    """The side-by-side figures the page shows as metrics for the conflicts the table takes part in (rows with a figure)."""
    return [(f"{r['source_id']} · {r['table']} ({r['id']})", r["value"] or "—") for r in _conflict_sides(frames, frame) if r["figure"]]


def _conflict_sides(frames, frame: pd.DataFrame) -> list[dict]:
    keys = set(frame["conflict_key"].dropna()) if "conflict_key" in frame.columns else set()
    return [r for c in facts.conflicts(frames) if c["key"] in keys for r in c["rows"].to_dict("records")]


def _view_metrics(shipped, view: str) -> list[tuple[str, str]]:
    if view == "defence":
        f = M.defence_figures(shipped["defense_budget"])
        out = []
        if f["add_kzt"] is not None:
            out.append(("Addition, tenge", f["add_kzt"]["as_stated"]))
        if f["add_usd"] is not None:
            out.append(("Addition, dollars", f["add_usd"]["as_stated"]))
        if f["rate"]:
            out.append(("Implied exchange rate", f"{f['rate']:.1f} ₸/$"))
        if f["stated_ratio"] is not None:
            out.append(("Increase", f["stated_ratio"]["as_stated"]))
        return out
    table = {"oil": "oil_routes", "sanctions": "sanctions_stance", "sentiment": "public_sentiment"}[view]
    return _conflict_metrics(shipped.frames, apply(shipped[table], DEFAULT, keep_undated=True))


@pytest.mark.parametrize("view", ["defence", "oil", "sanctions", "sentiment"])
def test_indicators_views_show_each_figure_and_both_sides_of_conflicts(shipped, view: str) -> None:
    at = open_page("indicators", view=view)
    assert at.get("button_group")[0].value == view
    assert [(unescape(m.label), m.value) for m in at.metric] == _view_metrics(shipped, view)
    if view != "defence":  # a side with no figure (an account) is shown as its wording, not cut into a metric
        table = {"oil": "oil_routes", "sanctions": "sanctions_stance", "sentiment": "public_sentiment"}[view]
        shown = {m.value for m in at.markdown}
        for side in _conflict_sides(shipped.frames, apply(shipped[table], DEFAULT, keep_undated=True)):
            if not side["figure"]:
                assert f"**{ui._md(side['value'])}**" in shown, side["id"]
    assert at.get("vega_lite_chart"), "each view draws at least one chart"
    table = at.dataframe[-1].value
    assert {"source_id", "quote", "passage"} <= set(table.columns)
    assert all(link.startswith("sources?seed=S") and "&row=" in link for link in table["passage"])


def test_indicators_defence_view_says_when_the_addition_is_not_all_defence(shipped) -> None:
    at = open_page("indicators", view="defence")
    scope = M.defence_scope(shipped["defense_budget"])
    warned = [w.value for w in at.warning if "not all defence" in w.value]
    assert bool(warned) == scope["security_wide"]


def test_indicators_filters_change_the_charts_and_restore_from_the_url(shipped) -> None:
    sanctions = shipped["sanctions_stance"]
    before_ids = M.sanctions_frame(apply(sanctions, DEFAULT))["id"].tolist()
    counts = apply(sanctions, DEFAULT)["source_id"].value_counts()
    source = sorted(counts.index, key=lambda s: (counts[s], s))[0]  # the seed with the fewest dated positions
    at = open_page("indicators", view="sanctions")
    frames = lambda: [f for f in chart_frames(at) if "slot" in f.columns][0]["id"].tolist()  # noqa: E731
    assert frames() == before_ids
    at.multiselect(key="source").select(source).run()
    expected = M.sanctions_frame(apply(sanctions, Filters(date_from=D(2022, 1, 1), sources=(source,))))["id"].tolist()
    assert frames() == expected and expected != before_ids
    assert browser_url(at) == {"source": expected_url(Filters(sources=(source,)), shipped)["source"], "view": ["sanctions"]}
    assert open_page("indicators", **browser_url(at)).multiselect(key="source").value == [source]
    again = open_page("indicators", view="sanctions", source=[source], **{"from": ""})  # today's form: from= is all dates
    assert again.multiselect(key="source").value == [source]
    dated = [shipped[n] for n in ("oil_routes", "sanctions_stance", "public_sentiment")]
    first = min(f["date_from"].min() for f in dated).date()
    assert again.date_input(key="from").value == first
    assert url(again)["from"] == [first.isoformat()]
    ids = [f for f in chart_frames(again) if "slot" in f.columns][0]["id"].tolist()
    assert ids == M.sanctions_frame(apply(sanctions, Filters(sources=(source,))))["id"].tolist()


def test_indicators_selected_position_restores_from_the_url(shipped) -> None:
    sanctions = apply(shipped["sanctions_stance"], DEFAULT)
    corrected = sanctions[sanctions["correction"].fillna("").str.strip() != ""]
    row = (corrected if len(corrected) else sanctions).iloc[0]
    at = open_page("indicators", view="sanctions", row=row["id"])
    head = f"**{M.date_label(row['date_from'], row['date_to'])}** · {ui._md(row['actor_detail'])}"
    assert any(m.value.startswith(head) for m in at.markdown)
    assert (f"Open {row['source_id']} at {row['id']}", f"seed={row['source_id']}&row={row['id']}") in {
        (p.proto.label, p.proto.query_string) for p in at.get("page_link")}
    if len(corrected):
        assert any(w.value == f"Correction: {ui._md(row['correction'])}" for w in at.warning)
    assert url(at) == {"view": ["sanctions"], "row": [row["id"]]}


def test_indicators_selecting_a_shared_act_shows_every_row_that_tells_it(shipped) -> None:
    sanctions = apply(shipped["sanctions_stance"], DEFAULT)
    marks = M.sanctions_frame(sanctions)
    act = marks.sort_values(["n_rows", "id"], ascending=[False, True], kind="stable").iloc[0]
    at = open_page("indicators", view="sanctions", row=act["id"])
    shown = [m.value for m in at.markdown]
    for record in sanctions[sanctions["id"].isin(act["ids"].split(", "))].to_dict("records"):
        head = (f"**{M.date_label(record['date_from'], record['date_to'])}** · {ui._md(record['actor_detail'])} · "
                f"{record['issue']}: {ui._md(record['position'])}")
        assert head in shown, record["id"]


# --------------------------------------------------------------------------
# sources


def test_sources_page_lists_every_seed(shipped) -> None:
    at = open_page("sources")
    picker = bound_widgets(at)["seed"]
    titles = dict(zip(shipped["sources"]["source_id"], shipped["sources"]["title"]))
    # the picker shows each seed's title, not its bare id
    assert list(picker.proto.options) == [ui.source_label(s, titles) for s in shipped["sources"]["source_id"]]
    assert all(" · " in o for o in picker.proto.options)
    assert picker.value == shipped["sources"]["source_id"].iloc[0]


def test_sources_link_restores_the_seed_and_highlights_the_row(shipped) -> None:
    row = shipped["events"].iloc[0]
    seed, rid = row["source_id"], row["id"]
    at = open_page("sources", seed=seed, row=rid)
    assert bound_widgets(at)["seed"].value == seed
    assert any(m.value.startswith(f"**Selected: {rid}** (events)") for m in at.markdown)
    html = "".join(h.proto.body for h in at.get("html"))
    assert f'<span class="qa" id="q-{rid}"></span><mark class="q cur"' in html
    assert f'<div class="row cur" id="row-{rid}"><a href="#q-{rid}"' in html
    assert "scrollIntoView" in html
    default = shipped["sources"]["source_id"].iloc[0]  # the first seed, the picker's default, is left out of the URL
    assert url(at) == {"row": [rid]} | ({"seed": [seed]} if seed != default else {}) == share_link_query(at)


def test_sources_another_seed_drops_the_row(shipped) -> None:
    row = shipped["events"].iloc[0]
    other = next(s for s in shipped["sources"]["source_id"] if s != row["source_id"])
    at = open_page("sources", seed=row["source_id"], row=row["id"])
    bound_widgets(at)["seed"].set_value(other).run()
    assert not any(m.value.startswith("**Selected:") for m in at.markdown)
    titles = dict(zip(shipped["sources"]["source_id"], shipped["sources"]["title"]))
    assert "row" not in url(at) and browser_url(at) == {"seed": [ui.source_label(other, titles)]}


def test_every_quote_is_highlighted_in_its_seed(shipped) -> None:
    for record in shipped["sources"].to_dict("records"):
        text = seeds.read_seed(REPO / "seeds", record["file"])
        rows = seeds.citing_rows(shipped.frames, record["source_id"])
        html, missing = seeds.highlight(text, zip(rows["id"], rows["quote"]))
        assert missing == [] and len(rows) > 0, record["source_id"]
        assert all(f'id="q-{rid}"' in html for rid in rows["id"])
        assert not any(d[:4].isdigit() and d[4:5] == "-" for d in rows["date"])  # a label, never a raw ISO date


# --------------------------------------------------------------------------
# method (docs are tested: every table and column of datapackage.json appears)


def test_method_page_documents_every_table_and_column(shipped) -> None:
    at = open_page("method", tab="tables")
    package = json.loads((REPO / "data" / "datapackage.json").read_text(encoding="utf-8"))
    headers = [s.value for s in at.header]
    field_tables = [d.value for d in at.dataframe if list(d.value.columns) == ["name", "type", "description", "constraints"]]
    for resource in package["resources"]:
        assert f"{resource.get('title') or resource['name']} ({resource['name']})" in [unescape(h) for h in headers]
        names = [f["name"] for f in resource["schema"]["fields"]]
        assert names in [t["name"].tolist() for t in field_tables], resource["name"]
        descriptions = {f["name"]: f.get("description", "") for f in resource["schema"]["fields"]}
        table = next(t for t in field_tables if t["name"].tolist() == names)
        assert dict(zip(table["name"], table["description"])) == descriptions


def test_method_page_lists_conflicts_corrections_and_the_codebook(shipped) -> None:
    assert "## The stance score" in "\n".join(m.value for m in open_page("method").markdown)  # the codebook, one level down
    at = open_page("method", tab="conflicts")
    text = "\n".join(m.value for m in at.markdown)
    for key in shipped["conflicts"]["conflict_key"]:
        assert f"`{key}`" in text
    corrections = next(d.value for d in at.dataframe if "correction" in d.value.columns and "passage" in d.value.columns)
    assert corrections["id"].tolist() == facts.corrections(shipped.frames)["id"].tolist()
    assert len(corrections) > 0


@pytest.mark.parametrize("tab", ["codebook", "grades", "rules", "reliability", "conflicts", "tables"])
def test_method_builds_only_the_open_tab(shipped, tab: str) -> None:
    """The tabs are lazy: a closed tab's tables, conflicts and codebook are not built."""
    at = open_page("method", tab=tab)
    markdown = "\n".join(m.value for m in at.markdown)
    columns = [list(d.value.columns) for d in at.dataframe]
    built = {
        "codebook": "## The stance score" in markdown,
        "grades": ["grade", "meaning"] in columns,
        "rules": ["name", "description", "tables", "fields"] in columns,
        "reliability": "How reliably the codebook is applied" in [h.value for h in at.subheader],
        "conflicts": any("`" + k + "`" in markdown for k in shipped["conflicts"]["conflict_key"]),
        "tables": ["name", "type", "description", "constraints"] in columns,
    }
    assert built == {name: name == tab for name in built}


def test_method_page_shows_every_declared_rule_and_every_act(shipped) -> None:
    """The rules and the acts come from data/datapackage.json and data/acts.csv, restated nowhere in code."""
    at = open_page("method", tab="rules")
    package = json.loads((REPO / "data" / "datapackage.json").read_text(encoding="utf-8"))
    rules = next(d.value for d in at.dataframe if list(d.value.columns) == ["name", "description", "tables", "fields"])
    assert rules["name"].tolist() == [rule["name"] for rule in package["rules"]]
    assert rules["description"].tolist() == [rule["description"] for rule in package["rules"]]
    assert [tables.split(", ") for tables in rules["tables"]] == [rule["resources"] for rule in package["rules"]]
    for rule, fields in zip(package["rules"], rules["fields"]):
        named = [rule[k] for k in ("field", "other", "group", "by") if k in rule] + rule.get("fields", [])
        assert set(named) <= set(fields.split(", ")), rule["name"]
    with (REPO / "data" / "acts.csv").open(encoding="utf-8", newline="") as handle:
        declared_acts = list(csv.DictReader(handle))
    acts = next(d.value for d in at.dataframe if {"act", "scores"} <= set(d.value.columns))
    assert acts["act"].tolist() == [row["act"] for row in declared_acts]
    for column in ("label", "scores", "definition", "example"):
        assert acts[column].fillna("").tolist() == [row[column] for row in declared_acts], column
    assert "Acts and the scores they allow" in [s.value for s in at.header]


CODING_HEADER = ["item", "table", "act", "actor", "domain", "stance", "credibility", "date_from", "date_to"]


@pytest.fixture
def coded(tmp_path: Path, monkeypatch) -> Path:
    """A copy of the shipped data whose data/coding/ holds a sample of three events rows, a first coding that differs
    from the tables on one act, and a second coding, made here."""
    shutil.copytree(REPO / "data", tmp_path / "data", ignore=shutil.ignore_patterns("coding"))
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    folder = tmp_path / "data" / "coding"
    folder.mkdir()
    with (REPO / "data" / "events.csv").open(encoding="utf-8", newline="") as handle:
        scored = [r for r in csv.DictReader(handle) if r["stance"].strip()]
    # three scored events, the first two of different acts (the first coding differs on the first one's act)
    events = [scored[0], next(r for r in scored if r["act"] != scored[0]["act"]), scored[-1]]
    rows = [[f"B{i}", "events", r["act"], r["actor"], r["domain"], r["stance"], r["credibility"], r["date_from"], r["date_to"]]
            for i, r in enumerate(events, start=1)]
    pkg = Pkg(tmp_path)
    pkg.write("data/coding/sample.csv", _csv([["item", "table", "id"], *[[f"B{i}", "events", r["id"]] for i, r in enumerate(events, 1)]]))
    pkg.write("data/coding/second.csv", _csv([[*CODING_HEADER, "note"], *[[*r, "a note"] for r in rows]]))
    first = [list(r) for r in rows]
    first[0][2] = next(r["act"] for r in events if r["act"] != first[0][2])
    pkg.write("data/coding/first.csv", _csv([CODING_HEADER, *first]))
    pkg.write("data/coding/coders.csv", _csv([["coding", "coder", "coded_on", "blinding", "note"],
                                              ["first", "the curators", "2026-11-30", "coded before the sample", ""],
                                              ["second", "a *second* coder <b>", "2026-12-02", "saw the quotes only", ""]]))
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path / "data"))
    monkeypatch.delenv(data.SEEDS_ENV, raising=False)
    return tmp_path / "data"


def test_method_page_shows_the_coding_reliability(coded: Path) -> None:
    from dashboard import agreement
    from dashboard.views import method as _method

    figures = agreement.summary(coded)
    at = open_page("method", tab="reliability")
    table = next(d.value for d in at.dataframe if list(d.value.columns) == _method.RELIABILITY_COLUMNS)
    assert table["field"].tolist() == list(agreement.LEVELS)
    assert table["alpha after"].tolist() == [f"{f['alpha']:.3f}" if f["alpha"] is not None else "n/a" for f in figures["after"]["fields"]]
    assert table["alpha before"].tolist() == [f"{f['alpha']:.3f}" if f["alpha"] is not None else "n/a" for f in figures["before"]["fields"]]
    assert table["items after"].tolist() == [3] * 6
    act = table.set_index("field").loc["act"]
    assert (act["alpha after"], act["verdict after"]) == ("1.000", "reliable")
    assert act["verdict before"] == agreement.verdict(figures["before"]["fields"][1]["alpha"]) != "reliable"
    text = "\n".join(m.value for m in at.markdown)
    assert "a sample of **3** rows blind, on 2026\\-12\\-02." in text
    coders = next(d.value for d in at.dataframe if "blinding" in d.value.columns)
    assert coders["coder"].tolist() == ["the curators", "a *second* coder <b>"]  # data as plain cells, never markup
    assert [c.value for c in at.caption if c.value.startswith("Dates")] == [ui._md(
        "Dates, before: the intervals overlap in 3 of 3 items (1.000) and match exactly in 3 (1.000). "
        "After: the intervals overlap in 3 of 3 items (1.000) and match exactly in 3 (1.000).")]


def test_method_page_says_so_when_there_is_no_second_coding(coded: Path) -> None:
    (coded / "coding" / "second.csv").unlink()
    at = open_page("method", tab="reliability")
    assert [i.value for i in at.info] == ["No second coding in data/coding/ yet, so the coding's reliability is not measured."]


def test_method_page_names_a_bad_coding_by_file_row_and_field(coded: Path) -> None:
    pkg = Pkg(coded.parent)
    pkg.set_cell("data/coding/second.csv", "B2", "stance", "5")
    at = open_page("method", tab="reliability")
    assert "The codings in data/coding/ cannot be read:\n\n" + ui._md(
        f'{coded}/coding/second.csv:3:stance: "5" is not a stance (-2, -1, 0, 1, 2)') in [e.value for e in at.error]


@pytest.mark.parametrize("tab", ["tables", "rules"])
def test_method_tab_lives_in_the_url(shipped, tab: str) -> None:
    """Today's links name the tab by its key; the tabs are bound to ``tab`` by label, so the link is kept in that form."""
    from dashboard.views import method as _method

    at = open_page("method", tab=tab)
    assert url(at) == {"tab": [_method.TABS[tab]]} == share_link_query(at)
    again = open_page("method", tab=_method.TABS[tab])
    assert [d.value.columns.tolist() for d in again.dataframe] == [d.value.columns.tolist() for d in at.dataframe]


# --------------------------------------------------------------------------
# a table that fails validation


@pytest.fixture
def broken(tmp_path: Path, monkeypatch):
    """A copy of the shipped data with two broken tables: events (an impossible date) and oil_routes (a kind not allowed)."""
    shutil.copytree(REPO / "data", tmp_path / "data")
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    pkg = Pkg(tmp_path)
    first_event = pkg.rows("data/events.csv")[1][0]
    pkg.set_cell("data/events.csv", first_event, "date_from", "2022-04-31")
    first_route = pkg.rows("data/oil_routes.csv")[1][0]
    pkg.set_cell("data/oil_routes.csv", first_route, "kind", "export quota")
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path / "data"))
    monkeypatch.delenv(data.SEEDS_ENV, raising=False)


@pytest.mark.parametrize("page", ["overview", "stance", "indicators", "sources", "method"])
def test_broken_tables_show_the_error_panel_and_the_page_still_renders(broken, page: str) -> None:
    at = open_page(page, view="oil") if page == "indicators" else open_page(page)
    assert len(at.error) == 1
    panel = at.error[0].value
    assert panel.startswith("**2 tables failed validation and are not shown:** data/events.csv, data/oil\\_routes.csv.")
    assert "data/events.csv:2:date_from:" in panel and "data/oil_routes.csv:2:kind:" in panel
    if page == "overview":
        values = {unescape(m.label): m.value for m in at.metric}
        assert values["Oil exports through the CPC"] == "not available"
        assert values["Kazakhstan–Russia border"] != "not available"
        assert "The events table did not pass validation, so there is no timeline." in [i.value for i in at.info]
    elif page == "stance":
        assert [i.value for i in at.info] == ["The events table did not pass validation, so there is no stance chart to draw."]
    elif page == "indicators":
        assert any("oil_routes table did not pass validation" in i.value for i in at.info)
    elif page == "sources":
        assert at.get("html"), "the seed text still shows, highlighted from the tables that loaded"
    elif page == "method":
        assert len(open_page("method", tab="tables").header) > 10


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


def test_chart_datasets_are_the_arrow_bytes_streamlit_would_send() -> None:
    """ui.arrow_bytes converts a chart's records as Streamlit's own conversion does (the browser gets the same bytes),
    and a column of mixed types goes as text."""
    from streamlit import dataframe_util

    records = [{"date": 1646092800000, "actor": "Tokayev", "stance": -1, "label": "a, b", "value": 1.5, "note": None},
               {"date": 1648771200000, "actor": "Lavrov", "stance": 2, "label": "", "value": None, "note": "x"}]
    assert ui.arrow_bytes(records) == dataframe_util.convert_anything_to_arrow_bytes(records)
    mixed = pa.ipc.open_stream(ui.arrow_bytes([{"v": 1}, {"v": "two"}, {"v": None}])).read_all()
    assert mixed.column("v").to_pylist() == ["1", "two", None]
    assert ui.arrow_datasets({"datasets": {"d": records, "empty": []}})["datasets"] == {"d": ui.arrow_bytes(records), "empty": []}


def test_tables_built_by_hand_are_versioned_by_their_content() -> None:
    """ui.version keys what is derived from the tables: the files' fingerprint for tables the app read, the content
    for tables built by hand (never the object's id, which a new object may reuse)."""
    def built(value: str, text: str = "text") -> data.Tables:
        return data.Tables(frames={"sources": pd.DataFrame({"source_id": ["S001"], "title": [value]})}, seed_texts={"S001": text})

    first = ui.version(built("A"))
    assert len(first) == 16
    assert ui.version(built("A")) == first
    assert ui.version(built("B")) != first
    assert ui.version(built("A", "another text")) != first
    loaded = ui.tables()  # outside an app: as read, with the files' fingerprint as its version
    assert ui.version(loaded) == loaded._version


def test_links_between_pages_name_the_page_they_open(shipped) -> None:
    """A link to another page (st.page_link with the app's st.Page) opens that page's URL: Overview -> Stance over
    time, and each quote's link -> Sources at its row."""
    links = [(p.proto.page, p.proto.label, p.proto.query_string) for p in open_page("overview").get("page_link")]
    assert ("stance", "Explore, filter and select events on the Stance over time page", "") in links
    quotes = [link for link in links if link[0] != "stance"]
    assert quotes and all(page == "sources" and label.startswith("Open ") and query.startswith("seed=")
                          for page, label, query in quotes)


@pytest.mark.parametrize("page", ["overview", "stance"])
def test_the_data_behind_a_chart_lists_its_rows(page) -> None:
    """The chart's "Data behind the chart" table reads the rows the page sent (as Arrow bytes) back: never empty for a
    chart that draws marks (a regression once read the Arrow bytes as no rows)."""
    at = open_app(page, timeout=120)
    at.run()
    assert not at.exception
    assert "This chart draws no rows." not in [c.value for c in at.caption]
    assert any(len(frame.value) for frame in at.dataframe)


def test_a_corrected_conflict_side_is_never_quoted_as_stated() -> None:
    """A corrected row of a conflict shows the record's wording, never inside "As stated: “…”" (which promises the
    seed's own words)."""
    at = open_app("indicators", timeout=120)
    at.query_params["view"] = "sentiment"
    at.run()
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert any(c.startswith("The record: ") for c in captions)
    assert not [c for c in captions if c.startswith("As stated:") and "(corrected)" in c]
