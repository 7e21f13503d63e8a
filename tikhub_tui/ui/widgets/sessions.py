"""The session list of the sidebar: saved sessions, most recent first, with title and age.

An `OptionList` renders only the lines on screen, so a thousand sessions cost no more than ten;
the widget only shows rows and says what the user asked for, the screen does the store work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tikhub_tui.core.store.records import SessionSummary
from tikhub_tui.core.store.text import display_safe, format_age
from tikhub_tui.ui.widgets.lists import QUIET_CURSOR_BINDINGS

UNTITLED = "untitled"
"""Shown for a session that has no title yet (its first prompt has not been saved)."""
EMPTY = "No saved sessions yet"
CURRENT_MARK = "● "
OTHER_MARK = "  "


def _safe(text: str) -> str:
    """`display_safe`, with a fast path for the usual title that has nothing to drop."""
    return text.strip() if text.isprintable() else display_safe(text).strip()


def session_row(summary: SessionSummary, now: datetime, *, current: bool = False) -> Content:
    """Two lines: the title (marked when current), then the age and the message count.

    Built from plain text and styles, never markup, so a title such as `[b]x` shows as typed.
    """
    title = _safe(summary.title)
    count = summary.message_count
    details = f"{format_age(summary.updated_at, now)} · {count} message{'' if count == 1 else 's'}"
    return Content.assemble(
        (CURRENT_MARK, "bold $accent") if current else OTHER_MARK,
        (title, "bold" if current else "") if title else (UNTITLED, "italic $text-muted"),
        "\n",
        OTHER_MARK,
        (details, "$text-muted"),
    )


class SessionList(OptionList, inherit_bindings=False):
    """Saved sessions; Enter opens one, r renames it, d (or Delete) asks to delete it."""

    BINDINGS = [
        Binding("enter", "select", "Open", id="session-open"),
        Binding("r", "rename", "Rename", id="session-rename"),
        Binding("d,delete", "delete", "Delete", id="session-delete"),
        *QUIET_CURSOR_BINDINGS,
    ]

    DEFAULT_CSS = """
    SessionList { height: 1fr; background: transparent; border: none; padding: 0;
        text-wrap: nowrap; text-overflow: ellipsis; }
    SessionList:focus { border: none; background-tint: $foreground 0%; }
    SessionList > .option-list--option { padding: 0; }
    """

    @dataclass
    class _SessionMessage(Message):
        """Base of the list's messages: which session, with its title for dialogs."""

        session_list: SessionList
        session_id: str
        title: str
        """The title as listed ("" when untitled)."""

        @property
        def control(self) -> SessionList:
            """The list that sent the message (for `@on(..., "#selector")`)."""
            return self.session_list

    class Chosen(_SessionMessage):
        """The user opened a session (Enter or a click)."""

    class RenameAsked(_SessionMessage):
        """The user asked to rename a session."""

    class DeleteAsked(_SessionMessage):
        """The user asked to delete a session (the screen confirms first)."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, markup=False)
        self._summaries: dict[str, SessionSummary] = {}
        self.current: str | None = None
        """Id of the session on screen, marked in the list."""

    def show(self, summaries: Sequence[SessionSummary], current: str | None, now: datetime) -> None:
        """List `summaries` (most recent first), marking `current`; ages are relative to `now`.

        The highlighted session stays highlighted when it is still listed; when it is gone
        (deleted), the row that took its place is highlighted instead.
        """
        previous_id = self.highlighted_session
        previous_index = self.highlighted
        previous_scroll = self.scroll_y
        ordered = sorted(summaries, key=lambda s: s.updated_at, reverse=True)
        self._summaries = {s.id: s for s in ordered}
        self.current = current
        if not ordered:
            self.set_options([Option(Content.styled(EMPTY, "italic $text-muted"), disabled=True)])
            return
        self.set_options(
            Option(session_row(s, now, current=s.id == current), id=s.id) for s in ordered
        )
        self.scroll_y = previous_scroll  # then the highlight moves into view only if it must
        if not self.has_focus and current in self._summaries:
            self.highlighted = self.get_option_index(current)  # what Ctrl+O lands on
        elif previous_id in self._summaries:
            self.highlighted = self.get_option_index(previous_id)
        elif previous_index is not None:
            self.highlighted = min(previous_index, len(ordered) - 1)
        elif current in self._summaries:
            self.highlighted = self.get_option_index(current)
        else:
            self.highlighted = 0

    def highlight_current(self) -> None:
        """Highlight the session on screen (when it is listed), so `d` or `r` act on it."""
        if self.current in self._summaries:
            self.highlighted = self.get_option_index(self.current)

    @property
    def session_ids(self) -> list[str]:
        """The listed session ids, in list order."""
        return list(self._summaries)

    @property
    def highlighted_session(self) -> str | None:
        """Id of the highlighted session, if any."""
        option = self.highlighted_option
        return None if option is None else option.id

    def _post(self, kind: type[_SessionMessage], session_id: str | None) -> None:
        summary = self._summaries.get(session_id or "")
        if summary is not None:
            self.post_message(kind(self, summary.id, _safe(summary.title)))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._post(self.Chosen, event.option_id)

    def action_rename(self) -> None:
        self._post(self.RenameAsked, self.highlighted_session)

    def action_delete(self) -> None:
        self._post(self.DeleteAsked, self.highlighted_session)
