"""The Curate page's names: its session-state and URL keys, and the fields it fills or lays out itself."""

from __future__ import annotations


PAGE = "curate"
#: the URL's ``seed`` on this page: the source under review (bound)
SOURCE = "curate_source"
PICK = f"{PAGE}.candidate"
ACCEPTED = f"{PAGE}.accepted"  # table -> rows accepted in read-only mode (this session only)
WHAT = f"{PAGE}.what"
DRAFT = f"{PAGE}.draft"  # a new text under review in read-only mode: text, provenance arguments, accepted rows
DRAFT_PREFIX = "draft:"
FROM_DATA, NEW_TEXT = "A source in the data", "A new text (curation bundle)"
#: fields the page fills itself
FIXED = ("id", "source_id")
#: fields a candidate pre-fills, by name
FROM_CANDIDATE = {"quote": "quote", "date_from": "date_from", "date_to": "date_to", "date_source": "date_source",
                  "actor": "actor", "domain": "domain", "place": "place", "value": "value", "amount": "value",
                  "count": "value", "unit": "unit", "as_stated": "figure_text"}
LANGUAGES = {"en": "English", "ru": "Russian", "kk": "Kazakh"}
NEW_KEY = "__new__"


FULL_WIDTH = ("quote", "quote_en", "summary", "note", "correction", "date_note")
