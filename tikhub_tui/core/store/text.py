"""Text helpers of the session store: ids, titles, ages and display-safe text.

Pure functions, shared by the store, the CLI and the UI, so all three title, age and clean
text the same way.
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from typing import Any

from tikhub_tui.core.secrets.redact import redact
from tikhub_tui.core.untrusted import for_terminal, valid_utf8

ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
"""Crockford base32 in lower case: URL-safe, no look-alike letters (i, l, o, u)."""
ID_LENGTH = 10

_SPACES = re.compile(r"\s+")


def new_session_id() -> str:
    """A random 10-character id (50 bits): short enough to type, abbreviable like git."""
    # 32 letters: a random byte's low five bits pick one without bias (and `os.urandom` spares
    # `ask` the import of the `secrets` module and hashlib at start-up)
    return "".join(ID_ALPHABET[byte & 31] for byte in os.urandom(ID_LENGTH))


def title_from_prompt(text: str, limit: int = 60) -> str:
    """The first non-empty line, whitespace collapsed, cut to `limit` at a word boundary."""
    line = next((part for part in text.splitlines() if part.strip()), "")
    line = display_safe(_SPACES.sub(" ", line).strip())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.;:-") + "…"


_BLANKS = str.maketrans("\t\r\n", "   ")
_BLANKS_BUT_NEWLINE = str.maketrans("\t\r", "  ")


def display_safe(text: str, *, keep_newlines: bool = False) -> str:
    """One line (or lines, with `keep_newlines`) fit for a list or a terminal: tabs and line
    breaks become spaces, other controls and escapes are shown as the terminal sanitiser shows
    them ("␛[2J"), never obeyed."""
    if keep_newlines:
        return for_terminal(text.replace("\r\n", "\n").translate(_BLANKS_BUT_NEWLINE))
    return for_terminal(text.translate(_BLANKS))


def writable(values: dict[str, Any]) -> dict[str, Any]:
    """Column values as the store keeps them: text valid UTF-8 (a lone surrogate cannot be
    written), and no known API key in an error message, whatever exception carried it."""
    clean = {k: valid_utf8(v) if isinstance(v, str) else v for k, v in values.items()}
    if clean.get("error"):
        clean["error"] = redact(clean["error"])
    return clean


def format_age(then: datetime, now: datetime) -> str:
    """How long ago, for lists: "just now", "3 min ago", "5 h ago", "yesterday", a date."""
    seconds = (now - then).total_seconds()
    if seconds < 45:
        return "just now"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{max(minutes, 1)} min ago"
    hours = int(seconds // 3600)
    if hours < 24:
        return f"{hours} h ago"
    days = int(seconds // 86400)
    if days < 2:
        return "yesterday"
    if days < 7:
        return f"{days} days ago"
    return then.strftime("%Y-%m-%d")
