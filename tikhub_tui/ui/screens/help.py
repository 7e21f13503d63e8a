"""The help screen: every key binding of the app, read from the bindings themselves.

Keys are shown as they are after the user's [keymap], next to the binding id to use there.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label, Static

from tikhub_tui.ui.terminal_keys import NOTES

PROMPT_KEYS = [
    ("Enter", "Send the prompt"),
    ("Ctrl+J", "New line (also Shift+Enter where the terminal sends it)"),
    ("Up / Down", "Recall earlier prompts (in an empty prompt)"),
    ("Ctrl+P", "Command palette: every action, models, themes"),
]

NAMES = {
    "escape": "Esc",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "question_mark": "?",
    "up": "Up",
    "down": "Down",
    "end": "End",
    "home": "Home",
    "delete": "Del",
    "enter": "Enter",
    "tab": "Tab",
    "backslash": "\\",
}


def key_label(keys: str) -> str:
    """'ctrl+r,f5' -> 'Ctrl+R / F5'."""
    shown = []
    for key in keys.split(","):
        parts = key.strip().split("+")
        *modifiers, name = parts
        name = NAMES.get(name, name.upper() if len(name) <= 3 else name.capitalize())
        shown.append("+".join([*(m.capitalize() for m in modifiers), name]))
    return " / ".join(shown)


class HelpScreen(ModalScreen[None]):
    """A table of every binding; Esc, F1 or q closes it."""

    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close", id="close-help")]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 96; max-width: 100%; height: auto; max-height: 90%;
        background: $panel; border: round $accent; padding: 0 1; }
    HelpScreen Label.title { width: 100%; text-style: bold; margin: 1 0 0 0;
        color: $text-accent; }
    HelpScreen DataTable { height: auto; margin: 0 0 0 1; }
    HelpScreen #notes { margin: 0 0 1 1; color: $text-muted; }
    """

    def compose(self) -> ComposeResult:
        from tikhub_tui.ui.screens.chat import ChatScreen
        from tikhub_tui.ui.widgets.prompt import PromptArea
        from tikhub_tui.ui.widgets.sessions import SessionList
        from tikhub_tui.ui.widgets.transcript import Transcript

        with VerticalScroll():
            yield Label(
                "Keys (Esc closes) — remap them by id in config.toml [keymap]",
                classes="title",
                markup=False,
            )
            yield Label("Chat", classes="title")
            yield self._table(ChatScreen.BINDINGS, "chat")
            yield Label("Prompt", classes="title")
            yield self._fixed_table()
            own = [b for b in PromptArea.BINDINGS if isinstance(b, Binding) and b.id]
            yield self._table(own, "prompt-keys")
            yield Label("Messages (Ctrl+Up from the prompt, then Up and Down)", classes="title")
            yield self._table(Transcript.BINDINGS, "messages")
            yield Label("Session list (Ctrl+O)", classes="title")
            own = [b for b in SessionList.BINDINGS if isinstance(b, Binding) and b.id]
            yield self._table(own, "sessions")  # not the cursor keys every list has
            yield Label("App", classes="title")
            yield self._table(self.app.BINDINGS, "app")
            yield Label("Notes", classes="title")
            yield Static("\n".join(NOTES), id="notes", markup=False)

    def _table(self, bindings: Sequence[BindingType], name: str) -> DataTable[str]:
        table: DataTable[str] = DataTable(show_cursor=False, zebra_stripes=True, id=name)
        keymap = self.app._keymap
        rows = []
        for binding in bindings:
            if isinstance(binding, Binding) and binding.description:
                keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
                rows.append((key_label(keys), binding.description, binding.id or ""))
        table.add_columns("Key", "Action", "Id")
        table.add_rows(rows)
        return table

    def _fixed_table(self) -> DataTable[str]:
        table: DataTable[str] = DataTable(show_cursor=False, zebra_stripes=True, id="prompt")
        table.add_columns("Key", "Action")
        table.add_rows(PROMPT_KEYS)
        return table
