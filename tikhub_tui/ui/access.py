"""Which gateway the app talks to and with which key: the real one, or the embedded demo.

The key is looked up off the UI thread (a keyring can block on D-Bus). With no key the app
runs on the embedded gateway, in-process on 127.0.0.1, and says so.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tikhub_tui.core.settings import Settings

if TYPE_CHECKING:  # httpx loads in a worker after start-up, not before the first frame
    from tikhub_tui.core.client import ChatClient

DEMO_KEY = "demo-key-for-the-local-gateway"
"""The embedded gateway wants a key in the protocol's header; any value works there."""


@dataclass(eq=False)
class Access:
    """Where requests go and the key for them (never shown, never logged)."""

    base_url: str
    key: str = field(repr=False)
    demo: bool
    source: str
    """Where the key came from, for the status line: environment, keyring, file, demo (or,
    in demo mode, why: "no keyring, F2 adds a key")."""

    def label(self) -> str:
        if self.demo:
            return "DEMO: local gateway" if self.source == "demo" else f"DEMO: {self.source}"
        return f"{_host(self.base_url)} · key from {self.source}"


def _host(url: str) -> str:
    return url.split("://", 1)[-1].rstrip("/")


class ClientCache:
    """One ChatClient per access and network settings, rebuilt when either changes.

    Thread-safe: the app builds the client ahead of time in a worker (loading the TLS
    certificates takes tens of milliseconds), so the first prompt does not wait for it.
    """

    def __init__(self) -> None:
        self._key: tuple[object, ...] | None = None
        self._client: ChatClient | None = None
        self._lock = threading.Lock()

    def get(self, access: Access, settings: Settings) -> ChatClient:
        with self._lock:
            return self._get(access, settings)

    def _get(self, access: Access, settings: Settings) -> ChatClient:
        from tikhub_tui.core.client import ChatClient, ClientSettings

        wanted = ClientSettings.of(settings, access.base_url)
        identity = (id(access), wanted)
        if self._client is None or self._key != identity:
            if self._client is not None:
                self._client.close()
            self._client = ChatClient(wanted, access.key)
            self._key = identity
        return self._client

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None
