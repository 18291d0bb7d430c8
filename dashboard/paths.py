"""Where the data lives: the repository's data/ and seeds/, or the directories the environment names.

Kept free of heavy imports, so ``python -m dashboard check`` starts fast.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_ENV = "DASHBOARD_DATA_DIR"
SEEDS_ENV = "DASHBOARD_SEEDS_DIR"


def default_data_dir() -> Path:
    """``$DASHBOARD_DATA_DIR``, else the repository's ``data/``."""
    return Path(os.environ.get(DATA_ENV) or REPO_ROOT / "data")


def default_seeds_dir() -> Path | None:
    """``$DASHBOARD_SEEDS_DIR``; None means: where the data package's ``sources`` path points (``data/../seeds``)."""
    value = os.environ.get(SEEDS_ENV)
    return Path(value) if value else None
