"""The public sentiment section: the poll figures first, then the dated signs of public mood, each with its quote.

Under the codebook's ``mood_tally`` reading: a count of signs is never a measure
of opinion. Poll figures lead (the seeds' own, then the dated Demoscope polls,
outside the seeds); only rows by the public are signs of mood (state actions,
``by == "state"``, are listed apart); rows sharing an ``event_key`` are one sign.
"""

from __future__ import annotations

from typing import Mapping

import pandas as pd

from dashboard import charts
from dashboard import marks as M
from dashboard.filters import Filters, apply, interval_bounds
from dashboard.sections.base import Claim, Section
from dashboard.sections.common import quotes, seeds, source, text
from dashboard.sections.oil import census, chart, indicator_filters, missing

TABLE = "public_sentiment"
TITLE = "Public sentiment"
#: the slide's subtitle (the chart's own points at the page's table below it)
SUBTITLE = "Dated signs by the public only (state actions listed apart); a point for a day, a bar across an interval."
#: the standing caveat of every count of signs (readings.csv: mood_tally)
NOT_OPINION = "Signs are not a measure of opinion: they are what the texts chose to report; the polls above are the measured figures."
POLL = "poll"


def _by(rows: pd.DataFrame, who: str) -> pd.DataFrame:
    if "by" not in rows.columns:
        return rows if who == "public" else rows.iloc[0:0]
    return rows[rows["by"].fillna("public") == who]


def one_per_event(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows sharing an ``event_key`` as one sign (the first by date, then id); rows without one count once each."""
    if rows.empty or "event_key" not in rows.columns:
        return rows
    keyed = rows["event_key"].fillna("").astype(str).str.strip()
    ordered = rows.assign(_k=keyed.where(keyed != "", "#" + rows["id"].astype(str)), _s=interval_bounds(rows)[0])
    ordered = ordered.sort_values(["_s", "id"], na_position="last", kind="stable")
    return ordered.drop_duplicates("_k").drop(columns=["_k", "_s"]).sort_index()


def signs(rows: pd.DataFrame) -> pd.DataFrame:
    """The signs of public mood: rows by the public, polls apart, once per event_key."""
    public = _by(rows, "public")
    if "indicator" in public.columns:
        public = public[public["indicator"] != POLL]
    return one_per_event(public)


def polls_line(frames: Mapping[str, pd.DataFrame], listed: pd.DataFrame, filters: Filters) -> tuple[str, int]:
    """The poll figures, first: the seeds' own (indicator 'poll'), then the dated polls of outside_figures, labelled
    outside the seeds with their sources. Returns the line and how many figures it gives."""
    parts: list[str] = []
    seeded = listed[listed["indicator"] == POLL] if "indicator" in listed.columns else listed.iloc[0:0]
    for r in seeded.to_dict("records"):
        parts.append(f"{r['source_id']}: “{text(r.get('as_stated'))}” hold the {text(r.get('leaning'))} view "
                     f"({M.date_label(r.get('date_from'), r.get('date_to'))}; {r['id']})")
    outside = frames.get("outside_figures")
    n_outside = 0
    if outside is not None and len(outside) and "topic" in outside.columns:
        polls = outside[outside["topic"] == "public opinion poll"]
        polls = apply(polls, Filters(date_from=filters.date_from, date_to=filters.date_to)) if len(polls) else polls
        groups: dict[str, list[str]] = {}
        origins: dict[str, list[str]] = {}
        for r in polls.sort_values(["date_from", "id"]).to_dict("records"):
            subject = text(r.get("subject"))
            side = subject.split(":", 1)[-1].split("(")[0].strip()
            who = subject[subject.rfind("(") + 1: subject.rfind(")")] if "(" in subject else M.date_label(r.get("date_from"), r.get("date_to"))
            groups.setdefault(who, []).append(f"{side} {r['value']:g}%")
            origins.setdefault(who, []).append(origin(text(r.get("source"))))
            n_outside += 1
        if groups:
            parts.append("outside the seeds, " + "; ".join(
                f"{who}: {', '.join(sides)} ({'; '.join(dict.fromkeys(origins[who]))})" for who, sides in groups.items()))
    if not parts:
        return "", 0
    return "Polls: " + "; ".join(parts) + ".", len(seeded) + n_outside


def origin(source_text: str) -> str:
    """A source's name and date, without its quotation: the text before its first colon outside quotes, with a trailing
    parenthesis dropped ('Demoscope (demos.kz), November 2022 poll')."""
    import re

    head = source_text.split(":")[0]
    if len(re.sub(r"(?<=\w)'(?=\w)", "", head).split("'")) % 2 == 0:  # the colon was inside a quoted title
        head = source_text.split(", '")[0]
    return re.sub(r"\s*\([^()]*\)\s*$", "", head.strip()) or head.strip()


def build(frames: Mapping[str, pd.DataFrame], filters: Filters) -> Section:
    """The poll figures, then the dated signs by the public drawn (one per event_key); state actions listed apart.
    ``extra``: ``rows`` (every row listed), ``signs`` (the signs counted), ``state`` (the state actions)."""
    if TABLE not in frames:
        return missing("sentiment", TITLE, TABLE)
    ind = indicator_filters(filters)
    listed = apply(frames[TABLE], ind, keep_undated=True)
    line = source([f"{TABLE}.csv"] + (["outside_figures.csv"] if "outside_figures" in frames else []), seeds(listed), ind)
    label = lambda r: f"{M.date_label(r.get('date_from'), r.get('date_to'))} · {r['indicator']} · {M.figure_text(r)}"  # noqa: E731
    notes = tuple(quotes(listed, label))
    polls, n_polls = polls_line(frames, listed, ind)
    counted = signs(listed)
    state = one_per_event(_by(listed, "state"))
    extra = {"rows": listed, "signs": counted, "state": state}
    if listed.empty:
        return Section(key="sentiment", title=TITLE, empty="No signs of public mood match the filters.", source_line=line,
                       summary=polls, extra=extra)
    dated = counted[interval_bounds(counted)[0].notna()] if len(counted) else counted
    leaning = ", ".join(f"{n} {k}" for k, n in counted["leaning"].value_counts().items()) if len(counted) else ""
    tally = (f"{len(counted)} signs by the public (rows telling one event count once; {leaning}); {len(dated)} dated and drawn, "
             f"{len(counted) - len(dated)} undated in the table only." if len(counted) else "No sign by the public matches the filters.")
    state_line = (f"State actions reported among them (fines, probes, sentences, cancellations; not signs of mood): {len(state)}, "
                  "listed apart." if len(state) else "")
    summary = " ".join(t for t in (polls, tally, state_line) if t)
    claims = (Claim(tally, "tally", len(counted), "mood_tally"),) + ((Claim(polls, "tally", n_polls, "mood_tally"),) if polls else ())
    caveats = tuple(c for c in (NOT_OPINION, census(frames)) if c)
    marks = M.sentiment_marks(dated, ind) if len(dated) else None
    if marks is None or marks.empty:
        return Section(key="sentiment", title=TITLE, summary=summary, empty="No dated sign of public mood matches the filters.",
                       source_line=line, notes=notes, caveats=caveats, claims=claims, extra=extra)
    drawn = chart("public-sentiment", charts.lane_spec(marks), marks.rows, summary)
    return Section(key="sentiment", title=drawn.title, subtitle=SUBTITLE, charts=(drawn,), summary=summary,
                   caveats=caveats, source_line=line, notes=notes, claims=claims, extra=extra)
