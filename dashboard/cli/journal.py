"""The ``recover`` command: complete or roll back an interrupted write."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from dashboard import oneline
from dashboard.journal import WriteError, repair


def add_commands(commands: Any) -> None:
    """``recover``."""
    recover_parser = commands.add_parser(
        "recover", help="complete or roll back a write that was interrupted (a crash, a kill)",
        description="Take the write lock, complete a journalled write that was interrupted after it was staged, or "
        "remove the staged files of one that was interrupted before; move seed files that no provenance row lists, "
        "and release directories that the index does not list, into DATA/.history/. Prints what it did.")
    recover_parser.add_argument("--data", type=Path, default=None, metavar="DIR",
                                help="data package directory (default: $DASHBOARD_DATA_DIR, else the repo's data/)")
    recover_parser.add_argument("--seeds", type=Path, default=None, metavar="DIR",
                                help="seed texts with provenance.csv (default: $DASHBOARD_SEEDS_DIR, else DATA/../seeds)")
    recover_parser.set_defaults(func=_recover_command)


def _recover_command(args: Any) -> int:
    from dashboard import paths, releases

    data_dir = args.data if args.data is not None else paths.default_data_dir()
    try:
        messages = repair(data_dir, args.seeds, leftovers=releases.unlisted)
    except WriteError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for message in messages:
        print(oneline.escape(message))
    print("OK: nothing left to recover" if not messages else f"OK: {len(messages)} repair{'s' if len(messages) > 1 else ''}")
    return 0
