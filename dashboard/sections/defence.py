"""The defence budget section: the previous budget and the addition, in each currency the seed states, with its figures."""

from __future__ import annotations

from typing import Mapping

import pandas as pd

from dashboard import charts
from dashboard import marks as M
from dashboard.filters import Filters, apply
from dashboard.sections.base import Figure, Section
from dashboard.sections.common import quotes, seeds, source, text
from dashboard.sections.oil import chart, missing

TABLE = "defense_budget"
TITLE = "Defence budget"


def scope_filters(filters: Filters) -> Filters:
    """The defence budget is not dated by event: only the sources filter reaches it."""
    return Filters(sources=filters.sources)


def _figures(f: dict) -> tuple[Figure, ...]:
    out = []
    for key, label in (("add_kzt", "Addition, tenge"), ("add_usd", "Addition, dollars")):
        if f[key] is not None:
            out.append(Figure(label, str(f[key]["as_stated"]), f"“{text(f[key]['quote'])}” ({f[key]['source_id']})",
                              cites=((TABLE, text(f[key].get("id"))),)))
    if f["rate"]:
        out.append(Figure("Implied exchange rate", f"{f['rate']:.1f} ₸/$",
                          "441 billion tenge ÷ 918 million dollars: the rate the source's own two figures imply."))
    if f["stated_ratio"] is not None:
        computed = f" · {f['computed_ratio']:.2f}× computed" if f["computed_ratio"] else ""
        previous = f["previous_usd"]["as_stated"] if f["previous_usd"] is not None else "?"
        out.append(Figure("Increase", str(f["stated_ratio"]["as_stated"]),
                          f"As stated{computed} from the previous budget of {previous} plus the addition."))
    return tuple(out)


def build(frames: Mapping[str, pd.DataFrame], filters: Filters) -> Section:
    """The defence budget under the sources filter (its rows are budget years, not dated events)."""
    if TABLE not in frames:
        return missing("defence", TITLE, TABLE)
    scope = scope_filters(filters)
    budget = apply(frames[TABLE], scope)
    line = source([f"{TABLE}.csv"], seeds(budget), scope)
    marks = M.defence_marks(budget)
    if marks.empty:
        return Section(key="defence", title=TITLE, empty="No defence figures match the filters.", source_line=line,
                       extra={"scope": marks.scope, "rows": budget})
    drawn = chart("defence-budget", charts.defence_spec(marks), marks.frame, marks.summary)
    caveat = ("Faint bars are derived from the source's own two figures (the implied exchange rate), not stated by it."
              if marks.derived else "Every bar is a figure the source states; a budget of another year is not converted at this year's rate.")
    return Section(key="defence", title=drawn.title, subtitle=drawn.subtitle, charts=(drawn,), figures=_figures(marks.figures),
                   summary=drawn.summary, caveats=(caveat,), source_line=line,
                   notes=tuple(quotes(budget, lambda r: text(r.get("item")))), extra={"scope": marks.scope, "rows": budget})
