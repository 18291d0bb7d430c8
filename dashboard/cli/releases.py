"""The ``release`` and ``diff`` commands: freeze the tables as a dated release, and compare two releases."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from dashboard.releases import CURRENT, INDEX, ReleaseError, _shown_dir, latest, make_release, releases_dir, snapshot


# --------------------------------------------------------------------------
# the command line


def add_commands(subparsers: Any) -> None:
    """``release`` and ``diff`` (see dashboard/__main__.py's COMMAND_MODULES)."""
    release = subparsers.add_parser(
        "release",
        help="freeze the current tables as a dated release under data/releases/",
        description="Check the data, then freeze every table as release NAME (default: today's date) under "
        "data/releases/NAME/: the CSVs gzip-compressed as they are, the descriptor, and manifest.json (name, date, "
        "package version, as-of date, sha256 of every file, rows per table, the coding's reliability from data/coding/), "
        "listed in data/releases/releases.csv. "
        "Refuses invalid data (printing the problems) and a name that exists; exits 1 then.",
    )
    release.add_argument("--name", default=None, metavar="NAME", help="the release's name (default: today's date, YYYY-MM-DD)")
    release.add_argument("--data", type=Path, default=None, metavar="DIR",
                         help="data package directory (default: $DASHBOARD_DATA_DIR, else the repo's data/)")
    release.add_argument("--seeds", type=Path, default=None, metavar="DIR",
                         help="seed texts with provenance.csv (default: $DASHBOARD_SEEDS_DIR, else DATA/../seeds)")
    release.set_defaults(func=_release_command)

    diff = subparsers.add_parser(
        "diff",
        help="rows added, removed and changed (cell by cell) per table between two releases",
        description="Compare two releases, or a release and the current data, table by table, keyed by each table's "
        "primary key. OLD defaults to the last release and NEW to the current data ('current'). Changed quotes, "
        "stances, dates and corrections are listed first.",
    )
    diff.add_argument("old", nargs="?", default=None, metavar="OLD", help="a release name (default: the last release)")
    diff.add_argument("new", nargs="?", default=CURRENT, metavar="NEW", help=f"a release name, or '{CURRENT}' (default)")
    diff.add_argument("--format", choices=("md", "csv", "json"), default="md", help="output format (default: md)")
    diff.add_argument("--data", type=Path, default=None, metavar="DIR",
                      help="data package directory (default: $DASHBOARD_DATA_DIR, else the repo's data/)")
    diff.add_argument("--seeds", type=Path, default=None, metavar="DIR",
                      help="seed texts with provenance.csv (default: $DASHBOARD_SEEDS_DIR, else DATA/../seeds)")
    diff.set_defaults(func=_diff_command)


def _release_command(args: Any) -> int:
    from dashboard import paths

    data_dir = args.data if args.data is not None else paths.default_data_dir()
    seeds_dir = args.seeds if args.seeds is not None else paths.default_seeds_dir()
    try:
        row = make_release(data_dir, seeds_dir, args.name)
    except ReleaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    where = _shown_dir(releases_dir(data_dir) / row["release"])
    print(f"{where}/: release {row['release']} (version {row['version'] or '?'}, data as of {row['as_of'] or '?'}): {row['summary']}")
    return 0


def _diff_command(args: Any) -> int:
    from dashboard import diff, paths

    data_dir = args.data if args.data is not None else paths.default_data_dir()
    seeds_dir = args.seeds if args.seeds is not None else paths.default_seeds_dir()
    old = args.old or latest(data_dir)
    if old is None:
        print(f"error: there is no release in {_shown_dir(releases_dir(data_dir) / INDEX)} to compare with; make one with "
              "python -m dashboard release", file=sys.stderr)
        return 1
    try:
        result = diff.compare(snapshot(data_dir, old, seeds_dir), snapshot(data_dir, args.new, seeds_dir))
    except ReleaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    sys.stdout.write(diff.render(result, args.format))
    return 0
