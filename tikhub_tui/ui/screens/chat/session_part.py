"""The chat screen's session handling: opening, listing, renaming and deleting saved sessions,
the store work done by ChatSessions (sessions.py) in thread workers and shown here.

A base of ChatScreen (screen.py) so that the screen stays about sending and answers.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, cast

from textual.actions import SkipAction

from tikhub_tui.core.store.records import last_model
from tikhub_tui.ui.screens.chat.conversation import ChatConversation
from tikhub_tui.ui.screens.chat.layout import ChatLayout
from tikhub_tui.ui.screens.chat.sessions import ChatSessions
from tikhub_tui.ui.widgets.answer import AnswerView
from tikhub_tui.ui.widgets.prompt import PromptArea
from tikhub_tui.ui.widgets.sessions import SessionList
from tikhub_tui.ui.widgets.transcript import Transcript, UserMessage

if TYPE_CHECKING:
    from tikhub_tui.ui.app import TikhubApp
    from tikhub_tui.ui.screens.chat.usage import ChatUsage


class ChatSessionsPart(ChatLayout):
    """Saved sessions shown, switched and changed; the screen provides what is declared here."""

    sessions: ChatSessions
    usage: ChatUsage
    conversation: ChatConversation | None
    settled: asyncio.Event

    @property
    def tikhub(self) -> TikhubApp:
        return cast("TikhubApp", self.app)

    @property
    def chat(self) -> ChatConversation:
        assert self.conversation is not None, "the conversation starts when the screen mounts"
        return self.conversation

    @property
    def streaming(self) -> bool:
        """An answer is streaming (the screen knows its stream controller)."""
        raise NotImplementedError

    def open_session(self, session_id: str | None, at_message: int | None = None) -> None:
        """Show a saved session (its newest messages; older ones load on scrolling up), or
        a new one; the next prompts go to the model it last used, as with `ask --continue`."""
        if self.streaming:
            self.notify("An answer is still streaming: Esc stops it first.", severity="warning")
            return
        self._stop_editing()
        if session_id is None:
            self.post_message(ChatSessions.Opened(None))
        else:
            self.sessions.open(session_id, at_message)

    async def on_chat_sessions_opened(self, event: ChatSessions.Opened) -> None:
        said = self.chat.session_id is not None or bool(self.chat.messages())
        if self.streaming or (event.at_start and said):
            return  # an answer began meanwhile: it keeps the screen
        system = event.system if event.session_id else self.tikhub.settings.system_prompt
        used = last_model(event.messages)
        if event.adopt_model and used is not None:
            self.tikhub.choose_model(used.provider, used.model, say=False)
        await self.chat.show(
            event.session_id,
            event.messages,
            system=system,
            title=event.title,
            at_message=event.at_message,
            found=event.found,
        )
        self.query_one(SessionList).current = event.session_id
        if event.session_id is None:
            self.sessions.refresh(None)
        else:
            self.sessions.positions(event.session_id)
        transcript = self.transcript
        if event.at_message is not None and transcript.has_focus:
            target = self.chat.find(event.at_message)
            if target is not None:  # flipping versions keeps the selection on the message
                transcript.select(target)
        self.usage.count(event.session_id)
        self.refresh_status()

    def on_chat_sessions_positions(self, event: ChatSessions.Positions) -> None:
        if event.session_id != self.chat.session_id:
            return
        for widget in self.transcript.query("UserMessage, AnswerView"):
            message_id = getattr(widget, "message_id", None)
            if isinstance(widget, UserMessage | AnswerView) and message_id is not None:
                widget.show_position(*event.positions.get(message_id, (1, 1)))

    def on_chat_sessions_listed(self, event: ChatSessions.Listed) -> None:
        current = self.chat.session_id
        self.query_one(SessionList).show(event.summaries, current, event.now)
        if event.current == current and current is not None:
            self.chat.title = event.title
        self.refresh_status()

    def on_chat_sessions_ready(self, event: ChatSessions.Ready) -> None:
        self.query_one(PromptArea).remember(event.recent_prompts)
        self.settled.set()

    def on_chat_sessions_deleted(self, event: ChatSessions.Deleted) -> None:
        self.sessions.was_deleted(event)
        if self.chat.session_id == event.session_id and not self.streaming:
            self.open_session(None)

    def on_chat_sessions_notice(self, event: ChatSessions.Notice) -> None:
        self.notify(
            event.text,
            title=event.title,
            severity=event.severity,
            timeout=event.timeout,
            markup=False,
        )

    async def on_transcript_near_top(self, _: Transcript.NearTop) -> None:
        await self.chat.mount_earlier()

    def action_new_session(self) -> None:
        self.open_session(None)
        self.query_one(PromptArea).focus()

    def action_move_store_aside(self) -> None:
        self.sessions.move_aside()

    def action_search(self) -> None:
        self.sessions.search()

    def action_rename_session(self) -> None:
        chat = self.chat
        self.sessions.rename(chat.session_id, chat.title, chat.session_id)

    def action_undo_delete(self) -> None:
        if isinstance(self.focused, PromptArea) and not self.sessions.undoable:
            raise SkipAction()  # the prompt's own undo
        self.sessions.undo_delete()

    def on_session_list_chosen(self, event: SessionList.Chosen) -> None:
        self.open_session(event.session_id)
        self.query_one(PromptArea).focus()

    def on_session_list_rename_asked(self, event: SessionList.RenameAsked) -> None:
        self.sessions.rename(event.session_id, event.title, self.chat.session_id)

    def on_session_list_delete_asked(self, event: SessionList.DeleteAsked) -> None:
        self.sessions.delete(event.session_id, event.title, self.chat.session_id)
