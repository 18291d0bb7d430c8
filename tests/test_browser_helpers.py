"""The browser tests' own helpers, checked without a browser: which pages there are, which requests leave the machine,
which console errors are Streamlit's expected ones."""

from __future__ import annotations

import pytest

from browser import Recorder, app_pages

PAGES = app_pages()

SERVER = "http://127.0.0.1:8501"
NOT_FOUND = "Failed to load resource: the server responded with a status of 404 (Not Found)"


@pytest.mark.parametrize(
    ("text", "url", "status", "allowed"),
    [
        (NOT_FOUND, f"{SERVER}/map/_stcore/health", 404, True),  # Streamlit's own base-path probes on a deep link
        (NOT_FOUND, f"{SERVER}/stance/_stcore/host-config", 404, True),
        (NOT_FOUND, f"{SERVER}/_stcore/health", 404, False),  # the real endpoint failing is an error
        (NOT_FOUND, f"{SERVER}/map/_stcore/stream", 404, False),
        (NOT_FOUND, f"{SERVER}/map/static/js/main.js", 404, False),
        (NOT_FOUND, "http://127.0.0.1:9999/map/_stcore/health", 404, False),  # another server
        ("Failed to load resource: net::ERR_NAME_NOT_RESOLVED", "https://basemaps.cartocdn.com/gl/positron.json", None, False),
        ("TypeError: Cannot read properties of undefined", f"{SERVER}/static/js/index.js", None, False),
    ],
)
def test_console_errors_allow_only_the_base_path_probes(text: str, url: str, status: int | None, allowed: bool) -> None:
    recorder = Recorder(SERVER)
    recorder.console_errors.append((text, url))
    if status:
        recorder.failed[url] = status
    assert recorder.errors() == ([] if allowed else [f"console: {text} ({url})"])


def test_offsite_requests_are_anything_but_the_app_server() -> None:
    recorder = Recorder(SERVER)
    recorder.requests += [f"{SERVER}/", f"{SERVER}/static/js/index.js", "ws://127.0.0.1:8501/_stcore/stream", "data:image/png;base64,AA",
                          "blob:http://127.0.0.1:8501/0a1b", "https://fonts.gstatic.com/s/x.woff2", "http://localhost:8501/",
                          "http://127.0.0.1:8502/", "wss://127.0.0.1:8501/_stcore/stream"]
    assert recorder.offsite() == ["https://fonts.gstatic.com/s/x.woff2", "http://localhost:8501/", "http://127.0.0.1:8502/",
                                  "wss://127.0.0.1:8501/_stcore/stream"]


def test_app_pages_come_from_the_registry() -> None:
    assert [(p.path, p.url_path, p.title, p.script) for p in PAGES] == [
        ("", "overview", "Overview", "overview.py"),
        ("map", "map", "Map", "map.py"),
        ("stance", "stance", "Stance over time", "stance.py"),
        ("indicators", "indicators", "Indicators", "indicators.py"),
        ("sources", "sources", "Sources", "sources.py"),
        ("method", "method", "Method", "method.py"),
        ("data", "data", "Data", "data.py"),
        ("present", "present", "Present", "present.py"),
        ("changes", "changes", "Changes", "changes.py"),
        ("curate", "curate", "Curate", "curate.py"),
    ]
