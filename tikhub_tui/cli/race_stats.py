"""`tikhub-tui race stats`: the personal leaderboard of the user's own races.

Per model: a rating from the votes (Bradley–Terry on the Elo scale, blind votes by default),
wins, losses and ties, time to first token and tokens per second, cost per answer, races and
error rate; filtered by time and by a model set. A table on a terminal, `--json` for scripts.
Exit codes: 0 ok, 1 the store or the settings could not be read, 2 a usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from typing import TYPE_CHECKING

from tikhub_tui.cli import EXIT_FAILURE, EXIT_OK, EXIT_USAGE
from tikhub_tui.cli.usage import since_argument

if TYPE_CHECKING:
    from tikhub_tui.core.judging.board import StatsFilter, VoteSet

USAGE = (
    "tikhub-tui race stats [--since DATE] [--until DATE] [-m MODEL ...] "
    "[--sighted | --all-votes] [--json]"
)
EPILOG = """\
DATE is a day (2026-12-01) or a time (2026-12-01T09:30) in local time, `today`,
`yesterday`, or a span back from now: 7d, 2w, 12h. --since is inclusive, --until is not.

Ratings are Bradley–Terry fitted to all the votes at once, shown on the Elo scale (1000 is
the average of the models compared, 400 points apart is 10-to-1 odds), so the order the votes
came in does not matter. Votes cast blind (before the names were shown) and votes cast with
the names in sight are kept apart: blind ones rate the models unless you ask otherwise. With
a model set, only its models are counted and compared with each other.

RACES is the races a model took part in: a race is one race session, however many follow-up
rounds and retries it had (each round's answers are counted as answers, each round can have
its vote). Costs are the median cost of one answer, computed from its token counts and today's price
list (see `tikhub-tui usage --help`); — when no answer of the model has a price.

--json prints {"filter", "races", "votes", "other_votes", "rating", "models": [{"model",
"provider", "rating", "wins", "losses", "ties", "both_bad", "races", "answers", "errors",
"error_rate", "ttft_s": {"median", "p90"}, "tokens_per_s": {"median", "p90"},
"cost_per_answer_usd": {"median", "priced_answers"}}]}."""


def add_parser(parser: argparse.ArgumentParser) -> None:
    parser.usage = USAGE
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "--since", type=since_argument, metavar="DATE", help="only races from DATE on"
    )
    parser.add_argument(
        "--until", type=since_argument, metavar="DATE", help="only races before DATE"
    )
    parser.add_argument(
        "--model", "-m", dest="models", action="append", metavar="MODEL",
        help="only this model (repeat it for a set of your own)",
    )  # fmt: skip
    votes = parser.add_mutually_exclusive_group()
    votes.add_argument(
        "--sighted", dest="votes", action="store_const", const="sighted", default="blind",
        help="rate from the votes cast with the names shown (default: the blind votes)",
    )  # fmt: skip
    votes.add_argument(
        "--all-votes", dest="votes", action="store_const", const="all",
        help="rate from blind and sighted votes together",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")


def run(args: argparse.Namespace) -> int:
    from tikhub_tui.core.catalogue import for_settings
    from tikhub_tui.core.judging.stats_words import table_lines, to_json
    from tikhub_tui.core.settings import SettingsError, load_settings
    from tikhub_tui.core.store import Store
    from tikhub_tui.core.store.records import StoreError

    if args.since and args.until and args.until <= args.since:
        print("tikhub-tui: --until must be later than --since", file=sys.stderr)
        return EXIT_USAGE
    try:
        settings, _ = load_settings()
        wanted = _filter(args)
        with Store.open() as store:
            board = store.leaderboard(for_settings(settings), wanted)
    except (SettingsError, StoreError) as error:
        print(f"tikhub-tui: {error}", file=sys.stderr)
        return EXIT_FAILURE
    try:
        if args.json:
            print(json.dumps(to_json(board), indent=2, ensure_ascii=False))
        else:
            width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
            print("\n".join(table_lines(board, width)))
    except BrokenPipeError:  # `race stats | head`: the reader has gone, not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK


def _filter(args: argparse.Namespace) -> StatsFilter:
    """The races and votes asked for."""
    from tikhub_tui.core.judging.board import StatsFilter

    votes: VoteSet = args.votes
    models = frozenset(args.models) if args.models else None
    return StatsFilter(args.since, args.until, models, votes)
