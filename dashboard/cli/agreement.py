"""The ``agreement`` command: Krippendorff's alpha per coded field between two codings."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from dashboard.agreement import COLUMNS, FORMATS, TABLES, CodingError, compare, export_csv, load, parse, tables_records


# --------------------------------------------------------------------------
# the command


def _agreement(args: argparse.Namespace) -> int:
    from dashboard import paths

    data_dir = args.data if args.data is not None else paths.default_data_dir()
    try:
        if args.export is not None:
            if args.codings:
                print("error: --export takes no codings to compare", file=sys.stderr)
                return 1
            if args.export != TABLES:
                print(f'error: --export exports "{TABLES}" (the coding in the current tables), not "{args.export}"',
                      file=sys.stderr)
                return 1
            records = tables_records(data_dir)
            parse(TABLES, records)  # the same checks as a coding file
            text = export_csv(records)
            if args.output:
                paths.write_atomic(Path(args.output), text.encode("utf-8"))
                print(f"{args.output}: {len(records)} items coded as in the tables")
            else:
                sys.stdout.write(text)
            return 0
        if len(args.codings) != 2:
            print("error: give two codings (files, or the word tables), or --export tables", file=sys.stderr)
            return 1
        a, b = (load(argument, data_dir) for argument in args.codings)
    except CodingError as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        return 1
    sys.stdout.write(FORMATS[args.format](compare(a, b)))
    return 0


def add_commands(commands: Any) -> None:
    """``agreement`` (see dashboard/__main__.py's COMMAND_MODULES)."""
    parser = commands.add_parser(
        "agreement",
        help="Krippendorff's alpha per coded field between two codings (files, or 'tables')",
        description="Compare two codings of the same sample, matched by item: Krippendorff's alpha per field (nominal "
        "for table, act, actor, domain; ordinal for stance, credibility), the items coded by both and the verdict "
        "(>= 0.800 reliable, 0.667-0.800 tentative, below unreliable), and the shares of items whose date intervals "
        "overlap and match exactly. A coding is a CSV with the columns " + ",".join(COLUMNS) + " (blank = missing; a "
        "note column is ignored); the word 'tables' is the coding in the current tables for data/coding/sample.csv.",
    )
    parser.add_argument("codings", nargs="*", metavar="CODING", help="two coding files, or the word tables")
    parser.add_argument("--format", choices=sorted(FORMATS), default="text", help="output format (default text)")
    parser.add_argument("--export", default=None, metavar="tables",
                        help="write the coding in the current tables (for data/coding/sample.csv) as a coding file")
    parser.add_argument("-o", "--output", default=None, metavar="FILE", help="with --export: the file to write (default: stdout)")
    parser.add_argument("--data", type=Path, default=None, metavar="DIR",
                        help="data package directory (default: $DASHBOARD_DATA_DIR, else the repo's data/)")
    parser.set_defaults(func=_agreement)
