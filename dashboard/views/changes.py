"""Changes: what changed between two releases, or between a release and the current data.

The page's code is dashboard/views/_changes.py, imported once per process: a rerun runs it without
compiling it again.
"""

from dashboard.views import _changes

_changes.main()
