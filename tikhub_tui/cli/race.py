"""`tikhub-tui race`: one prompt to 2-6 models at once, from a script or a terminal.

Every model streams in a thread of its own (a slow or failing one holds up no other). On a
terminal a live line per model says how it is doing; then each answer is printed in full under
its label, then a table of the figures. `--json` prints one object instead. With no prompt on a
terminal the race screen of the app opens. Exit 0 when at least one model answered, else the
most severe of `ask`'s exit codes.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from tikhub_tui.cli import (
    EXIT_AUTH,
    EXIT_INTERRUPTED,
    EXIT_NETWORK,
    EXIT_OK,
    EXIT_RATE_LIMIT,
    EXIT_UPSTREAM,
    EXIT_USAGE,
    positive_int_argument,
    seconds_argument,
)
from tikhub_tui.cli.demo import add_demo

if TYPE_CHECKING:
    from tikhub_tui.core.catalogue import Catalogue
    from tikhub_tui.core.exchange import Exchange
    from tikhub_tui.core.model import Attachment
    from tikhub_tui.core.race.panes import PaneSpec, Resolver
    from tikhub_tui.core.race.race import Race
    from tikhub_tui.core.settings import Settings

SEVERITY = (EXIT_USAGE, EXIT_AUTH, EXIT_NETWORK, EXIT_RATE_LIMIT, EXIT_UPSTREAM)
"""`ask`'s exit codes, most severe first: a setting or the key wrong fails every model, so it
is said before a network, a rate limit or one model's own failure."""

EPILOG = """\
models: -m takes a model name, optionally with its own settings, quoted as one argument:
  -m gpt-5 -m "gpt-5 reasoning=high" -m "claude-sonnet-4-5 reasoning=8000 system='Be terse'"
  reasoning is a level (off, minimal, low, medium, high) or a thinking budget in tokens; each
  protocol gets it in its own field. --set NAME races a saved set (the race screen saves them;
  --save-set NAME saves the -m models as one); with neither, the last set raced.

exit codes: 0 at least one model answered (a cut at the token limit counts), else the most
severe of the models' failures: 2 usage or settings error, 3 no API key or the key was
rejected, 6 network error or timeout, 4 rate limited, 5 upstream error (error status or
event, content filter, stream ended early); 130 interrupted.

--json prints {"prompt", "session_id", "results": [{"label", "model", "provider", "text",
"reasoning", "ttft_s", "first_byte_s", "first_reasoning_s", "first_answer_s", "tokens_per_s",
"reasoning_tokens_per_s", "elapsed_s", "input_tokens", "output_tokens", "reasoning_tokens",
"estimated", "cost_usd", "finish_reason", "ending", "status", "error", "badges"}]}."""


def add_parser(parser: argparse.ArgumentParser) -> None:
    from tikhub_tui.cli.ask_attach import add_arguments

    parser.usage = (
        "tikhub-tui race -m MODEL -m MODEL [...] [--set NAME] [-a FILE ...] "
        "[--blind | --json] [PROMPT]"
    )
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "prompt",
        nargs="?",
        help="the prompt; text piped in is added after it; - reads stdin; none on a terminal "
        "opens the race screen",
    )
    parser.add_argument(
        "--model", "-m", dest="models", action="append", default=[], metavar="MODEL",
        help="a model to race (2 to 6 in all, with --set's); repeat it",
    )  # fmt: skip
    parser.add_argument("--set", dest="set_name", metavar="NAME", help="race a saved model set")
    parser.add_argument(
        "--save-set", metavar="NAME", help="save the models given as a set named NAME"
    )
    add_arguments(parser)  # -a FILE, --name, --downscale: as ask's, checked for every pane
    parser.add_argument("--json", action="store_true", help="print one JSON object at the end")
    parser.add_argument(
        "--blind", action="store_true",
        help="open the race screen blind: panes in a random order, models named after your "
        "vote (the screen's F8 sets it for good)",
    )  # fmt: skip
    parser.add_argument("--base-url", help="gateway root URL, may carry a path prefix")
    add_demo(parser)
    parser.add_argument("--system", "-s", help="system prompt of the models without their own")
    parser.add_argument(
        "--max-tokens",
        type=positive_int_argument,
        help="most tokens in each answer (default: settings)",
    )
    parser.add_argument(
        "--timeout", type=seconds_argument, metavar="SECONDS",
        help="read timeout: give up on a model after this long without data",
    )  # fmt: skip
    parser.add_argument("--no-save", action="store_true", help="do not save the race as a session")
    parser.add_argument(
        "--show-reasoning", action="store_true", help="print each model's reasoning too"
    )


def run(args: argparse.Namespace) -> int:
    from tikhub_tui.cli.ask import say
    from tikhub_tui.cli.ask_attach import REFUSED, refused
    from tikhub_tui.core.race.panes import PaneError
    from tikhub_tui.core.race.sets import SetsError
    from tikhub_tui.core.settings import SettingsError

    try:
        return _race(args)
    except REFUSED as error:  # a file unreadable, or over a pane's limit: nothing was sent
        return refused(error, args.downscale)
    except (PaneError, SetsError, SettingsError) as error:
        say(str(error))
        return EXIT_USAGE


def resolver(settings: Settings) -> Resolver:
    """The protocol of a model: the catalogue's and the user's model lists, else its name."""
    from tikhub_tui.core.catalogue import catalogue
    from tikhub_tui.core.providers import infer_provider
    from tikhub_tui.core.race.panes import provider_resolver

    return provider_resolver(catalogue(settings.models), infer_provider)


def choose_panes(args: argparse.Namespace, resolve: Resolver) -> list[PaneSpec]:
    """The panes asked for: a saved set's, then the -m models; with neither, the last set.
    Saves the -m models as a set with --save-set. Raises PaneError or SetsError."""
    from tikhub_tui.cli.ask import say
    from tikhub_tui.core.race.panes import PaneError, check_count, parse_pane
    from tikhub_tui.core.race.sets import check_name, load_sets, save_sets

    sets, problems = load_sets(resolve)
    for problem in problems:
        say(f"warning: {problem}")
    panes: list[PaneSpec] = []
    if args.set_name is not None:
        name = check_name(args.set_name)
        if name not in sets.sets:
            known = ", ".join(sorted(sets.sets)) or "none yet"
            raise PaneError(f"no model set named {name!r} (saved sets: {known})")
        panes += sets.sets[name]
    given = [parse_pane(text, resolve) for text in args.models]
    panes += given
    if not panes and sets.last:
        panes = list(sets.last)
        say("racing the last set: " + ", ".join(p.model for p in panes))
    check_count(panes)
    if args.save_set is not None:
        name = check_name(args.save_set)
        sets.sets[name] = given or panes
        check_count(sets.sets[name])
        say(f"saved the set {name!r}: " + ", ".join(p.model for p in sets.sets[name]))
    if panes != sets.last or args.save_set is not None:
        sets.last = panes
        save_sets(sets)
    return panes


def _race(args: argparse.Namespace) -> int:
    from tikhub_tui.cli.ask import PromptError, api_key, read_prompt, say
    from tikhub_tui.cli.ask_attach import STDIN, argument, read_all
    from tikhub_tui.core.catalogue import for_settings
    from tikhub_tui.core.settings import load_settings

    settings, warnings = load_settings()
    for warning in warnings:
        say(warning)
    resolve = resolver(settings)
    if args.prompt is None and sys.stdin.isatty() and not args.json:
        if args.attachments:
            say("with -a, give the prompt as an argument", "attach files in the race screen "
                "by starting it without -a")  # fmt: skip
            return EXIT_USAGE
        return _open_screen(args, settings, resolve)
    if args.blind:
        say(
            "--blind races on the race screen, where you vote before the names are shown",
            "leave out the prompt and --json, on a terminal: `tikhub-tui race --blind -m A -m B`",
        )
        return EXIT_USAGE
    panes = choose_panes(args, resolve)
    if args.base_url is not None and not args.base_url.strip():
        say("--base-url is empty", "give the gateway's URL, e.g. https://ai.tikhub.io")
        return EXIT_USAGE
    base_url = args.base_url or os.environ.get("TIKHUB_BASE_URL") or settings.base_url
    attachments = read_all(args.attachments, args.name)
    try:
        prompt = read_prompt(args.prompt) if STDIN not in args.attachments else argument(args)
    except PromptError as error:
        say(str(error), "convert it first, e.g. `iconv -f latin1 -t utf-8`")
        return EXIT_USAGE
    if not prompt.strip():
        say("the prompt is empty", "pass it as an argument or on stdin")
        return EXIT_USAGE
    key = api_key()
    if key is None:
        return EXIT_AUTH
    catalogue = for_settings(settings)
    return _run(args, settings, catalogue, panes, (prompt, tuple(attachments)), base_url, key)


def _run(
    args: argparse.Namespace,
    settings: Settings,
    catalogue: Catalogue,
    panes: list[PaneSpec],
    asked: tuple[str, tuple[Attachment, ...]],
    base_url: str,
    key: str,
) -> int:
    from tikhub_tui.cli.race_output import Board
    from tikhub_tui.core.client import ChatClient, ClientSettings
    from tikhub_tui.core.race.race import Race
    from tikhub_tui.core.race.runner import Round
    from tikhub_tui.core.store.shared import SharedStore

    prompt, attachments = asked
    store = None if args.no_save else SharedStore(scratch=False)  # opened on first use
    system = args.system if args.system is not None else settings.system_prompt
    race = Race(
        panes,
        store=store,
        system=system,
        max_tokens=args.max_tokens or settings.max_tokens,
        catalogue=catalogue,
    )
    attachments = _fitted(race, prompt, attachments, args.downscale)  # before any request
    client_settings = ClientSettings(
        base_url=base_url,
        connect_timeout=settings.connect_timeout,
        read_timeout=args.timeout or settings.read_timeout,
        max_retries=settings.max_retries,
        max_retry_wait=settings.max_retry_wait,
    )
    board = Board(race, json_out=args.json, show_reasoning=args.show_reasoning)
    interrupted = False
    try:
        with ChatClient(client_settings, key) as client:
            exchanges = race.start_round(prompt, attachments)
            running = Round(race, exchanges, client, on_retry=board.retrying)
            try:
                board.follow(running)
            except KeyboardInterrupt:
                interrupted = True
                running.cancel()
                running.wait(5)
    finally:
        board.close_live()
        if store is not None:
            store.close()
    try:
        board.report(prompt)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    if race.problem:
        from tikhub_tui.cli.ask import say

        say(f"warning: the race is not (all) saved: {race.problem}")
    if interrupted:
        return EXIT_INTERRUPTED
    return exit_code(race.exchanges)


def _fitted(
    race: Race, prompt: str, attachments: tuple[Attachment, ...], downscale: bool
) -> tuple[Attachment, ...]:
    """The files once every pane's protocol and model accept them (images downscaled, each
    named on stderr, only with --downscale); raises PaneRefused naming pane, file and limit
    (also for a prompt past a pane's context window, files or not)."""
    from tikhub_tui.cli.ask_attach import say_shrunk
    from tikhub_tui.core.race.attach import fit_round

    files, shrunk = fit_round(race, prompt, attachments, downscale=downscale)
    for done in shrunk:
        say_shrunk(done.before, done.after)
    return files


def exit_code(exchanges: list[Exchange]) -> int:
    """0 when a model answered (whole, or cut at the token limit); else the most severe of
    the failures' `ask` codes."""
    from tikhub_tui.cli.ask import EXIT_CODES

    codes = []
    for exchange in exchanges:
        tally = exchange.tally
        if tally.ending in ("done", "token_limit"):
            return EXIT_OK
        if tally.error is not None:
            codes.append(EXIT_CODES.get(tally.error.kind, EXIT_UPSTREAM))
        else:  # filtered, refused, cut off, stopped
            codes.append(EXIT_UPSTREAM)
    return min(codes, key=lambda c: SEVERITY.index(c) if c in SEVERITY else len(SEVERITY))


def _open_screen(args: argparse.Namespace, settings: Settings, resolve: Resolver) -> int:
    """`tikhub-tui race` on a terminal with no prompt: the app, on its race screen."""
    from tikhub_tui.cli.tui import open_app
    from tikhub_tui.core.race.panes import parse_pane

    panes = [parse_pane(text, resolve) for text in args.models]
    if args.set_name is not None:
        from tikhub_tui.core.race.sets import check_name, load_sets

        sets, _ = load_sets(resolve)
        panes = sets.sets.get(check_name(args.set_name), []) + panes
    race = panes if panes or args.blind else None  # blind: the screen opens to pick models
    return open_app(settings, base_url=args.base_url, race=race, blind=args.blind)
