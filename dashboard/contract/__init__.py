"""The data contract of ``datapackage.json``, read and cast once (a package since issue 19: one module per job,
:mod:`~dashboard.contract.arrays`, :mod:`~dashboard.contract.types`, :mod:`~dashboard.contract.declaration`,
:mod:`~dashboard.contract.csvfile`, :mod:`~dashboard.contract.casting`, :mod:`~dashboard.contract.frames`; every
name is importable from here as before).

This is the project's one type system.  Each Table Schema field type is declared once, in :data:`FIELD_TYPES`: how
a cell's text is read (the Frictionless reading: ``int()`` of the stripped text, ``Decimal`` for numbers,
``strptime`` for dates...), which constraints apply to it, and its Arrow type, from which :func:`to_pandas` gives
the app its dtypes.

Everything is vectorised over Arrow arrays (pyarrow, which imports without pandas so ``python -m dashboard check``
starts fast):

* :func:`read_csv` parses a CSV file once, with pyarrow's multi-threaded reader, into one string array per column.
  A file that pyarrow cannot read as a regular table (rows of the wrong length, text that is not UTF-8, an odd number
  of quote characters, another encoding) is read instead by Python's strict ``csv`` module, which says exactly what
  is wrong; both give the same columns.
* :func:`cast` types every declared column and checks its constraints, reading each *distinct* cell text once
  (through a dictionary encoding), so 100,000 rows cost what their distinct values cost; then ``unique`` and the
  primary key, vectorised, with a row-by-row pass only where there is something to report.
* :func:`foreign_key_problems` checks the foreign keys between cast tables.
* :func:`to_pandas` turns a cast table into the DataFrame the app uses.

Problems come back as ``(row, field, message)``; :mod:`dashboard.checks` adds the path.  Row numbers count the
header as row 1.
"""

from __future__ import annotations

from dashboard.contract.arrays import (DEFAULT_MISSING, FIRST_ROW, HEADER_ROW, INVALID, NO_FIELD, _EPOCH, _EPOCH_DAY, _Invalid, _MAX_CELL, _MICROSECOND, _any, _codes, _integers, _mask_of, array, as_text, booleans, false_where_null, first_rows, flags, group_ids, positions, rows_where, scalar, short)  # noqa: F401
from dashboard.contract.types import (INT64_MAX, INT64_MIN, FIELD_TYPES, FieldType, _BOUNDS, _NOT_BARE, _WHOLE, _coerce, _read_boolean, _read_date, _read_datetime, _read_integer, _read_number, _read_string, _read_year, _same, _value_checks, constraint_message, field_type)  # noqa: F401
from dashboard.contract.declaration import (_DIALECT_DEFAULTS, _DIALECT_IGNORED, _NAME, _RESOURCE_KEYS_READ, _field_problems, _foreign_key_problems, _missing_values_problems, _resource_problems, declaration_problems, json_repr, key_names)  # noqa: F401
from dashboard.contract.csvfile import (FileProblem, RawTable, _BOM, _is_utf8, _read_fast, _read_strict, read_csv)  # noqa: F401
from dashboard.contract.casting import (CastTable, _cast_column, _primary_key, _unique, _unreadable, cast, foreign_key_problems, missing_values)  # noqa: F401
from dashboard.contract.frames import (to_pandas)  # noqa: F401
