"""The help screen: every key binding of the app, read from the bindings themselves.

The tables it shows are the bindings of the screen and widgets they belong to (and the
prompt's own key table), so help never drifts from the keys; keys are shown as they are after
the user's [keymap], next to the binding id to use there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label, Static

from tikhub_tui.ui.terminal_keys import NOTES

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


@dataclass(frozen=True)
class KeyTable:
    """One table of the help screen: a title and the bindings it lists."""

    title: str
    name: str
    """The table's id (for tests and styles)."""
    bindings: Sequence[BindingType]


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

    def __init__(self, tables: Sequence[KeyTable]) -> None:
        super().__init__()
        self.tables = tables

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Label(
                "Keys (Esc closes) — remap them by id in config.toml [keymap]",
                classes="title",
                markup=False,
            )
            for table in self.tables:
                yield Label(table.title, classes="title", markup=False)
                yield self._table(table)
            yield Label("Notes", classes="title")
            yield Static("\n".join(NOTES), id="notes", markup=False)

    def _table(self, table: KeyTable) -> DataTable[str]:
        shown: DataTable[str] = DataTable(show_cursor=False, zebra_stripes=True, id=table.name)
        keymap = self.app._keymap
        rows = []
        for binding in table.bindings:
            if isinstance(binding, Binding) and binding.description:
                keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
                rows.append((key_label(keys), binding.description, binding.id or ""))
        if any(row[2] for row in rows):
            shown.add_columns("Key", "Action", "Id")
            shown.add_rows(rows)
        else:  # keys that cannot be remapped: no id column
            shown.add_columns("Key", "Action")
            shown.add_rows([row[:2] for row in rows])
        return shown
