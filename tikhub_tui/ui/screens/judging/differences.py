"""The differences between two answers of a race, full screen: a line diff in the theme's
colours, side by side when the terminal is wide enough.

It opens on the pane the keys act on against the next one; Tab puts another pane on the right.
While the race is blind the sides are named by their labels only, and the texts compared are
the ones on screen (naming lines hidden).
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Footer

from tikhub_tui.core.judging.diff import diff_answers
from tikhub_tui.ui.widgets.diff import DiffView


class DiffScreen(ModalScreen[None]):
    """`answers` are (title, text) per pane; `left` is compared with another (Tab changes it)."""

    BINDINGS = [
        Binding("escape,q", "close", "Close", id="diff-close"),
        Binding("tab", "other", "Other pane", id="diff-other-pane"),
    ]
    DEFAULT_CSS = """
    DiffScreen { background: $background 60%; }
    DiffScreen DiffView { border: round $accent; }
    """

    def __init__(self, answers: Sequence[tuple[str, str]], left: int) -> None:
        super().__init__()
        self.answers = list(answers)
        self.left = left % len(self.answers)
        self.right = (self.left + 1) % len(self.answers)

    def compose(self) -> ComposeResult:
        (left_title, left), (right_title, right) = self.answers[self.left], self.answers[self.right]
        yield DiffView(diff_answers(left, right), left_title, right_title)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DiffView).focus()

    def action_other(self) -> None:
        """The next pane (not the left one) on the right."""
        if len(self.answers) < 3:
            return
        self.right = (self.right + 1) % len(self.answers)
        if self.right == self.left:
            self.right = (self.right + 1) % len(self.answers)
        (left_title, left), (right_title, right) = self.answers[self.left], self.answers[self.right]
        self.query_one(DiffView).show(diff_answers(left, right), left_title, right_title)

    def action_close(self) -> None:
        self.dismiss()
