"""Every character the command line writes to stdout and stderr passes through here.

Text from a server or the store must not drive the user's terminal, and must not crash the
write: `guarded_output` puts a writer in front of both streams for the length of a command.
stderr is always sanitised (controls and escapes shown, never obeyed) and redacted of any known
key; stdout is sanitised when it is a terminal, and by default passes the text through
unchanged to a pipe or a file (a script may want the bytes as they came). Both are valid UTF-8:
a lone surrogate becomes U+FFFD instead of an exception.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Any, Literal, TextIO, cast

from tikhub_tui.core.secrets.redact import redact
from tikhub_tui.core.untrusted import for_terminal, valid_utf8

Mode = Literal["auto", "raw", "sanitize"]
"""For stdout: sanitise on a terminal only (auto), never (raw) or always (sanitize)."""


class SafeWriter:
    """A text stream in front of another: what is written is made valid UTF-8, and
    sanitised and redacted when asked; the rest (fileno, isatty, flush...) is the stream's."""

    def __init__(self, stream: TextIO, *, sanitize: bool, redacting: bool = False) -> None:
        self.stream = stream
        self.sanitize = sanitize
        self.redacting = redacting

    def write(self, text: str) -> int:
        shown = valid_utf8(text)
        if self.redacting:
            shown = redact(shown)
        if self.sanitize:
            shown = for_terminal(shown)
        self.stream.write(shown)
        return len(text)

    def write_trusted(self, text: str) -> None:
        """Write the program's own escapes (a highlight), unsanitised."""
        self.stream.write(text)

    def writelines(self, lines: list[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def mode_of(args: object) -> Mode:
    """What a command's --raw / --sanitize ask of stdout (`ask` has them; others: auto)."""
    if getattr(args, "raw", False):
        return "raw"
    return "sanitize" if getattr(args, "sanitize", False) else "auto"


def _tolerant(stream: TextIO) -> TextIO:
    """The stream, set to replace what its encoding cannot represent (a C locale) instead of
    failing on it."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        with contextlib.suppress(Exception):
            reconfigure(errors="replace")
    return stream


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


@contextlib.contextmanager
def guarded_output(stdout: Mode = "auto") -> Iterator[None]:
    """Put the writers in front of sys.stdout and sys.stderr for the block."""
    real_out, real_err = sys.stdout, sys.stderr
    sanitize = stdout == "sanitize" or (stdout == "auto" and _is_terminal(real_out))
    sys.stdout = cast(TextIO, SafeWriter(_tolerant(real_out), sanitize=sanitize))
    sys.stderr = cast(TextIO, SafeWriter(_tolerant(real_err), sanitize=True, redacting=True))
    try:
        yield
    finally:
        sys.stdout, sys.stderr = real_out, real_err


def write_trusted(text: str) -> None:
    """Write the program's own escapes to stdout, past the sanitiser when it is in front."""
    out = sys.stdout
    if isinstance(out, SafeWriter):
        out.write_trusted(text)
    else:
        out.write(text)
