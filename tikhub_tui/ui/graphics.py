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
from typing import Any, Literal

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
"""The terminal's answer, once it was asked (`ask_terminal`) and heard (`hear_terminal`)."""
_pending: tuple[int, list[Any], float] | None = None
"""A question sent and not yet heard: the keys' fd, its saved mode, the deadline."""


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
    before the app starts, when its answer decides. The question goes out now and the answer
    is read by `hear_terminal`, called just before the app runs: the imports in between hide
    the round trip (over SSH, one network round trip less at every start)."""
    global _pending
    if (
        _answer is None
        and _pending is None
        and worth_asking(environ)
        and os.isatty(in_fd)
        and os.isatty(out_fd)
    ):
        _pending = _send(in_fd, out_fd, TIMEOUT)


def hear_terminal() -> None:
    """Read the answer to the question `ask_terminal` sent (if it sent one) and give the
    terminal back as it was; `choose_protocol` then uses the answer."""
    global _pending, _answer
    if _pending is not None:
        pending, _pending = _pending, None
        _answer = _read(*pending)


def query(in_fd: int, out_fd: int, timeout: float = TIMEOUT) -> str:
    """The terminal's answer to QUERY ('' when none came in time), read without echo."""
    sent = _send(in_fd, out_fd, timeout)
    return "" if sent is None else _read(*sent)


def _send(in_fd: int, out_fd: int, timeout: float) -> tuple[int, list[Any], float] | None:
    """Turn echo off and ask; returns what `_read` needs (None: not a POSIX terminal)."""
    try:
        import termios
        import tty
    except ImportError:  # not a POSIX terminal
        return None
    try:
        saved = termios.tcgetattr(in_fd)
    except (OSError, termios.error):
        return None
    try:
        tty.setcbreak(in_fd, termios.TCSANOW)
        os.write(out_fd, QUERY)
    except (OSError, termios.error):
        _restore(in_fd, saved)
        return None
    return in_fd, saved, time.monotonic() + timeout


def _read(in_fd: int, saved: list[Any], deadline: float) -> str:
    """The answer, read until it is whole or the deadline passes; the terminal is restored."""
    import select

    reply = b""
    try:
        while not _REPLY.search(reply.decode("ascii", "replace")) and len(reply) < 512:
            left = max(0.0, deadline - time.monotonic())  # past it: what already came
            if not select.select([in_fd], [], [], left)[0]:
                break
            chunk = os.read(in_fd, 512)
            if not chunk:
                break
            reply += chunk
    except OSError:
        pass
    finally:
        _restore(in_fd, saved)
    return reply.decode("ascii", "replace")


def _restore(in_fd: int, saved: list[Any]) -> None:
    import termios

    with contextlib.suppress(OSError, termios.error):
        termios.tcsetattr(in_fd, termios.TCSANOW, saved)
