"""Text helpers of the session store: ids, titles, ages and display-safe text.

Pure functions, shared by the store, the CLI and the UI, so all three title, age and clean
text the same way.
"""

from __future__ import annotations

import os
import re
import unicodedata
from datetime import datetime

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


def display_safe(text: str, *, keep_newlines: bool = False) -> str:
    """Drop control characters (terminal escapes among them); tabs become spaces."""
    out: list[str] = []
    for char in text:
        if char == "\n" and keep_newlines:
            out.append(char)
        elif char in "\t\r\n":
            out.append(" ")
        elif unicodedata.category(char) != "Cc":
            out.append(char)
    return "".join(out)


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
