"""`tikhub-tui ask`: stream one answer to stdout, for scripts and pipes.

Only the answer text goes to stdout, flushed per delta; everything else goes to stderr. The
exit code says what happened (see EXIT_CODES), and the key never appears in any output.
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
import time
from typing import TYPE_CHECKING, TextIO

from tikhub_tui.cli import (
    EXIT_AUTH,
    EXIT_INTERRUPTED,
    EXIT_NETWORK,
    EXIT_RATE_LIMIT,
    EXIT_UPSTREAM,
    EXIT_USAGE,
    seconds_argument,
)
from tikhub_tui.core.model import PROVIDERS

if TYPE_CHECKING:
    from collections.abc import Iterable

    from tikhub_tui.cli.ask_session import Recorder
    from tikhub_tui.cli.ask_usage import Meter
    from tikhub_tui.core.model import Finished, StreamEvent

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
could not be written to standard output, 2 usage or settings error (also a conversation
too long for the model's context window: nothing is sent), 3 no API key or the key
was rejected, 4 rate limited, 5 upstream error (error status or event, blocked prompt,
stream ended early), 6 network error or timeout, 130 interrupted.

The key comes from TIKHUB_API_KEY, else the OS keyring (`tikhub-tui keys set`).
The base URL from --base-url, else TIKHUB_BASE_URL, else config.toml, else
https://ai.tikhub.io. Try it offline: run `tikhub-tui gateway` in another terminal and pass
its URL with --base-url."""


def add_parser(parser: argparse.ArgumentParser) -> None:
    parser.usage = "tikhub-tui ask [--provider P] [--model MODEL] [options] [PROMPT]"
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
    parser.add_argument("--base-url", help="gateway root URL, may carry a path prefix")
    parser.add_argument("--system", "-s", help="system prompt")
    parser.add_argument(
        "--max-tokens",
        type=_positive_int,
        help="most tokens in the answer (default: max_tokens in config.toml, else as many as "
        "the model can write)",
    )
    parser.add_argument(
        "--timeout",
        type=seconds_argument,
        metavar="SECONDS",
        help="read timeout: give up after this long without data",
    )
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


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be greater than 0")
    return value


def say(message: str, hint: str = "", stream: TextIO | None = None) -> None:
    """One diagnostic on stderr, with the fix on its own line."""
    out = stream or sys.stderr
    out.write(f"tikhub-tui: {message}\n" + (f"  fix: {hint}\n" if hint else ""))
    out.flush()


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
    from tikhub_tui.core.errors import ApiError
    from tikhub_tui.core.providers import UsageError
    from tikhub_tui.core.settings import SettingsError

    try:
        return _ask(args)
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
    from tikhub_tui.cli.ask_session import SessionChoiceError, open_recorder
    from tikhub_tui.cli.ask_usage import Meter, finish_code, fits
    from tikhub_tui.core.catalogue import for_settings
    from tikhub_tui.core.client import ChatClient, ClientSettings, RetryNotice
    from tikhub_tui.core.errors import ApiError
    from tikhub_tui.core.model import answer_status
    from tikhub_tui.core.providers import infer_provider
    from tikhub_tui.core.secrets import KeyStoreError, resolve_key
    from tikhub_tui.core.settings import load_settings
    from tikhub_tui.core.tokens import estimate_conversation, request_options

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
    try:
        prompt = read_prompt(args.prompt)
    except PromptError as error:
        say(str(error), "convert it first, e.g. `iconv -f latin1 -t utf-8`")
        return EXIT_USAGE
    if not prompt.strip():
        say("the prompt is empty", "pass it as an argument or on stdin")
        return EXIT_USAGE
    try:
        key = resolve_key()
    except KeyStoreError as error:
        say(f"no API key: {error}")
        return EXIT_AUTH
    if key is None:
        say(
            "no API key configured, so nothing was sent",
            "set TIKHUB_API_KEY or run `tikhub-tui keys set`",
        )
        return EXIT_AUTH

    def on_retry(notice: RetryNotice) -> None:
        say(
            f"{notice.message or f'HTTP {notice.status}'} (HTTP {notice.status}); "
            f"retrying in {notice.wait:g} s (attempt {notice.attempt + 1})"
        )

    client_settings = ClientSettings(
        base_url=base_url,
        connect_timeout=settings.connect_timeout,
        read_timeout=args.timeout or settings.read_timeout,
        max_retries=settings.max_retries,
        max_retry_wait=settings.max_retry_wait,
    )
    try:
        recorder = open_recorder(
            prompt,
            args.system if args.system is not None else settings.system_prompt or None,
            model,
            provider,
            save=not args.no_save,
            continue_latest=args.continue_latest,
            session=args.session,
            chosen=bool(args.model or args.provider),
            system_given=args.system is not None,
        )
    except SessionChoiceError as error:
        say(str(error))
        return EXIT_USAGE
    model, provider = recorder.model, recorder.provider
    catalogue = for_settings(settings)
    info = catalogue.info(model)
    prompt_tokens = estimate_conversation(recorder.conversation)
    if not fits(recorder.conversation, model, provider, catalogue, args):
        return EXIT_USAGE
    options = request_options(args.max_tokens or settings.max_tokens, info, prompt_tokens)
    recorder.options = options
    result = Outcome(Meter(model, info, prompt_tokens, show=args.usage))
    try:
        with ChatClient(client_settings, key.value) as client:
            stream = client.stream(
                recorder.conversation, model, provider, options, on_retry, before_wait=result.flush
            )
            recorder.start()  # records the session while the request goes out
            result.consume(stream, recorder, show_reasoning=args.show_reasoning)
    except ApiError as error:
        result.record(recorder, answer_status(failure=error.kind), error=error.message)
        raise
    except OSError as error:  # stdout cannot be written: a closed pipe, a full disk
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        result.record(recorder, answer_status(cancelled=True))
        if isinstance(error, BrokenPipeError):
            return EXIT_BROKEN_PIPE  # the reader went away (`| head`): quietly, as cat does
        saved = "" if args.no_save else "; what arrived is saved in the session"
        say(
            f"cannot write the answer to standard output: {error.strerror or error}{saved}",
            "make room, or send the output somewhere else",
        )
        return EXIT_OUTPUT
    except KeyboardInterrupt:
        result.record(recorder, answer_status(cancelled=True))
        say("interrupted; the answer above is incomplete" if result.printed else "interrupted")
        return EXIT_INTERRUPTED
    if not result.printed:
        print(flush=True)  # an empty answer is still one line
    result.record(recorder, answer_status(finish=result.finish))
    return finish_code(result.finish, options)


class Outcome:
    """What one answer did: text printed (flushed when the stream waits), usage, timings."""

    def __init__(self, meter: Meter | None = None) -> None:
        from tikhub_tui.core.model import Usage

        self.started = time.monotonic()
        self.first: float | None = None
        self.printed = False
        self.finish: Finished | None = None
        self.usage = Usage()
        self.meter = meter
        self._texts: list[str] = []
        self._reasonings: list[str] = []
        self._pending: list[str] = []
        self._recorder: Recorder | None = None
        self._reasoning_open = False
        """Reasoning was shown on stderr and its last line is not ended yet."""

    def flush(self) -> None:
        """Write what is decoded so far (called before the stream waits for the network)."""
        if self._pending:
            text = "".join(self._pending)
            self._pending.clear()
            if self._recorder is not None:
                self._recorder.append(text)  # saved first: printing may fail (a full disk)
            sys.stdout.write(text)
        sys.stdout.flush()
        sys.stderr.flush()

    def _end_reasoning(self) -> None:
        """Shown reasoning ends its line before the answer, so the two never run together."""
        if self._reasoning_open:
            self._reasoning_open = False
            sys.stderr.write("\n")
            sys.stderr.flush()

    def consume(
        self, stream: Iterable[StreamEvent], recorder: Recorder, *, show_reasoning: bool
    ) -> None:
        from tikhub_tui.core.model import Finished, ReasoningDelta, TextDelta, UsageUpdate

        self._recorder = recorder
        try:
            for event in stream:
                if isinstance(event, TextDelta):
                    if self.first is None:
                        self.first = time.monotonic()
                    self._end_reasoning()
                    self._pending.append(event.text)
                    self._texts.append(event.text)
                    self.printed = True
                elif isinstance(event, ReasoningDelta):
                    self._reasonings.append(event.text)
                    if show_reasoning and event.text:
                        sys.stderr.write(event.text)
                        self._reasoning_open = not event.text.endswith("\n")
                elif isinstance(event, UsageUpdate):
                    self.usage = self.usage.merged(event.usage)
                elif isinstance(event, Finished):
                    self.finish = event
        finally:
            # what arrived stays printed whatever happened, on a line of its own
            self._end_reasoning()
            self.flush()
            if self.printed:
                sys.stdout.write("\n")
                sys.stdout.flush()

    def record(self, recorder: Recorder, status: str, error: str = "") -> None:
        """Save the outcome; a store failure is a warning, never a lost answer on screen."""
        from tikhub_tui.core.store.records import StoreError

        now = time.monotonic()
        if self.meter is not None:
            texts = "".join(self._texts), "".join(self._reasonings)
            self.usage = self.meter.settle(self.usage, *texts)
        try:
            recorder.finish(
                status,
                self.finish.raw if self.finish else "",
                self.usage,
                None if self.first is None else self.first - self.started,
                now - self.started,
                error,
            )
        except StoreError as problem:
            say(f"warning: the answer was not saved: {problem}")
        if recorder.warning:
            say(recorder.warning)
