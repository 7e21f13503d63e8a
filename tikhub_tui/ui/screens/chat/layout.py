"""The chat screen's layout keys: the sidebar shown or hidden by width and by hand, focus moved
between its parts, the transcript scrolled; the screen itself (screen.py) does the rest."""

from __future__ import annotations

from textual import events
from textual.screen import Screen

from tikhub_tui.ui.widgets.chat_pane import ChatPane
from tikhub_tui.ui.widgets.prompt import PromptArea
from tikhub_tui.ui.widgets.sessions import SessionList
from tikhub_tui.ui.widgets.sidebar import ModelTree, Sidebar
from tikhub_tui.ui.widgets.transcript import Transcript


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

    def on_resize(self, event: events.Resize) -> None:
        self.query_one(Sidebar).fit(event.size.width)  # Ctrl+B, Ctrl+L, Ctrl+O show it

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one(Sidebar)
        if not sidebar.toggle() and sidebar.has_focus_within:
            self.query_one(PromptArea).focus()

    def action_focus_models(self) -> None:
        self.query_one(Sidebar).reveal()
        self.query_one(ModelTree).focus()

    def action_focus_sessions(self) -> None:
        self.query_one(Sidebar).reveal()
        self.query_one(SessionList).focus()

    def action_select_messages(self) -> None:
        self.transcript.focus()

    def action_follow(self) -> None:
        self.transcript.follow()

    def action_page_up(self) -> None:
        self.transcript.scroll_page_up()

    def action_page_down(self) -> None:
        self.transcript.scroll_page_down()
