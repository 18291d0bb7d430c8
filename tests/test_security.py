"""Security hygiene: every place the app gives Streamlit raw HTML or a script is listed here with why it is safe, the
escaping behind them holds against a hostile quote, and XSRF protection stays on. The browser tests show the same
quote as text on the pages (test_browser_broken.py)."""

from __future__ import annotations

import ast
import tomllib

import pandas as pd
import pytest

from browser import REPO
from dashboard import maps, seeds

HOSTILE = 'He said <script>alert(1)</script> & <img src=x onerror="alert(2)"> *[x](http://example.com)*'

#: (file, call, names its HTML is built from) -> why no data reaches it unescaped
RAW_HTML = {
    ("dashboard/views/_map.py", "st.markdown(unsafe_allow_html)", ("maps.legend",)):
        "the legend: fixed layer names, colours and descriptions; maps.legend() takes no data",
    ("dashboard/views/_sources.py", "st.html", ("page_html", "seeds.STYLE")):
        "page_html is seeds.highlight(), which html.escape()s all seed text and row ids",
    ("dashboard/views/_sources.py", "st.html", ("rows_html", "seeds.STYLE")):
        "rows_html is seeds.rows_html(), which html.escape()s every cell",
    ("dashboard/views/_sources.py", "st.html(unsafe_allow_javascript)", ("row_id", "seeds.scroll_script")):
        "scroll_script() returns '' unless the row id is letters and digits (and the page only passes ids it found)",
    ("dashboard/views/_curate.py", "st.html", ("found", "highlighted", "loaded", "rank", "source_id", "ui.version")):
        "highlighted() is seeds.STYLE + seeds.highlight(), which html.escape()s the seed text and the candidate ids "
        "(C + a rank number)",
    ("dashboard/views/_present.py", "st.html", ()):
        "a fixed <style> rule",
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
