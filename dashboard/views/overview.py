"""Overview: the headline figures with their quotes, a compact stance timeline, and a paragraph generated from the data.

The page's code is dashboard/views/_overview.py, imported once per process: a rerun runs it without
compiling it again.
"""

from dashboard.views import _overview

_overview.main()
