"""The command-line front door: `tikhub-tui [tui|ask|race|gateway|keys|sessions|usage] ...`.

Each sub-command lives in its own module with `add_parser(subparsers)` and `run(args) -> int`;
modules are imported only when their command runs, so `ask` never pays for Textual.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from tikhub_tui import __version__

# command name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "tui": ("tikhub_tui.cli.tui", "open the full-screen chat app (the default)"),
    "ask": ("tikhub_tui.cli.ask", "stream one answer to stdout"),
    "race": ("tikhub_tui.cli.race", "one prompt to 2-6 models at once, with their figures"),
    "gateway": ("tikhub_tui.cli.gateway", "run the embedded local gateway (demo and tests)"),
    "keys": ("tikhub_tui.cli.keys", "store, check or delete the API key in the OS keyring"),
    "sessions": (
        "tikhub_tui.cli.sessions",
        "list, show, search, export, import, rename and delete saved sessions",
    ),
    "usage": (
        "tikhub_tui.cli.usage",
        "tokens and cost of the saved answers, by day, model or session",
    ),
}

SUBCOMMANDS: dict[tuple[str, str], tuple[str, str]] = {
    ("race", "stats"): (
        "tikhub_tui.cli.race_stats",
        "your leaderboard: ratings from your votes beside speed and cost, per model",
    ),
}
"""Commands of two words, found before the one-word commands (`race stats` is no prompt)."""

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_AUTH = 3
EXIT_RATE_LIMIT = 4
EXIT_UPSTREAM = 5
EXIT_NETWORK = 6
EXIT_INTERRUPTED = 130


def seconds_argument(text: str) -> float:
    """An argparse type: a number of seconds, more than 0 and at most an hour."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < value <= 3600:  # also refuses nan and inf
        raise argparse.ArgumentTypeError("must be greater than 0 and at most 3600")
    return value


def positive_int_argument(text: str) -> int:
    """An argparse type: a whole number greater than 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be greater than 0")
    return value


def _parser_for(command: str, help_: str) -> argparse.ArgumentParser:
    if command != "tui":
        return argparse.ArgumentParser(prog=f"tikhub-tui {command}", description=help_)
    listing = "\n".join(f"  {name:<10} {help_}" for name, (_, help_) in COMMANDS.items())
    parser = argparse.ArgumentParser(
        prog="tikhub-tui",
        usage="tikhub-tui [COMMAND] [options]",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Chat with OpenAI, Anthropic and Gemini models through the TikHub AI proxy,\n"
            "in a full-screen terminal app or one-shot from scripts.\n\n"
            f"commands:\n{listing}"
        ),
        epilog=(
            "With no command the chat app opens. With no API key configured it runs on the\n"
            "embedded local gateway (demo mode). `tikhub-tui COMMAND --help` shows details."
        ),
    )
    parser.add_argument("--version", action="version", version=f"tikhub-tui {__version__}")
    return parser


def entry() -> int:
    """The `tikhub-tui` program: `main`, and a quick end of the process after `ask`."""
    return main(end_process=True)


def main(argv: Sequence[str] | None = None, *, end_process: bool = False) -> int:
    """Parse the command line, run one command and return its exit code; with `end_process`,
    an `ask` ends the process itself once its output is written (see `_end_now`)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    words = (args_list[0], args_list[1]) if len(args_list) > 1 else None
    if words in SUBCOMMANDS:
        command, (module_name, help_) = " ".join(args_list[:2]), SUBCOMMANDS[words]
        del args_list[:2]
    else:
        command = args_list.pop(0) if args_list and args_list[0] in COMMANDS else "tui"
        module_name, help_ = COMMANDS[command]
    parser = _parser_for(command, help_)
    if command == "tui" and args_list and not args_list[0].startswith("-"):
        parser.error(f"unknown command {args_list[0]!r}; choose from {', '.join(COMMANDS)}")
    module = importlib.import_module(module_name)
    module.add_parser(parser)
    args = parser.parse_args(args_list)
    if command == "tui":  # Textual owns the terminal
        try:
            return int(module.run(args))
        except KeyboardInterrupt:
            print("tikhub-tui: interrupted", file=sys.stderr)
            return EXIT_INTERRUPTED
    from tikhub_tui.cli.demo import demo_access
    from tikhub_tui.cli.output import guarded_output, mode_of

    with guarded_output(mode_of(args)), demo_access(args):  # every byte goes through it
        code = _run(module, args)
    if end_process and command == "ask":
        _end_now(code)
    return code


def _run(module: ModuleType, args: argparse.Namespace) -> int:
    try:
        return int(module.run(args))
    except KeyboardInterrupt:
        print("tikhub-tui: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # a bug: one line (redacted, sanitised), never a traceback
        print(
            f"tikhub-tui: unexpected error ({type(error).__name__}: {error}); "
            "this is a bug, please report it",
            file=sys.stderr,
        )
        return EXIT_FAILURE


def _end_now(code: int) -> None:
    """End the process with `code` without the interpreter's teardown, which frees every
    module and object one by one (20-50 ms after an `ask`, whose store is closed and output
    written by now). Returns, for the usual exit, when the output cannot be flushed."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    os._exit(code)
