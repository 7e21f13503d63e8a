"""Which graphics protocol draws images: Kitty's, Sixel, or none (colored half blocks).

Only the terminal knows whether it draws Sixel: asked for its primary device attributes
(`ESC [ c`) it lists 4 among them when it does, which is how textual-image tells. The answer
comes back on stdin, which is Textual's once the app runs (and the library's own question, at
import, could eat a key then), so the question is asked here, once, before the app takes the
terminal, and only where the environment does not already say: a setting decides everything,
and kitty (outside tmux or screen, which do not pass its protocol through) has Kitty's protocol
and no Sixel. Inside tmux the answer is tmux's own: 4 where it draws Sixel itself.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Mapping
from typing import Literal

Protocol = Literal["kitty", "sixel", "halfblock", "off"]
SETTING = "TIKHUB_TUI_IMAGES"
"""Environment variable that overrides the choice: kitty, sixel, halfblock or off."""
QUERY = b"\x1b[c"
"""Primary device attributes: every VT100-compatible terminal answers at once."""
TIMEOUT = 1.0
"""Seconds to wait for the answer. Terminals answer at once (one round trip, over SSH too);
an answer later than this would reach the app as typed keys, so the wait is generous: it is
spent only where nothing answers (a bare pseudo-terminal), which then gets half blocks."""
_REPLY = re.compile(r"\x1b\[\?([0-9;]*)c")
_answer: str | None = None
"""The terminal's answer, once it was asked (`ask_terminal`)."""


def has_sixel(reply: str) -> bool:
    """Whether a device attributes reply (`ESC [ ? 62 ; 4 ; 22 c`) lists Sixel graphics (4)."""
    match = _REPLY.search(reply)
    return match is not None and "4" in match.group(1).split(";")


def _setting(environ: Mapping[str, str]) -> str:
    return environ.get(SETTING, "").strip().lower()


def _kitty(environ: Mapping[str, str]) -> bool:
    """kitty itself, not through a multiplexer."""
    multiplexed = bool(environ.get("TMUX") or environ.get("STY"))
    kitty = environ.get("TERM") == "xterm-kitty" or bool(environ.get("KITTY_WINDOW_ID"))
    return kitty and not multiplexed


def choose_protocol(
    environ: Mapping[str, str], *, headless: bool, answer: str | None = None
) -> Protocol:
    """How images are drawn: the setting; else Kitty's protocol in kitty; else Sixel where
    the terminal's answer (`answer`, else the one `ask_terminal` got) lists it; else half
    blocks. Headless (tests, snapshots) always half blocks, unless turned off."""
    asked = _setting(environ)
    if asked in ("off", "none", "0"):
        return "off"
    if headless:
        return "halfblock"
    if asked in ("kitty", "sixel", "halfblock"):
        return asked  # type: ignore[return-value]
    if _kitty(environ):
        return "kitty"
    reply = _answer if answer is None else answer
    return "sixel" if reply is not None and has_sixel(reply) else "halfblock"


def worth_asking(environ: Mapping[str, str]) -> bool:
    """The environment leaves the choice to the terminal's answer."""
    return not _setting(environ) and not _kitty(environ) and environ.get("TERM", "dumb") not in (
        "dumb",
        "linux",  # the Linux console draws no graphics
    )


def ask_terminal(environ: Mapping[str, str], in_fd: int = 0, out_fd: int = 2) -> None:
    """Ask the terminal (keys on `in_fd`, drawing on `out_fd`, as Textual uses them) once,
    before the app starts, when its answer decides; `choose_protocol` then uses it."""
    global _answer
    if _answer is None and worth_asking(environ) and os.isatty(in_fd) and os.isatty(out_fd):
        _answer = query(in_fd, out_fd)


def query(in_fd: int, out_fd: int, timeout: float = TIMEOUT) -> str:
    """The terminal's answer to QUERY ('' when none came in time), read without echo."""
    try:
        import select
        import termios
        import tty
    except ImportError:  # not a POSIX terminal
        return ""
    reply = b""
    try:
        saved = termios.tcgetattr(in_fd)
    except (OSError, termios.error):
        return ""
    try:
        tty.setcbreak(in_fd, termios.TCSANOW)
        os.write(out_fd, QUERY)
        deadline = time.monotonic() + timeout
        while not _REPLY.search(reply.decode("ascii", "replace")) and len(reply) < 512:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([in_fd], [], [], left)[0]:
                break
            chunk = os.read(in_fd, 512)
            if not chunk:
                break
            reply += chunk
    except (OSError, termios.error):
        pass
    finally:
        with contextlib.suppress(OSError, termios.error):
            termios.tcsetattr(in_fd, termios.TCSANOW, saved)
    return reply.decode("ascii", "replace")
