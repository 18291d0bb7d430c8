"""The briefing: one list of slides from the tables and the filters, rendered three ways.

:func:`build_brief` is the single entry point: the command line
(``python -m dashboard brief``), the Present page and its download buttons all
call it, so the same data and filters give the same slides, in the same order,
with the same texts. The renderers only lay the slides out:
:func:`dashboard.brief.deck.to_pptx` (PowerPoint), :func:`dashboard.brief.pdf.to_pdf`
(PDF) and ``dashboard/views/present.py`` (the app).
"""

from dashboard.brief.model import (
    FLAGS,
    NEEDED,
    SLIDE_KEYS,
    Brief,
    BriefError,
    Figure,
    Slide,
    build_brief,
    changes_since,
    changes_slide,
    chart_table,
    chart_type,
    cli_args,
    failed_tables,
    filters_from_cli,
    slides,
)

__all__ = [
    "FLAGS", "NEEDED", "SLIDE_KEYS", "Brief", "BriefError", "Figure", "Slide", "build_brief", "changes_since", "changes_slide",
    "chart_table", "chart_type", "cli_args", "failed_tables",
    "filters_from_cli", "slides",
]
