"""Reading what a curator types and what the checks answer, for the Curate page: dates as typed, event keys, acts
searched by date and words, check messages in plain words. Pure (no Streamlit), tested in tests/test_curate_page.py."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import warnings

import pandas as pd

DATE_HELP = "A day (2022-03-17, 17 March 2022), a month (March 2022, март 2022) or a year (2022)."


#: one line per check message, in plain words (the check's own line is folded below)
PLAIN: list[tuple[str, str]] = [
    (r"^not found verbatim", "Not in the text word for word. Copy the passage from the text: shorten it if needed, never reword it."),
    (r"^required: (.*)$", r"Required: \1."),
    (r"^required when (.*)$", r"Required when \1."),
    (r"^required$|^is required|missing", "Required."),
    (r"is after (\S+)'s latest publication date (\S+)", r"Later than the text's publication (\2): a text reports what happened before it was published."),
    (r"^must be blank: (.*)$", r"Leave blank: \1."),
]


def parse_when(text: str | None) -> tuple[dt.date, dt.date] | None:
    """The interval a typed date stands for: a day, a month ("March 2022", "март 2022", "2022-03") or a year.

    Blank gives None; anything else that is not a date raises ValueError with a plain message."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text)
        return day, day
    except ValueError:
        pass
    if re.fullmatch(r"(19|20)\d\d", text):
        return dt.date(int(text), 1, 1), dt.date(int(text), 12, 31)
    if not re.search(r"\b(19|20)\d\d\b", text):
        raise ValueError(f"'{text}' has no year: write it with the year, for example March 2022")
    from dateparser.date import DateDataParser

    from dashboard import propose, propose_ru

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = DateDataParser(languages=["en", "ru"], settings={
            "RETURN_TIME_AS_PERIOD": True, "PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["year"]}).get_date_data(text)
    if data and data.date_obj:
        return propose._interval(data.date_obj.date(), data.period or "day")
    found = propose_ru.find_dates(text, dt.date(1900, 1, 1), dt.date(2099, 12, 31))
    if len(found) == 1 and found[0].text.strip().lower() == text.lower():
        return found[0].date_from, found[0].date_to
    raise ValueError(f"'{text}' is not a date: write a day (2022-03-17), a month (March 2022) or a year (2022)")


def interval(date_from: str | None, date_to: str | None) -> tuple[str, str, dict[str, str]]:
    """The row's ``date_from`` and ``date_to`` from what was typed: "March 2022" alone gives 1-31 March 2022; a
    month in ``date_to`` gives its last day. Returns the ISO dates and the fields' errors in plain words."""
    errors, start, end = {}, None, None
    try:
        start = parse_when(date_from)
    except ValueError as exc:
        errors["date_from"] = str(exc)
    try:
        end = parse_when(date_to)
    except ValueError as exc:
        errors["date_to"] = str(exc)
    first = start[0].isoformat() if start else ""
    last = end[1].isoformat() if end else (start[1].isoformat() if start and "date_to" not in errors else "")
    return first, last, errors


_STOP = set("the a an of and in on to for with by at from its their his her is are was were be as that this into "
            "over after before about than says said".split())


def key_from_summary(summary: str | None, date_from: str | None, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """A new ``event_key`` from the summary's first words and the year: "Tokayev and Putin sign a gas agreement"
    in 2023 gives ``tokayev_putin_sign_gas_agreement_2023`` (a suffix when taken)."""
    folded = unicodedata.normalize("NFKD", str(summary or "")).encode("ascii", "ignore").decode().lower()
    words = [w for w in re.findall(r"[a-z0-9]+", folded) if w not in _STOP][:5]
    year = (date_from or "")[:4] if re.fullmatch(r"\d{4}", (date_from or "")[:4]) else ""
    key = "_".join([*words, *([year] if year and year not in words else [])]) or "new_act"
    candidate, n = key, 2
    while candidate in taken:
        candidate, n = f"{key}_{n}", n + 1
    return candidate


def acts_list(events: pd.DataFrame | None) -> pd.DataFrame:
    """One line per existing act (event_key): its first date, its summary and act, earliest first."""
    columns = ["event_key", "date", "summary", "act"]
    if events is None or events.empty or "event_key" not in events.columns:
        return pd.DataFrame(columns=columns)
    frame = events.copy()
    frame["date"] = pd.to_datetime(frame.get("date_from"), errors="coerce").dt.strftime("%Y-%m-%d").fillna("undated")
    frame = frame.sort_values(["date", "event_key"]).drop_duplicates("event_key")
    return frame.reindex(columns=columns).fillna("").reset_index(drop=True)


def find_acts(acts: pd.DataFrame, query: str | None) -> list[str]:
    """The keys of the acts whose key, date or summary contain every word of ``query`` (any case)."""
    words = (query or "").lower().split()
    hay = (acts["event_key"].astype(str) + " " + acts["date"].astype(str) + " " + acts["summary"].astype(str)).str.lower()
    mask = pd.Series(True, index=acts.index)
    for word in words:
        mask &= hay.str.contains(word, regex=False)
    return list(acts.loc[mask, "event_key"])


LINE = re.compile(r"^(?P<path>.+?):(?P<row>\d+):(?P<field>[^:\s]+): (?P<message>.*)$")


def plain(message: str) -> str:
    """A check message in plain words."""
    for pattern, replacement in PLAIN:
        match = re.search(pattern, message)
        if match:
            return match.expand(replacement)
    return message[:1].upper() + message[1:]


def field_problems(problems: list[str], file_name: str, row_number: int) -> tuple[dict[str, list[str]], list[str]]:
    """The problems on the new row (``file_name``, line ``row_number``) by field, in plain words, and the rest."""
    by_field: dict[str, list[str]] = {}
    other = []
    for line in problems:
        match = LINE.match(line)
        if match and match["path"].rsplit("/", 1)[-1] == file_name and int(match["row"]) == row_number:
            by_field.setdefault(match["field"], []).append(plain(match["message"]))
        else:
            other.append(line)
    return by_field, other


def _lines(data: bytes) -> int:
    """The row number of a CSV's last line (the header is row 1)."""
    import csv
    import io

    return sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8"))))
