"""The single validation path for the curated tables (formerly ``dashboard/validate.py``), one module per job:
:mod:`~dashboard.checks.problems` (what is reported), :mod:`~dashboard.checks.engine` (one pass over the package),
:mod:`~dashboard.checks.registry` (the rule kinds and a declared rule), :mod:`~dashboard.checks.cells` (shared
helpers) and the rule kinds by job in ``rules_seeds``, ``rules_rows`` and ``rules_text``.

``check(data_dir, seeds_dir)`` returns every problem as a :class:`Problem`
whose ``str`` is ``path:row:field: message``:

* the schema part (types, required, enums, ranges, patterns, unique,
  primaryKey, foreignKeys, missing columns) is driven entirely by
  ``data/datapackage.json``, through :mod:`dashboard.contract`, which reads
  each CSV once and casts it from the declaration (the same typed columns the
  app's DataFrames are made of);
* the project-specific part is declared there too, as the package's list of
  ``rules``: each names a ``check`` kind (one function per kind, registered with
  :func:`~dashboard.checks.registry.rule_kind`; plugins such as the releases add kinds), the resources it applies to and the fields it reads.
  A rule applies to those of its resources that are readable and have its
  columns, and skips cells that already failed the schema.  A rule that cannot
  run as declared (unknown kind, missing parameter, undeclared resource or
  field) is a problem on datapackage.json.  The rules are vectorised over the
  typed columns: they look at single rows only where there is a problem to word.

Row numbers count the header as row 1, so the first data row is row 2 (a blank
line is a row, a quoted value over several lines is one).  File-level problems
(missing, empty, unreadable or malformed file) are reported on row 0 with field
``-``; a missing column on row 1 with the column's name as field.

Nothing here raises on bad input: every failure becomes a Problem.
"""

from __future__ import annotations

from dashboard.checks import rules_rows, rules_seeds, rules_text  # noqa: F401 - the built-in rule kinds register
from dashboard.checks.engine import check, run
from dashboard.checks.problems import (CONFLICTS, DATAPACKAGE, ENGLISH, FILE_ROW, HEADER_ROW, LANGUAGE, NO_FIELD,
                                       PUBLISHED_TO, RELEASE, SEED_FILE, SOURCE_ID, SOURCES, Problem, Report,
                                       normalise_space)
from dashboard.checks.registry import kinds, rule_fields, rule_kind



def __getattr__(name: str) -> frozenset[str]:
    """``RULE_CHECKS``: the check kinds a rule in datapackage.json may name (the built-in ones and the plugins'),
    computed when first asked for, so that a plugin importing the registry does not load the plugins mid-import."""
    if name == "RULE_CHECKS":
        return kinds()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = ["CONFLICTS", "DATAPACKAGE", "ENGLISH", "FILE_ROW", "HEADER_ROW", "LANGUAGE", "NO_FIELD", "PUBLISHED_TO",
           "RELEASE", "RULE_CHECKS", "SEED_FILE", "SOURCE_ID", "SOURCES", "Problem", "Report", "check", "kinds",
           "normalise_space", "rule_fields", "rule_kind", "run"]
