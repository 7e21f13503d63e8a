"""`ask -a FILE`: reading the attachments, and fitting them to the protocol's limits.

Files are read and sniffed before anything else happens; the limits of the chosen protocol are
checked before the session is recorded or a request made. Images are downscaled only when the
user passed `--downscale`, and each one changed is named on stderr.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from typing import TYPE_CHECKING

from tikhub_tui.core.attachments import AttachmentError
from tikhub_tui.core.providers import LimitExceeded

if TYPE_CHECKING:
    from collections.abc import Callable

    from tikhub_tui.core.model import Attachment, Conversation

STDIN = "-"
REFUSED = (AttachmentError, LimitExceeded)
"""What `ask` reports with `refused`: a file that cannot be attached or breaks a limit."""
ROUNDS = 3
"""Limit checks and downscales in turn before giving up (each can surface another limit)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`-a FILE` (repeatable), `--name` for what `-a -` reads, `--downscale`."""
    parser.add_argument(
        "--attach",
        "-a",
        dest="attachments",
        action="append",
        default=[],
        metavar="FILE",
        help="attach a file: text or code, PNG, JPEG, GIF, WebP or PDF (repeatable); "
        "- reads the file's bytes from stdin",
    )
    parser.add_argument(
        "--name", metavar="NAME", help="the file name of what -a - reads (default: stdin)"
    )
    parser.add_argument(
        "--downscale",
        action="store_true",
        help="shrink images that are over the provider's limits (with Pillow; said on stderr)",
    )


def read_all(paths: list[str], name: str | None) -> list[Attachment]:
    """The attachments named on the command line, in order; `-` is stdin's bytes, called
    `name` (default "stdin"). Raises AttachmentError naming the file and the fix."""
    if not paths and name is None:
        return []
    from tikhub_tui.core.attachments import AttachmentError
    from tikhub_tui.core.attachments.load import read_path, read_stream

    if paths.count(STDIN) > 1:
        raise AttachmentError("-a - may be given once: standard input can be read only once")
    if name is not None and STDIN not in paths:
        raise AttachmentError("--name names the bytes read with -a -; there is no -a - here")
    found: list[Attachment] = []
    for path in paths:
        if path == STDIN:
            if sys.stdin.isatty():
                raise AttachmentError(
                    "-a - reads a file's bytes from stdin, but stdin is the terminal; pipe the "
                    "file in, e.g. `cat shot.png | tikhub-tui ask -a - --name shot.png PROMPT`"
                )
            found.append(read_stream(sys.stdin.buffer, name or "stdin"))
        else:
            found.append(read_path(path))
    return found


def argument(args: argparse.Namespace) -> str:
    """The prompt when `-a -` took stdin: the argument alone (stdin holds the file)."""
    from tikhub_tui.cli.ask import PromptError

    if args.prompt is None or args.prompt == STDIN:
        raise PromptError("with -a - reading stdin, give the prompt as an argument")
    try:
        args.prompt.encode("utf-8")
    except UnicodeEncodeError as error:
        raise PromptError(f"the prompt argument is not UTF-8 text (at {error.start})") from None
    return str(args.prompt)


def refused(error: Exception, downscale: bool) -> int:
    """Say why an attachment cannot go (the limit and the fix); the exit code of a usage error."""
    from tikhub_tui.cli import EXIT_USAGE
    from tikhub_tui.cli.ask import say

    if not isinstance(error, LimitExceeded):
        say(str(error))
        return EXIT_USAGE
    hint = error.fix
    if error.shrink and not downscale:
        hint += "; or pass --downscale to shrink the image with Pillow"
    say(f"{error.message}; nothing was sent", hint)
    return EXIT_USAGE


def fitter(downscale: bool) -> Callable[[Conversation, str, str], Conversation]:
    """`fitted` with the user's --downscale choice, for `open_recorder`."""
    return lambda conversation, model, provider: fitted(conversation, model, provider, downscale)


def fitted(conversation: Conversation, model: str, provider: str, downscale: bool) -> Conversation:
    """The conversation, its images downscaled if asked and needed, once it passes the
    protocol's limits; raises LimitExceeded (or AttachmentError) otherwise."""
    from tikhub_tui.core.providers import check_limits

    for _ in range(ROUNDS):
        try:
            check_limits(conversation, model, provider)
            return conversation
        except LimitExceeded as error:
            if not downscale or not error.shrink:
                raise
            conversation = _shrunk(conversation, error.shrink)
    check_limits(conversation, model, provider)
    return conversation


def _shrunk(conversation: Conversation, targets: dict[str, tuple[int, int]]) -> Conversation:
    from tikhub_tui.core.attachments.shrink import downscale

    done: dict[str, Attachment] = {}
    messages = []
    for message in conversation.messages:
        items = []
        for item in message.attachments:
            if item.sha256 in targets and item.sha256 not in done:
                side, size = targets[item.sha256]
                done[item.sha256] = smaller = downscale(item, side, size)
                say_shrunk(item, smaller)
            items.append(done.get(item.sha256, item))
        messages.append(replace(message, attachments=tuple(items)))
    return replace(conversation, messages=messages)


def say_shrunk(before: Attachment, after: Attachment) -> None:
    """Name an image downscaled with --downscale on stderr, with its sizes before and after."""
    from tikhub_tui.core.attachments.text import human_size

    sys.stderr.write(
        f"tikhub-tui: downscaled {before.name} from {before.width}x{before.height} "
        f"({human_size(before.size)}) to {after.width}x{after.height} "
        f"({human_size(after.size)}) to fit the provider's limit (--downscale)\n"
    )
