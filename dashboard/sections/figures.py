"""The headline figures section: the Overview's metric cards and the briefing's figures slide.

Values come from :func:`dashboard.facts.headlines`; each becomes a :class:`~dashboard.sections.base.Figure`. Pure.
"""

from __future__ import annotations

from typing import Mapping

import pandas as pd

from dashboard import facts
from dashboard.filters import DEFAULT, Filters
from dashboard.sections.base import Figure, Section
from dashboard.sections.common import quote as _quote, source as _source

TITLE = "Headline figures"
#: the tables the figures are read from, in source-line order
TABLES = ("context_figures", "oil_routes", "defense_budget", "casualties", "public_sentiment", "security_cooperation")
#: the conflict kind of a disputed figure (the conflicts table declares no kind: every declared conflict is a disagreement)
DISAGREE = "disagree"


def conflict_kind(frames: Mapping[str, pd.DataFrame], card: facts.Headline) -> str:
    """The kind of conflict behind a card: the conflicts table's ``kind`` when it has one, else "disagree"."""
    if not card.conflict:
        return ""
    table = frames.get("conflicts")
    if table is not None and {"kind", "reading"} <= set(table.columns):
        kinds = table.loc[table["reading"] == card.conflict, "kind"].dropna()
        if len(kinds) and str(kinds.iloc[0]).strip():
            return str(kinds.iloc[0]).strip()
    return DISAGREE


def figure_of(frames: Mapping[str, pd.DataFrame], card: facts.Headline) -> Figure:
    return Figure(card.label, card.value, card.detail, conflict_kind(frames, card),
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
        if card.conflict:
            notes.append(f"  Seeds disagree: {card.conflict}")
    tables = [n for n in TABLES if n in frames]
    seeds = sorted({c.source_id for card in cards for c in card.citations if c.source_id})
    disputed = [c.label for c in cards if c.conflict]
    caveat = (f"The seeds disagree on {len(disputed)} of these figures ({'; '.join(disputed)}): both figures are shown, never averaged."
              if disputed else "")
    return Section(
        key="figures", title=TITLE, figures=tuple(figure_of(frames, c) for c in cards),
        caveats=(caveat,) if caveat else (), source_line=_source([f"{n}.csv" for n in tables], seeds, None),
        notes=tuple(notes), extra={"cards": tuple(cards)},
    )
