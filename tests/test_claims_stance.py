"""Issue 20, the stance side: every reading the stance, "What moved" and index sections state rests on enough acts
under the rule data/readings.csv declares; corrections drive the record (labels, dates, a corrected mark; no refuted
words); a denial is read with the act it answers and never offsets it; the acts the texts omit are drawn as outside
context, never scored; every count carries the coverage's census line.

Shipped-data tests assert invariants only; behaviour tests use small fixtures written here with exact expected texts.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard import charts, data, facts
from dashboard import marks as M
from dashboard.facts.narrative import narrative_readings
from dashboard.filters import DEFAULT, Filters
from dashboard.marks import readings as R
from dashboard.sections import index as S_index, narrative as S_narrative, stance as S_stance

from conftest import REPO


@pytest.fixture(scope="module")
def shipped():
    return data.load_tables(REPO / "data", REPO / "seeds")


def _spread(frames) -> dict[str, Filters]:
    """The filter spread of the issue: default, after the invasion, each actor, each domain, each credibility level."""
    events = frames["events"]
    out = {"default": DEFAULT, "after the invasion": Filters(date_from=date(2022, 2, 24))}
    for actor in sorted(events["actor"].dropna().unique()):
        out[f"actor {actor}"] = Filters(date_from=date(2022, 1, 1), actors=(actor,))
    for domain in sorted(events["domain"].dropna().unique()):
        out[f"domain {domain}"] = Filters(date_from=date(2022, 1, 1), domains=(domain,))
    for level in range(1, 7):
        out[f"credibility {level}"] = Filters(min_credibility=level)
    return out


def _sections(frames, filters):
    return [S_stance.build(frames, filters), S_narrative.build(frames, filters), S_index.build(frames, filters)]


def test_no_claim_under_its_rule_and_every_count_carries_the_census_line(shipped) -> None:
    rules = R.rules(shipped.frames)
    census = facts.coverage(shipped.frames).census_line
    assert census.startswith("Counts are what five texts")
    checked = 0
    for name, filters in _spread(shipped.frames).items():
        for section in _sections(shipped.frames, filters):
            for claim in section.claims:
                assert claim.rule in rules, (name, section.key, claim)
                assert claim.n is not None and claim.n >= (rules[claim.rule] or 0), (name, section.key, claim)
                checked += 1
            if section.empty != S_stance.NO_EVENTS:
                assert census in section.caveats, (name, section.key)
    assert checked


def test_the_shipped_paragraph_states_no_extreme_or_move_and_means_only_over_enough_acts(shipped) -> None:
    month_min = R.min_acts(R.MONTHLY_MEAN, shipped.frames)
    for name, filters in _spread(shipped.frames).items():
        moved = S_narrative.build(shipped.frames, filters)
        text = moved.extra["paragraph"]
        if not text or text.startswith("No scored events match"):
            continue
        assert text.startswith("In what these five texts (published "), name
        for word in ("highest", "lowest", "sharpest"):  # no month holds the extreme rule's acts in this data
            assert word not in text, (name, word)
        assert all(c.n >= month_min for c in moved.claims if c.kind == "mean"), name


def test_index_lines_rest_on_enough_acts_in_every_window_and_the_public_has_none(shipped) -> None:
    least = R.min_acts(R.INDEX_LINE, shipped.frames)
    for name, filters in _spread(shipped.frames).items():
        found = M.index_marks(shipped["events"], filters, min_events=least)
        assert (found.frame["n"] >= least).all(), name
        assert "Kazakhstan public" not in set(found.frame["actor"]), name
    section = S_index.build(shipped.frames, DEFAULT)
    assert section.extra["poll_note"].startswith("No index line for Kazakhstan public: its scored acts are activists' acts")
    assert "Demoscope" in section.extra["poll_note"] and section.extra["poll_note"] in section.caveats


def _refuted(row) -> list[str]:
    return [p.strip() for p in str(row["refuted"] if pd.notna(row["refuted"]) else "").split("|") if p.strip()]


def test_corrected_rows_never_show_what_their_correction_refutes(shipped) -> None:
    events = shipped["events"]
    corrected = events[events["correction"].fillna("").str.strip() != ""]
    assert len(corrected)
    for name, filters in _spread(shipped.frames).items():
        drawn = M.stance_marks(events, filters, outside=shipped["outside_context"])
        shown = pd.concat([drawn.marks[["ids", "summary", "date_label"]], drawn.context[["ids", "summary", "date_label"]]])
        turns = drawn.turns
        for row in corrected.to_dict("records"):
            hit = shown.loc[shown["ids"].astype(str).str.split(", ").map(lambda ids: row["id"] in ids).astype(bool)]
            for phrase in _refuted(row):
                for text in [*hit["summary"], *hit["date_label"]]:
                    assert phrase.lower() not in str(text).lower(), (name, row["id"], phrase, text)
                if pd.notna(row.get("event_key")):
                    for label in turns[turns["event_key"] == row["event_key"]]["label"]:
                        assert phrase.lower() not in str(label).lower(), (name, row["id"], phrase)
        if len(drawn.marks):
            marked = drawn.marks[drawn.marks["corrected"]]
            ids = set(corrected["id"])
            assert all(set(i.split(", ")) & ids for i in marked["ids"]), name


def test_turning_points_name_the_record_date(shipped) -> None:
    labels = M.turning_point_labels()
    assert labels["xi_visit_2022"] == "Xi Jinping's visit (14 Sep 2022)"
    events = shipped["events"]
    for key in labels:  # a turning point never rests on a date its row's correction moves, unless worded from the record
        rows = events[(events["event_key"] == key) & events["corrects"].fillna("").str.contains("date")]
        for row in rows.to_dict("records"):
            assert not any(p.lower() in labels[key].lower() for p in _refuted(row))


def test_denials_are_read_with_the_act_they_answer_on_the_shipped_data(shipped) -> None:
    events = shipped["events"]
    answering = events[events["answers"].fillna("").str.strip() != ""]
    assert len(answering)
    for name, filters in _spread(shipped.frames).items():
        marks = M.acts(events, filters, M.ALL).marks
        drawn = set(i for ids in marks["ids"] for i in str(ids).split(", "))
        assert not drawn & set(answering["id"]), name  # never a scored (offsetting) act
        for row in answering.to_dict("records"):
            answered = marks.loc[marks["ids"].astype(str).str.split(", ").map(lambda ids: row["answers"] in ids).astype(bool)]
            if len(answered):
                assert answered["denied"].iloc[0].startswith("Denied (one episode with this act, not scored): "), name


# --------------------------------------------------------------------------
# fixtures


def _event(id, key, first, actor, act, stance, credibility, summary, **more):
    row = {"id": id, "event_key": key, "date_from": first, "date_to": more.pop("last", first), "actor": actor,
           "domain": more.pop("domain", "diplomatic"), "act": act, "stance": stance, "credibility": credibility,
           "source_id": more.pop("source", "S000"), "summary": summary, "quote": f"quote {id}", "label": None,
           "answers": None, "correction": None, "corrects": None, "refuted": None}
    row.update(more)
    return row


def _table(*rows) -> pd.DataFrame:
    out = pd.DataFrame(list(rows)).astype({"stance": "Int64", "credibility": "Int64"})
    for column in ("date_from", "date_to"):
        out[column] = pd.to_datetime(out[column])
    return out


KZ, RU = "Kazakhstan government", "Russia government"
EPISODE = _table(
    _event("E1", "post", "2022-08-01", RU, "territorial_claim", -2, 3, "Post calls Kazakhstan artificial"),
    _event("E2", "aide", "2022-08-02", RU, "denial_or_retraction", 1, 2, "Aide says the account was hacked", answers="E1"),
    _event("E3", "self", "2022-08-03", RU, "denial_or_retraction", 1, 2, "He disowns the post", answers="E1"),
)


def test_a_denial_annotates_the_act_it_answers_and_never_offsets_it() -> None:
    marks = M.acts(EPISODE, Filters(), M.ALL).marks
    assert list(marks["key"]) == ["E1"] and list(marks["stance"]) == [-2.0]
    assert marks["denied"].iloc[0] == ("Denied (one episode with this act, not scored): 2 Aug 2022: Aide says the account "
                                       "was hacked; 3 Aug 2022: He disowns the post")
    # a credibility filter that drops the post drops its denials too: nothing is drawn
    assert M.acts(EPISODE, Filters(min_credibility=2), M.ALL).marks.empty
    assert facts.narrative(EPISODE, Filters(min_credibility=2)) == (
        "No scored events match the filters, so there is nothing to summarise.")
    tips = [t["field"] for layer in charts.stance_chart(EPISODE).to_dict()["layer"]
            for t in layer.get("encoding", {}).get("tooltip", []) if isinstance(t, dict)]
    assert "denied" in tips and "corrected_note" in tips


CORRECTED = _table(
    _event("C1", "visit", "2022-03-29", KZ, "rebuff", -1, 1, "Interview on 1 April", label="Interview (29 Mar 2022)",
           correction="Published 29 March", corrects="date", refuted="on 1 April"),
    _event("C2", "visit", "2022-03-29", KZ, "rebuff", -1, 2, "Official rejects evasion help"),
    _event("C3", "alone", "2022-05-10", KZ, "diversification", -1, 1, "Deal struck in August", label="Memorandum signed",
           correction="A memorandum", corrects="act", refuted="in August"),
    _event("C4", "plain", "2022-06-01", RU, "pressure_statement", -1, 1, "Lavrov remark"),
)


def test_a_corrected_act_is_worded_from_the_record_and_marked() -> None:
    marks = M.acts(CORRECTED, Filters(), M.ALL).marks.set_index("event_key")
    # an act told by several rows is labelled from a row without a correction (F13); a lone corrected row by its label
    assert marks.loc["visit", ["summary", "date_label", "corrected"]].tolist() == ["Official rejects evasion help", "29 Mar 2022", True]
    assert marks.loc["alone", ["summary", "corrected"]].tolist() == ["Memorandum signed", True]
    assert marks.loc["plain", ["summary", "corrected"]].tolist() == ["Lavrov remark", False]
    chart = charts.stance_chart(CORRECTED).to_dict()
    assert [r["key"] for r in chart["datasets"]["corrected"]] == ["C1", "C3"]  # the corrected acts get a ring
    tips = {r["key"]: r["corrected_note"] for r in chart["datasets"]["marks"]}
    assert tips == {"C1": charts.stance.CORRECTED_NOTE, "C3": charts.stance.CORRECTED_NOTE, "C4": ""}
    assert chart["layer"][0]["encoding"]["y"]["title"] == ["+ brings Kazakhstan", "and Russia closer", "− pushes them apart"]


OUTSIDE = pd.DataFrame({
    "id": ["OC1", "OC2"], "date_from": pd.to_datetime(["2022-06-17", "2022-11-20"]),
    "date_to": pd.to_datetime(["2022-06-17", "2022-11-20"]), "relation": ["omitted by the texts", "after the texts"],
    "summary": ["A remark at a forum", "An election"], "actor": [KZ, KZ], "domain": ["diplomatic", "domestic"],
    "source": ["A newspaper, 17 June 2022", "An agency"], "url": ["", ""], "note": ["", ""],
})


def test_the_acts_the_texts_omit_are_drawn_as_outside_context_never_scored() -> None:
    drawn = M.stance_marks(CORRECTED, Filters(), outside=OUTSIDE)
    assert list(drawn.outside["key"]) == ["OC1"] and list(drawn.outside["source"]) == ["A newspaper, 17 June 2022"]
    assert "OC1" not in set(drawn.marks["key"])
    assert drawn.outside_line == ("Hollow triangles and dashed bars under the levels: 1 act the texts omit "
                                  "(data/outside_context.csv), from outside sources named in the tooltip; context, never "
                                  "scored or counted.")
    assert "omit" not in drawn.summary
    assert M.stance_marks(CORRECTED, Filters(sources=("S000",)), outside=OUTSIDE).outside.empty  # from no seed
    chart = charts.stance_spec(drawn).to_dict()
    titles = [t.get("title") for layer in chart["layer"] for t in layer.get("encoding", {}).get("tooltip", []) if isinstance(t, dict)]
    assert "Omitted by the texts (outside the seeds, not scored)" in titles and "Source" in titles


def _month(n, day_of, actor, stance, month):
    return [_event(f"{month}{i}", f"{month}{i}", f"2022-{month:02d}-{day_of + i:02d}" if isinstance(month, int) else None,
                   actor, "rebuff", stance, 1, f"Act {month}-{i}") for i in range(n)]


def _months_table() -> pd.DataFrame:
    rows = []
    for month, stance in ((3, -1), (4, 1)):
        for i in range(4):
            rows.append(_event(f"M{month}{i}", f"m{month}{i}", f"2022-{month:02d}-{i + 2:02d}", KZ, "rebuff", stance, 1,
                               f"Act {month}/{i}"))
    rows.append(_event("M50", "m50", "2022-05-02", RU, "pressure_statement", -1, 1, "A May act"))
    return _table(*rows)


def _rules(**values) -> dict[str, pd.DataFrame]:
    keys = ["scope", "monthly_mean", "actor_mean", "index_line", "extreme", "move", "direction_counts"]
    return {"readings": pd.DataFrame({"reading": keys, "min_acts": pd.array([values.get(k) for k in keys], dtype="Int64")})}


def test_the_paragraph_states_means_extremes_and_moves_only_under_their_rules() -> None:
    table = _months_table()
    text, readings = narrative_readings(table, texts="these two texts", frames=_rules(monthly_mean=4, extreme=20, move=20))
    assert text == (
        "In what these two texts report, there are 9 acts with a stance score (9 rows; an act told by several texts counts "
        "once), 9 of them dated to a day or within a single month, between March 2022 and May 2022. "
        "By actor group: 8 by Kazakh actors (4 towards Moscow, 4 away, 0 neutral); 1 by Russian actors (0 de-escalating, "
        "1 escalating, 0 neutral). "
        "Mean stance by month, for the months with at least 4 acts dated within them: March 2022 −1 (4 acts); "
        "April 2022 +1 (4 acts). "
        "Months with fewer acts give counts, not a mean: May 2022, 1 act (Russian 1 escalating)."
    )
    assert [(r.kind, r.n, r.rule) for r in readings] == [
        ("tally", 9, "scope"), ("tally", 9, "direction_counts"), ("mean", 4, "monthly_mean"), ("mean", 4, "monthly_mean"),
        ("tally", 1, "direction_counts")]
    # the same table under rules it meets: the highest / lowest and the sharpest-move sentences appear, as claims
    text, readings = narrative_readings(table, frames=_rules(monthly_mean=4, extreme=4, move=4))
    assert ("Of these months, the mean stance was highest in April 2022 (+1 over 4 acts, e.g. “Act 4/0”) and lowest in "
            "March 2022 (−1 over 4 acts, e.g. “Act 3/0”).") in text
    assert ("The sharpest move between adjacent months with at least 4 acts each came between March 2022 and April 2022, "
            "when the monthly mean rose from −1 to +1.") in text
    assert [(r.kind, r.n, r.rule) for r in readings if r.kind in ("extreme", "move")] == [("extreme", 4, "extreme"), ("move", 4, "move")]
    # a month under the mean rule gives its counts; no month at all: no mean
    text, _ = narrative_readings(table, frames=_rules(monthly_mean=5, extreme=20, move=20))
    assert ("No month has 5 acts dated within it, so no month's mean is given; the counts: March 2022, 4 acts (Kazakh 4 away); "
            "April 2022, 4 acts (Kazakh 4 towards Moscow); May 2022, 1 act (Russian 1 escalating).") in text


def test_the_index_summary_starts_where_the_line_starts_with_counts() -> None:
    table = _months_table()
    found = M.index_marks(table, Filters(), min_events=4, extreme_min=20)
    assert found.frame["n"].min() >= 4
    assert found.summary == (
        "90-day trailing mean stance, drawn only where an actor has at least 4 acts in the window, each act counted once "
        "and spread over the days of its interval: Kazakhstan government from 5 Mar 2022 (−1 over 4 acts), ending 0 on "
        "2 May 2022 (8 acts). No line for Russia government: 1 act. 0 events dated to intervals longer than 90 days are "
        "not in the index."
    )


def test_the_stance_page_builds_its_index_chart_only_while_its_expander_is_open() -> None:
    """A filter change redraws the stance chart alone; opened, the index is the chart for the filters in force."""
    import json

    from conftest import open_app

    at = open_app("stance", timeout=90)
    at.run()
    assert not at.exception and len(at.get("vega_lite_chart")) == 1  # the stance chart; the index is not built
    at.session_state["stance.index"] = True
    at.run()
    drawn = at.get("vega_lite_chart")
    assert not at.exception and len(drawn) == 2
    spec = json.loads(drawn[1].proto.spec)
    assert spec["title"]["text"] == "Stance index: 90-day trailing mean per actor"
    import pyarrow as pa

    shipped = [pa.ipc.open_stream(d.data.data).read_pandas() for d in drawn[1].proto.datasets]
    expected = M.index_marks(M.prepare_events(data.load_tables().frames["events"]), DEFAULT).frame
    assert [len(f) for f in shipped] == [len(expected)]  # the index for the filters in force (the default view)
