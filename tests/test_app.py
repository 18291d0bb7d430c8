"""The Streamlit app, run headless with streamlit.testing.AppTest."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import data

from conftest import Pkg, open_app



@pytest.fixture
def app(monkeypatch, pkg: Pkg):
    """Run the app on the fixture package; returns (AppTest, Pkg) after the first run."""
    monkeypatch.setenv(data.DATA_ENV, str(pkg.data))
    monkeypatch.delenv(data.SEEDS_ENV, raising=False)

    def start() -> AppTest:
        at = open_app("data", timeout=60)  # the app opens on Overview: open Data
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return start


def test_data_page_shows_every_table(app, pkg: Pkg) -> None:
    at = app()
    assert at.title[0].value == "Data"
    assert not at.error
    options = at.selectbox[0].options
    assert len(options) == 4 and options[2].startswith("Events (events, 2 rows)")

    at.selectbox[0].select_index(2).run()
    assert not at.exception
    frame = at.dataframe[0].value
    assert frame["id"].tolist() == ["EV001", "EV002"]
    # source_id, the seed's title and the quote are all visible
    assert list(frame.columns[frame.columns.get_loc("source_id"):][:2]) == ["source_id", "seed_title"]
    assert frame["seed_title"].tolist() == ["First seed", "Second seed"]
    assert frame["quote"].iloc[0] == "Kazakhstan would not help Russia circumvent sanctions"
    assert "Test table events." in [c.value for c in at.caption]
    assert any(button.label == "Download events.csv" for button in at.get("download_button"))


def test_broken_table_shows_error_panel_and_the_rest_still_render(app, pkg: Pkg) -> None:
    pkg.set_cell("data/events.csv", "EV002", "date_from", "2022-02-30")
    pkg.set_cell("data/figures.csv", "FG001", "unit", "tanks")
    at = app()
    assert len(at.error) == 1
    panel = at.error[0].value
    assert "data/events.csv:3:date_from:" in panel
    assert "data/figures.csv:2:unit:" in panel
    assert "Traceback" not in panel
    options = at.selectbox[0].options
    assert [o.split(" (")[0] for o in options] == ["Sources", "Conflicts"]
    at.selectbox[0].select_index(1).run()
    assert at.dataframe[0].value["conflict_key"].tolist() == ["troops_deployed"]


def test_nothing_valid_shows_a_message_not_a_traceback(app, pkg: Pkg) -> None:
    pkg.write("data/datapackage.json", "{ broken")
    at = app()
    assert "data/datapackage.json:0:-: not valid JSON" in at.error[0].value
    assert "No table passed validation" in at.info[0].value
    assert not at.dataframe


def test_shipped_app_runs(monkeypatch) -> None:
    """The app as deployed (repo data/) starts without an exception, whatever state the data is in."""
    monkeypatch.delenv(data.DATA_ENV, raising=False)
    monkeypatch.delenv(data.SEEDS_ENV, raising=False)
    at = open_app("data", timeout=60)
    at.run()
    assert not at.exception
    assert at.title[0].value == "Data"
