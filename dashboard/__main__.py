"""Command line: ``python -m dashboard check [--data DIR] [--seeds DIR]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


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
    from dashboard import data, validate

    data_dir = args.data if args.data is not None else data.default_data_dir()
    seeds_dir = args.seeds if args.seeds is not None else data.default_seeds_dir()
    report = validate.run(data_dir, seeds_dir)
    if report.problems:
        for problem in report.problems:
            print(problem)
        return 1
    tables, rows = len(report.rows), sum(report.rows.values())
    print(f"OK: {tables} tables, {rows} rows checked ({_shown(data_dir)}, seeds in {_shown(report.seeds_dir)})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description="Kazakhstan–Russia indicators dashboard tools.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - never a traceback
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(2)
