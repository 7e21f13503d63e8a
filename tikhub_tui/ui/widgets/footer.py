"""The footer of the chat and the race: Textual's, with the most useful keys first.

Textual lists the focused widget's keys first and the app's (Help, Settings) last, so on an
80-column terminal F1 and F2 fell off the end; here the keys of the widget the user moved to
(the session list's Open/Rename/Delete, a chip's Remove) still come first, then a fixed order
of actions (the screen's own: `FIRST` for the chat), and the rest keep their order after it.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

FIRST = (
    "cancel",
    "help",
    "settings",
    "new_session",
    "regenerate",
    "focus_sessions",
    "search",
    "copy_answer",
)
"""Actions in the order their keys lead the footer (what a new user needs first)."""


class KeyFooter(Footer):
    """A footer whose keys start with the focused widget's, then `first` (the chat's `FIRST`
    unless given); the command palette key stays at the end."""

    def __init__(self, first: Sequence[str] = FIRST, *, compact: bool = False) -> None:
        super().__init__(compact=compact)
        self.first = tuple(first)

    def compose(self) -> ComposeResult:
        widgets = list(super().compose())
        screen, app = self.screen, self.app
        own = {
            binding.action
            for node, binding, _, _ in screen.active_bindings.values()
            if node is not screen and node is not app
        }

        first = self.first

        def rank(widget: object) -> int:
            if not isinstance(widget, FooterKey) or widget.has_class("-command-palette"):
                return len(first) + 1
            if widget.action in own:
                return -1
            action = widget.action.rsplit(".", 1)[-1]
            return first.index(action) if action in first else len(first)

        yield from sorted(widgets, key=rank)
