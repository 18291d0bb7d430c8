"""The indicator marks: the oil route timeline, export shares and stakes, and the defence budget bars.

One job: the marks and wording of the indicators page's figures (each from
one table, no filters), with what follows from the sources' own numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard.filters import interval_bounds
from dashboard.marks.dates import span, with_periods
from dashboard.marks.timelines import LaneMarks, lane_marks
from dashboard.marks.memo import remembered as _remembered


# --------------------------------------------------------------------------
# oil routes

OIL_TIMELINE_COLUMNS = ["id", "route", "kind", "lane", "start", "end", "days", "precision", "date_label", "as_stated", "source_id", "asset"]
OIL_TIMELINE_KINDS = ("disruption", "alternative route", "dependence")


def oil_timeline_frame(oil: pd.DataFrame) -> pd.DataFrame:
    """Dated disruptions, dependence and alternative routes, one bar each across the interval the seed dates it to."""
    return _oil_timeline(oil).copy()


def _oil_timeline(oil: pd.DataFrame) -> pd.DataFrame:
    def build() -> pd.DataFrame:
        rows = oil[interval_bounds(oil)[0].notna() & oil["kind"].isin(list(OIL_TIMELINE_KINDS))]
        if rows.empty:
            return pd.DataFrame(columns=OIL_TIMELINE_COLUMNS)
        rows = with_periods(rows)
        rows["lane"] = rows["route"] + ": " + rows["kind"]
        return rows[OIL_TIMELINE_COLUMNS].sort_values(["start", "id"], kind="stable").reset_index(drop=True)

    return _remembered("oil_timeline", oil, (), build)


def oil_timeline_summary(oil: pd.DataFrame) -> str:
    rows = _oil_timeline(oil)
    if rows.empty:
        return "No dated route events."
    parts = dict.fromkeys(f"{r.date_label}: {r.kind} ({r.route}, {r.source_id})" for r in rows.sort_values("start").itertuples())
    return "; ".join(parts) + "."


def oil_timeline_marks(oil: pd.DataFrame) -> LaneMarks:
    """The route timeline's marks: dated disruptions, dependence and alternatives in sub-rows of route and kind."""
    def build() -> LaneMarks:
        frame = _oil_timeline(oil)
        return lane_marks("oil", frame, "lane", span(frame), oil_timeline_summary(oil))

    return _remembered("oil_marks", oil, (), build)


def oil_share_frame(oil: pd.DataFrame) -> pd.DataFrame:
    """The export shares, one bar per route and seed (conflicting figures side by side), labelled as the seed words them."""
    rows = oil[(oil["kind"] == "export share") & oil["value"].notna()].copy()
    rows["bar"] = rows["route"] + " — " + rows["source_id"]
    rows["label"] = [("about " if "about" in str(a).lower() else "") + f"{v:g}%" for a, v in zip(rows["as_stated"], rows["value"])]
    return rows


def oil_share_summary(oil: pd.DataFrame) -> str:
    rows = oil[(oil["kind"] == "export share") & oil["value"].notna()]
    if rows.empty:
        return "No export shares."
    parts = [f"{r.source_id}: {r.as_stated} ({r.value:g}%) via {r.route}" for r in rows.itertuples()]
    return "Export share: " + "; ".join(parts) + ". Both figures are kept; the seeds disagree."


def stakes_frame(oil: pd.DataFrame) -> pd.DataFrame:
    """The named stakes in percent, one bar each: asset (company)."""
    rows = oil[(oil["kind"] == "stake") & (oil["unit"] == "percent") & oil["value"].notna()].copy()
    rows["bar"] = rows["asset"] + " (" + rows["company"] + ")"
    return rows


def stakes_summary(oil: pd.DataFrame) -> str:
    rows = oil[oil["kind"] == "stake"]
    if rows.empty:
        return "No named stakes."
    parts = [f"{r.as_stated}" + (f" ({r.company})" if isinstance(r.company, str) else "") for r in rows.itertuples()]
    return "Stakes named: " + "; ".join(parts) + "."


# --------------------------------------------------------------------------
# defence budget

#: the defense_budget.scope value of an addition that also went to other security agencies
SECURITY_AND_DEFENCE = "security and defence"
DEFENCE_COLUMNS = ["currency", "part", "amount", "basis", "as_stated", "id"]
CURRENCIES = ("US dollars (billion)", "tenge (billion)")
PARTS = ("previous budget", "additional allocation")


def defence_figures(budget: pd.DataFrame) -> dict[str, Any]:
    """The defence figures and what follows from the source's own numbers (implied rate, computed ratio)."""

    def pick(item: str, unit: str) -> pd.Series | None:
        rows = budget[(budget["item"] == item) & (budget["unit"] == unit) & budget["amount"].notna()]
        return rows.iloc[0] if len(rows) else None

    kzt, usd = pick("additional allocation", "billion KZT"), pick("additional allocation", "million USD")
    previous, ratio = pick("previous budget", "billion USD"), pick("increase ratio", "ratio")
    out: dict[str, Any] = {"add_kzt": kzt, "add_usd": usd, "previous_usd": previous, "stated_ratio": ratio}
    out["rate"] = kzt["amount"] * 1e9 / (usd["amount"] * 1e6) if kzt is not None and usd is not None else None
    if previous is not None and usd is not None:
        out["computed_ratio"] = (previous["amount"] * 1e3 + usd["amount"]) / (previous["amount"] * 1e3)
    else:
        out["computed_ratio"] = None
    return out


def _reporter(value: Any) -> str:
    """'WSJ' from 'WSJ (Evan Gershkovich), citing an unnamed Kazakh official'."""
    text = str(value or "").strip()
    return re.split(r"\s*[(,;]", text, maxsplit=1)[0].strip() if text else ""


def _first_clause(text: str) -> str:
    """A note's first clause: up to its first bracketed aside or the end of its first sentence."""
    head = re.split(r"\s\(|(?<=[a-z'’”\"])\.\s", text.strip(), maxsplit=1)[0].strip()
    return head.rstrip(" .;,")


def defence_scope(budget: pd.DataFrame) -> dict[str, Any]:
    """What the additional allocation covers, as the data's own rows say.

    ``security_wide`` is True when an additional-allocation row's declared
    ``scope`` is "security and defence"; ``scope_note`` is the first clause of
    that row's ``correction`` (the full text stays in the row's citation);
    ``reporter`` who the seed says reported the figure (the first words of
    ``reported_by``); ``year`` the budget year.
    """
    rows = budget[budget["item"] == "additional allocation"] if "item" in budget.columns else budget.iloc[0:0]
    wide_rows = rows[rows["scope"] == SECURITY_AND_DEFENCE] if "scope" in rows.columns else rows.iloc[0:0]
    texts = [str(t).strip() for t in (wide_rows["correction"].dropna() if "correction" in wide_rows.columns else []) if str(t).strip()]
    wide = [_first_clause(t) for t in dict.fromkeys(texts)] or (["the addition also covered other security agencies"] if len(wide_rows) else [])
    reporters = [r for r in (rows["reported_by"].map(_reporter) if "reported_by" in rows.columns else []) if r]
    years = rows["budget_year"].dropna() if "budget_year" in rows.columns else pd.Series(dtype=float)
    return {
        "security_wide": bool(wide),
        "scope_note": wide[0] if wide else "",
        "reporter": reporters[0] if reporters else "",
        "year": int(years.iloc[0]) if len(years) else None,
    }


def defence_label(budget: pd.DataFrame) -> str:
    """The headline's label, worded from the rows: 'Defence budget increase, 2022', or, when the rows say the
    addition was security-wide, 'Security and defence addition, 2022 (as WSJ reports it: defence)'."""
    return _defence_label(defence_scope(budget))


def _defence_label(scope: dict[str, Any]) -> str:
    year = f", {scope['year']}" if scope["year"] else ""
    if scope["security_wide"]:
        return f"Security and defence addition{year} (as {scope['reporter'] or 'the seed'} reports it: defence)"
    return f"Defence budget increase{year}"


def _year(row: pd.Series) -> int | None:
    year = row.get("budget_year")
    return None if year is None or pd.isna(year) else int(year)


def defence_frame(budget: pd.DataFrame) -> pd.DataFrame:
    """Bars for the defence chart: the previous budget and the addition, in USD and in tenge; derived values marked.

    The previous budget is converted to tenge only at a rate of its own year:
    the rate the source's own pair of figures implies is the addition's year's,
    so a budget of another (or an unknown) year stays in dollars only.
    """
    return _defence_frame(defence_figures(budget))


def _defence_frame(f: dict[str, Any]) -> pd.DataFrame:
    rows = []
    rate = f["rate"]
    previous, add_usd, add_kzt = f["previous_usd"], f["add_usd"], f["add_kzt"]
    if previous is not None:
        rows.append((CURRENCIES[0], "previous budget", previous["amount"], "stated", previous["as_stated"], previous["id"]))
        same_year = add_usd is not None and _year(previous) is not None and _year(previous) == _year(add_usd)
        if rate and same_year:
            rows.append((CURRENCIES[1], "previous budget", previous["amount"] * rate, "derived",
                         f"{previous['amount']:g} bn $ × {rate:.1f} ₸/$", previous["id"]))
    if add_usd is not None:
        rows.append((CURRENCIES[0], "additional allocation", add_usd["amount"] / 1e3, "stated", add_usd["as_stated"], add_usd["id"]))
    if add_kzt is not None:
        rows.append((CURRENCIES[1], "additional allocation", add_kzt["amount"], "stated", add_kzt["as_stated"], add_kzt["id"]))
    frame = pd.DataFrame(rows, columns=DEFENCE_COLUMNS)
    frame["label"] = [
        (f"₸{a:,.0f}bn" if c.startswith("tenge") else f"${a:,.3g}bn") + f" ({b})"
        for a, c, b in zip(frame["amount"], frame["currency"], frame["basis"])
    ]
    return frame


def defence_summary(budget: pd.DataFrame) -> str:
    return _defence_summary(defence_figures(budget), defence_scope(budget))


def _defence_summary(f: dict[str, Any], scope: dict[str, Any]) -> str:
    parts = []
    if f["add_kzt"] is not None and f["add_usd"] is not None:
        parts.append(f"The 2022 addition is {f['add_kzt']['as_stated']} and {f['add_usd']['as_stated']} ({f['add_kzt']['source_id']})")
    if f["rate"]:
        parts.append(f"which implies {f['rate']:.1f} tenge per dollar")
    if f["previous_usd"] is not None:
        parts.append(f"on a previous budget of {f['previous_usd']['as_stated']}")
    text = ", ".join(parts)
    if f["stated_ratio"] is not None:
        text += f"; the increase is stated as {f['stated_ratio']['as_stated']}"
        if f["computed_ratio"]:
            text += f", the source's own figures give {f['computed_ratio']:.2f}-fold"
    if not text:
        return "No defence figures."
    if scope["security_wide"]:
        who = scope["reporter"] or "the seed"
        note = re.sub(r"^(The|A|An)\b", lambda m: m.group(1).lower(), scope["scope_note"])
        text += f". {who} reports the addition as defence spending, but it is not all defence: {note}"
        if f["computed_ratio"]:
            text += ", so the ratio compares a security-wide addition with a defence budget"
    return text + "."


@dataclass(frozen=True, eq=False)
class DefenceMarks:
    """The defence chart's bars and what the rows say about them (read-only)."""

    figures: dict[str, Any]
    scope: dict[str, Any]
    #: one bar per currency and part: amount, basis ('stated' or 'derived'), label
    frame: pd.DataFrame
    label: str
    summary: str

    @property
    def empty(self) -> bool:
        return self.frame.empty

    @property
    def derived(self) -> bool:
        return bool((self.frame["basis"] == "derived").any())


def defence_marks(budget: pd.DataFrame) -> DefenceMarks:
    """The defence chart's marks, its headline label and its summary, from one reading of the rows."""
    figures, scope = defence_figures(budget), defence_scope(budget)
    return DefenceMarks(figures, scope, _defence_frame(figures), _defence_label(scope), _defence_summary(figures, scope))
