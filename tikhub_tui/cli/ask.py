"""`tikhub-tui ask`: stream one answer to stdout, for scripts and pipes.

Only the answer text goes to stdout, flushed per network read; everything else goes to
stderr. Both go through `cli.output`: stderr is always sanitised, stdout on a terminal (or with
--sanitize). The exit code says what happened (see EXIT_CODES), and the key never appears in
any output.
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
from typing import TYPE_CHECKING, TextIO

from tikhub_tui.cli import (
    EXIT_AUTH,
    EXIT_INTERRUPTED,
    EXIT_NETWORK,
    EXIT_RATE_LIMIT,
    EXIT_UPSTREAM,
    EXIT_USAGE,
    ask_limits,
    positive_int_argument,
)
from tikhub_tui.cli.ask_attach import REFUSED, add_arguments, argument, fitter, read_all, refused
from tikhub_tui.cli.demo import add_demo
from tikhub_tui.core.model import PROVIDERS

if TYPE_CHECKING:
    from tikhub_tui.cli.ask_session import OnDemandStore
    from tikhub_tui.core.exchange import Exchange

EXIT_CODES = {
    "auth": EXIT_AUTH,
    "rate_limit": EXIT_RATE_LIMIT,
    "upstream": EXIT_UPSTREAM,
    "ended_early": EXIT_UPSTREAM,
    "network": EXIT_NETWORK,
    "config": EXIT_USAGE,
}
EXIT_BROKEN_PIPE = 141
EXIT_OUTPUT = 1

EPILOG = """\
exit codes: 0 answered (also when cut at the token limit, with a warning), 1 the answer
could not be written to standard output, 2 usage or settings error (also a file or a
conversation the provider or model cannot take: nothing is sent), 3 no API key or the key
was rejected, 4 rate limited, 5 upstream error (error status or event, blocked prompt,
stream ended early, an event or answer past its size limit), 6 network error or timeout,
130 interrupted, 141 the reader of the output went away (`| head`).

On a terminal, control characters and escape sequences in the answer are shown (as ␛[2J,
␇...), never obeyed; to a pipe or a file the answer's text passes unchanged. --raw and
--sanitize choose either way. Diagnostics on stderr are always sanitised.

The key comes from TIKHUB_API_KEY, else the OS keyring (`tikhub-tui keys set`).
The base URL from --base-url, else TIKHUB_BASE_URL, else config.toml, else
https://ai.tikhub.io. Try it offline, with no key: --demo answers from the embedded local
gateway (`tikhub-tui ask --demo "tps: 50 lorem: 200"`)."""


def add_parser(parser: argparse.ArgumentParser) -> None:
    parser.usage = "tikhub-tui ask [--provider P] [--model MODEL] [-a FILE ...] [options] [PROMPT]"
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "prompt",
        nargs="?",
        help="the prompt; text piped in is added after it; omit it or pass - to read stdin",
    )
    parser.add_argument(
        "--provider", choices=PROVIDERS, help="wire protocol (default: from the model name)"
    )
    parser.add_argument("--model", "-m", help="model name (default: the one in config.toml)")
    add_arguments(parser)  # -a FILE, --name, --downscale
    parser.add_argument("--base-url", help="gateway root URL, may carry a path prefix")
    add_demo(parser)
    parser.add_argument("--system", "-s", help="system prompt")
    parser.add_argument(
        "--max-tokens",
        type=positive_int_argument,
        help="most tokens in the answer (default: max_tokens in config.toml, else as many as "
        "the model can write)",
    )
    ask_limits.add_arguments(parser)
    sessions = parser.add_mutually_exclusive_group()
    sessions.add_argument(
        "--continue",
        "-c",
        dest="continue_latest",
        action="store_true",
        help="continue the most recent session (its history is sent)",
    )
    sessions.add_argument(
        "--session", metavar="ID", help="continue a saved session (id or a unique prefix of it)"
    )
    parser.add_argument(
        "--no-save", action="store_true", help="do not save this exchange as a session"
    )
    parser.add_argument(
        "--show-reasoning",
        action="store_true",
        help="print reasoning/thinking to stderr as it arrives",
    )
    parser.add_argument(
        "--usage",
        action="store_true",
        help="print the answer's token counts and cost to stderr at the end",
    )


def say(message: str, hint: str = "", stream: TextIO | None = None) -> None:
    """One diagnostic on stderr, with the fix on its own line."""
    out = stream or sys.stderr
    out.write(f"tikhub-tui: {message}\n" + (f"  fix: {hint}\n" if hint else ""))
    out.flush()


def api_key() -> str | None:
    """The API key `ask` and `race` send with, or None after saying why there is none."""
    from tikhub_tui.core.secrets import KeyStoreError, resolve_key

    try:
        found = resolve_key()
    except KeyStoreError as error:
        say(f"no API key: {error}", "or try --demo: the embedded local gateway, no key")
        return None
    if found is None:
        say(
            "no API key configured, so nothing was sent",
            "set TIKHUB_API_KEY or run `tikhub-tui keys set`; or try --demo (the embedded "
            "local gateway, no key)",
        )
        return None
    return found.value


class PromptError(Exception):
    """The prompt cannot be read as text."""


def read_prompt(arg: str | None) -> str:
    """The prompt argument, followed by what is piped in (`git diff | ask "review this"`);
    or, with no argument (or `-`), stdin alone."""
    if arg is not None and arg != "-":
        prompt = _utf8(arg, "the prompt argument")
        piped = _read_stdin("the text on stdin") if _stdin_is_piped() else ""
        return f"{prompt}\n\n{piped}" if piped.strip() else prompt
    if sys.stdin.isatty():
        say("reading the prompt from the terminal; end it with Ctrl-D")
    return _read_stdin("the prompt on stdin")


def _stdin_is_piped() -> bool:
    """Stdin is a pipe or a file (not a terminal, /dev/null or a socket)."""
    try:
        mode = os.fstat(sys.stdin.fileno()).st_mode
    except (OSError, ValueError, AttributeError):
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISREG(mode)


def _read_stdin(what: str) -> str:
    try:
        return _utf8(sys.stdin.read(), what)
    except UnicodeDecodeError as error:
        raise PromptError(_not_utf8(what, error.start)) from None


def _utf8(text: str, where: str) -> str:
    """`text`, if it can be sent as UTF-8 (undecodable bytes arrive as lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise PromptError(_not_utf8(where, error.start)) from None
    return text


def _not_utf8(where: str, position: int) -> str:
    return f"{where} is not UTF-8 text (a byte that is not UTF-8 at character {position})"


def run(args: argparse.Namespace) -> int:
    """Ask; what it prints goes through `cli.output` (set up by `cli.main`)."""
    # httpx loads its unused command-line client (rich, click, pygments: ~90 ms) if installed
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
    from tikhub_tui.core.errors import ApiError
    from tikhub_tui.core.providers import UsageError
    from tikhub_tui.core.settings import SettingsError

    try:
        return _ask(args)
    except REFUSED as error:
        return refused(error, args.downscale)
    except UsageError as error:
        say(str(error))
        return EXIT_USAGE
    except SettingsError as error:
        say(str(error))
        return EXIT_USAGE
    except ApiError as error:
        say(error.message, error.hint)
        return EXIT_CODES[error.kind]


def _ask(args: argparse.Namespace) -> int:
    from tikhub_tui.cli.ask_session import OnDemandStore, SessionChoiceError, open_exchange
    from tikhub_tui.cli.ask_usage import finish_code, fits
    from tikhub_tui.core.catalogue import for_settings
    from tikhub_tui.core.client import ChatClient, RetryNotice
    from tikhub_tui.core.errors import ApiError
    from tikhub_tui.core.providers import infer_provider
    from tikhub_tui.core.settings import load_settings

    settings, warnings = load_settings()
    for warning in warnings:
        say(warning)
    model = args.model or settings.model
    provider = args.provider or (
        infer_provider(model) if args.model or not settings.provider else settings.provider
    )
    if args.base_url is not None and not args.base_url.strip():
        say("--base-url is empty", "give the gateway's URL, e.g. https://ai.tikhub.io")
        return EXIT_USAGE
    base_url = args.base_url or os.environ.get("TIKHUB_BASE_URL") or settings.base_url
    attachments = read_all(args.attachments, args.name)
    try:
        prompt = read_prompt(args.prompt) if "-" not in args.attachments else argument(args)
    except PromptError as error:
        say(str(error), "convert it first, e.g. `iconv -f latin1 -t utf-8`")
        return EXIT_USAGE
    if not prompt.strip():
        say("the prompt is empty", "pass it as an argument or on stdin")
        return EXIT_USAGE
    key = api_key()
    if key is None:
        return EXIT_AUTH

    def on_retry(notice: RetryNotice) -> None:
        say(
            f"{notice.message or f'HTTP {notice.status}'} (HTTP {notice.status}); "
            f"retrying in {notice.wait:g} s (attempt {notice.attempt + 1})"
        )

    client_settings = ask_limits.client_settings(settings, base_url, args)
    catalogue = for_settings(settings)
    store = OnDemandStore()
    try:
        exchange = open_exchange(
            prompt,
            args.system if args.system is not None else settings.system_prompt or None,
            model,
            provider,
            store=store,
            save=not args.no_save,
            continue_latest=args.continue_latest,
            session=args.session,
            chosen=bool(args.model or args.provider),
            system_given=args.system is not None,
            max_tokens=args.max_tokens or settings.max_tokens,
            catalogue=catalogue,
            attachments=attachments,
            fit=fitter(args.downscale),
        )
    except SessionChoiceError as error:
        store.close()
        say(str(error))
        return EXIT_USAGE
    except REFUSED:
        store.close()
        raise  # run() says which file and limit
    if not fits(exchange.conversation, exchange.model, exchange.provider, catalogue, args):
        store.close()
        return EXIT_USAGE
    output = Output(show_reasoning=args.show_reasoning)
    try:
        with ChatClient(client_settings, key) as client:
            exchange.open(client, on_retry)
            exchange.record_once_sent()  # records the session while the answer is awaited
            try:
                exchange.run(output.deliver)
            finally:
                output.end()  # what arrived stays printed whatever happened, on its own line
    except ApiError as error:  # the request could not be made (a bad base URL)
        exchange.fail(error)
    except (ValueError, TypeError, LookupError, ArithmeticError, RecursionError) as error:
        # whatever a server sent that got past the checks: the answer so far is kept
        exchange.fail(ApiError("upstream", f"unexpected error: {type(error).__name__}: {error}"))
    except OSError as error:  # stdout cannot be written: a closed pipe, a full disk
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        _finish(exchange, store, show_usage=args.usage)
        if isinstance(error, BrokenPipeError):
            return EXIT_BROKEN_PIPE  # the reader went away (`| head`): quietly, as cat does
        saved = "" if args.no_save else "; what arrived is saved in the session"
        say(
            f"cannot write the answer to standard output: {error.strerror or error}{saved}",
            "make room, or send the output somewhere else",
        )
        return EXIT_OUTPUT
    except KeyboardInterrupt:
        _finish(exchange, store, show_usage=args.usage)
        say("interrupted; the answer above is incomplete" if output.printed else "interrupted")
        return EXIT_INTERRUPTED
    _finish(exchange, store, show_usage=args.usage)
    failure = exchange.tally.error
    if failure is not None:
        raise failure
    if not output.printed:
        print(flush=True)  # an empty answer is still one line
    return finish_code(exchange.tally.finish, exchange.options)


def _finish(exchange: Exchange, store: OnDemandStore, *, show_usage: bool) -> None:
    """Save the outcome (stopped, when the answer did not end by itself) and say its usage when
    asked; a store failure is a warning, never a lost answer on screen."""
    from tikhub_tui.cli.ask_usage import say_usage

    if exchange.tally.ending is None:
        exchange.stop()
    exchange.finish()
    store.close()
    if show_usage:
        say_usage(exchange.model, exchange.tally.usage, exchange.info)
    if exchange.problem:
        say(f"warning: the answer is not saved: {exchange.problem}")


class Output:
    """Where the answer goes: stdout as it arrives (flushed per network read), reasoning to
    stderr when asked for."""

    def __init__(self, *, show_reasoning: bool) -> None:
        self.show_reasoning = show_reasoning
        self.printed = False
        self._reasoning_open = False
        """Reasoning was shown on stderr and its last line is not ended yet."""

    def deliver(self, text: str, reasoning: str) -> None:
        if reasoning and self.show_reasoning:
            sys.stderr.write(reasoning)
            self._reasoning_open = not reasoning.endswith("\n")
        if text:
            self._end_reasoning()
            sys.stdout.write(text)
            self.printed = True
        sys.stdout.flush()
        sys.stderr.flush()

    def _end_reasoning(self) -> None:
        """Shown reasoning ends its line before the answer, so the two never run together."""
        if self._reasoning_open:
            self._reasoning_open = False
            sys.stderr.write("\n")
            sys.stderr.flush()

    def end(self) -> None:
        self._end_reasoning()
        if self.printed:
            sys.stdout.write("\n")
        sys.stdout.flush()
