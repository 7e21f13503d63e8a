"""Small modal dialogs: rename (a line of text) and confirm (yes or no), for sessions, settings
and the sessions file.

Each returns its answer through `dismiss`, so a screen pushes it with a callback or awaits
`push_screen_wait` and does the store work itself.
"""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Key
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label

from tikhub_tui.core.store.text import display_safe


def blinks(app: App[Any]) -> bool:
    """Whether text cursors blink: the app's `cursor_blink` setting (on without settings)."""
    return bool(getattr(getattr(app, "settings", None), "cursor_blink", True))


_DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{ width: 64; max-width: 100%; height: auto; background: $panel;
    border: round $accent; padding: 1 2; }}
{name} .question {{ width: 100%; margin: 0 0 1 0; }}
{name} .problem {{ color: $text-error; height: auto; }}
{name} Horizontal {{ height: auto; align-horizontal: right; margin: 1 0 0 0; }}
{name} Button {{ margin: 0 0 0 2; }}
"""


class RenameScreen(ModalScreen[str | None]):
    """Asks for a session title: Enter saves it (never empty), Esc keeps the old one."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="rename-cancel")]
    DEFAULT_CSS = _DIALOG_CSS.format(name="RenameScreen")

    def __init__(self, current_title: str) -> None:
        super().__init__()
        self.current_title = current_title

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Rename the session — Enter saves · Esc cancels", classes="question")
            yield Input(display_safe(self.current_title), placeholder="Title", id="title")
            yield Label("", classes="problem", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.cursor_blink = blinks(self.app)
        field.focus()
        field.select_all()  # typing replaces the old title; an arrow key keeps it to edit

    def on_input_changed(self) -> None:
        self.query_one(".problem", Label).update("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        title = " ".join(display_safe(event.value).split())
        if not title:
            self.query_one(".problem", Label).update("A title cannot be empty.")
            return
        self.dismiss(title)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """A yes-or-no question: y (or the yes button's own letter, or Enter on it) says yes; n,
    Esc (or the no button's letter) says no. Every yes/no question of the app is one of these.
    """

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm-yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm-no"),
    ]
    DEFAULT_CSS = (
        _DIALOG_CSS.format(name="ConfirmScreen")
        + """
    ConfirmScreen.-destructive > Vertical { border: round $error; }
    """
    )

    def __init__(
        self,
        question: str,
        confirm_label: str = "Delete",
        cancel_label: str = "Cancel",
        *,
        destructive: bool = True,
        keys: tuple[str, str] = ("y", "n"),
        default: bool = True,
    ) -> None:
        """`keys` are the letters for yes and no shown on the buttons (y and n work too);
        `default` is the answer whose button has the focus (Enter)."""
        super().__init__(classes="-destructive" if destructive else "")
        self.question = question
        self.confirm_label = confirm_label
        self.cancel_label = cancel_label
        self.destructive = destructive
        self.keys = keys
        self.default = default

    def compose(self) -> ComposeResult:
        yes, no = (key.upper() for key in self.keys)
        with Vertical():
            yield Label(self.question, classes="question", markup=False)
            with Horizontal():
                yield Button(f"{self.cancel_label} ({no})", id="cancel")
                yield Button(
                    f"{self.confirm_label} ({yes})",
                    id="confirm",
                    variant="error" if self.destructive else "primary",
                )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#confirm" if self.default else "#cancel", Button).focus()

    def on_key(self, event: Key) -> None:
        if event.key in self.keys:
            event.stop()
            self.dismiss(event.key == self.keys[0])

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm")

    def action_answer(self, confirmed: bool) -> None:
        self.dismiss(confirmed)
