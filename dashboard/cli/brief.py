"""The ``brief`` command: build the briefing deck (.pptx, and .pdf) for the filters the app's URL carries."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any


def _brief(args: argparse.Namespace) -> int:
    """Build the briefing deck (and PDF) for the filters given, the same filters the app's URL carries."""
    from dashboard import brief, data, paths

    values = {"from": args.date_from, "to": args.date_to, "actor": args.actor, "domain": args.domain,
              "cred": None if args.min_credibility is None else str(args.min_credibility), "source": args.source}
    try:
        brief.filters_from_cli(values)  # check the dates and the grade before loading anything
    except brief.BriefError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    data_dir = args.data if args.data is not None else data.default_data_dir()
    seeds_dir = args.seeds if args.seeds is not None else data.default_seeds_dir()
    tables = data.load_tables(data_dir, seeds_dir)
    needed = brief.failed_tables(tables.frames, tables.problems)
    if needed:
        failed = [n for n in needed if n in tables.problems]
        missing = [n for n in needed if n not in tables.problems]
        if failed:
            names = ", ".join(tables.paths.get(n, n) for n in failed)
            print(f"error: the briefing needs tables that failed validation: {names}", file=sys.stderr)
        else:
            print(f"error: the data package has no {', '.join(missing)} table, which the briefing needs", file=sys.stderr)
        for problem in tables.all_problems:
            print(problem, file=sys.stderr)
        return 1
    try:
        filters = brief.filters_from_cli(values, tables.frames)
    except brief.BriefError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    changes = None
    if args.since:
        try:
            changes = brief.changes_since(args.since, data_dir, seeds_dir)
        except brief.BriefError as exc:
            print(f"error: --since {args.since}: {exc}", file=sys.stderr)
            return 1
    from dashboard.brief import deck, pdf
    from dashboard.brief import topics as T

    try:
        catalogue = T.catalogue()
        chosen = T.parse_topics(args.topic, catalogue)
        built = brief.build_brief(tables, filters, changes=changes, topics=chosen, max_slides=args.max_slides,
                                  appendix=args.appendix)
    except T.TopicsError as exc:
        for line in str(exc).splitlines():
            print(f"error: {line}", file=sys.stderr)
        return 1
    pptx = _output(args.output, built.stem, ".pptx").resolve()
    outputs = [(pptx, deck.to_pptx)]
    if args.pdf is not None:
        # no PATH: the PDF goes beside the .pptx, under its name (F27)
        outputs.append((pptx.with_suffix(".pdf") if not args.pdf else _output(args.pdf, built.stem, ".pdf").resolve(), pdf.to_pdf))
    scope = built.slides[0].subtitle.removeprefix("Briefing · ") if built.slides else ""
    for path, render in outputs:
        paths.write_atomic(path, render(built))
        topics_text = f"topics {', '.join(built.topics)}; " if built.topics else ""
        print(f"{path}: {len(built.slides)} slide{'' if len(built.slides) == 1 else 's'} ({topics_text}{filters.describe()}; {scope})")
    # each chart slide's data as a CSV beside the deck, for readers who cannot see the pictures
    data_dir_out = outputs[0][0].with_name(outputs[0][0].stem + "_data")
    files = deck.data_csvs(built)
    for name, content in files.items():
        paths.write_atomic(data_dir_out / name, content)
    if files:
        print(f"{data_dir_out}/: {len(files)} CSV files, the data of each chart slide")
    return 0


def _positive(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a slide count from 1")
    return int(text)


def _output(path: str | None, stem: str, suffix: str) -> Path:
    """The output file: ``<stem><suffix>`` in the working directory, or in ``path`` when it is a directory (or ends
    with a slash), else ``path`` (given ``suffix`` when it has none)."""
    if not path:
        return Path(stem + suffix)
    if path.endswith(("/", os.sep)) or Path(path).is_dir():
        return Path(path) / (stem + suffix)
    return Path(path) if Path(path).suffix else Path(path + suffix)


def add_commands(commands: Any) -> None:
    """``brief``."""
    brief = commands.add_parser(
        "brief",
        help="build the briefing deck (.pptx, and .pdf with --pdf) for the given filters",
        description="Build the briefing: title, headline figures, map, stance charts, indicator charts, conflicts, "
        "corrections and sources, one slide each, with the quotes in the speaker notes (and each chart's data, also "
        "written as CSV files in <deck>_data/ beside it). The title and file name name the period the texts cover (the "
        "latest act's month). The filters are the ones the "
        "app's URL carries (from, to, actor, domain, cred, source) and default to the app's default view. Prints the "
        "absolute path of each file written, its slide count and scope; exits 1 with a one-line message on a bad filter or on a needed table that "
        "fails validation.",
    )
    brief.add_argument("-o", "--output", default=None, metavar="PATH",
                       help="the .pptx to write, or a directory for brief_<topics>_<filters>_<from>_to_<latest-act-month>.pptx "
                       "(default: that name here)")
    brief.add_argument("--pdf", nargs="?", const="", default=None, metavar="PATH",
                       help="also write the PDF: to PATH (a file, or a directory for the default name), or beside the .pptx under "
                       "its name when PATH is omitted")
    brief.add_argument("--from", dest="date_from", default=None, metavar="YYYY-MM-DD",
                       help="first date (URL 'from'; default 2022-01-01 as in the app; '' for no bound)")
    brief.add_argument("--to", dest="date_to", default=None, metavar="YYYY-MM-DD", help="last date (URL 'to'; default: no bound)")
    brief.add_argument("--actor", action="append", default=None, metavar="ACTOR",
                       help="keep this actor (repeat for several; URL 'actor'), e.g. 'Russia government'")
    brief.add_argument("--domain", action="append", default=None, metavar="DOMAIN", help="keep this domain (repeat; URL 'domain')")
    brief.add_argument("--min-credibility", default=None, metavar="N",
                       help="keep rows graded 1 (best) to N (URL 'cred'; default 6: all)")
    brief.add_argument("--source", action="append", default=None, metavar="S",
                       help="keep rows from this seed, e.g. S001 (repeat; URL 'source')")
    brief.add_argument("--topic", action="append", default=None, metavar="TOPIC",
                       help="keep only this topic's slides (repeat for several; the list is dashboard/brief/topics.json: "
                       "sanctions, oil, defence, sentiment, diplomacy)")
    brief.add_argument("--max-slides", type=_positive, default=None, metavar="N",
                       help="at most N slides: the title (and the What-changed slide) and then the slides of lowest "
                       "priority in topics.json, in deck order")
    brief.add_argument("--appendix", action="store_true",
                       help="add every correction on appendix slides after the deck (outside the slide budget)")
    brief.add_argument("--since", default=None, metavar="RELEASE",
                       help="add a 'What changed since RELEASE' slide after the title (a name from data/releases/releases.csv)")
    brief.add_argument("--data", type=Path, default=None, metavar="DIR",
                       help="data package directory (default: $DASHBOARD_DATA_DIR, else the repo's data/)")
    brief.add_argument("--seeds", type=Path, default=None, metavar="DIR",
                       help="seed texts with provenance.csv (default: $DASHBOARD_SEEDS_DIR, else DATA/../seeds)")
    brief.set_defaults(func=_brief)
