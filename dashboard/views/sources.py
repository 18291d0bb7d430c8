"""Sources: each seed's provenance record and grade, and its full text with every quoted passage highlighted.

The page's code is dashboard/views/_sources.py, imported once per process: a rerun runs it without
compiling it again.
"""

from dashboard.views import _sources

_sources.main()
