"""Where the API key comes from: the environment, this run's memory, the key file, the keyring.

`TIKHUB_API_KEY` wins over everything; a key given "for this run only" comes next; the opt-in
key file, when it exists, is the user's explicit choice and comes before the OS keyring (so a
machine that uses it never waits on a keyring). The key is never printed, logged or put into
an error: show `mask(key)` and pass error text through `redact`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Literal

from tikhub_tui.core.secrets import keyfile
from tikhub_tui.core.secrets.redact import redact, remember
from tikhub_tui.core.secrets.text import (
    ENV_VAR,
    KeyStoreError,
    alternatives,
    clean_key,
    mask,
)

__all__ = [
    "ENV_VAR",
    "BackendStatus",
    "KeyStoreError",
    "ResolvedKey",
    "alternatives",
    "backend_status",
    "clean_key",
    "delete_key",
    "mask",
    "missing_key_message",
    "redact",
    "remember",
    "resolve_key",
    "save_key",
    "use_session_key",
]

Source = Literal["environment", "session", "file", "keyring"]

_session_key: str | None = None


@dataclass(frozen=True, slots=True)
class ResolvedKey:
    """A key and where it came from; its repr shows the source, never the value."""

    value: str = field(repr=False)
    source: Source
    detail: str
    """The variable name, the key file's path, or the keyring backend's name."""

    def __post_init__(self) -> None:
        remember(self.value)  # every message from now on is redacted of it

    @property
    def masked(self) -> str:
        return mask(self.value)

    def where(self) -> str:
        """The source in words, e.g. "the keyring (SecretService Keyring)"."""
        return {
            "environment": f"the environment ({self.detail})",
            "session": "this run's memory (not saved)",
            "file": f"the key file {self.detail}",
            "keyring": f"the keyring ({self.detail})",
        }[self.source]


@dataclass(frozen=True, slots=True)
class BackendStatus:
    """Whether the OS keyring can hold a key now, its name, and if not, why and what instead."""

    usable: bool
    name: str
    reason: str = ""
    persistent: bool = True
    """False for a backend that forgets keys when the process ends (the memory backend)."""


def use_session_key(key: str | None) -> None:
    """Keep a key in this process's memory only (None forgets it); it wins over the stores."""
    global _session_key
    _session_key = clean_key(key) if key is not None else None


def resolve_key(timeout: float | None = None) -> ResolvedKey | None:
    """The key to use, or None when no store holds one.

    Raises KeyStoreError when TIKHUB_API_KEY is malformed, the key file is refused, or the
    keyring is missing (and no key file exists), locked, broken or too slow to answer.
    """
    env = os.environ.get(ENV_VAR, "")
    if env.strip():
        try:
            return ResolvedKey(clean_key(env), "environment", ENV_VAR)
        except KeyStoreError as error:
            raise KeyStoreError("invalid", f"{ENV_VAR} is set but {error.message}") from None
    if _session_key is not None:
        return ResolvedKey(_session_key, "session", "memory")
    from_file = keyfile.read_key_file()
    if from_file is not None:
        return ResolvedKey(from_file, "file", str(keyfile.key_file_path()))
    from tikhub_tui.core.secrets import backend as keyring_access

    value, backend = keyring_access.get_key(timeout)
    return ResolvedKey(value, "keyring", backend.name) if value is not None else None


def save_key(key: str, *, to_file: bool = False, timeout: float | None = None) -> str:
    """Store the key in the keyring (or the 0600 key file) and say where, for the user.

    Forgets a key given for this run only, so the saved one is used from now on.
    """
    global _session_key
    key = clean_key(key)
    if to_file:
        try:
            where = f"the key file {keyfile.write_key_file(key)}"
        except OSError as error:
            path = keyfile.key_file_path()
            raise KeyStoreError(
                "file",
                f"cannot write the key file {path} ({error.strerror}); fix the "
                f"permissions of {path.parent}, or set {ENV_VAR} instead",
            ) from None
    else:
        from tikhub_tui.core.secrets import backend as keyring_access

        where = f"the keyring ({keyring_access.set_key(key, timeout).name})"
    _session_key = None
    return where


def delete_key(timeout: float | None = None) -> list[str]:
    """Forget the key everywhere this program stores it; return where it was deleted from.

    An error from the keyring carries in `removed` what had been deleted before it.
    """
    from tikhub_tui.core.secrets import backend as keyring_access

    global _session_key
    removed: list[str] = []
    if _session_key is not None:
        _session_key = None
        removed.append("this run's memory")
    path = keyfile.key_file_path()
    try:
        if keyfile.delete_key_file():
            removed.append(f"the key file {path}")
    except OSError as error:
        failure = KeyStoreError(
            "file", f"cannot delete the key file {path} ({error.strerror}); `rm {path}` by hand"
        )
        failure.removed = removed
        raise failure from None
    try:
        deleted, backend = keyring_access.delete_key(timeout)
    except KeyStoreError as error:
        if error.kind == "no-backend" and removed:
            return removed
        error.removed = removed
        raise
    if deleted:
        removed.append(f"the keyring ({backend.name})")
    return removed


def backend_status(timeout: float | None = None) -> BackendStatus:
    """Whether the OS keyring works now (one bounded read through it); never raises."""
    from tikhub_tui.core.secrets import backend as keyring_access

    try:
        backend = keyring_access.probe(timeout)
    except KeyStoreError as error:
        return BackendStatus(False, "keyring", error.message)
    return BackendStatus(backend.usable, backend.name, backend.reason, backend.persistent)


def missing_key_message() -> str:
    """What to tell a user who has no key anywhere (resolve_key returned None)."""
    return f"no API key is configured: run `tikhub-tui keys set`, or {alternatives()}"
