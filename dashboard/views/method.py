"""Method: the codebook, the grading scales, the acts and the declared rules, conflicts and corrections, and every

The page's code is dashboard/views/_method.py, imported once per process: a rerun runs it without
compiling it again.
"""

from dashboard.views import _method

_method.main()
