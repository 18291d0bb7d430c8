"""A floor: a bare Streamlit page with one Altair chart, and a slider that redraws it.

The chart is of the stance chart's size and kind: a layered time chart of a
few hundred marks (a point for an act dated to a day, a bar for one dated to an
interval, a transparent hit box over each, a zero rule), coloured by actor, with
tooltips. The data is synthetic and fixed (a seeded generator), so the page
does no I/O and the chart is the same in every run.

The page's first slider is a minimum-credibility filter, like the stance
page's, so the benchmark moves it the same way and times the redraw: that is
the interaction floor. The caption under the chart counts the marks shown, so
the benchmark can see when a slider change has come back from the server.
"""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

ROWS = 160
ACTORS = ("Kazakhstan", "Russia", "China", "United States")


@st.cache_data
def events() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    start = pd.Timestamp("2019-01-01")
    first = start + pd.to_timedelta(rng.integers(0, 7 * 365, ROWS), unit="D")
    interval = rng.random(ROWS) < 0.25  # one act in four is dated to an interval (about a month)
    last = first + pd.to_timedelta(np.where(interval, rng.integers(20, 60, ROWS), 0), unit="D")
    return pd.DataFrame({
        "date_from": first,
        "date_to": last + pd.Timedelta(days=1),
        "days": (last - first).days + 1,
        "actor": rng.choice(ACTORS, ROWS),
        "stance": rng.integers(-2, 3, ROWS) + rng.uniform(-0.3, 0.3, ROWS),
        "credibility": rng.integers(1, 7, ROWS),
        "summary": [f"Synthetic act number {i}, as a one-line summary for the tooltip" for i in range(ROWS)],
    })


def chart(rows: pd.DataFrame) -> alt.LayerChart:
    base = alt.Chart(rows).encode(
        x=alt.X("date_from:T", title=None, scale=alt.Scale(domain=["2019-01-01", "2026-01-01"])),
        y=alt.Y("stance:Q", title="Stance", scale=alt.Scale(domain=[-2.5, 2.5])),
        color=alt.Color("actor:N", title="Actor", scale=alt.Scale(domain=list(ACTORS))),
        tooltip=["date_from:T", "actor:N", "stance:Q", "credibility:Q", "summary:N"],
    )
    zero = alt.Chart(pd.DataFrame({"zero": [0]})).mark_rule(color="#888888", strokeDash=[2, 2]).encode(y="zero:Q")
    bars = base.transform_filter("datum.days > 1").mark_rule(strokeWidth=6, strokeCap="butt").encode(x2="date_to:T")
    points = base.transform_filter("datum.days <= 1").mark_point(filled=True, size=60, stroke="#222222", strokeWidth=0.8)
    hits = base.mark_rect(fill="#000000", fillOpacity=0, height=14).encode(x2="date_to:T")
    return alt.layer(zero, bars, points, hits).properties(height=420, title="Stance over time (synthetic)")


st.title("Bare Streamlit with one Altair chart")
least = st.select_slider("Minimum credibility", options=[1, 2, 3, 4, 5, 6], value=6, key="cred")
rows = events()[lambda frame: frame["credibility"] <= least]
st.altair_chart(chart(rows), width="stretch")
st.caption(f"{len(rows)} of {ROWS} synthetic acts, credibility {least} or better.")
