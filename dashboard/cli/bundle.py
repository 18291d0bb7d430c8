"""The ``apply-bundle`` command: add a curation bundle downloaded from the Curate page."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from dashboard.bundle import BundleError, apply
from dashboard.curate import CurateError, open_package


def _apply_command(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        if not path.is_file():
            raise BundleError(f"{path}: no such file")
        package = open_package(args.data, args.seeds)
        source_id, counts = apply(package, path.read_bytes(), str(path))
    except BundleError as exc:
        print(f"error: {exc}", file=sys.stderr)
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    except CurateError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    added = ", ".join(f"{n} in {table}" for table, n in counts.items()) or "no rows"
    print(f"{source_id}: {added}")
    return 0


def add_commands(commands: Any) -> None:
    """``apply-bundle``."""
    command = commands.add_parser(
        "apply-bundle", help="add a curation bundle (downloaded from the Curate page) to this checkout, validated",
        description="Add a curation bundle: its text as a new seed with its provenance row (as add-source does) and its "
        "rows to their tables (as a save does), only if the bundle is unchanged since it was made and the whole package "
        "still validates with it. Prints the new source_id and the rows added; exits 1 with one line (and the "
        "path:row:field lines) and nothing changed otherwise.")
    command.add_argument("file", metavar="FILE", help="the bundle, *.curation.json")
    command.add_argument("--data", type=Path, default=None, metavar="DIR",
                         help="data package directory (default: $DASHBOARD_DATA_DIR, else the repo's data/)")
    command.add_argument("--seeds", type=Path, default=None, metavar="DIR",
                         help="seed texts with provenance.csv (default: $DASHBOARD_SEEDS_DIR, else DATA/../seeds)")
    command.set_defaults(func=_apply_command)
