"""The briefing as a 16:9 PowerPoint deck (python-pptx): one slide per :class:`~dashboard.brief.model.Slide`.

Charts are PNG images rendered by vl-convert (no browser, no network) from the
same chart the pages draw. The file is reproducible: document properties are
set from the data's date, and the zip entries carry that date, so the same
data and filters give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import zipfile
from typing import Sequence

from altair.utils.schemapi import debug_mode
from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Inches, Pt

from dashboard import export
from dashboard.brief import layout as L
from dashboard.brief import render_cache
from dashboard.brief.slide import Brief, Slide

FONT = "Arial"  # LibreOffice substitutes the metric-compatible Liberation Sans
EPOCH = dt.datetime(2000, 1, 1)


def _png_size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def _box(shapes, box: L.Box, name: str):
    shape = shapes.add_textbox(Inches(box.x), Inches(box.y), Inches(box.w), Inches(box.h))
    shape.name = name
    return shape


def _frame(shape, anchor=MSO_ANCHOR.TOP):
    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = 0
    frame.vertical_anchor = anchor
    return frame


def _run(paragraph, text: str, pt: float, colour: str = L.TEXT, bold: bool = False, italic: bool = False):
    run = paragraph.add_run()
    run.text = text
    font = run.font
    font.name = FONT
    font.size = Pt(pt)
    font.bold = bold
    font.italic = italic
    font.color.rgb = RGBColor.from_string(colour)
    return run


def _bullet(paragraph, pt: float) -> None:
    """A hanging bullet (python-pptx has no API for it)."""
    pPr = paragraph._p.get_or_add_pPr()
    indent = int(Pt(pt) * 0.9)
    pPr.set("marL", str(indent))
    pPr.set("indent", str(-indent))
    for tag in ("a:buNone", "a:buChar", "a:buAutoNum"):
        for old in pPr.findall(qn(tag)):
            pPr.remove(old)
    font = etree.SubElement(pPr, qn("a:buFont"))
    font.set("typeface", FONT)
    char = etree.SubElement(pPr, qn("a:buChar"))
    char.set("char", "•")


def _text(shapes, box: L.Box, name: str, paragraphs: Sequence[str], pt: float, *, colour: str = L.TEXT, bold: bool = False,
          italic: bool = False, bullets: bool = False, gap: float = 0.0, align=None, anchor=MSO_ANCHOR.TOP):
    shape = _box(shapes, box, name)
    frame = _frame(shape, anchor)
    for i, text in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.line_spacing = L.LINE * 0.85  # PowerPoint's single spacing is already about 1.2 lines
        if i and gap:
            paragraph.space_before = Pt(gap)
        if align is not None:
            paragraph.alignment = align
        if bullets:
            _bullet(paragraph, pt)
        _run(paragraph, text, pt, colour, bold, italic)
    return shape


def _title(slide_shapes, box: L.Box, text: str, pt: float) -> None:
    """The layout's title placeholder, moved into place (so outline view and screen readers see the title)."""
    title = slide_shapes.title
    title.left, title.top, title.width, title.height = Inches(box.x), Inches(box.y), Inches(box.w), Inches(box.h)
    frame = _frame(title, MSO_ANCHOR.BOTTOM)
    paragraph = frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.LEFT
    _run(paragraph, text, pt, L.TEXT, bold=True)


def _rule(shapes, x: float, y: float, w: float, colour: str = L.ACCENT, h: float = 0.04) -> None:
    bar = shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(x), Inches(y), Inches(w), Inches(h))
    bar.name = "Rule"
    bar.fill.solid()
    bar.fill.fore_color.rgb = RGBColor.from_string(colour)
    bar.line.fill.background()
    bar.shadow.inherit = False


def _figures(shapes, body: L.Box, slide: Slide) -> None:
    for i, (figure, card) in enumerate(zip(slide.figures, L.cards(body, len(slide.figures))), 1):
        back = shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(card.x), Inches(card.y), Inches(card.w), Inches(card.h))
        back.name = f"Card {i}"
        back.fill.solid()
        back.fill.fore_color.rgb = RGBColor.from_string(L.CARD)
        back.line.fill.background()
        back.shadow.inherit = False
        _rule(shapes, card.x, card.y, 0.08, L.DISPUTED if figure.disputed else L.ACCENT, card.h)
        inner = L.Box(card.x + 0.25, card.y + 0.18, card.w - 0.4, card.h - 0.3)
        label_h = L.height([figure.label], inner.w, L.LABEL_PT)
        _text(shapes, L.Box(inner.x, inner.y, inner.w, label_h), f"Figure {i} label", [figure.label], L.LABEL_PT, colour=L.MUTED)
        value_pt = L.fit([figure.value], inner.w, L.VALUE_PT[0] * L.LINE / 72, L.VALUE_PT, em=L.EM_BOLD)
        value = L.Box(inner.x, inner.y + label_h + 0.05, inner.w, value_pt * L.LINE / 72)
        _text(shapes, value, f"Figure {i} value", [figure.value], value_pt, bold=True,
              colour=L.DISPUTED if figure.disputed else L.TEXT)
        if figure.detail:
            rest = L.Box(inner.x, value.bottom + 0.1, inner.w, inner.bottom - value.bottom - 0.1)
            pt = L.fit([figure.detail], rest.w, rest.h, L.DETAIL_PT)
            _text(shapes, rest, f"Figure {i} detail", [figure.detail], pt, colour=L.MUTED)


def _notes(slide, text: str) -> None:
    slide.notes_slide.notes_text_frame.text = text


def _fixed_zip(data: bytes, when: dt.datetime) -> bytes:
    """The package with every zip entry dated ``when`` (python-pptx stamps the current time)."""
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def chart_png(slide: Slide, as_of=None) -> bytes:
    """The slide's chart as PNG, at the size the slide gives it and twice that pixel density, with the slide's title,
    source line and the data's date baked in under it (a picture copied out of the deck keeps its source)."""
    with debug_mode(False):  # see build_brief
        spec = L.spec_json(L.chart_for(slide.chart, L.regions(slide).body))
    return render_cache.framed_png(spec, L.PNG_SCALE, slide.title, slide.source_line, as_of)


def slide_pngs(brief: Brief) -> dict[int, bytes]:
    """Slide index -> the chart's PNG."""
    return {i: chart_png(s, brief.as_of) for i, s in enumerate(brief.slides) if s.kind == "chart" and s.chart is not None}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48].rstrip("-") or "chart"


def data_csvs(brief: Brief) -> dict[str, bytes]:
    """File name -> CSV bytes: the data of each chart slide (``slide-04-stance-over-time.csv``), the table the slide's
    notes carry, for readers who cannot see the picture; the command line writes them beside the deck. Each comes
    twice: cited (``#`` lines first) and plain (``…-plain.csv``: the header on the first row, the source in a last
    column)."""
    out = {}
    for index, slide in enumerate(brief.slides):
        if slide.kind != "chart" or slide.data is None or not len(slide.data):
            continue
        name = f"slide-{index + 1:02d}-{_slug(slide.title)}.csv"
        out[name] = export.safe_csv(slide.data, None, brief.as_of, title=f"Slide {index + 1}: {slide.title}",
                                    filters=brief.filters.describe(), notes=[slide.alt_text, slide.source_line])
        plain = slide.data.assign(source=slide.source_line, data_as_of=brief.as_of.isoformat() if brief.as_of else "")
        out[name[:-4] + "-plain.csv"] = _plain(plain)
    return out


def _plain(frame) -> bytes:
    """A slide's data as plain CSV: one header row, its source line and the data's date as its last columns."""
    body = frame.copy()
    for column in body.columns:
        if body[column].dtype == object:
            body[column] = body[column].map(export.neutralise)
    return body.to_csv(index=False, lineterminator="\n").encode("utf-8")


def to_pptx(brief: Brief) -> bytes:
    """The briefing as .pptx bytes: one 16:9 slide per slide of the brief, with speaker notes."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(L.SLIDE_W), Inches(L.SLIDE_H)
    layout = prs.slide_layouts[5]  # "Title Only": a real title placeholder, nothing else
    pngs = slide_pngs(brief)
    total = len(brief.slides)
    for index, slide in enumerate(brief.slides):
        page = prs.slides.add_slide(layout)
        shapes = page.shapes
        box = L.regions(slide)
        if slide.kind == "title":
            _title(shapes, box.title, slide.title, L.fit([slide.title], box.title.w, box.title.h, (L.COVER_TITLE_PT, 30)))
            _rule(shapes, L.MARGIN, box.title.y - 0.25, 1.6)
            _text(shapes, box.subtitle, "Subtitle", [slide.subtitle], L.COVER_SUBTITLE_PT, colour=L.ACCENT)
        else:
            pt = L.fit([slide.title], box.title.w, box.title.h, L.TITLE_PT)
            _title(shapes, box.title, slide.title, pt)
            if box.subtitle is not None:
                _text(shapes, box.subtitle, "Subtitle", [slide.subtitle], L.SUBTITLE_PT, colour=L.MUTED, italic=True)
        if slide.kind == "figures":
            _figures(shapes, box.body, slide)
        elif slide.kind == "chart" and index in pngs:
            png = pngs[index]
            where = L.placed(box.body, *_png_size(png))
            picture = shapes.add_picture(io.BytesIO(png), Inches(where.x), Inches(where.y), Inches(where.w), Inches(where.h))
            picture.name = "Chart"
            # Alternative text for screen readers: python-pptx has no public API for it, so it is set on the
            # picture's <p:cNvPr descr="…"> element, where PowerPoint's own "Alt Text" pane writes it.
            picture._element.nvPicPr.cNvPr.set("descr", slide.alt_text)
            if box.side is not None:
                pt = L.fit(slide.bullets, box.side.w - 0.3, box.side.h, L.SIDE_PT)
                _text(shapes, box.side, "Key facts", slide.bullets, pt, bullets=True, gap=0.5 * pt)
        elif slide.bullets:
            width = box.body.w - 0.3  # the bullet's hanging indent
            sizes = (20, 14) if slide.kind == "title" else L.BULLET_PT
            pt = L.fit(slide.bullets, width, box.body.h, sizes)
            _text(shapes, box.body, "Body", slide.bullets, pt, bullets=True, gap=0.4 * pt)
        if box.summary is not None:
            pt = L.fit([slide.summary], box.summary.w, box.summary.h, L.SUMMARY_PT)
            _text(shapes, box.summary, "Summary", [slide.summary], pt)
        if box.caveat is not None:
            _text(shapes, box.caveat, "Caveat", [slide.caveat], L.CAVEAT_PT, colour=L.CAVEAT)
        _text(shapes, box.source, "Source", [slide.source_line], L.SOURCE_PT, colour=L.MUTED)
        _text(shapes, box.number, "Slide number", [f"{index + 1} / {total}"], L.SOURCE_PT, colour=L.MUTED, align=PP_ALIGN.RIGHT)
        _notes(page, slide.notes)
    when = dt.datetime.combine(brief.as_of, dt.time()) if brief.as_of else EPOCH
    props = prs.core_properties
    props.title = brief.document_title
    props.subject = f"{brief.slides[0].subtitle if brief.slides else ''} (texts published up to {brief.as_of.isoformat() if brief.as_of else 'unknown'}); filters: {brief.filters.describe()}"
    props.author = props.last_modified_by = "python -m dashboard brief"
    props.created = props.modified = when
    props.revision = 1
    props.keywords = ""
    props.comments = ""
    out = io.BytesIO()
    prs.save(out)
    return _fixed_zip(out.getvalue(), when)


__all__ = ["FONT", "chart_png", "data_csvs", "slide_pngs", "to_pptx"]
