"""Data page: every curated table, with its seed and quote, and what failed validation.

The page's code is dashboard/views/_data.py, imported once per process: a rerun runs it without
compiling it again.
"""

from dashboard.views import _data

_data.main()
