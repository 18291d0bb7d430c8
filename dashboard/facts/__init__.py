"""Figures and text computed from the tables: headline figures, the generated paragraph, conflicts, corrections.

This ``__init__`` is the package's public interface: every public name is
reachable as ``dashboard.facts.<name>``. One module per job:

- :mod:`~dashboard.facts.scales`: the codebook's wording of reliability and credibility;
- :mod:`~dashboard.facts.cards`: the headline cards, as ``data/decisions/headlines.csv`` declares them;
- :mod:`~dashboard.facts.narrative`: the generated paragraph;
- :mod:`~dashboard.facts.conflicts`: conflicting figures and corrections, side by side;
- :mod:`~dashboard.facts.coverage`: what the data covers (texts, publication window, the acts' span).

Pure functions over DataFrames (no Streamlit), reused by the pages and the
briefing export. Each figure keeps its citations, so a page can show the
quote behind every number.
"""

from __future__ import annotations

from dashboard.facts.conflicts import conflict_rows, conflicts, corrections, short_figure
from dashboard.facts.coverage import Coverage, coverage
from dashboard.facts.cards import (
    HEADLINE_KEYS,
    Citation,
    Frames,
    Headline,
    HeadlineRule,
    _reading,  # noqa: F401 - tests/test_pages.py reads a conflict's reading through it
    headline_rules,
    headlines,
)
from dashboard.facts.narrative import MONTH_MIN_ACTS, narrative
from dashboard.facts.scales import CREDIBILITY, RELIABILITY
from dashboard.marks import TURNING_POINTS  # noqa: F401 - facts.TURNING_POINTS, as before

__all__ = [
    "CREDIBILITY", "HEADLINE_KEYS", "MONTH_MIN_ACTS", "RELIABILITY", "TURNING_POINTS", "Citation", "Frames", "Headline",
    "HeadlineRule", "conflict_rows", "conflicts", "corrections", "headline_rules", "headlines", "narrative",
    "short_figure",
]
