"""Downloads: CSV that cites its sources and is safe to open in a spreadsheet, and charts as PNG or SVG.

``safe_csv`` writes ``#`` comment lines first (title, filters, the data's date,
every seed the rows cite), then the table. Every text cell goes through
:func:`dashboard.csvsafe.neutralise`, the one function every CSV the project
writes uses: a cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or
carriage return) and is not a plain number gets a leading apostrophe, so a
spreadsheet shows it as text instead of running it as a formula (OWASP "CSV
injection"). Numeric columns are written as numbers: a stance of -1 is a number,
not a formula.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Iterable

import pandas as pd

from dashboard.csvsafe import FORMULA_START, neutralise  # noqa: F401 - the one neutralising function, re-exported

#: width used when a chart that fills its container is exported
EXPORT_WIDTH = 1100


def _comment(text: str) -> str:
    """One ``#`` comment line; each comma-separated piece is neutralised too, as a spreadsheet splits it into cells."""
    flat = " ".join(str(text).split()).replace('"', "'")
    pieces = []
    for piece in flat.split(","):
        stripped = piece.lstrip()
        piece = piece[: len(piece) - len(stripped)] + neutralise(stripped)
        pieces.append(piece)
    return "# " + ",".join(pieces)


def data_as_of(sources: pd.DataFrame | None) -> dt.date | None:
    """The data's date: the latest publication date any seed supports (``sources.published_to``)."""
    if sources is None or "published_to" not in sources.columns or sources["published_to"].dropna().empty:
        return None
    return pd.Timestamp(sources["published_to"].max()).date()


def cited_sources(frame: pd.DataFrame, sources: pd.DataFrame | None) -> list[str]:
    """One line per seed the rows cite (all seeds when the table has no ``source_id``)."""
    if sources is None or sources.empty:
        return []
    if "source_id" in frame.columns and frame is not sources:
        ids = set(frame["source_id"].dropna())
        rows = sources[sources["source_id"].isin(ids)]
    else:
        rows = sources
    lines = []
    for row in rows.sort_values("source_id").itertuples(index=False):
        record = row._asdict()
        published = _period(record.get("published_from"), record.get("published_to"))
        who = ", ".join(v for v in (record.get("author"), record.get("outlet")) if isinstance(v, str) and v != "not stated")
        grade = record.get("reliability")
        lines.append(
            f"{record['source_id']}: {record.get('title', '')}"
            + (f" ({who})" if who else "")
            + (f"; published {published}" if published else "")
            + (f"; reliability {grade}" if isinstance(grade, str) and grade else "")
            + (f"; file seeds/{record['file']}" if isinstance(record.get("file"), str) else "")
        )
    return lines


def _period(start: Any, end: Any) -> str:
    def iso(value: Any) -> str:
        return pd.Timestamp(value).date().isoformat() if value is not None and not pd.isna(value) else ""

    a, b = iso(start), iso(end)
    return a if a == b else f"{a} to {b}" if a and b else a or b


def safe_csv(
    frame: pd.DataFrame,
    sources: pd.DataFrame | None,
    as_of: dt.date | None,
    *,
    title: str | None = None,
    filters: str | None = None,
    notes: Iterable[str] = (),
) -> bytes:
    """The table as UTF-8 CSV bytes, after ``#`` comment lines citing its seeds and the data's date."""
    header = []
    if title:
        header.append(title)
    if filters:
        header.append(f"Filters: {filters}")
    header.append(f"Data as of {as_of.isoformat() if as_of else 'unknown'} (latest seed publication date)")
    header.append(f"{len(frame)} rows; source_id names the seed and quote is its verbatim passage")
    header.extend(notes)
    cited = cited_sources(frame, sources)
    if cited:
        header.append("Sources:")
        header.extend(f"  {line}" for line in cited)
    body = frame.copy()
    for column in body.columns:
        if pd.api.types.is_datetime64_any_dtype(body[column]):
            body[column] = body[column].dt.strftime("%Y-%m-%d")
        elif body[column].dtype == object or pd.api.types.is_string_dtype(body[column]):
            body[column] = body[column].map(neutralise)
    lines = "\n".join(_comment(line) for line in header) + "\n"
    return (lines + body.to_csv(index=False, lineterminator="\n")).encode("utf-8")


# --------------------------------------------------------------------------
# charts


#: vl-convert's default sans-serif lacks the tenge sign and draws a label with one in a serif face;
#: charts with such text use DejaVu Sans (Debian's fonts-dejavu-core, a fontconfig dependency), which has it.
#: Where it is not installed, vl-convert keeps its default.
CHART_FONT = "DejaVu Sans"
WIDE_FONT_CHARS = "₸"


def vega_json(chart: Any, width: int | None = None) -> str:
    """The chart as Vega-Lite JSON for vl-convert, not validated again (the chart builders' specs are checked by the
    tests): white background, ``width`` for a chart that fills its container, and a font with every glyph its text
    needs."""
    spec = chart.to_dict(validate=False)
    if width and spec.get("width") == "container":
        spec["width"] = width
    spec.setdefault("background", "white")
    text = json.dumps(spec)
    if any(f"\\u{ord(c):04x}" in text for c in WIDE_FONT_CHARS):
        spec.setdefault("config", {})["font"] = CHART_FONT
        text = json.dumps(spec)
    return text


def _spec(chart: Any) -> str:
    return vega_json(chart, EXPORT_WIDTH)


def chart_png(chart: Any, scale: float = 2) -> bytes:
    """The chart as PNG (vl-convert, twice the pixel density by default)."""
    import vl_convert as vlc

    return vlc.vegalite_to_png(_spec(chart), scale=scale)


def chart_svg(chart: Any) -> bytes:
    """The chart as SVG."""
    import vl_convert as vlc

    return vlc.vegalite_to_svg(_spec(chart)).encode("utf-8")
