"""The chat screen's layout keys: the sidebar shown or hidden by width and by hand, focus moved
between its parts, the transcript scrolled; the screen itself (screen.py) does the rest."""

from __future__ import annotations

from textual import events
from textual.screen import Screen

from tikhub_tui.ui.widgets.answer import AnswerView
from tikhub_tui.ui.widgets.chat_pane import ChatPane
from tikhub_tui.ui.widgets.prompt import PromptArea
from tikhub_tui.ui.widgets.sessions import SessionList
from tikhub_tui.ui.widgets.sidebar import ModelTree, Sidebar
from tikhub_tui.ui.widgets.transcript import Transcript
from tikhub_tui.ui.widgets.user_message import UserMessage


class ChatLayout(Screen[None]):
    """Actions that only move the view or the focus (no conversation, no store)."""

    @property
    def transcript(self) -> Transcript:
        return self.query_one(Transcript)

    def action_back(self) -> None:
        """Esc with nothing streaming: leave editing an earlier prompt, or go to the prompt."""
        if self.query_one(ChatPane).editing is not None:
            self._stop_editing()
        elif not isinstance(self.focused, PromptArea):
            self.query_one(PromptArea).focus()

    def _stop_editing(self) -> None:
        self.query_one(ChatPane).stop_editing()

    def on_attachment_chips_left(self) -> None:
        self.query_one(PromptArea).focus()

    def refresh_status(self) -> None:
        """Redraw the status line and the title (the screen knows what they say)."""

    def on_resize(self, event: events.Resize) -> None:
        self.query_one(Sidebar).fit(event.size.width)  # Ctrl+\\, Ctrl+L, Ctrl+O show it
        self.refresh_status()  # the title is cut to the width

    def action_toggle_reasoning(self, every: bool = False) -> None:
        """Open or close the reasoning of the last answer that has some (`every`: of all)."""
        if not self.transcript.toggle_reasoning(every):
            self.notify("No answer here has reasoning to show.", severity="warning")

    def action_toggle_all_reasoning(self) -> None:
        self.action_toggle_reasoning(every=True)

    def on_transcript_select_text_asked(self, event: Transcript.SelectTextAsked) -> None:
        self.action_select_text(event.message)

    def action_select_text(self, start: UserMessage | AnswerView | None = None) -> None:
        """Select and copy any part of the loaded conversation with the keyboard."""
        from tikhub_tui.ui.screens.select_text import SelectTextScreen, conversation_text

        messages, index = self.transcript.as_text(start)
        if not messages:
            self.notify("There is nothing to select yet: send a prompt first.", severity="warning")
            return
        self.app.push_screen(SelectTextScreen(*conversation_text(messages, index)))

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one(Sidebar)
        if not sidebar.toggle() and sidebar.has_focus_within:
            self.query_one(PromptArea).focus()

    def action_focus_models(self) -> None:
        self.query_one(Sidebar).reveal()
        tree = self.query_one(ModelTree)
        tree.show_current()
        tree.focus()

    def action_focus_sessions(self) -> None:
        self.query_one(Sidebar).reveal()
        sessions = self.query_one(SessionList)
        sessions.highlight_current()
        sessions.focus()

    def action_select_messages(self) -> None:
        self.transcript.focus()

    def action_follow(self) -> None:
        self.transcript.follow()

    def action_page_up(self) -> None:
        self.transcript.scroll_page_up()

    def action_page_down(self) -> None:
        self.transcript.scroll_page_down()
