"""Where the checks were imported from before issue 19: the names of :mod:`dashboard.checks`, for the importers not
yet pointed there (``dashboard/views/_data.py``, ``dashboard/views/_method.py`` and some tests). New code imports
:mod:`dashboard.checks`."""

from __future__ import annotations

from dashboard.checks import *  # noqa: F403
from dashboard.checks import __all__ as _names


def __getattr__(name: str) -> object:
    from dashboard import checks

    return getattr(checks, name)


__all__ = list(_names)
