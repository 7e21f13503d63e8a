"""The chat's footer: Textual's, with the most useful keys first.

Textual lists the focused widget's keys first and the app's (Help, Settings) last, so on an
80-column terminal F1 and F2 fell off the end; here a fixed order of actions comes first and
the rest keep their order after it.
"""

from __future__ import annotations

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
    """A footer whose keys start with `FIRST`; the command palette key stays at the end."""

    def compose(self) -> ComposeResult:
        widgets = list(super().compose())

        def rank(widget: object) -> int:
            if not isinstance(widget, FooterKey) or widget.has_class("-command-palette"):
                return len(FIRST) + 1
            action = widget.action.rsplit(".", 1)[-1]
            return FIRST.index(action) if action in FIRST else len(FIRST)

        yield from sorted(widgets, key=rank)
