"""Method: the codebook, the grading scales, the acts and the declared rules, the coding's reliability, conflicts and
corrections, and every table's fields, all from data/ (README.md, acts.csv, datapackage.json, coding/)."""

from __future__ import annotations

import os
import re

import pandas as pd
import streamlit as st

from dashboard import agreement, checks, data, decisions, facts, ui
from dashboard.data import Tables
from dashboard.sections import conflicts as conflicts_section, corrections as corrections_section, scope as scope_section
from dashboard.sections.base import Section

PAGE = "method"
#: the ``tab`` parameter: the open tab, by its label (the tabs are bound to it); links name a tab by its short key too
TABS = {"codebook": "Codebook", "grades": "Grading scales", "rules": "Acts and rules", "reliability": "Coding reliability",
        "conflicts": "Conflicts and corrections", "tables": "Tables and fields"}
TAB = "tab"


@st.cache_data(max_entries=4, show_spinner=False)
def codebook(version: str, _loaded: Tables) -> tuple[str | None, str | None]:
    """The codebook (data/README.md) one heading level down, so the page title stays the only top-level heading."""
    text, error = ui.data_file_text(_loaded, "README.md")
    return (re.sub(r"^(#+) ", r"#\1 ", text, flags=re.M) if text is not None else None), error


@st.cache_data(max_entries=4, show_spinner=False)
def conflicts_and_corrections(version: str, _loaded: Tables) -> tuple[Section, Section]:
    """The conflicts and the corrections sections (every row: the filters do not reach them), as the brief's slides."""
    return conflicts_section.build(_loaded.frames), corrections_section.build(_loaded.frames)


def codebook_part(loaded: Tables) -> None:
    """The package's title and scope, computed from the data (the period the acts cover, the texts), then the
    codebook, from data/README.md."""
    with ui.section("The codebook"):
        st.header(ui.md(scope_section.title(loaded.frames)))
        scope_line = scope_section.scope_line(loaded.frames)
        if scope_line:
            st.caption(ui.md(scope_line))
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
                                    "fields": ", ".join(checks.rule_fields(r))}
                                   for r in rules if isinstance(r, dict)], columns=["name", "description", "tables", "fields"]),
                     hide_index=True, width="stretch", key=f"{PAGE}.rules", height=36 * (len(rules) + 1) + 4,
                     column_config={"description": st.column_config.TextColumn(width="large")})
    with ui.section("The readings"):
        st.header("Readings: what evidence a claim needs")
        st.caption("Each kind of reading (a mean, an index line, a ranking, a tally, a share) is stated only with at "
                   "least min_acts acts behind it; otherwise the counts are given. Declared in `data/readings.csv`; the "
                   "codebook section \"Readings: what evidence a claim needs\" (the Codebook tab) gives each rule's reasons.")
        readings = loaded.frames.get("readings")
        if readings is None:
            st.info("The readings table did not load" + (" (it failed validation; see the error panel at the top)."
                                                          if "readings" in loaded.problems else "."))
        else:
            ui.table(readings, loaded, "readings", key=f"{PAGE}.readings")
        not_covered = scope_section.build_not_covered(loaded.frames)
        st.subheader(ui.md(not_covered.title))
        if not_covered.empty:
            st.info(ui.md(not_covered.empty))
        else:
            st.caption(ui.md(not_covered.subtitle))
            st.markdown("\n".join(f"- {ui._md(line)}" for line in not_covered.bullets))
            st.caption(ui.md(not_covered.source_line))
    with ui.section("The decisions"):
        st.header("Curation decisions, declared as data")
        st.caption("What the product chooses to show (turning points, headline figures, the map's objects) is declared in "
                   "`data/decisions/`, checked by `python -m dashboard check` like every table, and read by the code that uses it.")
        for declared in decisions.for_method(loaded.resources, loaded.frames):
            st.subheader(declared["title"])
            st.caption(ui._md(declared["description"]))
            if declared["table"] is None:
                st.info(f"The {declared['name']} table did not load (it failed validation; see the error panel at the top).")
            else:
                ui.table(declared["table"], loaded, declared["name"], key=f"{PAGE}.decision.{declared['name']}")


def _coding_stamp(folder: str) -> tuple:
    """Names, mtimes and sizes of the files in data/coding/ (the tables' version does not cover a subdirectory)."""
    try:
        with os.scandir(folder) as found:
            return tuple(sorted((e.name, e.stat().st_mtime_ns, e.stat().st_size) for e in found if e.is_file()))
    except OSError:
        return ()


@st.cache_data(max_entries=4, show_spinner=False)
def reliability(data_dir: str, version: str, stamp: tuple) -> tuple[dict | None, list[str], list[dict]]:
    """(the figures of :func:`dashboard.agreement.summary`, the problem lines when the codings cannot be read, the
    coders as recorded in coders.csv)."""
    try:
        figures, problems = agreement.summary(data_dir), []
    except agreement.CodingError as exc:
        figures, problems = None, exc.lines
    return figures, problems, agreement.coders(data_dir)


RELIABILITY_COLUMNS = ["field", "level", "alpha before", "items before", "verdict before", "alpha after", "items after",
                       "verdict after"]


def _alpha(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _dates(comparison: dict | None) -> str:
    if not comparison or not comparison["dates"]["items"]:
        return "no item dated by both"
    d = comparison["dates"]
    return (f"the intervals overlap in {d['overlap']} of {d['items']} items ({_alpha(d['overlap_share'])}) and match "
            f"exactly in {d['exact']} ({_alpha(d['exact_share'])})")


def reliability_part(loaded: Tables) -> None:
    """Krippendorff's alpha per coded field: a blind second coding of a sample against the first coding (before
    reconciliation) and against the tables as they are (after), from data/coding/."""
    with ui.section("The coding's reliability"):
        st.subheader("How reliably the codebook is applied")
        folder = data.default_data_dir() / agreement.DIR
        figures, problems, coders = reliability(str(data.default_data_dir()), ui.version(loaded), _coding_stamp(str(folder)))
        if problems:
            st.error("The codings in data/coding/ cannot be read:\n\n" + "\n\n".join(ui._md(line) for line in problems))
            return
        if figures is None:
            st.info("No second coding in data/coding/ yet, so the coding's reliability is not measured.")
            return
        before, after = figures.get("before"), figures["after"]
        st.markdown(
            f"A second coder coded a sample of **{figures['sample']}** rows blind, on "
            f"{ui._md(figures.get('second_coded_on') or 'a date not recorded')}. Krippendorff's alpha per field, nominal "
            "for table, act, actor and domain, ordinal for stance and credibility: **before** is the first coding "
            "against the second, as coded before any disagreement was resolved; **after** is the tables as they are now "
            f"against the second. Alpha {agreement.RELIABLE:.3f} or more is reliable, {agreement.TENTATIVE:.3f} to "
            f"{agreement.RELIABLE:.3f} tentative, below that unreliable; items = items both codings gave a value."
        )
        rows = []
        for i, after_field in enumerate(after["fields"]):
            before_field = before["fields"][i] if before else None
            rows.append({"field": after_field["field"], "level": after_field["level"],
                         "alpha before": _alpha(before_field["alpha"]) if before_field else "n/a",
                         "items before": before_field["items"] if before_field else 0,
                         "verdict before": before_field["verdict"] if before_field else "not recorded",
                         "alpha after": _alpha(after_field["alpha"]), "items after": after_field["items"],
                         "verdict after": after_field["verdict"]})
        st.dataframe(pd.DataFrame(rows, columns=RELIABILITY_COLUMNS), hide_index=True, width="stretch",
                     key=f"{PAGE}.reliability")
        st.caption(ui._md(f"Dates, before: {_dates(before)}. After: {_dates(after)}."))
        missing = [f"{c['a']} lacks {', '.join(c['only_b'])}" for c in (before, after) if c and c["only_b"]]
        missing += [f"{c['b']} lacks {', '.join(c['only_a'])}" for c in (before, after) if c and c["only_a"]]
        if missing:
            st.warning(ui._md("Items not coded by both: " + "; ".join(missing) + "."))
        if coders:
            st.caption("Who coded, and how the second coding was kept blind (`data/coding/coders.csv`). Recompute with "
                       "`python -m dashboard agreement data/coding/first.csv data/coding/second.csv` (before) and "
                       "`python -m dashboard agreement tables data/coding/second.csv` (after).")
            st.dataframe(pd.DataFrame(coders), hide_index=True, width="stretch", key=f"{PAGE}.coders",
                         column_config={c: st.column_config.TextColumn(width="large") for c in ("coder", "blinding", "note")})


def conflicts_part(loaded: Tables) -> None:
    """Every conflict between seeds, and every correction: the conflicts and corrections sections."""
    sources = loaded.frames.get("sources")
    with ui.section("The conflicts and corrections"):
        st.header("Conflicts")
        conflicts, corrections = conflicts_and_corrections(ui.version(loaded), loaded)
        if conflicts.empty:
            st.info(ui.md(conflicts.empty))
        for conflict in conflicts.extra["conflicts"]:
            if conflict.get("kind"):  # read by its kind: only a disagreement is called one
                st.caption(ui.md(f"{conflict['subject']}: {conflicts_section.KIND_LINE.get(conflict['kind'], conflict['kind'])}"))
            ui.conflict_block(conflict, sources, key=f"{PAGE}.conflict")
        for caveat in conflicts.caveats:
            st.caption(ui.md(caveat))
        st.caption(ui.md(conflicts.source_line))
        st.header("Corrections")
        st.caption(ui.md(corrections.summary or corrections.empty))
        rows = corrections.extra["rows"].drop(columns=["corrects"], errors="ignore")  # the table as facts.corrections gives it
        ui.table(rows, key=f"{PAGE}.corrections")
        ui.download_csv(rows, "corrections.csv", loaded, title="Corrections", key=f"{PAGE}.corrections.csv")
        for caveat in corrections.caveats:
            st.caption(ui.md(caveat))
        st.caption(ui.md(corrections.source_line))


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
        "how reliably a second, blind coder applied the codebook (`data/coding/`), "
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
                         (codebook_part, grades_part, rules_part, reliability_part, conflicts_part, tables_part)):
        if tab.open:
            with tab:
                draw(loaded)

    ui.share_link()
