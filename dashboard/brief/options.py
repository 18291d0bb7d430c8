"""The briefing's filters on the command line: the flags (one per URL parameter), parsed strictly into
:class:`~dashboard.filters.Filters` and written back."""

from __future__ import annotations

import datetime as dt
from typing import Mapping, Sequence

import pandas as pd

from dashboard.brief.slide import BriefError
from dashboard.filters import DEFAULT, PARAMS, Filters
from dashboard.palette import ACTOR_GROUP, DOMAIN_SHAPES

Frames = Mapping[str, pd.DataFrame]

#: URL query parameter (dashboard.filters.PARAMS) -> command-line flag, so both carry the same filters
FLAGS: dict[str, str] = {
    "from": "--from",
    "to": "--to",
    "actor": "--actor",
    "domain": "--domain",
    "cred": "--min-credibility",
    "source": "--source",
}
assert set(FLAGS) == set(PARAMS.values())




def filters_from_cli(values: Mapping[str, Sequence[str] | str | None], frames: Frames | None = None) -> Filters:
    """Filters from command-line values keyed by URL parameter name (``from``, ``actor``, ...), on the app's default.

    Missing keys keep the app's default (``DEFAULT``: from 1 January 2022), as a
    URL without the parameter does; an empty ``from``/``to`` means no bound.
    Unlike the URL, a value that cannot be used raises :class:`BriefError`
    instead of being ignored. With ``frames``, actors, domains and sources must
    be ones the data knows.
    """
    params: dict[str, list[str]] = {}
    for name, raw in values.items():
        if raw is None:
            continue
        items = [raw] if isinstance(raw, str) else list(raw)
        if name not in FLAGS:
            raise BriefError(f"unknown filter {name!r}")
        params[name] = items
    for name in ("from", "to"):
        for text in params.get(name, []):
            if text.strip():
                try:
                    dt.date.fromisoformat(text.strip())
                except ValueError:
                    raise BriefError(f"{FLAGS[name]}: {text!r} is not a date (YYYY-MM-DD, or '' for no bound)") from None
    for text in params.get("cred", []):
        if not (text.strip().isdigit() and 1 <= int(text) <= 6):
            raise BriefError(f"{FLAGS['cred']}: {text!r} is not a credibility grade from 1 (best) to 6")
    if frames is not None:
        events = frames.get("events")
        sources = frames.get("sources")
        known = {
            "actor": set(ACTOR_GROUP) | (set(events["actor"].dropna()) if events is not None and "actor" in events else set()),
            "domain": set(DOMAIN_SHAPES) | (set(events["domain"].dropna()) if events is not None and "domain" in events else set()),
            "source": set(sources["source_id"]) if sources is not None else set(),
        }
        for name, allowed in known.items():
            for text in params.get(name, []):
                if allowed and text.strip() not in allowed:
                    raise BriefError(f"{FLAGS[name]}: unknown value {text!r} (one of: {', '.join(sorted(allowed))})")
    filters = Filters.from_query_params(params, DEFAULT)
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise BriefError(f"--from {filters.date_from} is after --to {filters.date_to}")
    return filters


def cli_args(filters: Filters) -> list[str]:
    """The command-line arguments that give ``filters`` (inverse of :func:`filters_from_cli`)."""
    out: list[str] = []
    for param, value in filters.to_query_params(DEFAULT).items():
        for item in value if isinstance(value, list) else [value]:
            out += [FLAGS[param], item]
    return out
