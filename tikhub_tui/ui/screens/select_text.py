"""Select and copy any part of the conversation with the keyboard, without the mouse.

A Textual app takes the mouse, so the terminal's own selection needs a modifier key that
differs per terminal (and fails in some over SSH and tmux). Here the loaded conversation is
shown as plain text (prompts and the answers' Markdown) with a cursor: arrows, words, lines
and pages move it, Shift or `v` extends a selection, and `y` (or Enter) copies it over OSC 52
like every other copy in the app.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, TextArea
from textual.widgets.text_area import Selection


class SelectionArea(TextArea):
    """A read-only text with a cursor; while `marking`, every move extends the selection."""

    def __init__(self, text: str) -> None:
        super().__init__(text, read_only=True, soft_wrap=True, show_line_numbers=False)
        self.marking = False

    def action_cursor_left(self, select: bool = False) -> None:
        super().action_cursor_left(select or self.marking)

    def action_cursor_right(self, select: bool = False) -> None:
        super().action_cursor_right(select or self.marking)

    def action_cursor_up(self, select: bool = False) -> None:
        super().action_cursor_up(select or self.marking)

    def action_cursor_down(self, select: bool = False) -> None:
        super().action_cursor_down(select or self.marking)

    def action_cursor_word_left(self, select: bool = False) -> None:
        super().action_cursor_word_left(select or self.marking)

    def action_cursor_word_right(self, select: bool = False) -> None:
        super().action_cursor_word_right(select or self.marking)

    def action_cursor_line_start(self, select: bool = False) -> None:
        super().action_cursor_line_start(select or self.marking)

    def action_cursor_line_end(self, select: bool = False) -> None:
        super().action_cursor_line_end(select or self.marking)


def conversation_text(messages: list[tuple[str, str]], start: int | None) -> tuple[str, int]:
    """The messages (who, text) as one text, and the line where message `start` begins."""
    lines: list[str] = []
    first = 0
    for index, (who, text) in enumerate(messages):
        if index == start:
            first = len(lines)
        lines += [f"── {who}", *text.split("\n"), ""]
    if start is None:
        first = max(0, len(lines) - 1)
    return "\n".join(lines), first


class SelectTextScreen(ModalScreen[None]):
    """The conversation as text to select from; `y` copies, Esc closes."""

    BINDINGS = [
        Binding("v", "mark", "Start/end selecting", id="select-mark"),
        Binding("y,enter", "copy", "Copy", id="select-copy"),
        Binding("f6", "select_line", "Line", id="select-line"),
        Binding("escape,q", "dismiss", "Close", id="select-close"),
    ]

    DEFAULT_CSS = """
    SelectTextScreen { background: $background 60%; }
    SelectTextScreen > Label { width: 100%; height: auto; padding: 0 1; background: $panel;
        color: $text-muted; }
    SelectTextScreen > SelectionArea { height: 1fr; border: tall $accent; }
    """

    def __init__(self, text: str, start_line: int = 0) -> None:
        super().__init__()
        self.text = text
        self.start_line = start_line

    def compose(self) -> ComposeResult:
        yield Label(
            "Select with the arrows (Ctrl+arrows: words) and Shift, or v then move; "
            "y or Enter copies, Esc closes",
            markup=False,
        )
        yield SelectionArea(self.text)
        yield Footer()

    def on_mount(self) -> None:
        area = self.query_one(SelectionArea)
        area.focus()
        area.move_cursor((self.start_line, 0))
        area.scroll_cursor_visible(center=True)

    def action_mark(self) -> None:
        area = self.query_one(SelectionArea)
        area.marking = not area.marking
        if area.marking:
            area.selection = Selection.cursor(area.cursor_location)

    def action_select_line(self) -> None:
        self.query_one(SelectionArea).action_select_line()

    def action_copy(self) -> None:
        area = self.query_one(SelectionArea)
        text = area.selected_text
        what = "the selection"
        if not text:  # nothing selected: the line the cursor is on
            text = area.document.get_line(area.cursor_location[0])
            what = "the line"
        if not text.strip():
            self.notify("Nothing to copy here: select some text first.", severity="warning")
            return
        area.marking = False
        # the app's copy (OSC 52, or the save offer where that cannot work); screens do not
        # import the app, so it is found by name as the code block picker does
        copy_text: Callable[[str, str, str], object] | None = getattr(self.app, "copy_text", None)
        if copy_text is None:
            self.app.copy_to_clipboard(text)
        else:
            copy_text(text, what, "selection.md")
