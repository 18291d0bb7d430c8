"""Method: the codebook, the grading scales, the acts and the declared rules, conflicts and corrections, and every
table's fields, all from data/ (README.md, acts.csv, datapackage.json)."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from dashboard import facts, ui, validate
from dashboard.data import Tables

PAGE = "method"
#: the ``tab`` parameter: the open tab, by its label (the tabs are bound to it); links name a tab by its short key too
TABS = {"codebook": "Codebook", "grades": "Grading scales", "rules": "Acts and rules", "conflicts": "Conflicts and corrections",
        "tables": "Tables and fields"}
TAB = "tab"


@st.cache_data(max_entries=4, show_spinner=False)
def codebook(version: str, _loaded: Tables) -> tuple[str | None, str | None]:
    """The codebook (data/README.md) one heading level down, so the page title stays the only top-level heading."""
    text, error = ui.data_file_text(_loaded, "README.md")
    return (re.sub(r"^(#+) ", r"#\1 ", text, flags=re.M) if text is not None else None), error


@st.cache_data(max_entries=4, show_spinner=False)
def conflicts_and_corrections(version: str, _loaded: Tables) -> tuple[list[dict], pd.DataFrame]:
    return facts.conflicts(_loaded.frames), facts.corrections(_loaded.frames)


def codebook_part(loaded: Tables) -> None:
    """The codebook, from data/README.md."""
    with ui.section("The codebook"):
        text, error = codebook(ui.version(loaded), loaded)
        if text is None:
            st.error(f"The codebook README.md could not be read: {ui.md(error)}")
        else:
            st.markdown(text)


def grades_part(loaded: Tables) -> None:
    """The reliability and credibility scales, and each seed's grade."""
    sources = loaded.frames.get("sources")
    with ui.section("The grading scales"):
        st.header("Source reliability (per seed)")
        st.dataframe(pd.DataFrame({"grade": list(facts.RELIABILITY), "meaning": list(facts.RELIABILITY.values())}),
                     hide_index=True, width="stretch")
        if sources is not None:
            graded = [c for c in ("source_id", "title", "reliability", "reliability_reason") if c in sources.columns]
            st.dataframe(sources[graded], hide_index=True, width="stretch",
                         column_config={"title": st.column_config.TextColumn(width="large"),
                                        "reliability_reason": st.column_config.TextColumn(width="large")})
        st.header("Information credibility (per row)")
        st.dataframe(pd.DataFrame({"grade": list(facts.CREDIBILITY), "meaning": list(facts.CREDIBILITY.values())}),
                     hide_index=True, width="stretch")


def rules_part(loaded: Tables) -> None:
    """The acts and the scores each allows, and the declared rules."""
    package = loaded.package or {}
    with ui.section("The acts"):
        st.header("Acts and the scores they allow")
        acts = loaded.frames.get("acts")
        if acts is None:
            st.info("The acts table did not load" + (" (it failed validation; see the error panel at the top)."
                                                      if "acts" in loaded.problems else "."))
        else:
            descriptions = loaded.descriptions("acts")
            st.caption(ui._md(f"{loaded.title('acts')}: {loaded.resources.get('acts', {}).get('description', '')}"))
            st.dataframe(acts.fillna(""), hide_index=True, width="stretch", key=f"{PAGE}.acts",
                         column_config={c: st.column_config.TextColumn(help=descriptions.get(c) or None,
                                                                       width="large" if c in ("definition", "example") else None)
                                        for c in acts.columns})
    with ui.section("The rules"):
        st.header("The rules every row is checked against")
        rules = package.get("rules") if isinstance(package.get("rules"), list) else []
        st.caption("Declared in `data/datapackage.json` and run by `python -m dashboard check` and by the app on every load; "
                   "a table that breaks one is left out and its lines are shown.")
        st.dataframe(pd.DataFrame([{"name": str(r.get("name", "")), "description": str(r.get("description", "")),
                                    "tables": ", ".join(map(str, r.get("resources") or [])),
                                    "fields": ", ".join(validate.rule_fields(r))}
                                   for r in rules if isinstance(r, dict)], columns=["name", "description", "tables", "fields"]),
                     hide_index=True, width="stretch", key=f"{PAGE}.rules", height=36 * (len(rules) + 1) + 4,
                     column_config={"description": st.column_config.TextColumn(width="large")})


def conflicts_part(loaded: Tables) -> None:
    """Every conflict between seeds, and every correction."""
    sources = loaded.frames.get("sources")
    with ui.section("The conflicts and corrections"):
        st.header("Conflicts")
        conflicts, corrections = conflicts_and_corrections(ui.version(loaded), loaded)
        if not conflicts:
            st.info("No conflicts table loaded.")
        for conflict in conflicts:
            ui.conflict_block(conflict, sources, key=f"{PAGE}.conflict")
        st.header("Corrections")
        st.caption(f"{len(corrections)} rows keep a seed's wrong statement verbatim and state the correct fact beside it.")
        ui.table(corrections, key=f"{PAGE}.corrections")
        ui.download_csv(corrections, "corrections.csv", loaded, title="Corrections", key=f"{PAGE}.corrections.csv")


def tables_part(loaded: Tables) -> None:
    """Each table's fields, as declared in data/datapackage.json."""
    package = loaded.package or {"resources": []}
    with ui.section("The table descriptions"):
        st.markdown(f"**{ui._md(package.get('title', ''))}** · version {ui.md(package.get('version', '?'))} · created {ui.md(package.get('created', '?'))}")
        for resource in package.get("resources", []):
            if not isinstance(resource, dict):
                continue
            name = resource.get("name", "?")
            schema = resource.get("schema") or {}
            st.header(f"{ui.md(resource.get('title') or name)} ({ui.md(name)})")
            st.markdown(f"{ui._md(resource.get('description', ''))}  \nFile `{resource.get('path', '')}` · primary key "
                        f"`{', '.join(schema.get('primaryKey', []) or []) or '—'}`")
            fields = [
                {
                    "name": f.get("name", ""),
                    "type": f.get("type", "string"),
                    "description": f.get("description", ""),
                    "constraints": "; ".join(f"{k}: {v}" for k, v in (f.get("constraints") or {}).items()),
                }
                for f in schema.get("fields", [])
                if isinstance(f, dict)
            ]
            st.dataframe(pd.DataFrame(fields, columns=["name", "type", "description", "constraints"]), hide_index=True, width="stretch",
                         key=f"{PAGE}.fields.{name}", height=36 * (len(fields) + 1) + 4,
                         column_config={"description": st.column_config.TextColumn(width="large"),
                                        "constraints": st.column_config.TextColumn(width="large")})
            keys = schema.get("foreignKeys") or []
            if keys:
                st.caption("Foreign keys: " + "; ".join(
                    f"{', '.join(k.get('fields', []) if isinstance(k.get('fields'), list) else [k.get('fields')])} → "
                    f"{k.get('reference', {}).get('resource')}.{', '.join(k.get('reference', {}).get('fields', []) if isinstance(k.get('reference', {}).get('fields'), list) else [k.get('reference', {}).get('fields')])}"
                    for k in keys))
            if name in loaded.frames:
                ui.download_csv(loaded.frames[name], f"{name}.csv", loaded, title=resource.get("title") or name, key=f"{PAGE}.csv.{name}")
            elif name in loaded.problems:
                st.warning(f"{name} failed validation; see the error panel at the top.")


def main() -> None:
    """Draw the page."""
    ui.page_intro(
        "Method",
        "How the tables were made and how to read them: the codebook (`data/README.md`), the grading scales, "
        "the kinds of act and the scores each allows (`data/acts.csv`), the rules every row is checked against, "
        "every conflict between seeds and every correction, and each table's fields as declared in "
        "`data/datapackage.json`.",
    )

    loaded = ui.tables()
    ui.problem_panel(loaded)

    # a link's tab=<key> (today's links) names the tab by its label, as the bound tabs read it
    if ui.url_value(TAB) in TABS:
        ui.redirect({TAB: TABS[ui.url_value(TAB)]})
    # lazy: only the open tab is built (a tab switch reruns the page, with the tab in the URL)
    for tab, draw in zip(st.tabs(list(TABS.values()), key=TAB, bind=ui.BIND, on_change="rerun"),
                         (codebook_part, grades_part, rules_part, conflicts_part, tables_part)):
        if tab.open:
            with tab:
                draw(loaded)

    ui.share_link()
