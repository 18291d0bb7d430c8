"""Map page: the CPC and Azerbaijan routes and the Kazakhstan–Russia border, offline.

The page's code is dashboard/views/_map.py, imported once per process: a rerun runs it without
compiling it again.
"""

from dashboard.views import _map

_map.main()
