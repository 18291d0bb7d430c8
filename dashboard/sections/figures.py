"""The headline figures section: the Overview's metric cards and the briefing's figures slide.

Values come from :func:`dashboard.facts.headlines`; each becomes a :class:`~dashboard.sections.base.Figure`. Pure.
"""

from __future__ import annotations

from typing import Mapping

import pandas as pd

from dashboard import facts
from dashboard.facts import cards as _cards
from dashboard.filters import DEFAULT, Filters
from dashboard.sections.base import Figure, Section
from dashboard.sections.common import quote as _quote, source as _source

TITLE = "Headline figures"
#: the tables the figures are read from, in source-line order
TABLES = ("context_figures", "oil_routes", "defense_budget", "casualties", "public_sentiment", "security_cooperation")
#: the one conflict kind styled as a conflict (conflicts.kind)
DISAGREE = _cards.DISAGREEMENT


def conflict_kind(frames: Mapping[str, pd.DataFrame], card: facts.Headline) -> str:
    """The kind of conflict behind a card, as the conflicts table declares it ('' when none)."""
    return card.kind


def figure_of(frames: Mapping[str, pd.DataFrame], card: facts.Headline) -> Figure:
    """A card as a figure; ``conflict`` is set only for a real disagreement (the styling), other kinds read in the detail."""
    return Figure(card.label, card.value, card.detail, card.kind if card.kind == DISAGREE else "",
                  tuple((c.table, c.row_id) for c in card.citations))


def build(frames: Mapping[str, pd.DataFrame], filters: Filters = DEFAULT) -> Section:
    """The headline figures, with their quotes in the notes. They cover every row (the filters do not reach them).

    ``extra["cards"]`` holds the :class:`dashboard.facts.Headline` values (their citations and conflict readings, which
    the page shows in popovers).
    """
    cards = facts.headlines(frames)
    notes: list[str] = []
    for card in cards:
        notes.append(f"{card.label}: {card.value}")
        notes += [f"  {_quote({'source_id': c.source_id, 'id': c.row_id, 'quote': c.quote, 'correction': c.correction, 'quote_en': c.quote_en, 'quote_en_by': c.quote_en_by})}"
                  for c in card.citations]
        if card.reading:
            notes.append(f"  Reading ({card.kind}): {card.reading}")
    tables = [n for n in TABLES if n in frames]
    seeds = sorted({c.source_id for card in cards for c in card.citations if c.source_id})
    disputed = [c.label for c in cards if c.kind == DISAGREE]  # only real disagreements count
    caveat = (f"The seeds disagree on {len(disputed)} of these figures ({'; '.join(disputed)}): both figures are shown, never averaged."
              if disputed else "")
    others = [f"{c.label} ({_cards.kind_text(c.kind)})" for c in cards if c.kind and c.kind != DISAGREE]
    if others:
        caveat = " ".join(t for t in (caveat, f"Not disagreements: {'; '.join(others)}.") if t)
    return Section(
        key="figures", title=TITLE, figures=tuple(figure_of(frames, c) for c in cards),
        caveats=(caveat,) if caveat else (), source_line=_source([f"{n}.csv" for n in tables], seeds, None),
        notes=tuple(notes), extra={"cards": tuple(cards)},
    )
