"""The marks layer: what each chart draws, computed once per table and filter, in pandas alone.

This ``__init__`` is the package's public interface: it imports the public names
of its modules, so every caller writes ``dashboard.marks.<name>`` and never
needs to know which module holds it. One module per job:

- :mod:`~dashboard.marks.dates`: an interval's precision and label, periods, x ranges;
- :mod:`~dashboard.marks.wording`: signed numbers, cut quotes, translations, stance labels;
- :mod:`~dashboard.marks.merge`: one act, one mark (merging the rows that tell one act);
- :mod:`~dashboard.marks.placement`: sub-rows, hit boxes and label rows, in pixels;
- :mod:`~dashboard.marks.events`: the events as scored acts, context markers and turning points;
- :mod:`~dashboard.marks.stance`, :mod:`~dashboard.marks.index`, :mod:`~dashboard.marks.timelines`,
  :mod:`~dashboard.marks.indicators`: each chart's marks and summary;
- :mod:`~dashboard.marks.memo`: results remembered per table content and arguments;
- :mod:`~dashboard.marks.readings`: the declared reading rules (data/readings.csv): how many acts a reading needs.

No Altair and no Streamlit here. The chart builders (``dashboard.charts``)
turn these frames into Vega-Lite specs and never filter again; the pages,
the headline figures (``dashboard.facts``), the map, the seeds page and the
briefing read the same marks, so a chart, its one-line summary and every
text about it count the same things.

Conventions from the codebook (data/README.md):

- one act, one mark: rows that share ``event_key`` (the same act told by
  several seeds) are merged, and the mark lists every seed and row id;
- a row's date is the inclusive interval [date_from, date_to]. A one-day
  interval is drawn as a filled point at its day; a longer one as a bar from
  its first day to the end of its last day, never as a point in its middle;
- an unscored context marker (act ``context``, blank stance) is drawn as a
  grey band or rule, never in a scored lane and never as 0;
- marks that would overlap are laid in sub-rows of their lane, so none hides another;
- credibility 1 (best) .. 6 (worst) maps to opacity, solid to faint.

Each chart has one entry point that returns everything it draws and its
summary: :func:`stance_marks`, :func:`index_marks`, :func:`sanctions_marks`,
:func:`sentiment_marks`, :func:`oil_timeline_marks`, :func:`defence_marks`
(the oil share and stakes bars are :func:`oil_share_frame` and
:func:`stakes_frame`). Results are remembered per table content and
arguments (:mod:`dashboard.marks.memo`), so a page that draws a chart, its
summary and a list of its marks computes them once; the frames they return
are shared and must be treated as read-only (the older per-frame functions
such as :func:`event_marks` return copies).
"""

from __future__ import annotations

from dashboard.marks.merge import CONTEXT_ACT, is_context, one_per_act
from dashboard.marks.dates import Span, date_label, date_labels, date_precision, span, with_periods, x_range
from dashboard.marks.events import (
    ALL,
    BIN_LENGTH,
    BINS,
    CONTEXT_COLUMNS,
    EVENT_DEFAULTS,
    EVENT_FIELDS,
    MARK_COLUMNS,
    MAX_CONTEXT,
    MAX_MARKS,
    TURN_COLUMNS,
    TURNING_POINTS,
    Acts,
    acts,
    bin_context,
    context_marks,
    event_marks,
    event_rows,
    mark_for_row,
    prepare_events,
    turning_point_labels,
    turning_point_text,
    turning_points,
)
from dashboard.marks.index import (
    INDEX_COLUMNS,
    INDEX_MIN_EVENTS,
    INDEX_RULE,
    INDEX_WINDOW_DAYS,
    IndexMarks,
    index_events,
    index_left_out,
    index_marks,
    left_out_text,
    stance_index,
)
from dashboard.marks.indicators import (
    CURRENCIES,
    DEFENCE_COLUMNS,
    OIL_TIMELINE_COLUMNS,
    OIL_TIMELINE_KINDS,
    PARTS,
    SECURITY_AND_DEFENCE,
    DefenceMarks,
    defence_figures,
    defence_frame,
    defence_label,
    defence_marks,
    defence_scope,
    defence_summary,
    oil_share_frame,
    oil_share_summary,
    oil_timeline_frame,
    oil_timeline_marks,
    oil_timeline_summary,
    stakes_frame,
    stakes_summary,
)
from dashboard.marks.timelines import (
    SANCTIONS_COLUMNS,
    SENTIMENT_COLUMNS,
    LaneMarks,
    lane_marks,
    sanctions_frame,
    sanctions_marks,
    sanctions_summary,
    sentiment_frame,
    sentiment_marks,
    sentiment_summary,
)
from dashboard.marks.placement import (
    BRACKET_PX,
    CONTEXT_DEPTH,
    CONTEXT_LABEL,
    CONTEXT_STEP,
    CONTEXT_TOP,
    GAP_PX,
    LABEL_EM,
    LABEL_PX,
    PLOT_PX,
    POINT_PX,
    SLOT_REACH,
    SLOT_STEP,
    Y_DOMAIN,
    centred,
    context_strip,
    extents,
    label_rows,
    lanes,
    lay_out_marks,
    pack,
    sub_rows,
)
from dashboard.marks.memo import MEMO_SIZE, clear_cache
from dashboard.marks.stance import OMITTED, StanceMarks, group_counts, group_text, outside_marks, stance_marks
from dashboard.marks.wording import (
    STANCE_TEXT,
    TOOLTIP_QUOTE,
    TRANSLATION_MARK,
    cut,
    figure_text,
    signed,
    tooltip_quote,
    with_translation,
)

__all__ = [
    "ALL", "BINS", "BIN_LENGTH", "BRACKET_PX", "CONTEXT_ACT", "CONTEXT_COLUMNS", "CONTEXT_DEPTH", "CONTEXT_LABEL",
    "CONTEXT_STEP", "CONTEXT_TOP", "CURRENCIES", "DEFENCE_COLUMNS", "EVENT_DEFAULTS", "EVENT_FIELDS", "GAP_PX",
    "INDEX_COLUMNS", "INDEX_MIN_EVENTS", "INDEX_RULE", "INDEX_WINDOW_DAYS", "LABEL_EM", "LABEL_PX", "MARK_COLUMNS",
    "MAX_CONTEXT", "MAX_MARKS", "MEMO_SIZE", "OIL_TIMELINE_COLUMNS", "OIL_TIMELINE_KINDS", "PARTS", "PLOT_PX", "POINT_PX",
    "SANCTIONS_COLUMNS", "SECURITY_AND_DEFENCE", "SENTIMENT_COLUMNS", "SLOT_REACH", "SLOT_STEP", "STANCE_TEXT",
    "TOOLTIP_QUOTE", "TRANSLATION_MARK", "TURNING_POINTS", "TURN_COLUMNS", "Y_DOMAIN",
    "Acts", "DefenceMarks", "IndexMarks", "LaneMarks", "Span", "StanceMarks",
    "acts", "bin_context", "centred", "clear_cache", "context_marks", "context_strip", "cut", "date_label", "date_labels",
    "date_precision", "defence_figures", "defence_frame", "defence_label", "defence_marks", "defence_scope",
    "defence_summary", "event_marks", "event_rows", "extents", "figure_text", "index_events", "index_left_out",
    "index_marks", "is_context", "label_rows", "lane_marks", "lanes", "lay_out_marks", "left_out_text", "mark_for_row",
    "oil_share_frame", "oil_share_summary", "oil_timeline_frame", "oil_timeline_marks", "oil_timeline_summary",
    "one_per_act", "pack", "prepare_events", "sanctions_frame", "sanctions_marks", "sanctions_summary",
    "sentiment_frame", "sentiment_marks", "sentiment_summary", "signed", "span", "stakes_frame", "stakes_summary",
    "stance_index", "stance_marks", "sub_rows", "tooltip_quote", "turning_point_labels", "turning_points",
    "with_periods", "with_translation", "x_range", "OMITTED", "turning_point_text", "group_counts", "group_text", "outside_marks",
]
