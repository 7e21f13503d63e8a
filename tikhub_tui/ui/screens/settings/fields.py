"""The settings screen's fields, laid out in two columns, each with its error line under it.

Only layout lives here; `SettingsScreen` fills the values in and checks them.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, TextArea

from tikhub_tui.core.catalogue import PROVIDER_LABELS
from tikhub_tui.core.model import PROVIDERS
from tikhub_tui.ui.screens.settings.key import KeyPanel

FIELDS = (
    "base-url",
    "connect-timeout",
    "read-timeout",
    "max-tokens",
    "model",
    *(f"extra-{provider}" for provider in PROVIDERS),
)
"""Ids of the fields that can be invalid; each has a `<id>-error` line under it."""

CSS = """
SettingsScreen #config-notice { display: none; height: auto; margin: 0 1; padding: 0 1;
    border-left: thick $error; background: $error 10%; color: $text-error; }
SettingsScreen #columns { height: 1fr; }
SettingsScreen #left, SettingsScreen #right { width: 1fr; height: 100%; padding: 0 1; }
SettingsScreen .section { text-style: bold; color: $text-accent; margin: 1 0 0 0; }
SettingsScreen .field { color: $text-muted; margin: 0 0 0 1; }
SettingsScreen .field-error { display: none; width: 1fr; height: auto; color: $text-error;
    margin: 0 0 0 1; }
SettingsScreen Input.-error, SettingsScreen Input.-error:focus { border: tall $error; }
SettingsScreen .pair, SettingsScreen .extra { height: auto; }
SettingsScreen .pair > Vertical, SettingsScreen .extra > Vertical { width: 1fr; height: auto; }
SettingsScreen .extra-label { width: 11; padding: 1 0 0 1; color: $text-muted; }
SettingsScreen #system-prompt { height: 1fr; min-height: 5; }
SettingsScreen #actions { height: 3; padding: 0 1; }
SettingsScreen #save-status { width: 1fr; height: 3; content-align: left middle;
    color: $text-success; }
SettingsScreen #save-status.-error { color: $text-error; }
SettingsScreen #actions > Button { margin: 0 0 0 2; }
SettingsScreen #columns.-narrow { layout: vertical; overflow-y: auto; }
SettingsScreen #columns.-narrow > VerticalScroll { width: 100%; height: auto; }
SettingsScreen #columns.-narrow #system-prompt { height: 8; }
"""
NARROW = 90
"""Below this many columns the two columns of fields stack into one that scrolls."""


def left_column() -> ComposeResult:
    """The API key and the connection."""
    yield Label("API key", classes="section")
    yield KeyPanel(id="key-panel")
    yield Label("Connection", classes="section")
    yield from field("Base URL (http:// or https://)", Input(id="base-url"))
    with Horizontal(classes="pair"):
        with Vertical():
            yield from field("Connect timeout (s)", Input(id="connect-timeout", type="number"))
        with Vertical():
            yield from field("Read timeout (s)", Input(id="read-timeout", type="number"))
    yield from field(
        "Max tokens per answer",
        Input(id="max-tokens", type="integer", placeholder="empty: the model's maximum"),
    )


def right_column(
    provider: str, model: str, models: list[str], theme: str, themes: list[str]
) -> ComposeResult:
    """The default model, extra model names, theme and system prompt."""
    yield Label("Default model", classes="section")
    with Horizontal(classes="pair"):
        with Vertical():
            yield Label("Provider", classes="field")
            options = [(PROVIDER_LABELS.get(name, name), name) for name in _providers(provider)]
            yield Select(options, id="provider", allow_blank=False, value=provider)
        with Vertical():
            choices = [(name, name) for name in models]
            yield from field("Model", Select(choices, id="model", allow_blank=False, value=model))
    yield Label("Extra model names, comma-separated", classes="section")
    for name in PROVIDERS:
        with Horizontal(classes="extra"):
            yield Label(PROVIDER_LABELS[name], classes="extra-label")
            with Vertical():
                yield from field(None, Input(id=f"extra-{name}", placeholder="name, name"))
    label = "Theme (shown at once; Esc puts the old one back)"
    choices = [(name, name) for name in themes]
    yield from field(label, Select(choices, id="theme", allow_blank=False, value=theme))
    yield Label("System prompt (sent with every conversation)", classes="field")
    yield TextArea(
        id="system-prompt", soft_wrap=True, tab_behavior="focus", highlight_cursor_line=False
    )


def field(title: str | None, widget: Input | Select[str]) -> ComposeResult:
    """A label, the widget, and the (hidden) line that explains what is wrong with it."""
    if title:
        yield Label(title, classes="field")
    yield widget
    yield Label("", id=f"{widget.id}-error", classes="field-error", markup=False)


def _providers(current: str) -> list[str]:
    return list(PROVIDERS) + ([current] if current not in PROVIDERS else [])
