"""Security hygiene: every place the app gives Streamlit raw HTML or a script is listed here with why it is safe, the
escaping behind them holds against a hostile quote, and XSRF protection stays on. The browser tests show the same
quote as text on the pages (test_browser_broken.py)."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from browser import REPO
from dashboard import maps, seeds
from conftest import open_app

HOSTILE = 'He said <script>alert(1)</script> & <img src=x onerror="alert(2)"> *[x](http://example.com)*'

#: (file, call, names its HTML is built from) -> why no data reaches it unescaped
RAW_HTML = {
    ("dashboard/views/map.py", "st.markdown(unsafe_allow_html)", ("maps.legend",)):
        "the legend: fixed layer names, colours and descriptions; maps.legend() takes no data",
    ("dashboard/views/sources.py", "st.html", ("page_html", "seeds.STYLE")):
        "page_html is seeds.highlight(), which html.escape()s all seed text and row ids",
    ("dashboard/views/sources.py", "st.html", ("rows_html", "seeds.STYLE")):
        "rows_html is seeds.rows_html(), which html.escape()s every cell",
    ("dashboard/views/sources.py", "st.html(unsafe_allow_javascript)", ("row_id", "seeds.scroll_script")):
        "scroll_script() returns '' unless the row id is letters and digits (and the page only passes ids it found)",
    ("dashboard/views/curate.py", "st.html", ("found", "highlighted", "loaded", "rank", "source_id", "ui.version")):
        "highlighted() is seeds.STYLE + seeds.highlight(), which html.escape()s the seed text and the candidate ids "
        "(C + a rank number)",
    ("dashboard/views/present.py", "st.html(unsafe_allow_javascript)", ("KEYS_HTML",)):
        "a fixed script (the clicker keys): a module constant with no data in it",
    ("dashboard/ui/style.py", "st.html", ("ROOM_CSS",)):
        "the fixed style sheet for projector sizes: a module constant with no data in it",
}


def _name(node: ast.AST) -> str:
    return ast.unparse(node)


def raw_html_uses() -> set[tuple[str, str, tuple[str, ...]]]:
    """Every st.html call and every call with unsafe_allow_html / unsafe_allow_javascript true, in the app's code."""
    uses = set()
    for path in sorted((REPO / "dashboard").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = _name(node.func)
            flags = [k.arg for k in node.keywords if k.arg in ("unsafe_allow_html", "unsafe_allow_javascript")
                     and not (isinstance(k.value, ast.Constant) and k.value.value is False)]
            html_call = func.endswith(("st.html", "components.html", "components.v1.html", "st.components.v1.html", "iframe"))
            if not (flags or html_call):
                continue
            names = set()
            for arg in node.args[:1]:  # the HTML itself: which modules, functions and variables it is built from
                bound = {n.id for c in ast.walk(arg) if isinstance(c, ast.comprehension) for n in ast.walk(c.target) if isinstance(n, ast.Name)}
                roots = {id(a.value) for a in ast.walk(arg) if isinstance(a, ast.Attribute)}
                for sub in ast.walk(arg):
                    if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name):
                        names.add(_name(sub))
                    elif isinstance(sub, ast.Name) and id(sub) not in roots and sub.id not in bound:
                        names.add(sub.id)
            label = func + (f"({', '.join(flags)})" if flags else "")
            uses.add((str(path.relative_to(REPO)), label, tuple(sorted(names))))
    return uses


def test_every_raw_html_use_is_reviewed() -> None:
    """A new st.html or unsafe_allow_html must be added to RAW_HTML, with the reason no data reaches it unescaped."""
    assert raw_html_uses() == set(RAW_HTML)


def test_seed_text_and_rows_are_escaped() -> None:
    text = f"Intro. {HOSTILE} Outro."
    page_html, missing = seeds.highlight(text, [("SS001", HOSTILE)], current="SS001")
    rows = pd.DataFrame([{"table": "t<b>", "id": "SS001", "date": "<i>2022</i>", "label": HOSTILE, "quote": HOSTILE}])
    listed = seeds.rows_html(rows, current="SS001")
    assert missing == []
    for html in (page_html, listed):
        assert "<script" not in html and "<img" not in html and "<b>" not in html and "<i>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    ("row_id", "runs"),
    [("SS001", True), ("EV060", True), ("x');alert(1);//", False), ("SS001<", False), ("", False), ("A" * 5 + "1", False)],
)
def test_scroll_script_only_for_a_plain_row_id(row_id: str, runs: bool) -> None:
    script = seeds.scroll_script(row_id)
    assert bool(script) is runs
    if runs:
        assert f"'q-{row_id}'" in script and "alert" not in script


def test_map_legend_is_fixed_text() -> None:
    legend = maps.legend()
    assert legend == maps.legend() and all("<" not in part and ">" not in part for row in legend for part in row)


def test_xsrf_protection_is_not_turned_off() -> None:
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config.get("server", {}).get("enableXsrfProtection", True) is True
    assert "enableCORS" not in config.get("server", {})  # turning CORS off would also weaken XSRF protection


# --------------------------------------------------------------------------
# what curation adds: uploads, paths, write mode


def test_uploads_are_bounded_in_size_by_the_server_and_by_add_source() -> None:
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    from dashboard import curate

    assert config["server"]["maxUploadSize"] == 2  # MB, for the whole server
    assert curate.MAX_TEXT_BYTES == 2_000_000


@pytest.mark.parametrize("name", ["../../evil.txt", "/etc/passwd", "..\\..\\x.txt", "a" * 5000 + ".txt", "seed\n.txt"])
def test_an_uploaded_name_never_becomes_a_path(tmp_path, name: str) -> None:
    """The seed's file name comes from its number and sha256 only; the upload's name is only echoed in messages."""
    import shutil

    from dashboard import curate

    shutil.copytree(REPO / "data", tmp_path / "p" / "data", ignore=shutil.ignore_patterns(".history"))
    shutil.copytree(REPO / "seeds", tmp_path / "p" / "seeds")
    package = curate.open_package(tmp_path / "p" / "data", tmp_path / "p" / "seeds")
    before = {p.relative_to(tmp_path) for p in tmp_path.rglob("*") if curate.HISTORY_DIR not in p.parts}
    text = b"On 17 June, President Tokayev said Kazakhstan would not recognise the republics.\n"
    source_id = curate.add_source(package, text, file_label=name[:80], title="T", published_from="2022-06-20")
    after = {p.relative_to(tmp_path) for p in tmp_path.rglob("*") if curate.HISTORY_DIR not in p.parts}
    seed = curate.seed_name(int(source_id[1:]), text)
    assert after - before == {Path("p") / "seeds" / seed}
    with pytest.raises(curate.CurateError) as refused:  # the same text again: the message shows at most 80 characters
        curate.add_source(package, text, file_label=name[:80], title="T", published_from="2022-06-20")
    assert len(str(refused.value)) < 300 and "\n" not in str(refused.value)


def test_a_seed_file_name_pointing_outside_the_seeds_is_never_read(pkg) -> None:
    (pkg.root / "outside.txt").write_text("secret outside", encoding="utf-8")
    pkg.replace("seeds/provenance.csv", "000_", "../outside.txt#")  # the first seed's file name, made a path
    from dashboard import data

    loaded = data.load_tables(pkg.data, pkg.seeds)
    assert not any("secret" in text for text in loaded.seed_texts.values())
    assert any(p.field == "file" for p in loaded.problems.get("sources", []))


def test_a_table_path_outside_the_data_directory_is_never_written(tmp_path) -> None:
    import json
    import shutil

    from dashboard import curate

    shutil.copytree(REPO / "data", tmp_path / "data", ignore=shutil.ignore_patterns(".history"))
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    descriptor = json.loads((tmp_path / "data" / "datapackage.json").read_text(encoding="utf-8"))
    events = next(r for r in descriptor["resources"] if r["name"] == "events")
    events["path"] = "../../outside.csv"
    (tmp_path / "data" / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    package = curate.open_package(tmp_path / "data", tmp_path / "seeds")
    with pytest.raises(curate.CurateError, match="points outside the data directory"):
        curate.add_rows(package, "events", [{"quote": "x"}])


def test_a_hostile_link_to_the_curate_page_falls_back_to_a_real_source(monkeypatch) -> None:

    from dashboard import curate

    monkeypatch.delenv(curate.WRITE_ENV, raising=False)
    at = open_app("curate", timeout=120)
    at.query_params["curate_source"] = "../../etc/passwd"
    at.run()
    assert not at.exception
    source = next(s for s in at.selectbox if s.label == "Source")
    assert source.value in source.options and source.value != "../../etc/passwd"
    assert not [b for b in at.button if b.label.startswith("Add the text")]  # read-only: nothing that writes


@pytest.mark.parametrize("name", ["../escape", "..", "a/b", "/tmp/x", ".hidden", "current", "x" * 65, "a b"])
def test_a_release_name_is_never_a_path(tmp_path, name: str) -> None:
    import shutil

    from dashboard import releases

    shutil.copytree(REPO / "data", tmp_path / "data", ignore=shutil.ignore_patterns(".history"))
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    with pytest.raises(releases.ReleaseError, match="is not a release name"):
        releases.make_release(tmp_path / "data", tmp_path / "seeds", name=name)
    with pytest.raises(releases.ReleaseError, match="no release"):
        releases.snapshot(tmp_path / "data", name if name != "current" else "../current", tmp_path / "seeds")
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
