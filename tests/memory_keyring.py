"""A keyring backend that keeps passwords in this process's memory only.

Tests select it with PYTHON_KEYRING_BACKEND so they never touch a real keyring. Its priority
is below keyring's own "fail" backend, so keyring never picks it by itself.
"""

from __future__ import annotations

import threading
from typing import ClassVar

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    """Passwords in a process-wide dict, lost when the process ends."""

    name = "MemoryKeyring, this process only"
    priority = -0.5  # below fail.Keyring (0): chosen only when asked for by name
    persistent = False
    """Read by the `keys` command to warn that a key saved here does not outlive the process."""

    _store: ClassVar[dict[tuple[str, str], str]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    @classmethod
    def clear(cls) -> None:
        """Forget every password (tests call it between tests)."""
        with cls._lock:
            cls._store.clear()

    def get_password(self, service: str, username: str) -> str | None:
        with self._lock:
            return self._store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        with self._lock:
            self._store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        with self._lock:
            if self._store.pop((service, username), None) is None:
                raise PasswordDeleteError("no such password")
