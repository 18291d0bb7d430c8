"""Curate: review the rows proposed from a source's text, edit one, and accept it only if the package still validates.

The page's code is dashboard/views/_curate.py, imported once per process: a rerun runs it without
compiling it again.
"""

from dashboard.views import _curate

_curate.main()
