"""Stance over time: every scored event on a time axis, a rolling index per actor, and the quote behind any mark.

The page's code is dashboard/views/_stance.py, imported once per process: a rerun runs it without
compiling it again.
"""

from dashboard.views import _stance

_stance.main()
