"""The app on broken and hostile data, in headless Chromium: the error panel names the file, row and field; every page still
works; no traceback; a quote holding a <script> tag is shown as text and never runs."""

from __future__ import annotations

import csv

import pytest

from browser import REPO, app_pages, open_page, screenshot, wait_charts_drawn
from conftest import BROKEN_LINE, HOSTILE_QUOTE, HOSTILE_ROWS, HOSTILE_SEED

pytestmark = pytest.mark.browser

PAGES = app_pages()


def test_data_page_names_the_file_row_and_field(page, broken_server) -> None:
    open_page(page, f"{broken_server.url}/data")
    panel = page.get_by_test_id("stAlertContentError")
    assert panel.count() == 1
    assert BROKEN_LINE in panel.inner_text()
    assert "events.csv" in panel.inner_text() and "failed validation" in panel.inner_text()
    # the tables that passed are still offered, the broken one is not
    page.get_by_test_id("stSelectbox").filter(has_text="Table").click()
    options = page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    with (REPO / "seeds" / "provenance.csv").open(encoding="utf-8", newline="") as handle:
        seeds = len(list(csv.DictReader(handle)))
    assert any(f"(sources, {seeds} rows)" in o for o in options) and not any("(events," in o for o in options), options
    assert "Traceback" not in page.locator("body").inner_text()
    screenshot(page, "broken-data")


@pytest.mark.parametrize("app_page", PAGES, ids=lambda p: p.url_path)
def test_every_page_still_works_with_a_broken_table(page, broken_server, app_page) -> None:
    open_page(page, f"{broken_server.url}/{app_page.path}")
    assert page.get_by_test_id("stException").count() == 0
    body = page.locator("body").inner_text()
    assert "Traceback" not in body and "This app has encountered an error" not in body
    assert BROKEN_LINE in page.get_by_test_id("stAlertContentError").first.inner_text()
    wait_charts_drawn(page)
    assert page.recorder.errors() == [] and page.recorder.offsite() == []


@pytest.mark.parametrize(
    "link",
    [
        f"sources?seed={HOSTILE_SEED}&row={HOSTILE_ROWS['sanctions_stance']}",  # the seed text with the passage marked
        f"indicators?view=sanctions&row={HOSTILE_ROWS['sanctions_stance']}",  # the quote card
        "map?object=border",  # the border's rows (statehood_rhetoric)
    ],
    ids=["sources", "indicators", "map"],
)
def test_a_quote_with_html_and_markdown_is_shown_as_text(page, broken_server, link: str) -> None:
    open_page(page, f"{broken_server.url}/{link}")
    page.wait_for_timeout(500)  # time for anything injected to run
    main = page.locator('[data-testid="stMain"]')
    assert HOSTILE_QUOTE in main.inner_text(), "the quote is shown verbatim: tags, asterisks and brackets"
    assert page.recorder.dialogs == []
    injected = page.evaluate("() => [...document.querySelectorAll('script')].filter(s => s.textContent.includes('alert(1)')).length")
    assert injected == 0
    assert main.locator('a[href="http://example.com"]').count() == 0, "the quote's markdown link is not a link"
    assert page.recorder.errors() == [] and page.recorder.offsite() == []
