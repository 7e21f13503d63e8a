"""The help screen: every key binding of the app, read from the bindings themselves."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

EXTRA_KEYS = [
    ("Enter", "Send the prompt", "prompt"),
    ("Ctrl+J", "New line in the prompt (also Shift+Enter where the terminal sends it)", "prompt"),
    ("Up / Down", "Recall earlier prompts (in an empty prompt)", "prompt"),
    ("Ctrl+P", "Command palette: every action, models, themes", "app"),
]


def key_label(keys: str) -> str:
    from textual.keys import format_key

    return " / ".join(format_key(key.strip()) for key in keys.split(","))


class HelpScreen(ModalScreen[None]):
    """A table of every binding; Esc, F1 or q closes it."""

    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close", id="close-help")]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90; max-width: 100%; height: auto; max-height: 90%;
        background: $panel; border: round $accent; padding: 1 2; }
    HelpScreen Label.title { text-style: bold; margin: 0 0 1 0; }
    HelpScreen DataTable { height: auto; }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Label("Keys — Esc closes", classes="title")
            yield DataTable(show_cursor=False, zebra_stripes=True, id="keys")

    def on_mount(self) -> None:
        from tikhub_tui.ui.screens.chat import ChatScreen

        table = self.query_one(DataTable)
        table.add_columns("Key", "Action", "Where", "Id (for [keymap])")
        seen: set[str] = set()
        sources = [(ChatScreen.BINDINGS, "chat"), (self.app.BINDINGS, "app")]
        for bindings, where in sources:
            for binding in bindings:
                if not isinstance(binding, Binding) or not binding.description:
                    continue
                binding_id = binding.id or binding.action
                if binding_id in seen:
                    continue
                seen.add(binding_id)
                keys = (
                    self.app._keymap.get(binding_id, binding.key) if binding.id else (binding.key)
                )
                table.add_row(key_label(keys), binding.description, where, binding.id or "")
        for keys, description, where in EXTRA_KEYS:
            table.add_row(keys, description, where, "")
