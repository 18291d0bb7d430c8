"""Present: the briefing one slide at a time, in the deck's order and words, the slide number in the URL.

The page's code is dashboard/views/_present.py, imported once per process: a rerun runs it without
compiling it again.
"""

from dashboard.views import _present

_present.main()
