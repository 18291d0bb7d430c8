"""Pure chart builders: the exact data each chart is given, and its one-line summary.

Every behaviour is pinned on small tables written here, with exact expected
outputs; nothing depends on the curated data.
"""

from __future__ import annotations

import datetime as dt
import json

import altair as alt
import numpy as np
import pandas as pd
import pytest

from dashboard import charts, palette
from dashboard import marks as M
from dashboard.filters import Filters

from conftest import REPO

D = dt.date


def _event(id, key, first, last, actor, domain, act, stance, credibility, source, summary):
    return {"id": id, "event_key": key, "date_from": first, "date_to": last, "actor": actor, "domain": domain, "act": act,
            "stance": stance, "credibility": credibility, "source_id": source, "summary": summary, "quote": f"quote {id}"}


KZ, RU = "Kazakhstan government", "Russia government"
EVENTS = pd.DataFrame(
    [
        # one act told by two seeds: one mark, the better credibility, both seeds
        _event("EV001", "rally", "2022-03-06", "2022-03-06", KZ, "society", "pointed_gesture", -1, 2, "S000", "Rally allowed"),
        _event("EV002", "rally", "2022-03-06", "2022-03-06", KZ, "society", "pointed_gesture", -1, 1, "S001", "Rally allowed (S001)"),
        # one act, two rows with different intervals: the narrowest interval dates the mark
        _event("EV003", "csto", "2022-01-01", "2022-01-31", "CSTO", "security", "bloc_commitment", 2, 1, "S001", "CSTO deploys"),
        _event("EV004", "csto", "2022-01-05", "2022-01-19", "CSTO", "security", "bloc_commitment", 2, 2, "S000", "CSTO troops for two weeks"),
        # a context marker: act context, no stance, so no mark, never a 0
        _event("EV005", "invasion_2022", "2022-02-24", "2022-02-24", RU, "security", "context", None, 1, "S001", "Invasion"),
        # dated only to a year: a bar across it, and longer than the index window
        _event("EV006", "drones", "2022-01-01", "2022-12-31", KZ, "security", "diversification", -1, 3, "S004", "Drones with Turkey"),
        _event("EV007", "medvedev_post_2022", "2022-08-01", "2022-08-01", RU, "information", "territorial_claim", -2, 3, "S004", "Medvedev post"),
        _event("EV008", "denial", "2022-08-03", "2022-08-03", RU, "information", "denial_or_retraction", 1, 2, "S004", "Medvedev denies"),
        # an interval that is neither a month nor a year, within the index window (74 days)
        _event("EV009", "aid", "2022-02-24", "2022-05-08", KZ, "diplomatic", "pointed_gesture", -1, 2, "S000", "Aid to Ukraine"),
        # a context marker dated to a month
        _event("EV010", "january_unrest_2022", "2022-01-01", "2022-01-31", "Kazakhstan public", "domestic", "context", None, 1, "S000", "January unrest"),
        _event("EV011", "lavrov", "2022-03-25", "2022-03-25", RU, "information", "pressure_statement", -1, 2, "S001", "Lavrov allegation"),
    ]
).astype({"stance": "Int64", "credibility": "Int64"})
EVENTS["date_from"] = pd.to_datetime(EVENTS["date_from"])
EVENTS["date_to"] = pd.to_datetime(EVENTS["date_to"])
ALL_KEYS = ["EV006", "EV004", "EV009", "EV002", "EV011", "EV007", "EV008"]


def datasets(chart: alt.TopLevelMixin) -> list[list[dict]]:
    """The inline datasets a chart ships to the browser, in spec order."""
    return list(chart.to_dict()["datasets"].values())


def dataset_with(chart: alt.TopLevelMixin, column: str) -> list[dict]:
    """The one dataset that has ``column`` (e.g. the marks, which alone have ``stance_label``)."""
    found = [rows for rows in datasets(chart) if rows and column in rows[0]]
    assert len(found) == 1, [list(rows[0]) for rows in datasets(chart) if rows]
    return found[0]


def layers(chart: alt.TopLevelMixin) -> list[dict]:
    return chart.to_dict()["layer"]


# -- dates


@pytest.mark.parametrize(
    ("first", "last", "label", "precision"),
    [
        ("2022-03-06", "2022-03-06", "6 Mar 2022", "day"),
        ("2022-03-06", None, "6 Mar 2022", "day"),  # one end given: that day
        ("2022-03-01", "2022-03-31", "March 2022", "month"),
        ("2024-02-01", "2024-02-29", "February 2024", "month"),  # a leap February is a whole month
        ("2022-02-01", "2022-02-27", "1–27 Feb 2022", "range"),  # one day short of the month
        ("2022-01-01", "2022-12-31", "2022", "year"),
        ("2022-01-01", "2022-08-31", "Jan–Aug 2022", "range"),  # whole months
        ("2021-12-01", "2022-02-28", "Dec 2021 – Feb 2022", "range"),
        ("2021-01-01", "2022-12-31", "2021–2022", "range"),  # whole years
        ("2022-02-24", "2022-05-08", "24 Feb – 8 May 2022", "range"),
        ("2022-08-01", "2022-08-20", "1–20 Aug 2022", "range"),
        ("2022-01-01", "2022-08-20", "1 Jan – 20 Aug 2022", "range"),
        ("2021-12-24", "2022-01-08", "24 Dec 2021 – 8 Jan 2022", "range"),
        (None, None, "undated", "undated"),
        (pd.NaT, pd.NaT, "undated", "undated"),
        (pd.Timestamp("2022-10-07"), pd.Timestamp("2022-10-07"), "7 Oct 2022", "day"),
    ],
)
def test_date_label_and_precision_come_from_the_interval(first, last, label: str, precision: str) -> None:
    assert M.date_label(first, last) == label
    assert M.date_precision(first, last) == precision


def test_marks_label_whole_columns_as_date_label_does_one_interval() -> None:
    rng = np.random.default_rng(1)
    first = pd.Timestamp("2019-01-01") + pd.to_timedelta(rng.integers(0, 2000, 3000), unit="D")
    last = first + pd.to_timedelta(rng.choice([0, 0, 1, 30, 90, 400, -3], 3000), unit="D")  # −3: ends before it starts
    month = pd.Series(first).dt.to_period("M").dt.start_time
    frame = pd.DataFrame({
        "start": [*first, *month, *month, pd.Timestamp("2022-01-01"), pd.Timestamp("2021-01-01"), pd.NaT],
        "end": [*(last + pd.Timedelta(days=1)), *(month + pd.offsets.MonthBegin(1)), *(month + pd.offsets.MonthBegin(14)),
                pd.Timestamp("2023-01-01"), pd.Timestamp("2023-01-01"), pd.NaT],
    })
    labelled = M.with_periods(pd.DataFrame({"date_from": frame["start"], "date_to": frame["end"] - pd.Timedelta(days=1)}))
    expected = [(M.date_precision(a, b), M.date_label(a, b)) for a, b in zip(frame["start"], frame["end"] - pd.Timedelta(days=1))]
    assert list(zip(labelled["precision"], labelled["date_label"])) == expected
    assert {p for p, _ in expected} == {"day", "month", "year", "range", "undated"}


# -- one mark per act


def test_event_marks_one_mark_per_event_key() -> None:
    marks, resolution = M.event_marks(EVENTS)
    assert resolution == "event"
    shown = marks[["key", "ids", "actor", "stance", "credibility", "precision", "date_label", "sources", "n_rows", "days"]]
    assert shown.to_dict("records") == [
        {"key": "EV006", "ids": "EV006", "actor": KZ, "stance": -1.0, "credibility": 3, "precision": "year",
         "date_label": "2022", "sources": "S004", "n_rows": 1, "days": 365.0},
        {"key": "EV004", "ids": "EV003, EV004", "actor": "CSTO", "stance": 2.0, "credibility": 1, "precision": "range",
         "date_label": "5–19 Jan 2022", "sources": "S000, S001", "n_rows": 2, "days": 15.0},
        {"key": "EV009", "ids": "EV009", "actor": KZ, "stance": -1.0, "credibility": 2, "precision": "range",
         "date_label": "24 Feb – 8 May 2022", "sources": "S000", "n_rows": 1, "days": 74.0},
        {"key": "EV002", "ids": "EV001, EV002", "actor": KZ, "stance": -1.0, "credibility": 1, "precision": "day",
         "date_label": "6 Mar 2022", "sources": "S000, S001", "n_rows": 2, "days": 1.0},
        {"key": "EV011", "ids": "EV011", "actor": RU, "stance": -1.0, "credibility": 2, "precision": "day",
         "date_label": "25 Mar 2022", "sources": "S001", "n_rows": 1, "days": 1.0},
        {"key": "EV007", "ids": "EV007", "actor": RU, "stance": -2.0, "credibility": 3, "precision": "day",
         "date_label": "1 Aug 2022", "sources": "S004", "n_rows": 1, "days": 1.0},
        {"key": "EV008", "ids": "EV008", "actor": RU, "stance": 1.0, "credibility": 2, "precision": "day",
         "date_label": "3 Aug 2022", "sources": "S004", "n_rows": 1, "days": 1.0},
    ]


def _rows(*specs) -> pd.DataFrame:
    """Events rows from (id, event_key, date_from, date_to, actor, stance, credibility, source) tuples."""
    frame = pd.DataFrame([_event(i, k, a, b, actor, "diplomatic", "hedge" if s == 0 else "rebuff" if s is not None else "context",
                                 s, c, src, f"summary {i}") for i, k, a, b, actor, s, c, src in specs])
    frame = frame.astype({"stance": "Int64", "credibility": "Int64"})
    frame["date_from"], frame["date_to"] = pd.to_datetime(frame["date_from"]), pd.to_datetime(frame["date_to"])
    return frame


@pytest.mark.parametrize(
    ("rows", "marks"),
    [
        pytest.param(  # two seeds, one act: one mark with both rows and seeds and the better credibility
            [("EV001", "k", "2022-03-06", "2022-03-06", KZ, -1, 3, "S000"), ("EV002", "k", "2022-03-06", "2022-03-06", KZ, -1, 1, "S001")],
            [("EV002", "EV001, EV002", "S000, S001", 1, "6 Mar 2022", 2)], id="two-seeds"),
        pytest.param(  # the narrowest interval dates the mark, whatever the credibility
            [("EV001", "k", "2022-03-01", "2022-03-31", KZ, -1, 1, "S000"), ("EV002", "k", "2022-03-29", "2022-03-29", KZ, -1, 4, "S001")],
            [("EV002", "EV001, EV002", "S000, S001", 1, "29 Mar 2022", 2)], id="narrowest-date"),
        pytest.param(  # one act, one mark, even when the rows name different actors (the check rejects that data)
            [("EV001", "k", "2022-01-05", "2022-01-19", "CSTO", 2, 1, "S001"), ("EV002", "k", "2022-01-05", "2022-01-19", RU, 2, 1, "S000")],
            [("EV001", "EV001, EV002", "S000, S001", 1, "5–19 Jan 2022", 2)], id="not-per-actor"),
        pytest.param(  # a blank event_key: each row is its own act
            [("EV001", None, "2022-03-06", "2022-03-06", KZ, -1, 1, "S000"), ("EV002", None, "2022-03-06", "2022-03-06", KZ, -1, 1, "S001")],
            [("EV001", "EV001", "S000", 1, "6 Mar 2022", 1), ("EV002", "EV002", "S001", 1, "6 Mar 2022", 1)], id="blank-key"),
        pytest.param(  # a context row is never a mark, even when it shares the key
            [("EV001", "k", "2022-03-06", "2022-03-06", KZ, None, 1, "S000"), ("EV002", "j", "2022-04-01", "2022-04-30", KZ, 0, 2, "S001")],
            [("EV002", "EV002", "S001", 2, "April 2022", 1)], id="context-left-out"),
    ],
)
def test_one_mark_per_act(rows, marks) -> None:
    got, _ = M.event_marks(_rows(*rows))
    assert [(m.key, m.ids, m.sources, m.credibility, m.date_label, m.n_rows) for m in got.itertuples()] == marks


def test_sub_rows_keep_every_mark_of_a_level_apart() -> None:
    found, _ = M.event_marks(EVENTS)
    laid, step = M.lay_out_marks(found, M.x_range(Filters(), found))
    got = {m.key: (m.slot, round(m.y, 3)) for m in laid.itertuples()}
    # −1: the year-long bar on the level, the 24 Feb – 8 May bar above it, the two points (apart in time) below
    assert got == {"EV006": (0, -1.0), "EV009": (1, -0.83), "EV002": (2, -1.17), "EV011": (2, -1.17),
                   "EV004": (0, 2.0), "EV007": (0, -2.0), "EV008": (0, 1.0)}
    assert step == pytest.approx(0.17)


def test_many_overlapping_intervals_get_distinct_sub_rows_within_their_level() -> None:
    rows = _rows(*[(f"EV{i:03d}", f"k{i}", "2022-03-01", "2022-03-31", KZ, -1, 1, "S000") for i in range(1, 11)])
    found, _ = M.event_marks(rows)
    laid, step = M.lay_out_marks(found, M.x_range(Filters(), found))
    assert sorted(laid["slot"]) == list(range(10))
    assert laid["y"].round(6).nunique() == 10  # none hides another
    assert (laid["y"] - -1).abs().max() <= M.SLOT_REACH + 1e-9  # all within reach of their level
    assert step == pytest.approx(M.SLOT_REACH / 5)


def test_context_markers_are_not_marks_and_sit_in_their_own_strip() -> None:
    marks, _ = M.event_marks(EVENTS)
    assert not {"EV005", "EV010"} & set(marks["ids"].str.split(", ").sum())
    context = M.context_marks(EVENTS)
    assert context[["key", "label", "precision", "date_label"]].to_dict("records") == [
        {"key": "EV010", "label": "January unrest", "precision": "month", "date_label": "January 2022"},
        {"key": "EV005", "label": "Invasion of Ukraine", "precision": "day", "date_label": "24 Feb 2022"},
    ]
    drawn = [rows for rows in datasets(charts.stance_chart(EVENTS)) if rows and "summary" in rows[0] and "stance_label" not in rows[0]]
    assert [[r["key"] for r in rows] for rows in drawn] == [["EV010", "EV005"]]
    assert all(r["y"] < -2 - M.SLOT_REACH for r in drawn[0])  # below every scored lane


def test_turning_points_come_from_the_data() -> None:
    turns = M.turning_points(EVENTS)
    assert turns[["label", "date_label"]].to_dict("records") == [
        {"label": "January unrest", "date_label": "January 2022"},
        {"label": "Invasion of Ukraine", "date_label": "24 Feb 2022"},
        {"label": "Medvedev post", "date_label": "1 Aug 2022"},
    ]
    assert M.turning_points(EVENTS, Filters(date_to=D(2022, 2, 1)))["label"].tolist() == ["January unrest"]
    assert M.TURNING_POINTS["suleimenov_interview_2022"] == "Late March: sanctions statements"


def test_turning_point_labels_never_overlap() -> None:
    turns = pd.DataFrame({
        "label": ["First label", "Second label", "Third label", "Far away", "At the right edge"],
        "start": pd.to_datetime(["2022-01-01", "2022-01-03", "2022-01-05", "2022-07-01", "2022-12-20"]),
    })
    placed = M.label_rows(turns, (pd.Timestamp("2022-01-01"), pd.Timestamp("2023-01-01")))
    assert placed[["label_row", "align"]].values.tolist() == [[0, "left"], [1, "left"], [2, "left"], [0, "left"], [0, "right"]]
    assert placed["label_px"].tolist() == [M.LABEL_PX[r] for r in placed["label_row"]]


def test_mark_for_row_finds_the_mark_of_any_row_of_an_act() -> None:
    marks, _ = M.event_marks(EVENTS)
    assert M.mark_for_row(marks, "EV001") == "EV002"
    assert M.mark_for_row(marks, "EV003") == "EV004"
    assert M.mark_for_row(marks, "EV005") is None


# -- what the stance chart is given and how it draws it


def test_stance_chart_receives_exactly_the_marks() -> None:
    chart = charts.stance_chart(EVENTS)
    points = dataset_with(chart, "stance_label")
    assert [p["key"] for p in points] == ALL_KEYS
    assert [r["label"] for r in dataset_with(chart, "label_px")] == ["January unrest", "Invasion of Ukraine", "Medvedev post"]


def test_stance_chart_draws_intervals_as_bars_and_days_as_points_never_a_midpoint() -> None:
    chart = charts.stance_chart(EVENTS)
    spec = chart.to_dict()
    assert not any("mid" in row for rows in spec["datasets"].values() for row in rows)  # no midpoint column at all
    marks_data = next(name for name, rows in spec["datasets"].items() if rows and "stance_label" in rows[0])
    drawn = [layer for layer in spec["layer"] if layer["data"]["name"] == marks_data]
    kinds = {}
    for layer in drawn:
        mark = layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]
        test = next((t["filter"] for t in layer.get("transform", []) if "filter" in t), None)
        kinds.setdefault((mark, test), []).append((layer["encoding"]["x"]["field"], layer["encoding"].get("x2", {}).get("field")))
    assert kinds == {
        ("rule", "datum.days > 1"): [("start", "end")],  # a bar from the first day to the end of the last
        ("tick", "datum.days > 1"): [("start", None), ("end", None)],  # its end caps
        ("point", "datum.days <= 1"): [("start", None)],  # a filled point at its day
        ("rect", None): [("hit_start", "hit_end")],  # the transparent hit boxes for clicks and tooltips
    }
    point = next(layer for layer in drawn if layer["mark"]["type"] == "point")
    assert point["mark"]["filled"] is True


def test_stance_chart_sizes_are_worked_out_once_per_draw_not_per_mark() -> None:
    """The sizes that follow the plot's height are top-level parameters; a mark reads one by name (no call per datum)."""
    spec = charts.stance_chart(EVENTS).to_dict()
    sized = [p for p in spec["params"] if "expr" in p]
    assert sized and all("clamp(" in p["expr"] and "height" in p["expr"] for p in sized)
    names = {p["name"] for p in sized}
    for layer in spec["layer"]:
        for value in layer["mark"].values() if isinstance(layer["mark"], dict) else ():
            if isinstance(value, dict) and "expr" in value:
                assert value["expr"] in names, value


def test_stance_chart_one_click_selection_for_points_and_bars() -> None:
    spec = charts.stance_chart(EVENTS).to_dict()
    assert [(p["name"], p["select"]) for p in spec["params"] if "select" in p] == [
        ("event", {"type": "point", "clear": "dblclick", "fields": ["key"], "on": "click"})
    ]
    hit = [layer for layer in spec["layer"] if layer.get("name") in next(p for p in spec["params"] if "select" in p)["views"]]
    assert [layer["mark"]["type"] for layer in hit] == ["rect"] and hit[0]["mark"]["fillOpacity"] == 0


@pytest.mark.parametrize(
    ("filters", "keys"),
    [
        (Filters(), ALL_KEYS),
        (Filters(actors=(RU,)), ["EV011", "EV007", "EV008"]),
        (Filters(domains=("information",)), ["EV011", "EV007", "EV008"]),
        (Filters(min_credibility=2), ["EV004", "EV009", "EV002", "EV011", "EV008"]),
        (Filters(sources=("S000",)), ["EV004", "EV009", "EV001"]),
        # intervals overlapping the range count: the year-long bar and 24 Feb – 8 May do, January's does not
        (Filters(date_from=D(2022, 3, 1), date_to=D(2022, 7, 31)), ["EV006", "EV009", "EV002", "EV011"]),
    ],
)
def test_each_filter_changes_what_the_stance_chart_receives(filters: Filters, keys: list[str]) -> None:
    assert [p["key"] for p in dataset_with(charts.stance_chart(EVENTS, filters), "stance_label")] == keys


def test_stance_chart_outlines_the_selected_row() -> None:
    chart = charts.stance_chart(EVENTS, selected="EV001")  # a row of the merged rally act
    rings = [rows for rows in datasets(chart) if len(rows) == 1 and rows[0].get("key") == "EV002"]
    assert rings, "the rally mark should be drawn a second time as the selection ring"


def test_stance_chart_fixes_the_time_axis_to_the_filtered_range() -> None:
    chart = charts.stance_chart(EVENTS, Filters(date_from=D(2022, 3, 1), date_to=D(2022, 7, 31)))
    xs = [layer["encoding"]["x"] for layer in layers(chart) if "x" in layer.get("encoding", {})]
    assert {json.dumps(x["scale"]["domain"]) for x in xs} == {
        json.dumps([{"date": 1, "hours": 0, "month": 3, "utc": True, "year": 2022},
                    {"date": 1, "hours": 0, "month": 8, "utc": True, "year": 2022}])
    }


def test_stance_summary() -> None:
    assert charts.stance_summary(EVENTS) == (
        "7 scored acts (9 rows; an act told by several seeds is one mark) in the range shown, 1 Jan 2022 to 31 Dec 2022: "
        "3 by Kazakh actors (0 towards Moscow, 3 away, 0 neutral); 3 by Russian actors (1 de-escalating, 2 escalating, "
        "0 neutral); 1 by other actors (1 towards Moscow, 0 away, 0 neutral); 3 dated only to an interval are drawn across "
        "it; 2 unscored context markers."
    )
    assert charts.stance_summary(EVENTS, Filters(actors=("Belarus",))) == "No events match the filters."


def test_stance_chart_bins_a_large_table_and_says_so() -> None:
    rng = np.random.default_rng(0)
    n = 20_000
    days = pd.to_datetime("2022-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D")
    actors = list(palette.ACTOR_GROUP)
    big = pd.DataFrame({
        "id": [f"X{i:06d}" for i in range(n)], "event_key": [f"k{i}" for i in range(n)], "date_from": days, "date_to": days,
        "actor": rng.choice(actors, n), "domain": rng.choice(list(palette.DOMAIN_SHAPES), n), "act": "rebuff",
        "stance": pd.array(rng.integers(-2, 3, n), dtype="Int64"), "credibility": pd.array(rng.integers(1, 7, n), dtype="Int64"),
        "source_id": "S000", "summary": "synthetic", "quote": "q",
    })
    marks, resolution = M.event_marks(big)
    assert resolution == "month" and len(marks) <= M.MAX_MARKS
    assert int(marks["n_rows"].sum()) == n  # every row is in exactly one bin
    assert (marks["days"] > 1).all()  # a bin is drawn across its period
    chart = charts.stance_chart(big)
    assert sum(len(rows) for rows in datasets(chart)) <= M.MAX_MARKS + 50
    assert charts.stance_summary(big).startswith(f"{n} scored rows in the range shown, 1 Jan 2022 to 31 Dec 2022, too many to draw one by one: binned by month")


def _context_rows(days: list[str]) -> pd.DataFrame:
    rows = pd.DataFrame([_event(f"C{i:05d}", f"ctx{i}", d, d, RU, "security", "context", None, 1, f"S00{i % 2}", "ctx")
                         for i, d in enumerate(days)]).astype({"stance": "Int64", "credibility": "Int64"})
    return rows.assign(date_from=pd.to_datetime(rows["date_from"]), date_to=pd.to_datetime(rows["date_to"]))


@pytest.mark.parametrize(("limit", "resolution", "expected"), [
    (4, "event", [("C00000", "3 Jan 2022", "ctx"), ("C00001", "4 Jan 2022", "ctx"), ("C00002", "20 Jan 2022", "ctx"),
                  ("C00003", "1 Mar 2022", "ctx")]),
    (3, "week", [("ctx:week:2022-01-03", "week of 3 Jan 2022", "2 context markers"),
                 ("ctx:week:2022-01-17", "week of 17 Jan 2022", "1 context marker"),
                 ("ctx:week:2022-02-28", "week of 28 Feb 2022", "1 context marker")]),
    (2, "month", [("ctx:month:2022-01-01", "month of 1 Jan 2022", "3 context markers"),
                  ("ctx:month:2022-03-01", "month of 1 Mar 2022", "1 context marker")]),
    (1, "quarter", [("ctx:quarter:2022-01-01", "quarter of 1 Jan 2022", "4 context markers")]),
])
def test_context_markers_past_the_limit_are_counted_per_bin(limit: int, resolution: str, expected: list) -> None:
    context = M.context_marks(_context_rows(["2022-01-03", "2022-01-04", "2022-01-20", "2022-03-01"]))
    drawn, got = M.bin_context(context, max_marks=limit)
    assert got == resolution
    assert list(zip(drawn["key"], drawn["date_label"], drawn["summary"])) == expected
    assert int(drawn["n_rows"].sum()) == 4  # every marker in exactly one bin


def test_a_large_context_strip_is_binned_in_the_chart_and_the_summary_says_so(monkeypatch) -> None:
    monkeypatch.setattr(M.stance, "MAX_CONTEXT", 3)  # the stance module reads the limit
    M.clear_cache()
    rows = pd.concat([EVENTS, _context_rows(["2022-01-03", "2022-01-04", "2022-01-20", "2022-03-01"])], ignore_index=True)
    m = M.stance_marks(rows)
    assert (m.context_count, m.context_resolution) == (6, "month")  # EV005, EV010 and the four
    assert m.context["key"].tolist() == ["ctx:month:2022-01-01", "ctx:month:2022-02-01", "ctx:month:2022-03-01"]
    assert m.summary.endswith("6 unscored context markers (counted per month in 3 grey bars).")
    shipped = charts.stance_spec(m).to_dict()["datasets"]["context"]
    assert [r["summary"] for r in shipped] == ["4 context markers", "1 context marker", "1 context marker"]
    assert "ids" not in shipped[0]  # a bin has no row ids to ship
    M.clear_cache()


# -- rolling index: each act once; an interval spreads its weight over its days; longer than the window: left out


def _acts(*acts) -> pd.DataFrame:
    """One actor's acts from (date_from, date_to, stance), and another actor's act on 31 December 2022, so the data
    (and the index) runs to the end of the year."""
    own = [(f"EV{i:03d}", f"k{i}", a, b, KZ, s, 1, "S000") for i, (a, b, s) in enumerate(acts, 1)]
    return _rows(*own, ("EV999", "horizon", "2022-12-31", "2022-12-31", "China", 0, 1, "S000"))


def daily(index: pd.DataFrame, actor: str = KZ) -> dict[str, float]:
    """The index on every day, from the change points (a step line: each value holds until the next point)."""
    out: dict[str, float] = {}
    for _, segment in index[index["actor"] == actor].groupby("segment", sort=False):
        values = segment.set_index("date")["mean"]
        grid = pd.date_range(values.index.min(), values.index.max(), freq="D")
        out |= {d.strftime("%Y-%m-%d"): v for d, v in values.reindex(grid).ffill().items()}
    return out


@pytest.mark.parametrize(
    ("acts", "window", "left_out", "expected"),
    [
        pytest.param([("2022-03-10", "2022-03-10", -1)], 90, 0,
                     {"2022-03-09": None, "2022-03-10": -1.0, "2022-06-07": -1.0, "2022-06-08": None},
                     id="a-day-weighs-1-on-its-day-for-the-window"),
        pytest.param([("2022-03-01", "2022-03-10", 2), ("2022-03-05", "2022-03-05", -1)], 90, 0,
                     # 1 March: 0.1 of the interval alone; 5 March: 0.5 × +2 and 1 × −1; 6 March: (0.6 × 2 − 1) / 1.6;
                     # 10 March: the whole interval and the day; 2 June: the window (4 March, 2 June] holds 6 of the 10 days
                     # and the day again; 3 June: the day has left the window; 8 June: the interval's last day has too
                     {"2022-03-01": 2.0, "2022-03-04": 2.0, "2022-03-05": 0.0, "2022-03-06": 0.125, "2022-03-10": 0.5,
                      "2022-06-02": 0.125, "2022-06-03": 2.0, "2022-06-07": 2.0, "2022-06-08": None},
                     id="an-interval-spreads-its-weight-over-its-days"),
        pytest.param([("2022-01-01", "2022-03-31", -2)], 90, 0, {"2022-01-01": -2.0, "2022-06-28": -2.0, "2022-06-29": None},
                     id="an-interval-as-long-as-the-window-is-in"),
        pytest.param([("2022-01-01", "2022-04-01", -2), ("2022-02-01", "2022-02-01", 1)], 90, 1,
                     {"2022-01-31": None, "2022-02-01": 1.0, "2022-05-01": 1.0},
                     id="an-interval-longer-than-the-window-is-left-out"),
        pytest.param([("2022-03-01", "2022-03-31", -1)], 30, 1, {}, id="a-month-is-longer-than-a-30-day-window"),
    ],
)
def test_stance_index_spreads_intervals_and_leaves_out_those_longer_than_the_window(acts, window, left_out, expected) -> None:
    events = _acts(*acts)
    index = M.stance_index(events, window_days=window, min_events=1)
    got = daily(index) if len(index) else {}
    assert {day: got.get(day) for day in expected} == expected
    assert M.index_left_out(events, window_days=window) == left_out


def test_stance_index_counts_each_act_once_over_a_trailing_window() -> None:
    index = M.stance_index(EVENTS, window_days=90, min_events=1)  # every window with an act (the computation alone)
    got = [(r.actor, r.date.strftime("%Y-%m-%d"), r.mean, r.n, r.weight, r.segment) for r in index.itertuples() if r.actor == RU]
    # Russia government's line; the year-dated drones deal is left out
    assert got == [
        (RU, "2022-03-25", -1.0, 1, 1.0, "Russia government#1"),
        (RU, "2022-06-22", -1.0, 1, 1.0, "Russia government#1"),
        (RU, "2022-08-01", -2.0, 1, 1.0, "Russia government#3"),
        (RU, "2022-08-03", -0.5, 2, 2.0, "Russia government#3"),  # mean of −2 and +1
        (RU, "2022-10-30", 1.0, 1, 1.0, "Russia government#3"),  # the post has left the window
        (RU, "2022-10-31", 1.0, 1, 1.0, "Russia government#3"),
    ]
    assert M.index_left_out(EVENTS) == 1


def test_index_summary_and_subtitle_state_the_rule_and_the_acts_left_out() -> None:
    assert charts.index_summary(EVENTS, min_events=2) == (
        "90-day trailing mean stance, drawn only where an actor has at least 2 acts in the window, each act counted once "
        "and spread over the days of its interval: Kazakhstan government from 6 Mar 2022 (−1 over 2 acts), ending −1 on "
        "3 Jun 2022 (2 acts); Russia government from 3 Aug 2022 (−0.5 over 2 acts), ending −0.5 on 29 Oct 2022 (2 acts). "
        "No line for CSTO: 1 act. 1 event dated to an interval longer than 90 days is not in the index."
    )
    subtitle = charts.index_chart(EVENTS, min_events=2).to_dict()["title"]["subtitle"]
    assert subtitle == [
        "Each act counted once, its weight spread evenly over the days of its interval (a day-dated act weighs 1 on its day).",
        "A line only where the actor has at least 2 acts in the window (the count is in the tooltip). "
        "1 event dated to an interval longer than 90 days is not in the index.",
    ]
    # under the declared rule (five acts in the window) this table draws no line, and says so with the counts
    assert charts.index_summary(EVENTS) == (
        "No index line: no actor has 5 acts in any 90-day window. No line for Russia government: 3 acts; "
        "Kazakhstan government: 2 acts; CSTO: 1 act. 1 event dated to an interval longer than 90 days is not in the index."
    )
    assert M.left_out_text(2) == "2 events dated to intervals longer than 90 days are not in the index"


def test_index_chart_receives_only_change_points() -> None:
    rows = [r for r in dataset_with(charts.index_chart(EVENTS, min_events=1), "segment") if r["actor"] == RU]
    assert [(r["actor"], r["mean"]) for r in rows] == [(RU, -1.0), (RU, -1.0), (RU, -2.0), (RU, -0.5), (RU, 1.0), (RU, 1.0)]


# -- palette


def test_every_actor_in_the_codebook_has_a_fixed_colour() -> None:
    package = json.loads((REPO / "data" / "datapackage.json").read_text(encoding="utf-8"))
    events = next(r for r in package["resources"] if r["name"] == "events")
    actors = next(f for f in events["schema"]["fields"] if f["name"] == "actor")["constraints"]["enum"]
    assert set(actors) == set(palette.ACTOR_GROUP)
    assert set(palette.ACTOR_GROUP.values()) == set(palette.GROUP_COLOURS)
    assert palette.actor_colour("Kazakhstan government") == "#0072B2"
    assert palette.actor_colour("Belarus") == palette.actor_colour("CSTO")
    assert palette.actor_colour(None) == palette.GROUP_COLOURS[palette.OTHER_GROUP]


def test_every_chart_uses_the_one_actor_scale() -> None:
    scale = charts.actor_scale().to_dict()
    for chart in (charts.stance_chart(EVENTS), charts.index_chart(EVENTS, window_days=90, min_events=1)):
        colours = [l["encoding"]["color"]["scale"] for l in layers(chart) if "color" in l.get("encoding", {})
                   and l["encoding"]["color"].get("field") == "group"]
        assert colours and all(c == scale for c in colours)


# -- defence budget

BUDGET = pd.DataFrame(
    {
        "id": ["DB001", "DB002", "DB003", "DB004"],
        "item": ["additional allocation", "additional allocation", "previous budget", "increase ratio"],
        "amount": [441.0, 918.0, 1.7, 1.5],
        "unit": ["billion KZT", "million USD", "billion USD", "ratio"],
        "as_stated": ["441 billion tenge", "$918 million", "$1.7 billion", "nearly 1.5-fold"],
        "source_id": ["S004"] * 4,
    }
)
SCOPE = ("The 441 billion tenge was for 'upgrading the equipment of law enforcement and emergency situation agencies', "
         "not for defence alone (an outside report). The seed calls it defence.")
WIDE = BUDGET.assign(
    reported_by="WSJ (a reporter), citing an unnamed official", budget_year=[2022, 2022, 2021, 2022],
    scope=["security and defence", "security and defence", "defence", None], correction=[SCOPE, SCOPE, None, None],
)


@pytest.mark.parametrize(
    ("years", "derived"),
    [([2022, 2022, 2021, 2022], False), ([2022, 2022, 2022, 2022], True), ([None] * 4, False)],
    ids=["previous-year-budget", "same-year", "unknown-years"],
)
def test_previous_budget_is_converted_only_at_its_own_year_s_rate(years, derived: bool) -> None:
    frame = M.defence_frame(BUDGET.assign(budget_year=pd.array(years, dtype="Int64")))
    assert (("tenge (billion)", "previous budget") in set(zip(frame["currency"], frame["part"]))) == derived


def test_defence_figures_derive_the_rate_and_ratio_from_the_source_s_own_numbers() -> None:
    figures = M.defence_figures(BUDGET)
    assert round(figures["rate"], 2) == 480.39  # 441e9 / 918e6
    assert round(figures["computed_ratio"], 4) == 1.54  # (1.7 + 0.918) / 1.7
    frame = M.defence_frame(BUDGET.assign(budget_year=2022))
    assert frame[["currency", "part", "basis", "label"]].to_dict("records") == [
        {"currency": "US dollars (billion)", "part": "previous budget", "basis": "stated", "label": "$1.7bn (stated)"},
        {"currency": "tenge (billion)", "part": "previous budget", "basis": "derived", "label": "₸817bn (derived)"},
        {"currency": "US dollars (billion)", "part": "additional allocation", "basis": "stated", "label": "$0.918bn (stated)"},
        {"currency": "tenge (billion)", "part": "additional allocation", "basis": "stated", "label": "₸441bn (stated)"},
    ]
    assert M.defence_summary(BUDGET) == (
        "The 2022 addition is 441 billion tenge and $918 million (S004), which implies 480.4 tenge per dollar, on a previous "
        "budget of $1.7 billion; the increase is stated as nearly 1.5-fold, the source's own figures give 1.54-fold."
    )


@pytest.mark.parametrize(
    ("budget", "label", "wide"),
    [
        (BUDGET, "Defence budget increase", False),
        (BUDGET.assign(budget_year=2022), "Defence budget increase, 2022", False),
        (BUDGET.assign(budget_year=2022, note="Budget year inferred from the text."), "Defence budget increase, 2022", False),
        (WIDE, "Security and defence addition, 2022 (as WSJ reports it: defence)", True),
        (WIDE.assign(scope="defence"), "Defence budget increase, 2022", False),
        (BUDGET.assign(budget_year=2022, correction=[SCOPE, None, None, None]), "Defence budget increase, 2022", False),
    ],
    ids=["no-year", "year", "unrelated-note", "declared-security-and-defence", "declared-defence", "correction-without-scope"],
)
def test_defence_label_reads_the_scope_from_the_rows(budget: pd.DataFrame, label: str, wide: bool) -> None:
    assert M.defence_label(budget) == label
    assert M.defence_scope(budget)["security_wide"] is wide


def test_a_security_wide_addition_is_said_so_in_the_summary_and_the_chart() -> None:
    scope = M.defence_scope(WIDE)
    assert scope["scope_note"] == ("The 441 billion tenge was for 'upgrading the equipment of law enforcement and emergency "
                                   "situation agencies', not for defence alone")
    assert M.defence_summary(WIDE).endswith(
        "WSJ reports the addition as defence spending, but it is not all defence: the 441 billion tenge was for 'upgrading "
        "the equipment of law enforcement and emergency situation agencies', not for defence alone, so the ratio compares a "
        "security-wide addition with a defence budget."
    )
    title = charts.defence_chart(WIDE).to_dict()["title"]
    assert title["text"] == "Defence budget: the previous budget and the 2022 security and defence addition"
    assert title["subtitle"][1] == ("The addition is not all defence, though WSJ reports it as defence: the two bars differ "
                                    "in scope (see the summary).")


# -- oil routes

OIL = pd.DataFrame(
    {
        "id": ["OR001", "OR002", "OR003", "OR004", "OR009"],
        "route": ["CPC", "CPC", "CPC", "CPC", "assets"],
        "kind": ["export share", "export share", "disruption", "disruption", "stake"],
        "asset": ["terminal", "port", "berths", "berths", "Karachaganak"],
        "company": [None, None, None, None, "Lukoil"],
        "value": [80.0, 75.0, 2.0, None, 13.5],
        "unit": ["percent", "percent", "months", None, "percent"],
        "as_stated": ["80% of Kazakh oil", "About 75% of exports", "a minimum of two months", "storm damage", "Karachaganak (13.5%)"],
        "date_from": pd.to_datetime([None, None, "2022-03-01", "2022-03-23", None]),
        "date_to": pd.to_datetime([None, None, "2022-03-31", "2022-03-23", None]),
        "source_id": ["S000", "S001", "S000", "S001", "S002"],
        "quote": ["q1", "q2", "q3", "q4", "q9"],
        "conflict_key": ["cpc_export_share", "cpc_export_share", None, None, None],
        "note": ["Base: Kazakh oil loaded for delivery abroad.", "Base: oil exports to the west.", None, None, None],
    }
)


def test_oil_share_chart_shows_both_conflicting_figures_side_by_side() -> None:
    rows = dataset_with(charts.oil_share_chart(OIL), "bar")
    assert [(r["bar"], r["value"], r["label"]) for r in rows] == [("CPC — S000", 80.0, "80%"), ("CPC — S001", 75.0, "about 75%")]
    assert M.oil_share_summary(OIL) == (
        "Export share: S000: 80% of Kazakh oil (80%) via CPC; S001: About 75% of exports (75%) via CPC. "
        "Both figures are kept; the seeds disagree."
    )


def test_oil_timeline_spans_the_interval_and_keeps_overlapping_rows_apart() -> None:
    rows = M.oil_timeline_frame(OIL)
    assert rows[["id", "lane", "date_label", "days"]].to_dict("records") == [
        {"id": "OR003", "lane": "CPC: disruption", "date_label": "March 2022", "days": 31.0},
        {"id": "OR004", "lane": "CPC: disruption", "date_label": "23 Mar 2022", "days": 1.0},
    ]
    assert (rows["start"].iloc[0], rows["end"].iloc[0]) == (pd.Timestamp("2022-03-01"), pd.Timestamp("2022-04-01"))
    drawn = dataset_with(charts.oil_timeline_chart(OIL), "slot")
    assert [(r["id"], r["row"]) for r in drawn] == [("OR003", "CPC: disruption#0"), ("OR004", "CPC: disruption#1")]


# -- sanctions and sentiment: one mark per act, intervals as bars

SANCTIONS = pd.DataFrame(
    {
        "id": ["SS001", "SS002", "SS003", "SS004", "SS005", "SS006"],
        "event_key": ["suleimenov", "suleimenov", None, None, None, None],
        "date_from": pd.to_datetime(["2022-03-29", "2022-03-29", "2022-01-01", "2022-02-22", None, "2005-01-01"]),
        "date_to": pd.to_datetime(["2022-03-29", "2022-03-29", "2022-12-31", "2022-02-22", None, "2005-12-31"]),
        "actor": [KZ, KZ, KZ, KZ, RU, "West"],
        "actor_detail": ["Suleimenov", "Suleimenov", "Government", "Tleuberdi", "Moscow", "EU"],
        "issue": ["sanctions compliance", "sanctions compliance", "sanctions compliance", "recognition", "sanctions compliance", "sanctions on Kazakhstan"],
        "position": ["Will not help evade sanctions", "Will abide by the restrictions", "Observes sanctions", "Will not recognise",
                     "Wants to use Kazakhstan", "Sanctioned Uzbekistan"],
        "act": ["sanctions_compliance", "sanctions_compliance", "sanctions_compliance", "non_recognition", "accommodating_step", "context"],
        "stance": pd.array([-2, -2, -2, -1, 1, None], dtype="Int64"),
        "source_id": ["S000", "S001", "S002", "S002", "S004", "S004"],
        "quote": ["q1", "q2", "q3", "q4", "q5", "q6"],
    }
)


def test_sanctions_rows_sharing_an_event_key_are_one_mark() -> None:
    rows = M.sanctions_frame(SANCTIONS)
    assert rows[["id", "ids", "sources", "issue", "date_label", "stance_label", "n_rows"]].to_dict("records") == [
        {"id": "SS006", "ids": "SS006", "sources": "S004", "issue": "sanctions on Kazakhstan", "date_label": "2005",
         "stance_label": "context (unscored)", "n_rows": 1},
        {"id": "SS003", "ids": "SS003", "sources": "S002", "issue": "sanctions compliance", "date_label": "2022",
         "stance_label": "−2 strong distance", "n_rows": 1},
        {"id": "SS004", "ids": "SS004", "sources": "S002", "issue": "recognition", "date_label": "22 Feb 2022",
         "stance_label": "−1 mild distance", "n_rows": 1},
        {"id": "SS001", "ids": "SS001, SS002", "sources": "S000, S001", "issue": "sanctions compliance", "date_label": "29 Mar 2022",
         "stance_label": "−2 strong distance", "n_rows": 2},
    ]
    assert M.sanctions_summary(SANCTIONS) == (
        "5 stated positions (3 on sanctions compliance, 1 on sanctions on Kazakhstan, 1 on recognition; 6 rows; rows telling "
        "the same act count once); 4 dated and drawn, 1 undated in the table only."
    )


def test_sanctions_chart_draws_intervals_as_bars_in_sub_rows_and_selects_by_row() -> None:
    chart = charts.sanctions_chart(SANCTIONS)
    drawn = dataset_with(chart, "slot")
    assert [(r["id"], r["row"], r["days"]) for r in drawn] == [
        ("SS006", "sanctions on Kazakhstan#0", 365.0), ("SS003", "sanctions compliance#0", 365.0),
        ("SS004", "recognition#0", 1.0), ("SS001", "sanctions compliance#1", 1.0),
    ]
    spec = chart.to_dict()
    assert [(p["name"], p["select"]["fields"]) for p in spec["params"]] == [("row", ["id"])]
    assert not any("mid" in row for rows in spec["datasets"].values() for row in rows)


SENTIMENT = pd.DataFrame(
    {
        "id": ["PS001", "PS002", "PS003"],
        "date_from": pd.to_datetime(["2022-03-06", "2022-02-24", None]),
        "date_to": pd.to_datetime(["2022-03-06", "2022-05-08", None]),
        "indicator": ["rally", "rally", "poll"],
        "leaning": ["pro-Ukraine / anti-war", "a leaning the palette lacks", "pro-Russia"],
        "value": [2000.0, None, 33.3], "value_high": [None, None, None], "unit": ["people", None, "percent"],
        "as_stated": ["nearly two thousand people", "all the subsequent rallies", "a third"],
        "summary": ["Rally", "Rallies", "Poll"], "source_id": ["S000", "S001", "S000"],
    }
)


def test_sentiment_chart_draws_every_dated_sign_across_its_interval() -> None:
    rows = M.sentiment_frame(SENTIMENT)
    assert rows[["id", "date_label", "days", "figure"]].to_dict("records") == [
        {"id": "PS002", "date_label": "24 Feb – 8 May 2022", "days": 74.0, "figure": "all the subsequent rallies"},
        {"id": "PS001", "date_label": "6 Mar 2022", "days": 1.0, "figure": "2,000 people"},
    ]
    chart = charts.sentiment_chart(SENTIMENT)
    colour = next(l["encoding"]["color"] for l in layers(chart) if "color" in l.get("encoding", {}))
    assert "a leaning the palette lacks" in colour["scale"]["domain"]  # a value the palette lacks still gets a colour
    assert len(colour["scale"]["domain"]) == len(colour["scale"]["range"])
    assert M.sentiment_summary(SENTIMENT) == (
        "3 signs of public mood (1 pro-Ukraine / anti-war, 1 a leaning the palette lacks, 1 pro-Russia); 2 dated and drawn, "
        "1 undated in the table only."
    )


def test_empty_chart_says_why() -> None:
    chart = charts.stance_chart(EVENTS, Filters(actors=("Belarus",)))
    assert chart.to_dict()["title"]["text"] == "No events match the filters"


def test_charts_use_projector_font_sizes() -> None:
    config = charts.stance_chart(EVENTS).to_dict()["config"]
    assert config["axis"]["labelFontSize"] >= 14 and config["legend"]["labelFontSize"] >= 14
    assert config["title"]["fontSize"] >= 18  # title sizes now come from the one theme (config.title), not each chart's title


def test_one_theme_registered_once_and_no_chart_styles_itself() -> None:
    assert alt.theme.active == charts.THEME_NAME
    for chart in (charts.stance_chart(EVENTS), charts.index_chart(EVENTS), charts.sanctions_chart(SANCTIONS),
                  charts.sentiment_chart(SENTIMENT), charts.oil_timeline_chart(OIL), charts.oil_share_chart(OIL),
                  charts.stakes_chart(OIL), charts.defence_chart(WIDE), charts.empty_chart("Nothing")):
        assert "config" not in chart.spec  # no per-chart configure_*: the look is the theme's
        assert chart.to_dict()["config"] == charts.THEME["config"]
    dark = charts.for_dark(charts.stance_chart(EVENTS)).to_dict()["config"]
    assert dark["text"] == {"fontSize": palette.TEXT_SIZE, "color": charts.DARK_TEXT}
    assert dark["title"]["subtitleColor"] == charts.DARK_TEXT and dark["title"]["fontSize"] == palette.TITLE_SIZE
    assert dark["legend"]["symbolFillColor"] == charts.DARK_SYMBOL and dark["legend"]["labelFontSize"] == palette.LABEL_SIZE


def test_the_three_lane_charts_are_one_builder() -> None:
    def shape(chart) -> list[tuple]:
        return [(l["mark"]["type"], json.dumps(l.get("transform")), sorted(l["encoding"])) for l in layers(chart)]

    sanctions, sentiment, oil = (charts.sanctions_chart(SANCTIONS), charts.sentiment_chart(SENTIMENT), charts.oil_timeline_chart(OIL))
    assert shape(sentiment) == shape(oil)
    assert shape(sanctions)[:-1] == [(m, t, sorted(set(e) - {"tooltip"}) if m != "rect" else e) for m, t, e in shape(oil)]
    assert shape(sanctions)[-1][0] == "rect"  # plus the hit layer its selection is made in


def test_summaries_are_counted_from_the_chart_s_own_marks() -> None:
    stance = M.stance_marks(EVENTS)
    assert charts.stance_summary(EVENTS) == stance.summary
    assert len(dataset_with(charts.stance_spec(stance), "stance_label")) == len(stance.marks)
    index = M.index_marks(EVENTS)
    assert charts.index_summary(EVENTS) == index.summary and len(index.left_out) == M.index_left_out(EVENTS)
    lanes = M.sanctions_marks(SANCTIONS)
    assert lanes.summary == M.sanctions_summary(SANCTIONS)
    assert [r["id"] for r in dataset_with(charts.lane_spec(lanes), "slot")] == lanes.rows["id"].tolist()
    defence = M.defence_marks(WIDE)
    assert (defence.summary, defence.label) == (M.defence_summary(WIDE), M.defence_label(WIDE))


def test_marks_are_computed_once_per_table_and_filter() -> None:
    events = EVENTS.copy()
    first = M.stance_marks(events, Filters(actors=(RU,)))
    assert M.stance_marks(events, Filters(actors=(RU,))) is first  # remembered
    assert M.stance_marks(events, Filters()) is not first  # another filter, other marks
    # remembered by the table's content, not by the object: an equal copy shares the marks, a changed one never does
    assert M.stance_marks(events.copy(), Filters(actors=(RU,))) is first
    changed = events.copy()
    changed.loc[changed["actor"] == RU, "summary"] = "another table"
    other = M.stance_marks(changed, Filters(actors=(RU,)))
    assert other is not first and set(other.marks["summary"]) == {"another table"}
    marks, _ = M.event_marks(events, Filters(actors=(RU,)))
    marks.loc[:, "summary"] = "changed by a caller"  # the older per-frame functions hand out copies
    assert (M.acts(events, Filters(actors=(RU,))).marks["summary"] != "changed by a caller").all()


def test_every_chart_compiles_in_vega() -> None:
    """vl-convert compiles each chart to SVG: the specs are valid Vega-Lite, expressions included."""
    import vl_convert as vlc

    for chart in (charts.stance_chart(EVENTS), charts.stance_chart(EVENTS, compact=True, selected="EV009"),
                  charts.index_chart(EVENTS), charts.sanctions_chart(SANCTIONS), charts.sentiment_chart(SENTIMENT),
                  charts.oil_timeline_chart(OIL), charts.defence_chart(WIDE), charts.oil_share_chart(OIL),
                  charts.stakes_chart(OIL), charts.empty_chart("Nothing to draw")):
        spec = chart.to_dict(validate=True)  # valid against the Vega-Lite schema (to_dict does not check by default)
        spec["width"] = 900 if spec.get("width") == "container" else spec.get("width")
        assert vlc.vegalite_to_svg(json.dumps(spec)).startswith("<svg")


@pytest.mark.parametrize(("picked", "ids"), [
    ("EV004", ["EV003", "EV004"]),  # a row: every row of its act
    ("bin:month:CSTO:security:2022-01-01", ["EV003", "EV004"]),  # a bin of scored acts: its actor, domain and month
    ("bin:month:CSTO:security:2022-02-01", []),
    ("ctx:month:2022-02-01", ["EV005"]),  # a bin of context markers: the markers starting in it
    ("ctx:month:2022-01-01", ["EV010"]),
    ("ctx:month:not-a-date", []),  # a hand-edited link: nothing, not a crash
])
def test_the_stance_page_reads_the_rows_behind_a_mark_or_a_bin(picked: str, ids: list[str]) -> None:
    from dashboard.views import stance as _stance

    events = M.prepare_events(EVENTS)
    assert sorted(_stance.rows_of(picked, events, events)["id"]) == ids


def test_an_act_that_began_before_the_shown_dates_does_not_widen_the_stance_chart() -> None:
    """Vega-Lite's autosize fits every mark: an unclipped bar or hit box from 2019 in a 2022 view once pushed the plot
    thousands of pixels right (width 0). Rendered, the plot keeps its place whatever the data's earliest start."""
    import re

    import vl_convert as vlc

    began_earlier = _event("EV020", "northern_lands", "2019-03-20", "2022-05-08", "Russian politicians and media", "information",
                           "territorial_claim", -2, 2, "S000", "Politicians question Kazakhstan's sovereignty")
    frame = pd.concat([EVENTS, pd.DataFrame([began_earlier]).astype({"stance": "Int64", "credibility": "Int64"})],
                      ignore_index=True)
    frame["date_from"], frame["date_to"] = pd.to_datetime(frame["date_from"]), pd.to_datetime(frame["date_to"])
    events = M.prepare_events(frame)
    spec = charts.stance_chart(events, Filters(date_from=dt.date(2022, 1, 1), date_to=dt.date(2022, 12, 31)))
    svg = vlc.vegalite_to_svg(json.dumps(spec if isinstance(spec, dict) else spec.to_dict()))
    left = int(re.search(r'translate\((\d+(?:\.\d+)?),', svg).group(1).split(".")[0])
    assert left < 200


def test_date_labels_word_a_column_as_date_label_words_each_value() -> None:
    """The index chart labels its points per column (up to one per actor per change at 100,000 events)."""
    first = pd.Series(pd.to_datetime(["2022-03-06", "2022-01-01", "2021-12-01", "2022-02-24", None, "2022-12-31T13:00"], format="ISO8601"))
    last = pd.Series(pd.to_datetime(["2022-03-06", "2022-12-31", "2022-02-28", "2022-05-08", None, "2022-12-31"]))
    assert M.date_labels(first) == [M.date_label(d) for d in first]
    assert M.date_labels(first, last) == [M.date_label(a, b) for a, b in zip(first, last)]
    assert M.date_labels(first, last)[:4] == ["6 Mar 2022", "2022", "Dec 2021 – Feb 2022", "24 Feb – 8 May 2022"]
