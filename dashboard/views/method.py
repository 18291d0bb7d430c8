"""Method: the codebook, the grading scales, conflicts and corrections, and every table's fields from datapackage.json."""

from __future__ import annotations

import json
import re

import pandas as pd
import streamlit as st

from dashboard import data, facts, ui

PAGE = "method"

ui.page_intro(
    "Method",
    "How the tables were made and how to read them: the codebook (`data/README.md`), the grading scales, "
    "every conflict between seeds and every correction, and each table's fields as declared in "
    "`data/datapackage.json`.",
)

loaded = ui.tables()
ui.problem_panel(loaded)
sources = loaded.frames.get("sources")

TABS = {"codebook": "Codebook", "grades": "Grading scales", "conflicts": "Conflicts and corrections", "tables": "Tables and fields"}
TAB = f"{PAGE}.tab"
params = ui.url_params()
if ui.url_changed(PAGE, [TAB]):
    wanted = (params.get("tab") or ["codebook"])[-1]
    st.session_state[TAB] = TABS.get(wanted, TABS["codebook"])
codebook_tab, grades_tab, conflicts_tab, tables_tab = st.tabs(list(TABS.values()), key=TAB, on_change="rerun")
current_tab = next((k for k, v in TABS.items() if v == st.session_state.get(TAB)), "codebook")

with codebook_tab:
    with ui.section("The codebook"):
        path = data.default_data_dir() / "README.md"
        try:
            codebook = path.read_text(encoding="utf-8")
        except OSError as exc:
            st.error(f"The codebook {path.name} could not be read: {exc.strerror or exc}")
        else:
            # one heading level down, so the page title stays the only top-level heading
            st.markdown(re.sub(r"^(#+) ", r"#\1 ", codebook, flags=re.M))

with grades_tab:
    with ui.section("The grading scales"):
        st.subheader("Source reliability (per seed)")
        st.dataframe(pd.DataFrame({"grade": list(facts.RELIABILITY), "meaning": list(facts.RELIABILITY.values())}),
                     hide_index=True, width="stretch")
        if sources is not None:
            graded = [c for c in ("source_id", "title", "reliability", "reliability_reason") if c in sources.columns]
            st.dataframe(sources[graded], hide_index=True, width="stretch",
                         column_config={"title": st.column_config.TextColumn(width="large"),
                                        "reliability_reason": st.column_config.TextColumn(width="large")})
        st.subheader("Information credibility (per row)")
        st.dataframe(pd.DataFrame({"grade": list(facts.CREDIBILITY), "meaning": list(facts.CREDIBILITY.values())}),
                     hide_index=True, width="stretch")

with conflicts_tab:
    with ui.section("The conflicts and corrections"):
        st.subheader("Conflicts")
        conflicts = facts.conflicts(loaded.frames)
        if not conflicts:
            st.info("No conflicts table loaded.")
        for conflict in conflicts:
            ui.conflict_block(conflict, sources, key=f"{PAGE}.conflict")
        st.subheader("Corrections")
        corrections = facts.corrections(loaded.frames)
        st.caption(f"{len(corrections)} rows keep a seed's wrong statement verbatim and state the correct fact beside it.")
        ui.table(corrections, key=f"{PAGE}.corrections")
        ui.download_csv(corrections, "corrections.csv", loaded, title="Corrections", key=f"{PAGE}.corrections.csv")

with tables_tab:
    with ui.section("The table descriptions"):
        try:
            package = data.package()
        except (OSError, json.JSONDecodeError) as exc:
            st.error(f"data/datapackage.json could not be read: {exc}")
            package = {"resources": []}
        st.markdown(f"**{ui._md(package.get('title', ''))}** · version {package.get('version', '?')} · created {package.get('created', '?')}")
        for resource in package.get("resources", []):
            if not isinstance(resource, dict):
                continue
            name = resource.get("name", "?")
            schema = resource.get("schema") or {}
            st.subheader(f"{resource.get('title') or name} (`{name}`)")
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

state = {"tab": current_tab} if current_tab != "codebook" else {}
ui.share_link(state)
ui.write_url(PAGE, state)
