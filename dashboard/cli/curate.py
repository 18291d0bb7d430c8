"""The ``add-source`` and ``propose`` commands: a new seed text with its provenance row, and candidate rows from it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from dashboard.curate import CurateError, add_source, open_package


# --------------------------------------------------------------------------
# the commands


def _add_source_command(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        if not path.is_file():
            raise CurateError(f"{path}: no such file")
        package = open_package(args.data, args.seeds)
        source_id = add_source(package, path.read_bytes(), file_label=str(path), title=args.title,
                               published_from=args.published_from, published_to=args.published_to, author=args.author,
                               outlet=args.outlet, kind=args.kind, grade=args.grade, grade_reason=args.grade_reason,
                               language=args.language)
    except CurateError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(source_id)
    return 0


def _propose_command(args: argparse.Namespace) -> int:
    from dashboard import propose

    try:
        package = open_package(args.data, args.seeds)
        candidates = propose.for_source(package, args.source_id)
    except (CurateError, propose.ProposeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    text = propose.to_json(candidates) if args.format == "json" else propose.to_csv(candidates)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"{args.output}: {len(candidates)} candidates from {args.source_id}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def add_commands(commands: Any) -> None:
    """``add-source`` and ``propose``."""
    dirs = {"--data": "data package directory (default: $DASHBOARD_DATA_DIR, else the repo's data/)",
            "--seeds": "seed texts with provenance.csv (default: $DASHBOARD_SEEDS_DIR, else DATA/../seeds)"}
    add = commands.add_parser(
        "add-source", help="add a new text to seeds/ with its provenance row, and print its source_id",
        description="Copy FILE into the seeds directory as NNN_<first 16 hex of its sha256>.txt, append its provenance "
        "row with the next source_id, validate, and print the new id. Refuses (exit 1, one line, nothing changed) an "
        "empty or non-UTF-8 file, a text already present, bad or inverted dates, and an unknown kind or grade.")
    add.add_argument("file", metavar="FILE", help="the text, UTF-8")
    add.add_argument("--title", required=True, help="the title as it appears in the text")
    add.add_argument("--published-from", required=True, metavar="YYYY-MM-DD", help="earliest publication date")
    add.add_argument("--published-to", default=None, metavar="YYYY-MM-DD", help="latest publication date (default: the same day)")
    add.add_argument("--author", default=None, help="author, where the text states one (default: 'not stated')")
    add.add_argument("--outlet", default=None, help="outlet, where the text states one (default: 'not stated')")
    add.add_argument("--kind", default=None, help="kind of document (default 'news report'; the declaration lists the kinds)")
    add.add_argument("--grade", default=None, metavar="G", help="reliability A..F (default F: not judged yet)")
    add.add_argument("--grade-reason", default=None, metavar="R", help="one line on the grade (needed with --grade)")
    add.add_argument("--language", default="en", metavar="LL",
                     help="the text's language, ISO 639-1 (default en; e.g. ru): its quotes stay verbatim, with quote_en")
    for flag, text in dirs.items():
        add.add_argument(flag, type=Path, default=None, metavar="DIR", help=text)
    add.set_defaults(func=_add_source_command)

    propose = commands.add_parser(
        "propose", help="propose candidate rows from a seed text, each with its exact passage and offsets",
        description="Read the seed's text and propose candidate rows: passages with a datable act or a figure, each "
        "with quote, start and end (text[start:end] == quote), table, date_from/date_to resolved against the "
        "publication date, value and unit, a guessed actor and domain, and the signals that made it a candidate. "
        "Ranked, best first.")
    propose.add_argument("source_id", metavar="SOURCE_ID", help="e.g. S005")
    propose.add_argument("--format", choices=("csv", "json"), default="csv")
    propose.add_argument("-o", "--output", default=None, metavar="FILE", help="write here instead of standard output")
    for flag, text in dirs.items():
        propose.add_argument(flag, type=Path, default=None, metavar="DIR", help=text)
    propose.set_defaults(func=_propose_command)
