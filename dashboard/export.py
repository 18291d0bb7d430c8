"""Downloads: CSV that cites its sources and is safe to open in a spreadsheet, and charts as PNG or SVG.

``safe_csv`` writes ``#`` comment lines first (title, filters, the texts' latest publication date,
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
    from dashboard import asof

    return asof.of_sources(sources)


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
    # the texts' publication date says when they stop, not what they cover (F10): no "data as of"
    header.append(f"Texts published up to {as_of.isoformat() if as_of else 'an unknown date'} (latest seed publication date); "
                  "rows are what these texts report (not a census)")
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


# --------------------------------------------------------------------------
# charts that carry their source (as Grapher's downloads do)

#: the frame's text: the chart's title above it, the source line and the data's date under it
FRAME_FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
FRAME_TITLE_PX, FRAME_TEXT_PX, FRAME_PAD = 20, 13, 14


def _wrap(text: str, width_px: float, px: float) -> list[str]:
    """``text`` in lines that fit ``width_px`` at ``px`` (an average glyph is about 0.55 em wide)."""
    import textwrap

    per_line = max(20, int(width_px / (px * 0.55)))
    return textwrap.wrap(" ".join(str(text).split()), per_line) or [""]


def _xml(text: str) -> str:
    from xml.sax.saxutils import escape

    return escape(text, {'"': "&quot;"})


def framed_svg(svg: str, title: str, source_line: str, as_of: dt.date | None, subtitle: str = "", *,
               compact: bool = False) -> str:
    """The chart's SVG inside a frame that carries its title (and subtitle) above and its source line and the data's
    date under it, so the picture keeps its source wherever it is pasted. The texts are escaped as XML. ``compact``
    (a slide's picture, whose slide shows the title large): the title, source line and date in small type under it."""
    import re

    if compact:
        source_line, title, subtitle = " · ".join(t for t in (title, source_line) if t), "", ""

    match = re.search(r'<svg[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"', svg)
    width, height = (float(match.group(1)), float(match.group(2))) if match else (EXPORT_WIDTH, 600.0)
    inner_width = width - 2 * FRAME_PAD
    head = [(line, FRAME_TITLE_PX, "bold") for line in (_wrap(title, inner_width, FRAME_TITLE_PX) if title else [])]
    head += [(line, FRAME_TEXT_PX, "normal") for line in (_wrap(subtitle, inner_width, FRAME_TEXT_PX) if subtitle else [])]
    date = (f"Texts published up to {as_of.isoformat()} (the latest publication date any seed supports)" if as_of
            else "Texts' publication date unknown")
    foot = [(line, FRAME_TEXT_PX, "normal") for line in _wrap(source_line, inner_width, FRAME_TEXT_PX) + [date]]
    y = FRAME_PAD
    parts = []
    for line, px, weight in head:
        y += px * 1.25
        parts.append(f'<text x="{FRAME_PAD}" y="{y:.1f}" font-size="{px}" font-weight="{weight}" fill="#111111">{_xml(line)}</text>')
    top = y + (8 if head else 0)
    inner = re.sub(r"^<\?xml[^>]*>\s*", "", svg.strip())
    inner = re.sub(r"^<svg\b", f'<svg x="0" y="{top:.1f}"', inner, count=1)
    y = top + height + 6
    for line, px, weight in foot:
        y += px * 1.3
        parts.append(f'<text x="{FRAME_PAD}" y="{y:.1f}" font-size="{px}" font-weight="{weight}" fill="#333333">{_xml(line)}</text>')
    total = y + FRAME_PAD
    return (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="{width:.0f}" '
            f'height="{total:.0f}" viewBox="0 0 {width:.0f} {total:.0f}" font-family="{FRAME_FONT}">'
            f'<rect width="100%" height="100%" fill="white"/>' + "".join(parts[: len(head)]) + inner
            + "".join(parts[len(head):]) + "</svg>")


def chart_title(chart: Any) -> tuple[str, str]:
    """The chart's own title and subtitle (empty when it has none)."""
    spec = chart.to_dict(validate=False) if hasattr(chart, "to_dict") else dict(chart)
    title = spec.get("title")
    if isinstance(title, dict):
        text, sub = title.get("text", ""), title.get("subtitle", "")
    else:
        text, sub = title or "", ""
    join = lambda v: " ".join(v) if isinstance(v, list) else str(v or "")  # noqa: E731
    return join(text), join(sub)


def _untitled(chart: Any) -> Any:
    """The chart without its own title (the frame carries it), as something with ``to_dict``."""
    spec = chart.to_dict(validate=False)
    spec.pop("title", None)

    class _Plain:
        def to_dict(self, **_: Any) -> dict:
            return spec

    return _Plain()


def source_line(chart: Any, tables: Iterable[str] = (), outside: Iterable[str] = ()) -> str:
    """A chart's source line: the tables, the seeds its data cites (every ``source_id`` in its datasets) and any
    outside sources."""
    spec = chart.to_dict(validate=False) if hasattr(chart, "to_dict") else dict(chart)
    seeds: set[str] = set()
    for rows in (spec.get("datasets") or {}).values():
        if isinstance(rows, list):
            for row in rows:
                if isinstance(row, dict):
                    for key in ("source_id", "seeds", "sources"):
                        value = row.get(key)
                        if isinstance(value, str):
                            seeds |= {s.strip() for s in value.replace(";", ",").split(",") if s.strip().startswith("S")}
    line = "Source: " + (", ".join(f"data/{t}.csv" for t in tables) if tables else "the curated tables in data/")
    if seeds:
        line += " · seeds " + ", ".join(sorted(seeds))
    outside = [o for o in outside if o]
    if outside:
        line += " · outside the seeds: " + "; ".join(outside)
    return line


def framed_chart_svg(chart: Any, source: str, as_of: dt.date | None) -> str:
    """The chart as SVG with its title, source line and data date baked in."""
    import vl_convert as vlc

    title, subtitle = chart_title(chart)
    return framed_svg(vlc.vegalite_to_svg(_spec(_untitled(chart))), title, source, as_of, subtitle)


def sourced_png(chart: Any, source: str, as_of: dt.date | None, scale: float = 2) -> bytes:
    """The chart as PNG with its title, source line and data date baked in (drawn, and as the PNG's text fields)."""
    import vl_convert as vlc

    title, _ = chart_title(chart)
    return png_with_text(vlc.svg_to_png(framed_chart_svg(chart, source, as_of), scale=scale), title, source, as_of)


def png_with_text(png: bytes, title: str, source: str, as_of: dt.date | None) -> bytes:
    """The PNG with its title, source line and data date also as text fields (``Title``, ``Source``, ``Creation
    Time``: PNG's own keywords), which image viewers and catalogues read."""
    import io

    from PIL import Image, PngImagePlugin

    image = Image.open(io.BytesIO(png))
    info = PngImagePlugin.PngInfo()
    info.add_itxt("Title", plain_text(title))
    info.add_itxt("Source", plain_text(source))
    info.add_itxt("Creation Time", as_of.isoformat() if as_of else "unknown")
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info, optimize=False)
    return out.getvalue()


def plain_text(value: Any) -> str:
    return " ".join(str(value or "").split())


def sourced_svg(chart: Any, source: str, as_of: dt.date | None) -> bytes:
    """The chart as SVG with its title, source line and data date baked in."""
    return framed_chart_svg(chart, source, as_of).encode("utf-8")


# --------------------------------------------------------------------------
# plain CSV: one header row, for tools that do not skip # lines


def plain_csv(frame: pd.DataFrame, sources: pd.DataFrame | None, as_of: dt.date | None) -> bytes:
    """The table as CSV with its header on the first row and no comment lines: the citation is its final column
    (``citation``: the seed's title, publication dates and file, and the data's date), formula-like cells neutralised."""
    body = frame.copy()
    for column in body.columns:
        if pd.api.types.is_datetime64_any_dtype(body[column]):
            body[column] = body[column].dt.strftime("%Y-%m-%d")
        elif body[column].dtype == object or pd.api.types.is_string_dtype(body[column]):
            body[column] = body[column].map(neutralise)
    lines = {}
    if sources is not None and not sources.empty:
        for line in cited_sources(sources, sources):
            lines[line.split(":", 1)[0]] = line
    date = f"texts published up to {as_of.isoformat()}" if as_of else "texts' publication date unknown"
    if "source_id" in body.columns:
        body["citation"] = [neutralise(f"{lines.get(str(s), s)}; {date}") for s in body["source_id"]]
    else:
        body["citation"] = neutralise(f"curated tables in data/, {date}")
    return body.to_csv(index=False, lineterminator="\n").encode("utf-8")
