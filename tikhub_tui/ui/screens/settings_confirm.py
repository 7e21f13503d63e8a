"""A small question before unsaved settings are thrown away."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label


class DiscardChanges(ModalScreen[bool]):
    """Asks "discard changes?"; dismisses with True to discard, False to keep editing."""

    BINDINGS = [
        Binding("d,y", "answer(True)", "Discard", id="discard-changes"),
        Binding("escape,k,n", "answer(False)", "Keep editing", id="keep-editing"),
    ]

    DEFAULT_CSS = """
    DiscardChanges { align: center middle; }
    DiscardChanges > Vertical { width: 56; height: auto; background: $panel;
        border: round $warning; padding: 1 2; }
    DiscardChanges Label { width: 100%; margin: 0 0 1 0; }
    DiscardChanges Horizontal { height: auto; align-horizontal: right; }
    DiscardChanges Button { margin: 0 0 0 2; }
    """

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Discard the changes you made in Settings?")
            with Horizontal():
                yield Button("Keep editing (K)", id="keep", variant="primary")
                yield Button("Discard (D)", id="discard", variant="error")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "discard")

    def action_answer(self, discard: bool) -> None:
        self.dismiss(discard)
