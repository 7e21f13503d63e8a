"""API-key text without any I/O: validation, masking, redaction, and the key-store error.

Kept apart from the stores so the HTTP client can redact error bodies, and `ask` can read the
environment, without importing keyring.
"""

from __future__ import annotations

import re
from typing import Literal

from tikhub_tui.core.paths import config_dir

ENV_VAR = "TIKHUB_API_KEY"
"""The environment variable that holds a key; it wins over every store."""

KEY_FILE_NAME = "api-key"
"""The opt-in key file's name inside the config directory."""

MAX_KEY_LENGTH = 4096
REDACTED = "[redacted]"
MIN_REDACT_LENGTH = 8
"""Shorter strings are never redacted: replacing them would mangle ordinary text."""
REDACT_PIECE = 12
"""A run of this many characters of a key in a text counts as the key."""

StoreErrorKind = Literal["no-backend", "timeout", "locked", "failed", "file", "invalid"]


class KeyStoreError(Exception):
    """A key store that cannot be used now: `kind` for the program, the message for the person.

    The message names the cause and the fix and never contains the key itself.
    """

    def __init__(self, kind: StoreErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind: StoreErrorKind = kind
        self.message = message
        self.removed: list[str] = []
        """Where a key was deleted before the error struck (set by `delete_key` only)."""


def alternatives() -> str:
    """How to give the key without a keyring: the environment, or the opt-in 0600 key file."""
    path = config_dir() / KEY_FILE_NAME
    return (
        f"set {ENV_VAR} in the environment, or keep the key in a file only you can read: "
        f"`tikhub-tui keys set --file` (writes {path}, mode 0600)"
    )


def clean_key(raw: str) -> str:
    """The key without surrounding whitespace; raise KeyStoreError("invalid") if it is no key.

    A key with inner spaces, line breaks or non-ASCII characters would break the HTTP header
    (or is two pasted lines), so it is refused with advice instead of failing later.
    """
    key = raw.strip()
    if not key:
        raise KeyStoreError("invalid", "the API key is empty; paste the key itself")
    if len(key) > MAX_KEY_LENGTH:
        raise KeyStoreError(
            "invalid", f"that text is longer than {MAX_KEY_LENGTH} characters: not an API key"
        )
    if not all(33 <= ord(char) <= 126 for char in key):
        raise KeyStoreError(
            "invalid",
            "the API key contains spaces, line breaks, control or non-ASCII characters; "
            "paste only the key, on one line",
        )
    return key


def mask(key: str) -> str:
    """At most the last 4 characters, after an ellipsis ("…1234"); nothing of a short key."""
    key = key.strip()
    return "…" + key[-4:] if len(key) >= 12 else "…"


def redact(text: str, *secrets: str) -> str:
    """`text` with each secret replaced by "[redacted]", also in another case and in pieces:
    any run of 12 or more of its characters (a server may echo a key cut short, or in capitals).

    Used on server error bodies that echo the key; secrets shorter than 8 characters are left
    alone because replacing them would mangle ordinary text.
    """
    fragments: set[str] = set()
    for secret in {secret.strip() for secret in secrets if secret}:
        if len(secret) >= MIN_REDACT_LENGTH:
            piece = min(len(secret), REDACT_PIECE)
            fragments.update(secret[i : i + piece] for i in range(len(secret) - piece + 1))
    if not fragments:
        return text
    # every place a fragment starts, overlapping ones too (a lookahead consumes nothing)
    longest_first = "|".join(re.escape(f) for f in sorted(fragments, key=len, reverse=True))
    out: list[str] = []
    kept = 0  # the text before this is copied or redacted already
    for match in re.finditer(f"(?=({longest_first}))", text, re.IGNORECASE):
        start = match.start()
        if not out or start > kept:  # a new run of the key: what lies between stays
            out += [text[kept:start], REDACTED]
        kept = max(kept, start + len(match.group(1)))
    out.append(text[kept:])
    return "".join(out)
