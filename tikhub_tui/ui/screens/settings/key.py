"""The API-key part of the settings screen: where the key is now, and where a new one goes.

The keyring can block on D-Bus, so `probe_keys` and `store_key` run in the screen's thread
workers and touch no widget; `KeyPanel` only shows what they found. The key itself is never
shown: at most `mask(key)`, the last 4 characters.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, RadioButton, RadioSet, Static

from tikhub_tui.core.secrets import (
    ENV_VAR,
    BackendStatus,
    KeyStoreError,
    ResolvedKey,
    backend_status,
    resolve_key,
    save_key,
    use_session_key,
)
from tikhub_tui.core.secrets.keyfile import key_file_path

Destination = Literal["keyring", "session", "file"]


@dataclass(frozen=True)
class KeyReport:
    """What the key stores hold now, found off the UI thread."""

    backend: BackendStatus
    resolved: ResolvedKey | None
    error: KeyStoreError | None = None


def probe_keys() -> KeyReport:
    """Ask the keyring (bounded) which backend is in use and where the key in use comes from."""
    backend = backend_status()
    try:
        return KeyReport(backend, resolve_key())
    except KeyStoreError as error:
        return KeyReport(backend, None, error)


def store_key(key: str, destination: Destination) -> str:
    """Keep the key where the user chose and say where, in words; raises KeyStoreError."""
    if destination == "session":
        use_session_key(key)
        return "this run's memory (gone when the app exits)"
    return save_key(key, to_file=destination == "file")


def key_status(report: KeyReport) -> str:
    """One or two sentences on the key in use, with at most its last 4 characters."""
    found = report.resolved
    if report.error is not None:
        if report.error.kind == "no-backend":
            return "No key saved: there is no keyring here (see below)."
        return f"The key cannot be read: {report.error.message}"
    if found is None:
        return "No key saved yet."
    if found.source == "environment":
        return (
            f"In use: {found.masked} from {ENV_VAR}. While it is set it wins over any key "
            "saved here; unset it to use the saved one."
        )
    return f"In use: {found.masked} from {found.where()}."


def backend_text(backend: BackendStatus) -> str:
    """Which keyring backend is in use, or plainly that there is none and what to do instead."""
    if backend.usable:
        note = "" if backend.persistent else " (keeps keys only while this program runs)"
        return f"Keyring backend: {backend.name}{note}."
    why = backend.reason.split("; this is usual", 1)[0]
    return (
        f"No usable OS keyring: {why}. This is usual on a headless server or over SSH. "
        f"Instead keep the key for this run only (in memory), or in the key file "
        f"{key_file_path()} (mode 0600, only you can read it), or set {ENV_VAR} in the "
        "environment before starting tikhub-tui (it wins over everything)."
    )


class KeyPanel(Vertical):
    """The key's status, the backend, a masked input and the choice of where to save."""

    DEFAULT_CSS = """
    KeyPanel { height: auto; }
    KeyPanel #key-destination { layout: horizontal; height: auto; width: 100%;
        border: none; padding: 0; background: transparent; }
    KeyPanel #key-destination > RadioButton { width: auto; margin: 0 2 0 0; }
    KeyPanel #key-backend.-missing { color: $text-warning; }
    """

    def compose(self) -> ComposeResult:
        yield Static("Checking the keyring…", id="key-status", markup=False)
        yield Static("", id="key-backend", markup=False)
        yield Label("API key (hidden while typed; empty keeps the current one)", classes="field")
        yield Input(
            password=True,
            placeholder="paste a new API key",
            id="key",
            select_on_focus=False,
        )
        yield Label("", id="key-error", classes="field-error", markup=False)
        yield Label("Where Save keeps a new key", classes="field")
        with RadioSet(id="key-destination"):
            yield RadioButton("OS keyring", value=True, id="dest-keyring")
            yield RadioButton("This run only", id="dest-session")
            yield RadioButton("Key file (0600)", id="dest-file")

    def show_report(self, report: KeyReport) -> None:
        """Show where the key comes from and the backend; without one, pick "this run only"."""
        self.query_one("#key-status", Static).update(key_status(report))
        backend = self.query_one("#key-backend", Static)
        backend.update(backend_text(report.backend))
        backend.set_class(not report.backend.usable, "-missing")
        keyring_button = self.query_one("#dest-keyring", RadioButton)
        keyring_button.disabled = not report.backend.usable
        if not report.backend.usable and keyring_button.value:
            self.query_one("#dest-session", RadioButton).value = True

    def show_checking(self, what: str) -> None:
        self.query_one("#key-status", Static).update(what)

    def destination(self) -> Destination:
        pressed = self.query_one(RadioSet).pressed_button
        chosen = pressed.id if pressed is not None else "dest-keyring"
        return {"dest-session": "session", "dest-file": "file"}.get(  # type: ignore[return-value]
            chosen or "", "keyring"
        )

    def typed_key(self) -> str:
        return self.query_one("#key", Input).value

    def forget_typed_key(self) -> None:
        self.query_one("#key", Input).value = ""


def environment_key_set() -> bool:
    return bool(os.environ.get(ENV_VAR, "").strip())
