"""How the app reaches a model: the API key looked up in a worker (keyring, environment, file)
and the gateway it goes to, or the embedded local gateway (demo) when there is no key.

A base of TikhubApp (app.py): start-up and Settings ask it to look again; screens read
`access` and `access_label()`. Kept apart so the App's module stays about wiring screens.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import work
from textual.app import App
from textual.message import Message
from textual.reactive import reactive
from textual.worker import Worker, WorkerState

from tikhub_tui.ui.access import DEMO_KEY, Access, ClientCache

if TYPE_CHECKING:
    from tikhub_tui.core.secrets import ResolvedKey
    from tikhub_tui.core.settings import Settings
    from tikhub_tui.gateway import Gateway


def sentence(text: str) -> str:
    """Text that ends as a sentence does (a message from below may end without a stop)."""
    text = text.rstrip()
    return text if not text or text[-1] in ".!?" else f"{text}."


class AppAccess(App[None]):
    """The key lookup and the gateway in use; the App provides the settings and the base URL."""

    access: reactive[Access | None] = reactive(None, init=False)
    """The gateway and key in use (None while the key is looked up)."""

    settings: Settings
    _base_url: str
    _clients: ClientCache
    _gateway: Gateway | None
    access_ready: asyncio.Event

    @dataclass
    class KeyLooked(Message):
        """The key lookup ended (posted from its worker): the key, or why there is none."""

        found: ResolvedKey | None
        problem: str = ""
        """What to tell the user about the missing key ("" when it was said before)."""
        why: str = ""
        """The same in a few words, for the status line."""

    @work(thread=True, exit_on_error=False, group="access")
    def _find_key(self) -> None:
        from tikhub_tui.core.secrets import KeyStoreError, resolve_key
        from tikhub_tui.core.seen import first_time

        try:
            found = resolve_key()
        except KeyStoreError as error:
            # no keyring on this machine is explained once, then the status line says it
            lasting = error.kind == "no-backend"
            said = sentence(str(error)) if not lasting or first_time("no-keyring") else ""
            notice = f"{said} Running on the local demo gateway meanwhile." if said else ""
            why = "no keyring, F2 adds a key" if lasting else ""
            self.post_message(self.KeyLooked(None, notice, why))
            return
        if found is None:
            notice = (
                "No API key yet, so this is demo mode on the local gateway. Add your key in "
                "Settings (F2) or set TIKHUB_API_KEY."
                if first_time("no-key")
                else ""
            )
            self.post_message(self.KeyLooked(None, notice, "no API key, F2 adds one"))
        else:
            self.post_message(self.KeyLooked(found))

    def on_app_access_key_looked(self, event: KeyLooked) -> None:
        if event.found is not None:
            found = event.found
            self._set_access(Access(self._base_url, found.value, False, found.source))
        else:
            self._use_demo(event.problem, event.why)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A key lookup that broke is said, and the app goes on in demo mode (Enter never
        waits for a key that is not coming)."""
        if event.state == WorkerState.ERROR and event.worker.group == "access":
            error = event.worker.error
            why = f"{type(error).__name__}: {error}"
            if self.access is None:
                self._use_demo(f"The key could not be looked up ({why}). Running on the demo.")
            else:
                self.notify(f"Preparing the connection failed: {why}", severity="error")

    def _use_demo(self, message: str, why: str = "") -> None:
        """Answer from the embedded gateway; `message` ("" for none) explains it in a notice,
        `why` in a few words on the status line."""
        from tikhub_tui.gateway import Gateway

        if self._gateway is None:
            self._gateway = Gateway(host="127.0.0.1", port=0)
            self._gateway.start()
        self._set_access(Access(self._gateway.base_url, DEMO_KEY, True, why or "demo"))
        if message:
            self.notify(message, title="DEMO", timeout=12, markup=False)

    def _set_access(self, access: Access) -> None:
        self.access = access
        self.sub_title = "DEMO · local gateway" if access.demo else access.label()
        self.access_ready.set()
        self._prepare_client(access, self.settings)

    @work(thread=True, exit_on_error=False, group="access")
    def _prepare_client(self, access: Access, settings: Settings) -> None:
        """Build the HTTP client before the first prompt needs it."""
        from tikhub_tui.core.errors import ApiError

        with contextlib.suppress(ApiError):  # a bad base URL is reported when sending
            self._clients.get(access, settings)

    def access_label(self) -> str:
        return self.access.label() if self.access else "looking for the API key…"
