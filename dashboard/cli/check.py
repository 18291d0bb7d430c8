"""The ``check`` command: validate the tables and print one ``path:row:field: message`` line per problem."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def _shown(path: Path | None) -> str:
    """A directory as the user would type it: relative to the working directory when inside it."""
    if path is None:
        return "?"
    resolved = Path(path).resolve()
    try:
        return str(resolved.relative_to(Path.cwd().resolve())) + "/"
    except ValueError:
        return str(resolved) + "/"


def _check(args: argparse.Namespace) -> int:
    from dashboard import build, checks, journal, paths  # not dashboard.data: the check needs no pandas

    data_dir = args.data if args.data is not None else paths.default_data_dir()
    seeds_dir = args.seeds if args.seeds is not None else paths.default_seeds_dir()
    report = checks.run(data_dir, seeds_dir)
    # an interrupted write (a pending journal, staged leftovers, an orphaned seed) names its repair command
    interrupted = journal.problems(data_dir, report.seeds_dir)
    if report.problems or interrupted:
        for problem in [*interrupted, *report.problems]:
            print(problem)
        return 1
    build.write(report)  # the typed tables, for the app to serve without validating again (dashboard/build.py)
    tables, rows = len(report.rows), sum(report.rows.values())
    print(f"OK: {tables} tables, {rows} rows checked ({_shown(data_dir)}, seeds in {_shown(report.seeds_dir)})")
    return 0


def add_commands(commands: Any) -> None:
    """``check``."""
    check = commands.add_parser(
        "check",
        help="validate the tables against data/datapackage.json and the seed texts",
        description="Validate the tables. Prints one 'path:row:field: message' line per problem and exits 1, "
        "or prints a one-line OK summary and exits 0.",
    )
    check.add_argument("--data", type=Path, default=None, metavar="DIR",
                       help="data package directory (default: $DASHBOARD_DATA_DIR, else the repo's data/)")
    check.add_argument("--seeds", type=Path, default=None, metavar="DIR",
                       help="seed texts with provenance.csv (default: $DASHBOARD_SEEDS_DIR, else DATA/../seeds)")
    check.set_defaults(func=_check)
