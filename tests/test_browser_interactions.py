"""What a person does in the browser: change a filter, share and open a link, download a file, click the map, step through slides."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import numpy as np
import pytest
from PIL import Image

from browser import REPO, app_pages, colour_counts, open_page, rerun, wait_charts_drawn, wait_done
from dashboard import charts, data, export, maps
from dashboard.filters import Filters

pytestmark = pytest.mark.browser


def _rows(name: str) -> list[dict[str, str]]:
    with (REPO / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _deep_links() -> list[tuple[str, str, str]]:
    """(path and query, text the restored view shows, the query the page keeps), with rows picked from the shipped data,
    not fixed curated ids. Today's links name a seed filter by its id and a Method tab by its key; the widgets bound
    to those parameters write them by their labels, so the page keeps them in that form."""
    from dashboard import ui
    from dashboard.views import method as _method

    event = next(r for r in _rows("events") if r["actor"] == "Russia government" and r["stance"] and r["date_from"] >= "2022-03-01")
    seed = sorted({r["source_id"] for r in _rows("sanctions_stance") if r["date_from"] >= "2022-01-01"})[0]
    titles = {r["source_id"]: r["title"] for r in _rows_at(REPO / "seeds" / "provenance.csv")}
    claim = _rows("statehood_rhetoric")[0]
    stance = f"stance?from=2022-03-01&actor=Russia+government&event={event['id']}"
    sources = f"sources?seed={claim['source_id']}&row={claim['id']}"
    return [
        (stance, event["summary"][:40], stance),
        (f"indicators?view=sanctions&source={seed}", "Who said what",
         "indicators?" + urlencode({"view": "sanctions", "source": ui.source_label(seed, titles)})),
        ("indicators?view=defence", "Implied exchange rate", "indicators"),  # the default view: left out
        # the seed picker shows titles: a link's seed=S001 is rewritten to its label
        (sources, f"Selected: {claim['id']}", "sources?" + urlencode({"seed": ui.source_label(claim["source_id"], titles), "row": claim["id"]})),
        ("method?tab=tables", "Seed provenance", "method?" + urlencode({"tab": _method.TABS["tables"]})),
        ("map?object=border", maps.BORDER, "map?object=border"),
    ]


def _rows_at(path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


#: each opened cold, in a new session, from the link alone
DEEP_LINKS = _deep_links()


def symbol_marks(page, index: int = 0) -> int:
    """How many point marks (not legend symbols) the index-th chart draws, once the count has settled (the same on two
    polls 200 ms apart: under load Vega may still be adding marks after the chart's first paint)."""
    page.wait_for_function(
        """(i) => { const chart = document.querySelectorAll('[data-testid="stVegaLiteChart"]')[i];
                    const n = chart ? chart.querySelectorAll('g.mark-symbol.role-mark > path').length : 0;
                    const settled = n > 0 && window.__symbolMarks === n; window.__symbolMarks = n; return settled; }""",
        arg=index, polling=200)
    return page.evaluate(
        """(i) => document.querySelectorAll('[data-testid="stVegaLiteChart"]')[i]
                     .querySelectorAll('g.mark-symbol.role-mark > path').length""",
        index,
    )


def captions(page) -> list[str]:
    """The page's captions, without the one-line filter summary above each chart (its icon reads "filter_alt")."""
    return [c for c in page.get_by_test_id("stCaptionContainer").all_inner_texts() if not c.startswith("filter_alt")]


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def share_link(page) -> str:
    """The URL in the page's 'Copy link to this view' popover."""
    page.get_by_role("button", name=re.compile("Copy link to this view")).first.click()
    code = page.get_by_test_id("stCode").last
    code.wait_for(state="visible")
    link = code.inner_text().strip()
    page.keyboard.press("Escape")
    return link


def view_state(page) -> dict:
    """What a person sees of the stance view: the filters, the selected event, the chart, the summaries."""
    return {
        "dates": [i.input_value() for i in page.get_by_test_id("stDateInput").locator("input").all()],
        "actors": page.get_by_test_id("stMultiSelect").filter(has_text="Actors").inner_text(),
        "event": page.get_by_test_id("stSelectbox").filter(has_text="Event").locator("input").input_value(),
        "marks": symbol_marks(page, 0),
        "summaries": captions(page),
    }


def pick(page, widget: str, label: str, search: str, option: str | re.Pattern) -> None:
    """In the select widget labelled ``label``, type ``search`` and choose ``option``; wait for the rerun."""
    box = page.get_by_test_id(widget).filter(has_text=label)
    box.click()
    page.keyboard.type(search)
    rerun(page, lambda: page.get_by_role("option", name=option).first.click())
    page.keyboard.press("Escape")
    wait_done(page)


def test_changing_a_filter_changes_the_chart(page, app_server) -> None:
    open_page(page, f"{app_server.url}/stance")
    wait_charts_drawn(page)
    before = symbol_marks(page), captions(page)[0]
    pick(page, "stMultiSelect", "Actors", "Russia gov", re.compile(r"^Russia government$"))
    page.wait_for_url(re.compile(r"[?&]actor=Russia\+government"))
    wait_charts_drawn(page)
    after = symbol_marks(page), captions(page)[0]
    assert after[0] < before[0], (before, after)
    events = data.load_tables(REPO / "data")["events"]
    expected = charts.stance_summary(events, Filters(date_from=dt.date(2022, 1, 1), actors=("Russia government",)))
    assert after[1] != before[1] and after[1] == expected, after
    assert page.recorder.errors() == []


def test_a_shared_link_restores_the_filters_and_the_selection(page, chromium, app_server) -> None:
    open_page(page, f"{app_server.url}/stance")
    pick(page, "stMultiSelect", "Actors", "Russia gov", re.compile(r"^Russia government$"))
    summary = next(r for r in _rows("events") if r["actor"] == "Russia government" and r["stance"]
                   and r["date_from"] >= "2022-01-01")["summary"]
    pick(page, "stSelectbox", "Event", summary[:14], re.compile(re.escape(summary[:30])))
    page.wait_for_url(re.compile(r"[?&]event="))
    wait_charts_drawn(page)
    shown = view_state(page)
    assert "Russia government" in shown["actors"] and summary[:30] in shown["event"]
    link = page.url

    # someone else opens the link: a new browser context, so a new Streamlit session
    other = chromium.new_context(viewport=page.viewport_size).new_page()
    try:
        open_page(other, link)
        wait_charts_drawn(other)
        assert view_state(other) == shown
        assert query(other.url) == query(link)
        # the selected event's rows and quotes are shown under the chart, not only named in the picker
        summary = shown["event"].split(" · ", 2)[2]
        assert summary in other.locator('[data-testid="stMain"]').inner_text()
    finally:
        other.context.close()


@pytest.mark.parametrize(("link", "proof", "kept"), DEEP_LINKS, ids=[link.split("?")[0] + "-" + link.split("?")[1][:20] for link, _, _ in DEEP_LINKS])
def test_deep_link_opens_the_view(page, app_server, link: str, proof: str, kept: str) -> None:
    open_page(page, f"{app_server.url}/{link}")
    wait_charts_drawn(page)
    assert proof in page.locator("body").inner_text()
    assert page.get_by_test_id("stException").count() == 0
    # the page keeps the link's state in the URL, and Copy link gives that URL
    assert urlsplit(page.url).path == f"/{kept.split('?')[0]}"
    assert query(page.url) == query(f"/{kept}")
    assert query(share_link(page)) == query(page.url)
    assert page.recorder.errors() == [] and page.recorder.offsite() == []


@pytest.mark.parametrize(("path", "param", "shown"), [("stance?actor=Russia+government", "event", "Selected event"),
                                                      ("indicators?view=sanctions", "row", "Open S")])
def test_clicking_a_chart_mark_selects_it(page, app_server, path: str, param: str, shown: str) -> None:
    """The charts are sent as Vega-Lite specs; a click on a mark still comes back as the selection, into the URL."""
    open_page(page, f"{app_server.url}/{path}")
    wait_charts_drawn(page)
    mark = page.get_by_test_id("stVegaLiteChart").first.locator("g.mark-symbol.role-mark > path").first
    mark.scroll_into_view_if_needed()
    box = mark.bounding_box()
    rerun(page, lambda: page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2))
    page.wait_for_url(re.compile(rf"[?&]{param}=\w+"))
    wait_done(page)
    picked = query(page.url)[param][0]
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert shown in main and picked in main
    assert query(share_link(page)) == query(page.url)
    assert page.get_by_test_id("stException").count() == 0 and page.recorder.errors() == []


def test_csv_download_delivers_the_table_with_its_sources(page, app_server) -> None:
    open_page(page, f"{app_server.url}/data")
    with page.expect_download() as download:
        page.get_by_test_id("stDownloadButton").filter(has_text="Download sources.csv").click()
    delivered = download.value
    assert delivered.suggested_filename == "sources.csv"
    with open(delivered.path(), "rb") as handle:
        content = handle.read()
    tables = data.load_tables(REPO / "data")
    expected = export.safe_csv(tables["sources"], tables["sources"], export.data_as_of(tables["sources"]), title=tables.title("sources"))
    assert content == expected
    as_of = export.data_as_of(tables["sources"]).isoformat()
    assert content.startswith(f"# {tables.title('sources')}\n# Texts published up to {as_of}".encode())


def test_chart_download_delivers_an_svg(page, app_server) -> None:
    open_page(page, f"{app_server.url}/")
    with page.expect_download() as download:
        page.get_by_test_id("stDownloadButton").filter(has_text="SVG").first.click()
    delivered = download.value
    assert delivered.suggested_filename == "overview-stance.svg"
    with open(delivered.path(), encoding="utf-8") as handle:
        svg = handle.read()
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "Russia government" in svg  # the actor legend: the chart, not an empty frame


def dot_centre(png: bytes, rgb: tuple[int, int, int], size: int = 7) -> tuple[int, int]:
    """The pixel at the centre of a filled dot of colour ``rgb``: every pixel of the size×size square around it has that colour."""
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    match = (np.abs(pixels - np.array(rgb)).max(axis=2) <= 12).astype(int)
    # count matches in each size×size window with a summed-area table
    table = np.pad(match.cumsum(0).cumsum(1), ((1, 0), (1, 0)))
    windows = table[size:, size:] - table[:-size, size:] - table[size:, :-size] + table[:-size, :-size]
    ys, xs = np.nonzero(windows == size * size)
    assert len(ys), f"no dot of colour {rgb} on the map"
    return int(xs[0]) + size // 2, int(ys[0]) + size // 2


def test_clicking_a_city_on_the_map_selects_it(page, app_server) -> None:
    open_page(page, f"{app_server.url}/map")
    canvas = page.get_by_test_id("stDeckGlJsonChart").locator("canvas").first
    canvas.scroll_into_view_if_needed()
    for _ in range(40):  # WebGL draws after the element appears
        png = canvas.screenshot()
        if colour_counts(png, {"cities": maps.COLOURS[maps.CITIES]})["cities"] > 200:
            break
        page.wait_for_timeout(250)
    x, y = dot_centre(png, maps.COLOURS[maps.CITIES])
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + x, box["y"] + y)  # as a person does: point (a tooltip names the city), then click
    page.locator(".deck-tooltip").filter(has_text=re.compile(r"\w")).wait_for(state="visible")
    city = page.locator(".deck-tooltip").inner_text().splitlines()[0]
    rerun(page, lambda: page.mouse.click(box["x"] + x, box["y"] + y))
    page.wait_for_url(re.compile(r"[?&]object=place"))
    wait_done(page)
    key = query(page.url)["object"][0]
    assert page.get_by_role("heading", name=maps.object_title(key)).count() == 1
    assert maps.object_title(key) in city
    assert page.recorder.errors() == []


PRESENT = next((p for p in app_pages() if p.script == "present.py"), None)


def slide(url: str) -> int:
    return int(query(url)["slide"][-1])


def headings(page) -> list[str]:
    return page.locator('[data-testid="stMain"] :is(h1, h2, h3)').all_inner_texts()


if (REPO / "dashboard" / "views" / "present.py").exists():
    # the Present page's contract: ?slide=N holds the slide; buttons "Next" and "Previous" step

    def test_presentation_steps_forward_and_back(page, app_server) -> None:
        assert PRESENT is not None, "dashboard/views/present.py is not a page of dashboard/app.py"
        base = f"{app_server.url}/{PRESENT.path}"
        open_page(page, base)
        first = headings(page)
        forward = page.get_by_role("button", name=re.compile(r"\bNext\b"))
        back = page.get_by_role("button", name=re.compile(r"\bPrevious\b"))

        rerun(page, lambda: forward.first.click())
        page.wait_for_url(re.compile(r"[?&]slide=\d+"))
        wait_done(page)
        second_number, second = slide(page.url), headings(page)
        assert second != first

        rerun(page, lambda: forward.first.click())
        page.wait_for_url(re.compile(rf"[?&]slide={second_number + 1}\b"))
        wait_done(page)
        assert headings(page) != second

        rerun(page, lambda: back.first.click())
        page.wait_for_url(re.compile(rf"[?&]slide={second_number}\b"))
        wait_done(page)
        assert headings(page) == second

        rerun(page, lambda: back.first.click())
        wait_done(page)
        assert headings(page) == first

        # the slide number is a link too
        open_page(page, f"{base}?slide={second_number}")
        assert headings(page) == second
        assert page.get_by_test_id("stException").count() == 0
        assert page.recorder.errors() == [] and page.recorder.offsite() == []
