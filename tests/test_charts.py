"""Pure chart builders: the exact data each chart is given, and its one-line summary."""

from __future__ import annotations

import datetime as dt
import json

import altair as alt
import numpy as np
import pandas as pd
import pytest

from dashboard import charts, palette
from dashboard.filters import Filters

from conftest import REPO


def _event(id, key, date, precision, actor, domain, stance, credibility, source, summary):
    return {"id": id, "event_key": key, "date": date, "date_precision": precision, "actor": actor, "domain": domain,
            "stance": stance, "credibility": credibility, "source_id": source, "summary": summary, "quote": f"quote {id}"}


EVENTS = pd.DataFrame(
    [
        # one event told by two seeds: one mark, the better credibility, both seeds
        _event("EV001", "rally", "2022-03-06", "day", "Kazakhstan government", "society", -1, 2, "S000", "Rally allowed"),
        _event("EV002", "rally", "2022-03-06", "day", "Kazakhstan government", "society", -1, 1, "S001", "Rally allowed (S001)"),
        # one event, two actors: a mark for each
        _event("EV003", "csto", "2022-01-01", "month", "CSTO", "security", 2, 1, "S001", "CSTO deploys"),
        _event("EV004", "csto", "2022-01-01", "month", "Russia government", "security", 2, 1, "S000", "Russia sends troops"),
        # a context marker: no stance, so no mark, never a 0
        _event("EV005", "invasion_2022", "2022-02-24", "day", "Russia government", "security", None, 1, "S001", "Invasion"),
        _event("EV006", "drones", "2022-01-01", "year", "Kazakhstan government", "security", -1, 3, "S004", "Drones with Turkey"),
        _event("EV007", "medvedev_post_2022", "2022-08-01", "day", "Russia government", "information", -2, 3, "S004", "Medvedev post"),
        _event("EV008", "denial", "2022-08-03", "day", "Russia government", "information", 1, 2, "S004", "Medvedev denies"),
    ]
).astype({"stance": "Int64", "credibility": "Int64"})
EVENTS["date"] = pd.to_datetime(EVENTS["date"])


def datasets(chart: alt.TopLevelMixin) -> list[list[dict]]:
    """The inline datasets a chart ships to the browser, in spec order."""
    return list(chart.to_dict()["datasets"].values())


def dataset_with(chart: alt.TopLevelMixin, column: str) -> list[dict]:
    """The one dataset that has ``column`` (e.g. the marks, which alone have ``stance_label``)."""
    found = [rows for rows in datasets(chart) if rows and column in rows[0]]
    assert len(found) == 1, [list(rows[0]) for rows in datasets(chart) if rows]
    return found[0]


# -- stance marks


def test_event_marks_one_mark_per_event_and_actor() -> None:
    marks, resolution = charts.event_marks(EVENTS)
    assert resolution == "event"
    shown = marks[["key", "ids", "actor", "stance", "credibility", "precision", "date_label", "sources", "n_rows"]]
    assert shown.to_dict("records") == [
        {"key": "EV003", "ids": "EV003", "actor": "CSTO", "stance": 2.0, "credibility": 1, "precision": "month",
         "date_label": "January 2022", "sources": "S001", "n_rows": 1},
        {"key": "EV004", "ids": "EV004", "actor": "Russia government", "stance": 2.0, "credibility": 1, "precision": "month",
         "date_label": "January 2022", "sources": "S000", "n_rows": 1},
        {"key": "EV002", "ids": "EV001, EV002", "actor": "Kazakhstan government", "stance": -1.0, "credibility": 1,
         "precision": "day", "date_label": "6 Mar 2022", "sources": "S000, S001", "n_rows": 2},
        {"key": "EV006", "ids": "EV006", "actor": "Kazakhstan government", "stance": -1.0, "credibility": 3, "precision": "year",
         "date_label": "2022", "sources": "S004", "n_rows": 1},
        {"key": "EV007", "ids": "EV007", "actor": "Russia government", "stance": -2.0, "credibility": 3, "precision": "day",
         "date_label": "1 Aug 2022", "sources": "S004", "n_rows": 1},
        {"key": "EV008", "ids": "EV008", "actor": "Russia government", "stance": 1.0, "credibility": 2, "precision": "day",
         "date_label": "3 Aug 2022", "sources": "S004", "n_rows": 1},
    ]


def test_event_marks_draw_months_and_years_across_their_period() -> None:
    marks, _ = charts.event_marks(EVENTS)
    periods = {
        key: tuple(marks.set_index("key").loc[key, c].strftime("%Y-%m-%d %H:%M") for c in ("start", "end", "mid"))
        for key in ("EV003", "EV006", "EV007")
    }
    assert periods == {
        "EV003": ("2022-01-01 00:00", "2022-02-01 00:00", "2022-01-16 12:00"),  # a month
        "EV006": ("2022-01-01 00:00", "2023-01-01 00:00", "2022-07-02 12:00"),  # a year
        "EV007": ("2022-08-01 00:00", "2022-08-02 00:00", "2022-08-01 12:00"),  # a day
    }


def test_event_marks_fan_out_marks_that_would_overlap() -> None:
    marks, _ = charts.event_marks(EVENTS)
    y = marks.set_index("key")["y"].round(3).to_dict()
    # CSTO and Russia both +2 in January 2022: spread around +2, never past ±0.35
    assert (y["EV003"], y["EV004"]) == (1.935, 2.065)
    assert y["EV007"] == -2.0


def test_context_markers_are_not_marks() -> None:
    marks, _ = charts.event_marks(EVENTS)
    assert "EV005" not in set(marks["key"])
    context = charts.context_marks(EVENTS)
    assert context[["key", "label", "precision", "date_label"]].to_dict("records") == [
        {"key": "EV005", "label": "Invasion of Ukraine", "precision": "day", "date_label": "24 Feb 2022"}
    ]


def test_turning_points_come_from_the_data() -> None:
    turns = charts.turning_points(EVENTS)
    assert turns[["label", "date_label"]].to_dict("records") == [
        {"label": "Invasion of Ukraine", "date_label": "24 Feb 2022"},
        {"label": "Medvedev post", "date_label": "1 Aug 2022"},
    ]
    assert charts.turning_points(EVENTS, Filters(date_to=dt.date(2022, 3, 1)))["label"].tolist() == ["Invasion of Ukraine"]


def test_mark_for_row_finds_the_mark_of_any_row_of_an_event() -> None:
    marks, _ = charts.event_marks(EVENTS)
    assert charts.mark_for_row(marks, "EV001") == "EV002"
    assert charts.mark_for_row(marks, "EV005") is None


# -- what the stance chart is given


def test_stance_chart_receives_exactly_the_marks() -> None:
    chart = charts.stance_chart(EVENTS)
    points = dataset_with(chart, "stance_label")
    assert [p["key"] for p in points] == ["EV003", "EV004", "EV002", "EV006", "EV007", "EV008"]
    context = [rows for rows in datasets(chart) if rows and "summary" in rows[0] and "stance_label" not in rows[0]]
    assert [[r["summary"] for r in rows] for rows in context] == [["Invasion"]]
    assert [r["label"] for r in dataset_with(chart, "level")] == ["Invasion of Ukraine", "Medvedev post"]


@pytest.mark.parametrize(
    ("filters", "keys"),
    [
        (Filters(), ["EV003", "EV004", "EV002", "EV006", "EV007", "EV008"]),
        (Filters(actors=("Russia government",)), ["EV004", "EV007", "EV008"]),
        (Filters(domains=("information",)), ["EV007", "EV008"]),
        (Filters(min_credibility=2), ["EV003", "EV004", "EV002", "EV008"]),
        (Filters(sources=("S000",)), ["EV004", "EV001"]),
        (Filters(date_from=dt.date(2022, 3, 1), date_to=dt.date(2022, 7, 31)), ["EV002", "EV006"]),
    ],
)
def test_each_filter_changes_what_the_stance_chart_receives(filters: Filters, keys: list[str]) -> None:
    assert [p["key"] for p in dataset_with(charts.stance_chart(EVENTS, filters), "stance_label")] == keys


def test_stance_chart_rings_the_selected_row() -> None:
    chart = charts.stance_chart(EVENTS, selected="EV001")  # a row of the merged rally event
    rings = [rows for rows in datasets(chart) if len(rows) == 1 and rows[0].get("key") == "EV002"]
    assert rings, "the rally mark should be drawn a second time as the selection ring"
    spec = chart.to_dict()
    assert [(p["name"], p["select"]) for p in spec["params"]] == [
        ("event", {"type": "point", "clear": "dblclick", "fields": ["key"], "on": "click"})
    ]


def test_stance_chart_fixes_the_time_axis_to_the_filtered_range() -> None:
    chart = charts.stance_chart(EVENTS, Filters(date_from=dt.date(2022, 3, 1), date_to=dt.date(2022, 7, 31)))
    xs = [layer["encoding"]["x"] for layer in chart.to_dict()["layer"] if "x" in layer.get("encoding", {})]
    assert {json.dumps(x["scale"]["domain"]) for x in xs} == {
        json.dumps([{"date": 1, "hours": 0, "month": 3, "utc": True, "year": 2022},
                    {"date": 1, "hours": 0, "month": 8, "utc": True, "year": 2022}])
    }


def test_stance_summary() -> None:
    assert charts.stance_summary(EVENTS) == (
        "6 scored events (7 rows) from 1 Jan 2022 to 31 Dec 2022: 3 towards alignment with Moscow, 3 towards distance, "
        "0 neutral; 3 dated only to a month or year are drawn across it; 1 unscored context marker."
    )
    assert charts.stance_summary(EVENTS, Filters(actors=("Belarus",))) == "No events match the filters."


def test_stance_chart_bins_a_large_table_and_says_so() -> None:
    rng = np.random.default_rng(0)
    n = 20_000
    days = pd.to_datetime("2022-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D")
    actors = list(palette.ACTOR_GROUP)
    big = pd.DataFrame({
        "id": [f"X{i:06d}" for i in range(n)], "event_key": [f"k{i}" for i in range(n)], "date": days, "date_precision": "day",
        "actor": rng.choice(actors, n), "domain": rng.choice(list(palette.DOMAIN_SHAPES), n),
        "stance": pd.array(rng.integers(-2, 3, n), dtype="Int64"), "credibility": pd.array(rng.integers(1, 7, n), dtype="Int64"),
        "source_id": "S000", "summary": "synthetic", "quote": "q",
    })
    marks, resolution = charts.event_marks(big)
    assert resolution == "month" and len(marks) <= charts.MAX_MARKS
    assert int(marks["n_rows"].sum()) == n  # every row is in exactly one bin
    chart = charts.stance_chart(big)
    assert sum(len(rows) for rows in datasets(chart)) <= charts.MAX_MARKS + 50
    assert charts.stance_summary(big).startswith(f"{n} scored rows from 1 Jan 2022 to 31 Dec 2022, too many to draw one by one: binned by month")


# -- rolling index


def test_stance_index_counts_each_event_once_over_a_trailing_window() -> None:
    index = charts.stance_index(EVENTS, window_days=90, min_events=2)
    got = [(r.actor, r.date.strftime("%Y-%m-%d"), r.mean, r.n, r.segment) for r in index.itertuples()]
    assert got == [
        # the rally counts once (two seeds), then drops out 90 days later; the year-dated drones deal counts from mid-2022
        ("Kazakhstan government", "2022-03-06", -1.0, 1, "Kazakhstan government#1"),
        ("Kazakhstan government", "2022-06-03", -1.0, 1, "Kazakhstan government#1"),
        ("Kazakhstan government", "2022-07-02", -1.0, 1, "Kazakhstan government#3"),
        ("Kazakhstan government", "2022-09-29", -1.0, 1, "Kazakhstan government#3"),
        ("Russia government", "2022-01-16", 2.0, 1, "Russia government#1"),
        ("Russia government", "2022-04-15", 2.0, 1, "Russia government#1"),
        ("Russia government", "2022-08-01", -2.0, 1, "Russia government#3"),
        ("Russia government", "2022-08-03", -0.5, 2, "Russia government#3"),  # mean of −2 and +1
        ("Russia government", "2022-10-30", 1.0, 1, "Russia government#3"),  # the post has left the window
        ("Russia government", "2022-10-31", 1.0, 1, "Russia government#3"),
    ]


def test_index_summary_states_the_window() -> None:
    assert charts.index_summary(EVENTS) == (
        "90-day trailing mean stance, each event counted once: Russia government +2 in Jan 2022 to +1 in Oct 2022 (low −2, high +2)."
    )


def test_index_chart_receives_only_change_points() -> None:
    rows = dataset_with(charts.index_chart(EVENTS), "segment")
    assert [(r["actor"], r["mean"]) for r in rows] == [
        ("Russia government", 2.0), ("Russia government", 2.0), ("Russia government", -2.0),
        ("Russia government", -0.5), ("Russia government", 1.0), ("Russia government", 1.0),
    ]


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
    for chart in (charts.stance_chart(EVENTS), charts.index_chart(EVENTS, window_days=90)):
        colours = [l["encoding"]["color"]["scale"] for l in chart.to_dict()["layer"] if "color" in l.get("encoding", {})
                   and l["encoding"]["color"].get("field") == "group"]
        assert colours and all(c == scale for c in colours)


# -- indicators

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


def test_defence_figures_derive_the_rate_and_ratio_from_the_source_s_own_numbers() -> None:
    figures = charts.defence_figures(BUDGET)
    assert round(figures["rate"], 2) == 480.39  # 441e9 / 918e6
    assert round(figures["computed_ratio"], 4) == 1.54  # (1.7 + 0.918) / 1.7
    frame = charts.defence_frame(BUDGET)
    assert frame[["currency", "part", "basis", "label"]].to_dict("records") == [
        {"currency": "US dollars (billion)", "part": "previous budget", "basis": "stated", "label": "$1.7bn (stated)"},
        {"currency": "tenge (billion)", "part": "previous budget", "basis": "derived", "label": "₸817bn (derived)"},
        {"currency": "US dollars (billion)", "part": "additional allocation", "basis": "stated", "label": "$0.918bn (stated)"},
        {"currency": "tenge (billion)", "part": "additional allocation", "basis": "stated", "label": "₸441bn (stated)"},
    ]
    assert charts.defence_summary(BUDGET) == (
        "The 2022 addition is 441 billion tenge and $918 million (S004), which implies 480.4 tenge per dollar, on a previous "
        "budget of $1.7 billion; the increase is stated as nearly 1.5-fold, the source's own figures give 1.54-fold."
    )


OIL = pd.DataFrame(
    {
        "id": ["OR001", "OR002", "OR003", "OR009"],
        "route": ["CPC", "CPC", "CPC", "assets"],
        "kind": ["export share", "export share", "disruption", "stake"],
        "asset": ["terminal", "port", "berths", "Karachaganak"],
        "company": [None, None, None, "Lukoil"],
        "value": [80.0, 75.0, 2.0, 13.5],
        "unit": ["percent", "percent", "months", "percent"],
        "as_stated": ["80% of Kazakh oil", "About 75% of exports", "a minimum of two months", "Karachaganak (13.5%)"],
        "date": pd.to_datetime([None, None, "2022-03-01", None]),
        "date_precision": ["undated", "undated", "month", "undated"],
        "source_id": ["S000", "S001", "S000", "S002"],
        "conflict_key": ["cpc_export_share", "cpc_export_share", None, None],
    }
)


def test_oil_share_chart_shows_both_conflicting_figures_side_by_side() -> None:
    rows = dataset_with(charts.oil_share_chart(OIL), "bar")
    assert [(r["bar"], r["value"], r["label"]) for r in rows] == [("CPC — S000", 80.0, "80%"), ("CPC — S001", 75.0, "about 75%")]
    assert charts.oil_share_summary(OIL) == (
        "Export share: S000: 80% of Kazakh oil (80%) via CPC; S001: About 75% of exports (75%) via CPC. "
        "Both figures are kept; the seeds disagree."
    )


def test_oil_timeline_spans_the_month_it_is_dated_to() -> None:
    rows = charts.oil_timeline_frame(OIL)
    assert rows[["id", "lane", "date_label"]].to_dict("records") == [{"id": "OR003", "lane": "CPC: disruption", "date_label": "March 2022"}]
    assert (rows["start"].iloc[0], rows["end"].iloc[0]) == (pd.Timestamp("2022-03-01"), pd.Timestamp("2022-04-01"))


def test_empty_chart_says_why() -> None:
    chart = charts.stance_chart(EVENTS, Filters(actors=("Belarus",)))
    assert chart.to_dict()["title"]["text"] == "No events match the filters"


def test_charts_use_projector_font_sizes() -> None:
    config = charts.stance_chart(EVENTS).to_dict()["config"]
    assert config["axis"]["labelFontSize"] >= 14 and config["legend"]["labelFontSize"] >= 14
    assert charts.stance_chart(EVENTS).to_dict()["title"]["fontSize"] >= 18
