"""Chart builders: prepared marks in (``dashboard.marks``), Vega-Lite specs out.

This ``__init__`` is the package's public interface: every chart builder is
reachable as ``dashboard.charts.<builder>``. One module per job:

- :mod:`~dashboard.charts.theme`: the one registered theme, :class:`Spec`, the dark variant;
- :mod:`~dashboard.charts.pieces`: the spec pieces every builder composes (records, encodings, scales, layers);
- :mod:`~dashboard.charts.stance`: the stance chart and the rolling index chart;
- :mod:`~dashboard.charts.timelines`: the timelines in lanes (sanctions, sentiment, oil routes);
- :mod:`~dashboard.charts.bars`: the defence, oil share and stakes bars.

Nothing here imports Streamlit or filters a table: the marks layer computes
what each chart draws once per table and filter, and a builder only turns
those marks into a spec. Each chart has two entry points:

- ``*_spec(marks)`` draws prepared marks (``stance_spec(marks.stance_marks(...))``);
- ``*_chart(table, filters)`` calls the marks layer once and draws its result,
  for the pages and tests that start from a table.

A spec is composed as plain Vega-Lite JSON (no Altair objects, so no
per-layer data conversion, copying or schema validation on every build) and
returned as a :class:`Spec`: ``to_dict()`` gives the spec with the one
registered theme applied, ``st.altair_chart`` and ``vl_convert`` take it as
they take an Altair chart. The tests validate every builder's spec against
the Vega-Lite schema and compile it with vl-convert.

The pure functions about marks (``event_marks``, ``date_label``,
``defence_figures``, ...) live in ``dashboard.marks``; call them there.
"""

from __future__ import annotations

from dashboard.charts.bars import defence_chart, defence_spec, oil_share_chart, oil_share_spec, stakes_chart, stakes_spec
from dashboard.charts.pieces import (
    ACTOR_SCALE,
    CREDIBILITY_SCALE,
    FALLBACK_COLOURS,
    SIGNED_LABELS,
    actor_scale,
    empty_chart,
)
from dashboard.charts.stance import (
    CONTEXT_FIELDS,
    STANCE_FIELDS,
    STANCE_HITS,
    TURN_FIELDS,
    index_chart,
    index_spec,
    index_summary,
    stance_chart,
    stance_spec,
    stance_summary,
)
from dashboard.charts.theme import (
    AUTOSIZE,
    DARK_SYMBOL,
    DARK_TEXT,
    LIGHT_TEXT,
    PADDING,
    THEME,
    THEME_NAME,
    Spec,
    for_dark,
    spec,
)
from dashboard.charts.timelines import LANE_EMPTY, LANE_STYLE, lane_spec, oil_timeline_chart, sanctions_chart, sentiment_chart


# --------------------------------------------------------------------------

__all__ = [
    "ACTOR_SCALE", "AUTOSIZE", "CONTEXT_FIELDS", "CREDIBILITY_SCALE", "DARK_SYMBOL", "DARK_TEXT", "FALLBACK_COLOURS",
    "LANE_EMPTY", "LANE_STYLE", "LIGHT_TEXT", "PADDING", "SIGNED_LABELS", "STANCE_FIELDS", "STANCE_HITS", "THEME",
    "THEME_NAME", "TURN_FIELDS", "Spec", "actor_scale", "defence_chart", "defence_spec", "empty_chart", "for_dark",
    "index_chart", "index_spec", "index_summary", "lane_spec", "oil_share_chart", "oil_share_spec", "oil_timeline_chart",
    "sanctions_chart", "sentiment_chart", "spec", "stakes_chart", "stakes_spec", "stance_chart", "stance_spec",
    "stance_summary",
]
