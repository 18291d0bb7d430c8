"""The shipped, hand-curated data in data/ and seeds/ checks clean.

Unlike the other tests this one reads the real data, not a fixture: it fails
while the curated tables are incomplete, and its message is the list of
problem lines that `python -m dashboard check` prints.
"""

from __future__ import annotations

import pytest

from dashboard.validate import check

from conftest import REPO


@pytest.mark.shipped_data
def test_shipped_data_checks_clean() -> None:
    problems = check(REPO / "data")
    assert problems == [], "\n" + "\n".join(map(str, problems))
