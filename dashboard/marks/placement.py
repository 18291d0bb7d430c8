"""Placement of the marks, in pixels: sub-rows so no mark hides another, hit boxes, turning-point label rows.

One job: where each mark sits as drawn (in sub-rows of its lane or level,
against an assumed plot width), so the chart builders only encode what is
laid out here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.marks.dates import Span
from dashboard.palette import TEXT_SIZE


#: plot width (px) assumed when laying marks in sub-rows and placing labels: about a slide's, less than the page's,
#: so what does not collide here does not collide on a wider screen
PLOT_PX = 1000
#: horizontal room (px) a day-dated point takes, and the least gap (px) kept between marks in one sub-row
POINT_PX = 18
GAP_PX = 8

#: the turning-point label rows, in pixels from the top of the plot (so they keep their spacing at any chart height),
#: used top first; the bracket under an interval's label sits BRACKET_PX below it
LABEL_PX = (12, 34, 56)
BRACKET_PX = 11
#: the stance chart's vertical extent, in stance units: the scored levels −2..+2, the context strip under them and
#: room for the turning-point labels over them
Y_DOMAIN = (-3.05, 3.75)
#: the context strip under the scored levels: its first sub-row, the step between sub-rows, its depth, its axis label's position
CONTEXT_TOP, CONTEXT_STEP, CONTEXT_DEPTH = -2.5, 0.11, 0.5
CONTEXT_LABEL = -2.7
#: the largest and smallest vertical step (stance units) between sub-rows of one stance level; the sub-rows of a
#: level stay within ±SLOT_REACH of it
SLOT_STEP = (0.17, 0.05)
SLOT_REACH = 0.43
#: average width of a bold label character, in ems (a little wide, so estimates err on the safe side)
LABEL_EM = 0.62


# --------------------------------------------------------------------------
# sub-rows: marks that would overlap as drawn are laid in sub-rows of their lane


def pack(starts: np.ndarray, ends: np.ndarray, gap: float) -> np.ndarray:
    """Sub-row (0, 1, ...) of each extent [start, end) so that extents in one sub-row are ``gap`` apart (greedy by start)."""
    slots = np.zeros(len(starts), dtype=int)
    last_end: list[float] = []
    for i in np.argsort(starts, kind="stable"):
        for slot, end in enumerate(last_end):
            if end + gap <= starts[i]:
                break
        else:
            slot = len(last_end)
            last_end.append(-np.inf)
        last_end[slot] = ends[i]
        slots[i] = slot
    return slots


def extents(frame: pd.DataFrame, domain: Span | None) -> tuple[np.ndarray, np.ndarray, float]:
    """Each mark's horizontal extent as drawn (ns): a day-dated point takes POINT_PX, an interval its bar; and the gap."""
    per_px = ((domain[1] - domain[0]) if domain else pd.Timedelta(days=365)).value / PLOT_PX
    start = frame["start"].astype("datetime64[ns]").to_numpy().astype("int64").astype(float)
    end = frame["end"].astype("datetime64[ns]").to_numpy().astype("int64").astype(float)
    point = (frame["days"] <= 1).to_numpy(dtype=bool)
    half = POINT_PX / 2 * per_px
    lo = np.where(point, start - half, start)
    hi = np.where(point, start + half, np.maximum(end, start + POINT_PX * per_px / 2))
    return lo, hi, GAP_PX * per_px


def lanes(frame: pd.DataFrame, lane: str | pd.Series, domain: Span | None) -> pd.Series:
    """Sub-row of each mark within its lane, so no two marks of a lane overlap as drawn."""
    by = frame[lane] if isinstance(lane, str) else lane
    lo, hi, gap = extents(frame, domain)
    out = pd.Series(0, index=frame.index, dtype=int)
    for _, index in frame.groupby(by.to_numpy(), sort=False).indices.items():
        out.iloc[index] = pack(lo[index], hi[index], gap)
    return out


def centred(slot: pd.Series) -> pd.Series:
    """Sub-row number -> signed offset, alternating about the lane's centre: 0, +1, −1, +2, −2, ..."""
    return ((slot + 1) // 2) * np.where(slot % 2 == 1, 1, -1)


def _hit_boxes(frame: pd.DataFrame, domain: Span | None) -> None:
    """Sets hit_start/hit_end, each mark's extent as drawn (a click or hover anywhere on it finds it), in place."""
    lo, hi, _ = extents(frame, domain)
    frame["hit_start"] = pd.to_datetime(lo.astype("int64"))
    frame["hit_end"] = pd.to_datetime(hi.astype("int64"))


# --------------------------------------------------------------------------
# the stance chart: turning-point labels, the context strip, the scored levels


def label_rows(turns: pd.DataFrame, domain: Span) -> pd.DataFrame:
    """Each turning point's label row (``label_row``, 0 at the top; ``label_px`` and ``bracket_px``, its height in
    pixels from the top of the plot) and side (``align``), so that no two labels overlap.

    A label starts at its turning point and runs right (or, near the right
    edge, ends there and runs left); it takes the highest row where it clears
    the labels already placed, else the row whose labels end earliest.
    """
    out = turns.copy()
    per_px = (domain[1] - domain[0]).value / PLOT_PX
    at = out["start"].astype("datetime64[ns]").astype("int64").to_numpy().astype(float)
    width = np.array([(len(str(t)) * LABEL_EM * TEXT_SIZE + 10) * per_px for t in out["label"]])
    right_edge = pd.Timestamp(domain[1]).value
    align = np.where(at + width > right_edge, "right", "left")
    lo = np.where(align == "left", at, at - width)
    hi = np.where(align == "left", at + width, at)
    ends = [-np.inf] * len(LABEL_PX)
    rows = np.zeros(len(out), dtype=int)
    for i in np.argsort(lo, kind="stable"):
        free = [r for r, end in enumerate(ends) if end + GAP_PX * per_px <= lo[i]]
        row = free[0] if free else int(np.argmin(ends))
        ends[row] = max(ends[row], hi[i])
        rows[i] = row
    out["label_row"] = rows
    out["label_px"] = [LABEL_PX[r] for r in rows]
    out["bracket_px"] = out["label_px"] + BRACKET_PX
    out["align"] = align
    return out


def context_strip(context: pd.DataFrame, domain: Span | None) -> pd.DataFrame:
    """Context markers packed into sub-rows of the strip under the scored levels (``y``), so none hides another."""
    out = context.copy()
    slot = lanes(out, pd.Series(0, index=out.index), domain)
    step = min(CONTEXT_STEP, CONTEXT_DEPTH / max(1, int(slot.max())))
    out["y"] = CONTEXT_TOP - slot * step
    return out


def lay_out_marks(marks: pd.DataFrame, domain: Span | None) -> tuple[pd.DataFrame, float]:
    """The marks with ``slot`` (sub-row within their stance level, 0 on the level), ``y`` and hit boxes, and the step.

    Within each stance level, marks are packed into sub-rows so that none
    overlaps another as drawn (a day-dated point takes POINT_PX, an interval its
    bar); sub-rows alternate about the level (0, +1, −1, ...), ``step`` stance
    units apart. Binned marks (a mean stance) sit at their mean, unpacked.
    """
    out = marks.copy()
    if out.empty:
        return out.assign(slot=0, y_lo=0.0, y_hi=0.0, hit_start=out["start"], hit_end=out["end"]), SLOT_STEP[0]
    binned = not out["stance"].map(float.is_integer).all()
    level = out["stance"].round().astype(int)
    out["slot"] = 0 if binned else lanes(out, level, domain)
    offsets = centred(out["slot"])
    reach = max(1, int(np.abs(offsets).max()))
    step = float(min(SLOT_STEP[0], max(SLOT_STEP[1], SLOT_REACH / reach)))
    out["y"] = out["stance"] + offsets * step
    out["y_lo"] = out["y"] - step / 2
    out["y_hi"] = out["y"] + step / 2
    _hit_boxes(out, domain)
    return out, step


def sub_rows(rows: pd.DataFrame, lane: str, domain: Span | None) -> pd.DataFrame:
    """Adds ``slot`` (sub-row within the lane, so no mark hides another), ``row`` (the y category: lane and sub-row),
    ``label_row`` (the lane's middle sub-row, which names it) and hit boxes."""
    out = rows.copy()
    out["slot"] = lanes(out, lane, domain)
    middle = out.groupby(lane)["slot"].transform("max") // 2
    out["row"] = out[lane].astype(str) + "#" + out["slot"].astype(str)
    out["label_row"] = out["slot"] == middle
    _hit_boxes(out, domain)
    return out
