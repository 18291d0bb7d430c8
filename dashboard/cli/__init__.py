"""The command line, ``python -m dashboard COMMAND``: the parser, built from one module per command group.

Each module in :data:`COMMAND_MODULES` has ``add_commands(subparsers)`` and keeps its heavy imports inside the
command functions, so that ``check`` starts fast. :func:`run` is what ``python -m dashboard`` calls: the exit code,
130 on Ctrl-C, and a one-line error (exit 2) instead of a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

#: the command groups, in ``--help`` order; one line per module, each module owns its own commands
COMMAND_MODULES: tuple[str, ...] = (
    "dashboard.cli.check",  # check
    "dashboard.cli.brief",  # brief
    "dashboard.cli.releases",  # release, diff
    "dashboard.cli.curate",  # add-source, propose
    "dashboard.cli.bundle",  # apply-bundle
    "dashboard.cli.journal",  # recover
    "dashboard.cli.agreement",  # agreement
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description="Kazakhstan–Russia indicators dashboard tools.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


def run(argv: list[str] | None = None) -> int:
    """:func:`main` as a process runs it: 130 on Ctrl-C, and one ``error:`` line (exit 2) instead of a traceback."""
    try:
        return main(argv)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - never a traceback
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2


__all__ = ["COMMAND_MODULES", "build_parser", "main", "run"]
