"""Indicators: defence budget, oil routes, sanctions stance and public sentiment, each figure with its quote.

The page's code is dashboard/views/_indicators.py, imported once per process: a rerun runs it without
compiling it again.
"""

from dashboard.views import _indicators

_indicators.main()
