"""The briefing as a 16:9 PDF, one page per slide, for readers without PowerPoint.

Text pages are drawn with reportlab on the same layout as the deck
(:mod:`dashboard.brief.layout`); each chart is vl-convert's vector PDF of the
same chart, placed on its page with pypdf, so charts stay sharp at any zoom.
Each page carries its speaker notes as a PDF text note (a comment icon in the
top-right corner; not printed), and the outline lists the slide titles.

Accessibility. The PDF is not tagged: reportlab's open-source canvas writes no
structure tree (tagged PDF is a feature of the commercial ReportLab PLUS), and
pypdf can only copy one, not build it, so headings and figures cannot be marked
up as such without hand-writing marked content into every page's stream. What a
reader gets instead: real text in the layout's reading order (title, subtitle,
body, summary, caveat, source; selectable and read aloud by screen readers that
read untagged PDFs), the slide titles as the outline (bookmarks), the document's
title (shown instead of the file name) and language, each chart's alternative
text (its type, title and one-line summary, as on the deck's picture) as a PDF
note on the chart, whose speaker-notes note also lists the chart's data; the
same data is written as CSV beside the deck, and the .pptx is fully tagged
(title placeholders, picture descriptions, notes).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

import vl_convert as vlc
from altair.utils.schemapi import debug_mode

from dashboard.brief import layout as L
from dashboard.brief.slide import Brief, Slide

if TYPE_CHECKING:  # reportlab and pypdf are imported where a PDF is made: ``brief`` without ``--pdf`` never loads them
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Paragraph

PT = 72  # points per inch
PAGE = (L.SLIDE_W * PT, L.SLIDE_H * PT)

#: the text face, metric-compatible with the deck's Arial, so that the PDF's pages wrap like the slides
TEXT_FONT = ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf", "LiberationSans-Italic.ttf")
#: for the few glyphs Liberation Sans lacks (the tenge sign)
FALLBACK_FONT = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf")
FONT_DIRS = (Path("/usr/share/fonts/truetype/liberation"), Path("/usr/share/fonts/truetype/dejavu"),
             Path("/usr/share/fonts/liberation"), Path("/usr/share/fonts/dejavu"), Path("/Library/Fonts"),
             Path("C:/Windows/Fonts"))
#: when neither is installed: reportlab's own Bitstream Vera, with stand-ins for the glyphs it lacks
STAND_INS = {"₸": "KZT "}


@dataclass(frozen=True)
class Faces:
    regular: str
    bold: str
    italic: str
    covered: frozenset[int]
    fallback: tuple[str, str, str] | None
    fallback_covered: frozenset[int]


def _find(names: tuple[str, str, str]) -> list[Path] | None:
    for directory in FONT_DIRS:
        paths = [directory / name for name in names]
        if all(p.is_file() for p in paths):
            return paths
    return None


@lru_cache(maxsize=1)
def fonts() -> Faces:
    """Register the faces: Liberation Sans (else Vera) for text, DejaVu Sans for glyphs it lacks, when installed."""
    import reportlab
    from reportlab.pdfbase import pdfmetrics

    text = _find(TEXT_FONT)
    if text is None:
        vera = Path(reportlab.__file__).parent / "fonts"
        text = [vera / "Vera.ttf", vera / "VeraBd.ttf", vera / "VeraIt.ttf"]
    regular, bold, italic = _register("Brief", text)
    covered = frozenset(pdfmetrics.getFont(regular).face.charToGlyph)
    extra = _find(FALLBACK_FONT)
    if extra is None:
        return Faces(regular, bold, italic, covered, None, frozenset())
    fallback = _register("BriefFallback", extra)
    return Faces(regular, bold, italic, covered, fallback, frozenset(pdfmetrics.getFont(fallback[0]).face.charToGlyph))


def _register(family: str, paths: list[Path]) -> tuple[str, str, str]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    names = (family, f"{family}-Bold", f"{family}-Italic")
    for name, path in zip(names, paths):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(path)))
    return names


def _markup(text: str, face: int = 0) -> str:
    """Paragraph markup for plain text: escaped, line breaks kept, glyphs the text face lacks set in the fallback face."""
    faces = fonts()
    out = []
    for char in text:
        if char == "\n":
            out.append("<br/>")
        elif ord(char) in faces.covered or char in " \t":
            out.append(escape(char))
        elif faces.fallback is not None and ord(char) in faces.fallback_covered:
            out.append(f'<font name="{faces.fallback[face]}">{escape(char)}</font>')
        else:
            out.append(escape(STAND_INS.get(char, "?")))
    return "".join(out)


def _style(pt: float, colour: str = L.TEXT, bold: bool = False, italic: bool = False, bullet: bool = False,
           align: int = 0) -> ParagraphStyle:
    from reportlab.lib.colors import HexColor
    from reportlab.lib.styles import ParagraphStyle

    faces = fonts()
    return ParagraphStyle(
        "brief", fontName=faces.bold if bold else faces.italic if italic else faces.regular, fontSize=pt, leading=pt * L.LINE,
        textColor=HexColor("#" + colour), alignment=align,
        leftIndent=pt * 0.9 if bullet else 0, bulletIndent=0, bulletFontName=faces.regular, bulletFontSize=pt,
    )


def _paragraphs(texts: list[str], pt: float, bullet: bool, **style) -> list[Paragraph]:
    from reportlab.platypus import Paragraph

    face = 1 if style.get("bold") else 2 if style.get("italic") else 0
    st = _style(pt, bullet=bullet, **style)
    return [Paragraph(_markup(t, face), st, bulletText="•" if bullet else None) for t in texts]


def _draw(canvas: Canvas, box: L.Box, texts: list[str], sizes: tuple[float, float], *, bullet: bool = False,
          gap: float = 0.0, anchor: str = "top", **style) -> None:
    """Draw paragraphs in the box at the largest size in ``sizes`` that fits (measured with the real font)."""
    if not texts:
        return
    size = sizes[0]
    while True:
        paras = _paragraphs(texts, size, bullet, **style)
        heights = [p.wrap(box.w * PT, box.h * PT)[1] for p in paras]
        total = sum(heights) + gap * size * (len(paras) - 1)
        if total <= box.h * PT + 0.5 or size <= sizes[1]:
            break
        size -= 0.5
    top = PAGE[1] - box.y * PT
    if anchor == "bottom":
        top -= box.h * PT - total
    for paragraph, h in zip(paras, heights):
        paragraph.drawOn(canvas, box.x * PT, top - h)
        top -= h + gap * size


def _rect(canvas: Canvas, x: float, y: float, w: float, h: float, colour: str) -> None:
    from reportlab.lib.colors import HexColor

    canvas.setFillColor(HexColor("#" + colour))
    canvas.rect(x * PT, PAGE[1] - (y + h) * PT, w * PT, h * PT, stroke=0, fill=1)


def _figures(canvas: Canvas, body: L.Box, slide: Slide) -> None:
    for figure, card in zip(slide.figures, L.cards(body, len(slide.figures))):
        _rect(canvas, card.x, card.y, card.w, card.h, L.CARD)
        _rect(canvas, card.x, card.y, 0.08, card.h, L.DISPUTED if figure.disputed else L.ACCENT)
        inner = L.Box(card.x + 0.25, card.y + 0.18, card.w - 0.4, card.h - 0.3)
        label_h = L.height([figure.label], inner.w, L.LABEL_PT)
        _draw(canvas, L.Box(inner.x, inner.y, inner.w, label_h), [figure.label], (L.LABEL_PT, 12), colour=L.MUTED)
        value = L.Box(inner.x, inner.y + label_h + 0.05, inner.w, L.VALUE_PT[0] * L.LINE / 72)
        _draw(canvas, value, [figure.value], L.VALUE_PT, bold=True, colour=L.DISPUTED if figure.disputed else L.TEXT)
        if figure.detail:
            rest = L.Box(inner.x, value.bottom + 0.1, inner.w, inner.bottom - value.bottom - 0.1)
            _draw(canvas, rest, [figure.detail], L.DETAIL_PT, colour=L.MUTED)


def _page(canvas: Canvas, slide: Slide, number: int, total: int) -> L.Box | None:
    """Draw one slide's text; return the box its chart goes in (placed afterwards), if any."""
    box = L.regions(slide)
    canvas.bookmarkPage(f"slide{number}")
    canvas.addOutlineEntry(slide.title, f"slide{number}", level=0)  # PDF strings, not drawn: any character goes
    if slide.kind == "title":
        _rect(canvas, L.MARGIN, box.title.y - 0.25, 1.6, 0.04, L.ACCENT)
        _draw(canvas, box.title, [slide.title], (L.COVER_TITLE_PT, 30), bold=True, anchor="bottom")
        _draw(canvas, box.subtitle, [slide.subtitle], (L.COVER_SUBTITLE_PT, 18), colour=L.ACCENT)
    else:
        _draw(canvas, box.title, [slide.title], L.TITLE_PT, bold=True, anchor="bottom")
        if box.subtitle is not None:
            _draw(canvas, box.subtitle, [slide.subtitle], (L.SUBTITLE_PT, 12), italic=True, colour=L.MUTED)
    chart_box = None
    if slide.kind == "figures":
        _figures(canvas, box.body, slide)
    elif slide.kind == "chart" and slide.chart is not None:
        chart_box = box.body
        if box.side is not None:
            _draw(canvas, box.side, list(slide.bullets), L.SIDE_PT, bullet=True, gap=0.5)
    elif slide.bullets:
        _draw(canvas, box.body, list(slide.bullets), (20, 14) if slide.kind == "title" else L.BULLET_PT, bullet=True, gap=0.4)
    if box.summary is not None:
        _draw(canvas, box.summary, [slide.summary], L.SUMMARY_PT)
    if box.caveat is not None:
        _draw(canvas, box.caveat, [slide.caveat], (L.CAVEAT_PT, 10), colour=L.CAVEAT)
    _draw(canvas, box.source, [slide.source_line], (L.SOURCE_PT, 8), colour=L.MUTED)
    _draw(canvas, box.number, [f"{number} / {total}"], (L.SOURCE_PT, 8), colour=L.MUTED, align=2)
    if slide.notes:
        # a text note with the speaker notes, in the page's top-right corner, clear of the title
        x, y = PAGE[0] - 0.3 * PT, PAGE[1] - 0.28 * PT
        canvas.textAnnotation(slide.notes, Rect=(x, y, x + 0.22 * PT, y + 0.22 * PT), relative=0)
    if chart_box is not None:
        # the chart's alternative text as a note on its top-left corner (untagged PDF: see the module docstring)
        x, y = chart_box.x * PT, PAGE[1] - chart_box.y * PT - 0.22 * PT
        canvas.textAnnotation(f"Chart description: {slide.alt_text}", Rect=(x, y, x + 0.22 * PT, y + 0.22 * PT), relative=0)
    return chart_box


def slide_pdfs(brief: Brief) -> dict[int, bytes]:
    """Slide index -> the chart as a one-page vector PDF, at the size the slide gives it."""
    with debug_mode(False):  # see build_brief
        specs = [(i, L.spec_json(L.chart_for(s.chart, L.regions(s).body))) for i, s in enumerate(brief.slides) if s.kind == "chart" and s.chart is not None]
    from dashboard import export

    # each chart with its title, source line and the data's date baked in under it, as in the deck
    return {i: vlc.svg_to_pdf(export.framed_svg(vlc.vegalite_to_svg(spec), brief.slides[i].title, brief.slides[i].source_line,
                                                brief.as_of, compact=True)) for i, spec in specs}


def to_pdf(brief: Brief) -> bytes:
    """The briefing as PDF bytes: one 16:9 page per slide, in the deck's order, with the same texts."""
    from pypdf import PdfReader, PdfWriter, Transformation
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out, pagesize=PAGE, invariant=1, pageCompression=1, lang="en")
    canvas.setViewerPreference("DisplayDocTitle", "true")  # readers (and screen readers) name the document by its title
    canvas.setTitle(brief.document_title)
    canvas.setAuthor("python -m dashboard brief")
    canvas.setSubject(f"{brief.slides[0].subtitle if brief.slides else ''} (texts published up to {brief.as_of.isoformat() if brief.as_of else 'unknown'}); filters: {brief.filters.describe()}")
    canvas.setCreator("python -m dashboard brief")
    canvas.showOutline()
    total = len(brief.slides)
    places: dict[int, L.Box] = {}
    for index, slide in enumerate(brief.slides):
        box = _page(canvas, slide, index + 1, total)
        if box is not None:
            places[index] = box
        canvas.showPage()
    canvas.save()
    charts = slide_pdfs(brief)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(out.getvalue())))
    for index, chart_pdf in charts.items():
        chart = PdfReader(io.BytesIO(chart_pdf)).pages[0]
        width, height = float(chart.mediabox.width), float(chart.mediabox.height)
        where = L.placed(places[index], width, height)
        scale = where.w * PT / width
        move = Transformation().scale(scale, scale).translate(where.x * PT, PAGE[1] - where.bottom * PT)
        writer.pages[index].merge_transformed_page(chart, move)
    when = dt.datetime.combine(brief.as_of, dt.time()) if brief.as_of else dt.datetime(2000, 1, 1)
    stamp = when.strftime("D:%Y%m%d%H%M%S+00'00'")
    writer.add_metadata({"/CreationDate": stamp, "/ModDate": stamp})
    result = io.BytesIO()
    writer.write(result)
    return result.getvalue()


__all__ = ["fonts", "slide_pdfs", "to_pdf"]
