"""`tikhub-tui usage [--since DATE] [--by day|model|session] [--json]`: tokens and cost of the
saved answers.

Costs are computed locally from each answer's counts and today's catalogue (the shipped list
prices, as config.toml adjusts them): a gateway may bill differently. Exit codes: 0 ok, 1 the
store or the settings could not be read, 2 a usage error (a bad date).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from datetime import datetime, timedelta
from typing import Any

from tikhub_tui.cli import EXIT_OK

EXIT_FAILURE = 1

EPILOG = """\
DATE is a day (2026-12-01) or a time (2026-12-01T09:30) in local time, `today`,
`yesterday`, or a span back from now: 7d, 2w, 12h. Days are local days.

Costs are computed here from each answer's token counts and the built-in price list
(providers' list prices; see the README), adjusted by `price_factor` and [catalogue."MODEL"]
in config.toml: the gateway may not bill at the providers' list prices. A model without a
price counts as unpriced (shown as — or ≥); `~` marks counts estimated because the stream
ended before the provider sent them. Answers of `ask --no-save` are not in the store."""

_SPAN = re.compile(r"(\d{1,6})([hdw])")


def add_parser(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "--since", type=since_argument, metavar="DATE", help="only answers from DATE on"
    )
    parser.add_argument(
        "--by",
        choices=("day", "model", "session"),
        default="model",
        help="one row per day, model or session (default: model)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")


def since_argument(text: str, now: datetime | None = None) -> datetime:
    """An argparse type: a local date or time, today/yesterday, or a span like 7d."""
    now = (now or datetime.now()).astimezone()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    word = text.strip().lower()
    if word in ("today", "yesterday"):
        return midnight - timedelta(days=word == "yesterday")
    span = _SPAN.fullmatch(word)
    if span:
        unit = {"h": "hours", "d": "days", "w": "weeks"}[span.group(2)]
        return now - timedelta(**{unit: int(span.group(1))})
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date: give 2026-12-01, 2026-12-01T09:30, today, or 7d"
        ) from None
    return moment.astimezone() if moment.tzinfo is None else moment


def run(args: argparse.Namespace) -> int:
    from tikhub_tui.cli.usage_report import print_table, report, unpriced_models
    from tikhub_tui.core.catalogue import for_settings
    from tikhub_tui.core.settings import SettingsError, load_settings
    from tikhub_tui.core.store import Store
    from tikhub_tui.core.store.records import StoreError

    try:
        settings, _ = load_settings()
        with Store.open() as store:
            records = store.usage_records(since=args.since)
    except (SettingsError, StoreError) as error:
        print(f"tikhub-tui: {error}", file=sys.stderr)
        return EXIT_FAILURE
    catalogue = for_settings(settings)
    groups, total = report(records, catalogue, args.by)
    unpriced = unpriced_models(records, catalogue)
    try:
        if not args.json:
            print_table(
                groups, total, args.by, since=args.since, catalogue=catalogue, unpriced=unpriced
            )
            return EXIT_OK
        data: dict[str, Any] = {
            "by": args.by,
            "since": args.since.isoformat() if args.since else None,
            "currency": "USD",
            "prices": {
                "taken": catalogue.taken,
                "factor": catalogue.factor,
                "sources": dict(catalogue.sources or {}),
            },
            "groups": [{**keys, **totals.to_json()} for keys, totals in groups],
            "total": total.to_json(),
            "unpriced_models": unpriced,
        }
        print(json.dumps(data, indent=2, ensure_ascii=False))
    except BrokenPipeError:  # `usage | head`: the reader has gone, not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK
