"""`ask`'s clocks and the form of its output on the command line.

The clocks (--timeout, --first-token-timeout, --total-timeout) become the client's settings;
--raw and --sanitize choose what stdout does with control characters (`cli.output.mode_of`).
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import TYPE_CHECKING

from tikhub_tui.cli import seconds_argument

if TYPE_CHECKING:
    from tikhub_tui.core.client import ClientSettings
    from tikhub_tui.core.settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--timeout",
        type=seconds_argument,
        metavar="SECONDS",
        help="give up after this long without new text (keep-alive bytes do not count); "
        "also the wait for the first text unless --first-token-timeout says otherwise",
    )
    parser.add_argument(
        "--first-token-timeout",
        type=seconds_argument,
        metavar="SECONDS",
        help="give up if no text or reasoning came this long after sending (default 300)",
    )
    parser.add_argument(
        "--total-timeout",
        type=seconds_argument,
        metavar="SECONDS",
        help="give up if the whole answer takes longer (default: no limit)",
    )
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument(
        "--raw",
        action="store_true",
        help="write the answer's bytes unchanged, even to a terminal",
    )
    shown.add_argument(
        "--sanitize",
        action="store_true",
        help="show control characters and escapes as symbols, even to a pipe or a file",
    )


def client_settings(settings: Settings, base_url: str, args: argparse.Namespace) -> ClientSettings:
    """The client's settings: config.toml's, with the clocks given on the command line."""
    from tikhub_tui.core.client import ClientSettings

    first_token = args.first_token_timeout or args.timeout or settings.first_token_timeout
    return replace(
        ClientSettings.of(settings, base_url),
        read_timeout=args.timeout or settings.read_timeout,
        first_token_timeout=first_token,
        total_timeout=args.total_timeout or settings.total_timeout,
    )

