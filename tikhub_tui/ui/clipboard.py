"""Copying over SSH: the OSC 52 escape sequence, wrapped for tmux and GNU screen.

The terminal (not the remote machine) owns the clipboard, so the app asks it through the
terminal's output stream. Inside tmux or screen the sequence must be wrapped in a passthrough
so that it reaches the outer terminal.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping

OSC52_LIMIT = 1_000_000
"""Bytes of text above which many terminals drop an OSC 52 request."""


def osc52(text: str, env: Mapping[str, str] | None = None) -> str:
    """The escape sequence that puts `text` on the clipboard, wrapped for the multiplexer."""
    env = os.environ if env is None else env
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    sequence = f"\x1b]52;c;{payload}\x07"
    if env.get("TMUX"):
        # tmux passthrough: DCS tmux; <sequence with every ESC doubled> ST
        return "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"
    if env.get("TERM", "").startswith("screen"):
        # screen limits a DCS string to 768 bytes: send the sequence in chunks
        chunks = [sequence[i : i + 76] for i in range(0, len(sequence), 76)]
        return "".join(f"\x1bP{chunk}\x1b\\" for chunk in chunks)
    return sequence


def multiplexer(env: Mapping[str, str] | None = None) -> str:
    """'tmux', 'screen' or '' (for the message that says how the copy was sent)."""
    env = os.environ if env is None else env
    if env.get("TMUX"):
        return "tmux"
    if env.get("TERM", "").startswith("screen"):
        return "screen"
    return ""


def terminal_lacks_osc52(env: Mapping[str, str] | None = None) -> bool:
    """Terminals known to ignore OSC 52, where saving to a file is the way."""
    env = os.environ if env is None else env
    return env.get("TERM_PROGRAM") == "Apple_Terminal" or env.get("TERM") == "linux"
