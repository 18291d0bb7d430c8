"""Wording of the marks: signed numbers, cut quotes and their translations, stance labels, figures with units.

One job: how a value is put into words on a chart, a tooltip or a card (no
counting, no layout).
"""

from __future__ import annotations

from typing import Any

import pandas as pd


#: quotes in tooltips are cut to this many characters (the full quote is one click away)
TOOLTIP_QUOTE = 220
STANCE_TEXT = {2: "+2 strong alignment", 1: "+1 mild alignment", 0: "0 hedging", -1: "−1 mild distance", -2: "−2 strong distance"}


def signed(value: float) -> str:
    return "0" if round(value, 2) == 0 else f"{value:+.2f}".replace("-", "−").rstrip("0").rstrip(".")


def cut(text: Any, limit: int = TOOLTIP_QUOTE) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis ('' for a blank)."""
    if not isinstance(text, str):
        return ""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


#: between a quote and its English translation in a tooltip
TRANSLATION_MARK = " · English: "


def _given_text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def tooltip_quote(quote: Any, quote_en: Any, limit: int = TOOLTIP_QUOTE) -> str:
    """A tooltip's quote: the original, then its English translation where there is one, each cut to half."""
    original, english = _given_text(quote), _given_text(quote_en)
    if not english:
        return cut(original, limit) if original else ""
    half = (limit - len(TRANSLATION_MARK)) // 2
    return cut(original, half) + TRANSLATION_MARK + cut(english, half)


def with_translation(quote: Any, quote_en: Any = None, quote_en_by: Any = None) -> str:
    """A quote as the notes and cards give it: verbatim in its language, then the curator's English translation and
    who made it, where there is one: '“Токаев …” (English, translated by AB: “Tokayev …”)'."""
    original, english, by = _given_text(quote), _given_text(quote_en), _given_text(quote_en_by)
    if not english:
        return f"“{original}”"
    return f"“{original}” (English, translated by {by or 'the curator'}: “{english}”)"


def _stance_labels(stance: pd.Series) -> list[str]:
    """'−1 mild distance' for a scored act; 'mean +0.5' for a bin's mean."""
    whole = (stance == stance.round()).to_numpy(dtype=bool)
    named = stance.round().map(lambda s: STANCE_TEXT.get(int(s))).to_numpy(dtype=object) if whole.any() else None
    out = []
    for i, s in enumerate(stance.to_numpy(dtype=float)):
        if whole[i]:
            out.append(named[i] if named[i] is not None else signed(s))
        else:
            out.append(f"mean {signed(s)}")
    return out


def figure_text(row: dict[str, Any]) -> str:
    """A figure with its unit, as a range when there is an upper bound, else the seed's wording."""
    value, high, unit = row.get("value"), row.get("value_high"), row.get("unit")
    if value is None or pd.isna(value):
        return str(row.get("as_stated") or "")
    number = f"{value:,.4g}" + (f"–{high:,.4g}" if high is not None and not pd.isna(high) else "")
    return f"{number} {unit}" if isinstance(unit, str) else number
