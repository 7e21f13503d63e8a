"""API-key text without any I/O: validation, masking, redaction, and the key-store error.

Kept apart from the stores so the HTTP client can redact error bodies, and `ask` can read the
environment, without importing keyring.
"""

from __future__ import annotations

from typing import Literal

from tikhub_tui.core.paths import config_dir

ENV_VAR = "TIKHUB_API_KEY"
"""The environment variable that holds a key; it wins over every store."""

KEY_FILE_NAME = "api-key"
"""The opt-in key file's name inside the config directory."""

MAX_KEY_LENGTH = 4096

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
