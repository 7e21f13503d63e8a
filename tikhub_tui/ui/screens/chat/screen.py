"""The chat screen: sidebar, transcript and prompt, wired to the conversation and its sessions.

The screen routes keys and messages: the conversation (conversation.py) holds what is said and
begins answers, the sessions (sessions.py) do the store work in thread workers, the stream
controller feeds answers to the screen; widgets only show things. Each prompt sends the
history in the current model's own protocol, so switching model (even provider) keeps it.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from textual import events
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Label

from tikhub_tui.core.exchange import Exchange, Prompt
from tikhub_tui.core.store.records import last_model
from tikhub_tui.core.store.text import display_safe
from tikhub_tui.ui.format import fit_title, meta_line
from tikhub_tui.ui.screens.chat.conversation import ChatConversation
from tikhub_tui.ui.screens.chat.draft import keep_draft, kept_draft
from tikhub_tui.ui.screens.chat.sessions import ChatSessions
from tikhub_tui.ui.streaming import StreamController, StreamEnded, StreamRetrying, StreamStarted
from tikhub_tui.ui.widgets.answer import AnswerView
from tikhub_tui.ui.widgets.footer import KeyFooter
from tikhub_tui.ui.widgets.prompt import PromptArea
from tikhub_tui.ui.widgets.sessions import SessionList
from tikhub_tui.ui.widgets.sidebar import ModelTree, Sidebar
from tikhub_tui.ui.widgets.transcript import Transcript, UserMessage

if TYPE_CHECKING:
    from tikhub_tui.core.client import ChatClient
    from tikhub_tui.ui.app import TikhubApp

NARROW = 100
"""Below this many columns the sidebar starts hidden."""


class ChatScreen(Screen[None]):
    """The main screen."""

    BINDINGS = [
        Binding("escape", "cancel", "Stop", id="cancel"),  # in the footer while streaming
        Binding("escape", "back", "Back to the prompt", id="back", show=False),
        Binding("ctrl+r", "regenerate", "Regenerate", id="regenerate"),
        # priority, and skipped when the prompt wants the key (see the actions): Ctrl+E ends
        # the line of a prompt with text, Ctrl+Z undoes typing unless a delete just happened
        Binding(
            "ctrl+e", "edit_prompt", "Edit prompt", id="edit-prompt", show=False, priority=True
        ),
        Binding("ctrl+n", "new_session", "New", id="new-session"),
        Binding("ctrl+f", "search", "Search", id="search"),
        Binding("ctrl+t", "rename_session", "Rename", id="rename-session", show=False),
        Binding(
            "ctrl+z", "undo_delete", "Undo delete", id="undo-delete", show=False, priority=True
        ),
        Binding("ctrl+y", "copy_answer", "Copy answer", id="copy-answer", priority=True),
        Binding("ctrl+k", "copy_code", "Copy code", id="copy-code", show=False, priority=True),
        # not Ctrl+B: tmux's prefix (see ui/terminal_keys.py for every key checked)
        Binding(
            "ctrl+backslash", "toggle_sidebar", "Sidebar", id="toggle-sidebar", show=False
        ),
        Binding("ctrl+g", "toggle_reasoning", "Reasoning", id="toggle-reasoning", show=False),
        Binding(
            "alt+g", "toggle_all_reasoning", "All reasoning", id="toggle-all-reasoning", show=False
        ),
        Binding("ctrl+l", "focus_models", "Models", id="focus-models", show=False),
        Binding("ctrl+o", "focus_sessions", "Sessions", id="focus-sessions"),
        Binding("ctrl+up", "select_messages", "Select messages", id="select-messages", show=False),
        Binding("ctrl+end", "follow", "Follow", id="follow", show=False),
        Binding("pageup", "page_up", "Page up", id="page-up", show=False, priority=True),
        Binding("pagedown", "page_down", "Page down", id="page-down", show=False, priority=True),
    ]

    DEFAULT_CSS = """
    ChatScreen #columns { height: 1fr; }
    ChatScreen #main { height: 1fr; width: 1fr; }
    ChatScreen #follow-hint { display: none; width: 100%; height: 1;
        content-align: center middle; background: $accent 30%; color: $text; }
    ChatScreen #editing { display: none; height: auto; padding: 0 2; color: $text-warning; }
    ChatScreen #status { height: 1; padding: 0 2; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.controller = StreamController(self, self._client)
        self.sessions = ChatSessions(self, self.tikhub.store)
        self.conversation: ChatConversation | None = None
        self._editing: UserMessage | None = None
        self.settled = asyncio.Event()
        """Set once the start-up work is done (the last session reopened, if there was one)."""
        self._sidebar_chosen = False
        """The user showed or hid the sidebar: the terminal's width no longer decides."""
        self._following = True
        """The transcript follows the newest text (else the hint to go back down shows)."""
        self._prompt: PromptArea | None = None
        self._unsaved = ""
        """Why the last answer could not be saved ("" once one is again): NOT SAVING shows."""

    @property
    def tikhub(self) -> TikhubApp:
        return cast("TikhubApp", self.app)

    @property
    def streaming(self) -> bool:
        """An answer is streaming."""
        return self.controller.busy

    def stop_streams(self) -> None:
        """Stop every answer streaming (they are saved, marked stopped)."""
        self.controller.cancel()

    def compose(self) -> ComposeResult:
        app = self.tikhub
        yield Header(show_clock=False, icon="")
        with Horizontal(id="columns"):
            yield Sidebar(app.models(), (app.provider, app.model))
            with Vertical(id="main"):
                yield Transcript(id="transcript")
                yield Label("↓ new text below — Ctrl+End to follow", id="follow-hint")
                yield Label("", id="editing", markup=False)
                yield PromptArea(
                    id="prompt",
                    placeholder="Ask anything — Enter sends, Ctrl+J new line, Up recalls",
                )
                yield Label("", id="status", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        app = self.tikhub
        prompt = self._prompt = self.query_one(PromptArea)
        prompt.cursor_blink = app.settings.cursor_blink
        prompt.focus()
        self.conversation = ChatConversation(
            self.transcript, self.controller, app.store, lambda: self.tikhub.settings
        )
        self.conversation.system = app.settings.system_prompt
        settings = app.settings
        self.transcript.set_reading_width(settings.reading_width, settings.reading_align)
        self.sessions.start(adopt_model=not app.model_given)
        self.refresh_status()
        draft = kept_draft()
        if draft:  # typed but not sent when the app last quit
            prompt.load_text(draft)
            prompt.move_cursor(prompt.document.end)

    def on_unmount(self) -> None:
        if self._prompt is not None:  # its text outlives the widget's removal
            keep_draft(self._prompt.text)

    # -- helpers -----------------------------------------------------------------------------

    def _client(self) -> ChatClient:
        return self.tikhub.client()

    @property
    def transcript(self) -> Transcript:
        return self.query_one(Transcript)

    @property
    def chat(self) -> ChatConversation:
        assert self.conversation is not None, "the conversation starts when the screen mounts"
        return self.conversation

    @property
    def timings(self) -> bool:
        return self.tikhub.settings.show_timings

    def refresh_status(self) -> None:
        app = self.tikhub
        streaming = " · streaming (Esc stops)" if self.streaming else ""
        saving = " · NOT SAVING" if app.store.problem or self._unsaved else ""
        self.query_one("#status", Label).update(
            f"{app.model} · {app.provider} · {app.access_label()}{saving}{streaming}"
        )
        self.query_one(ModelTree).mark(app.provider, app.model)
        title = self.conversation.title if self.conversation else ""
        shown = display_safe(title) or "New conversation"  # escapes shown, not obeyed
        self.title = fit_title(shown, app.sub_title, self.size.width or 80)
        self.refresh_bindings()  # the footer shows Esc Stop only while something streams
        self._show_follow_hint()

    def refresh_models(self, models: dict[str, list[str]]) -> None:
        """Show the catalogue again (extra model names may have been saved in Settings)."""
        self.query_one(ModelTree).fill(models)

    # -- sessions ----------------------------------------------------------------------------

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
        if self.streaming:
            return  # an answer began meanwhile: it keeps the screen
        system = event.system if event.session_id else self.tikhub.settings.system_prompt
        await self.chat.show(event.session_id, event.messages, system=system, title=event.title)
        used = last_model(event.messages)
        if event.adopt_model and used is not None:
            self.tikhub.provider, self.tikhub.model = used.provider, used.model
        transcript = self.transcript
        target = None
        if event.at_message is not None:
            target = await self.chat.reveal(event.at_message)
        if target is None:
            transcript.follow()
        else:  # highlighted (where the search found it) once mounted
            self.call_after_refresh(transcript.show_found, target, event.found)
        self.query_one(SessionList).current = event.session_id
        if event.session_id is None:
            self.sessions.refresh(None)
        else:
            self.sessions.positions(event.session_id)
        if target is not None and transcript.has_focus:
            transcript.select(target)  # flipping versions keeps the selection on the message
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

    # -- sending -----------------------------------------------------------------------------

    async def on_prompt_area_submitted(self, event: PromptArea.Submitted) -> None:
        if self.streaming:
            self.notify("An answer is still streaming: Esc stops it.", severity="warning")
            return
        await self.tikhub.access_ready.wait()
        event.prompt.clear()
        edited = self._editing
        if edited is not None:
            self._stop_editing()
            await self.chat.drop_from(edited)  # the old prompt and its answers: a branch now
            prompt = Prompt(event.text, replaces=edited.message_id)
        else:
            prompt = Prompt(event.text)
        await self._begin(prompt, UserMessage(event.text))

    async def _begin(self, prompt: Prompt, user: UserMessage) -> None:
        app = self.tikhub
        live = await self.chat.begin_turn(
            prompt,
            user,
            model=app.model,
            provider=app.provider,
            recorded=lambda exchange: self.post_message(self.Recorded(exchange)),
        )
        if live is None:
            self.sessions.refresh(self.chat.session_id)
        self.refresh_status()

    @dataclass
    class Recorded(Message):
        """An answer's prompt and empty row are stored (posted from the recording thread)."""

        exchange: Exchange

    def on_chat_screen_recorded(self, event: Recorded) -> None:
        live = self.chat.live
        answer = next((v for v in live if live[v].exchange is event.exchange), None)
        if self.chat.adopt(event.exchange, answer):
            self.sessions.refresh(self.chat.session_id)  # listed now, not after its answer

    def on_stream_started(self, event: StreamStarted) -> None:
        live = event.live
        if isinstance(live.sink, AnswerView):
            live.sink.set_meta(f"{live.model} · {live.provider} · streaming…")

    def on_stream_retrying(self, event: StreamRetrying) -> None:
        notice = event.notice
        if isinstance(event.live.sink, AnswerView):
            event.live.sink.set_meta(
                f"{notice.message or f'HTTP {notice.status}'} — retrying in {notice.wait:g} s "
                f"(attempt {notice.attempt + 1})"
            )

    async def on_stream_ended(self, event: StreamEnded) -> None:
        live = event.live
        await self.controller.finished(live)
        view = live.sink
        if isinstance(view, AnswerView):
            self.chat.live.pop(view, None)
            self.chat.adopt(live.exchange, view)
            view.seal()
            tally = live.tally
            view.set_state("stopped" if tally.status == "stopped" else "complete")
            if tally.error is not None:
                view.show_failure(tally.error)
            view.set_meta(meta_line(live.exchange, time.monotonic(), timings=self.timings))
        problem = live.exchange.problem
        if problem:
            self.notify(
                f"The answer could not be saved: {problem} It stays on screen until you quit.",
                severity="error",
                markup=False,
                timeout=15,
            )
        if live.exchange.saving or problem:
            self._unsaved = problem  # NOT SAVING until an answer is saved again
        self.refresh_status()
        self.sessions.refresh(self.chat.session_id)
        self.sessions.positions(self.chat.session_id)  # a regenerated answer is 2/2 now

    # -- actions -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":  # Esc stops a stream; else it goes back to the prompt
            return self.streaming
        return True

    def action_cancel(self) -> None:
        if self.streaming:
            self.stop_streams()
        else:
            self.action_back()

    def action_back(self) -> None:
        """Esc with nothing streaming: leave editing an earlier prompt, or go to the prompt."""
        if self._editing is not None:
            self._stop_editing()
        elif not isinstance(self.focused, PromptArea):
            self.query_one(PromptArea).focus()

    async def action_regenerate(self) -> None:
        """A new answer to the last prompt (the old one stays in the session as a branch)."""
        user = self.chat.last_prompt()
        if self.streaming:
            self.notify("An answer is still streaming: Esc stops it first.", severity="warning")
            return
        if user is None:
            self.notify("There is no prompt to answer again yet.", severity="warning")
            return
        answer = self.chat.last_answer()
        if answer is not None and self.chat.prompt_of(answer) is user:
            await answer.remove()
        await self._begin(Prompt(user.text, saved_id=user.message_id), user)

    def action_edit_prompt(self, user: UserMessage | None = None) -> None:
        """Load a prompt (the last one by default) into the prompt box to edit and resend."""
        focused = self.focused
        if user is None and isinstance(focused, PromptArea) and focused.text:
            raise SkipAction()  # Ctrl+E in a prompt with text: the end of the line
        user = user or self.chat.last_prompt()
        if self.streaming:
            self.notify("An answer is still streaming: Esc stops it first.", severity="warning")
            return
        if user is None:
            self.notify("There is no earlier prompt to edit yet.", severity="warning")
            return
        self._editing = user
        prompt = self.query_one(PromptArea)
        prompt.load_text(user.text)
        prompt.move_cursor(prompt.document.end)
        prompt.focus()
        self.query_one("#editing", Label).update(
            "Editing an earlier prompt: Enter resends it, Esc cancels (the old answers stay as "
            "a branch)"
        )
        self.query_one("#editing").display = True

    def _stop_editing(self) -> None:
        if self._editing is not None:
            self._editing = None
            self.query_one("#editing").display = False
            self.query_one(PromptArea).clear()

    def action_copy_answer(self) -> None:
        answer = self.chat.last_answer()
        if answer is None or not answer.text:
            self.notify("There is no answer to copy yet.", severity="warning")
            return
        self.tikhub.copy_text(answer.text, "the last answer")

    def action_copy_code(self) -> None:
        answer = self.chat.last_answer()
        if answer is None:
            self.notify("There is no answer yet.", severity="warning")
            return
        self.tikhub.pick_code_block(answer.text)

    def on_resize(self, event: events.Resize) -> None:
        """On a narrow terminal (an 80-column SSH window) the sidebar starts hidden, so the
        transcript keeps its width; Ctrl+\\ (or Ctrl+L, Ctrl+O) shows it, and then it stays."""
        if not self._sidebar_chosen:
            self.query_one(Sidebar).set_class(event.size.width < NARROW, "-hidden")
        self.refresh_status()  # the title is cut to the width

    def action_toggle_reasoning(self) -> None:
        """Open or close the reasoning of the last answer that has some."""
        answers = [a for a in self.query(AnswerView) if a.reasoning]
        if not answers:
            self.notify("No answer here has reasoning to show.", severity="warning")
            return
        answers[-1].toggle_reasoning()

    def action_toggle_all_reasoning(self) -> None:
        """Open every answer's reasoning, or close them all when all are open."""
        answers = [a for a in self.query(AnswerView) if a.reasoning]
        if not answers:
            self.notify("No answer here has reasoning to show.", severity="warning")
            return
        opened = not all(a.reasoning_open for a in answers)
        for answer in answers:
            answer.toggle_reasoning(opened)

    def action_toggle_sidebar(self) -> None:
        self._sidebar_chosen = True
        sidebar = self.query_one(Sidebar)
        sidebar.toggle_class("-hidden")
        if sidebar.has_class("-hidden") and sidebar.has_focus_within:
            self.query_one(PromptArea).focus()

    def action_focus_models(self) -> None:
        self._sidebar_chosen = True
        self.query_one(Sidebar).remove_class("-hidden")
        tree = self.query_one(ModelTree)
        tree.show_current()
        tree.focus()

    def action_focus_sessions(self) -> None:
        self._sidebar_chosen = True
        self.query_one(Sidebar).remove_class("-hidden")
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

    def on_transcript_message_action(self, event: Transcript.MessageAction) -> None:
        widget, action = event.widget, event.action
        if action == "leave":
            if self.streaming:
                self.stop_streams()  # Esc stops a stream wherever the focus is
            else:
                self.query_one(PromptArea).focus()
        elif action == "copy":
            text = widget.text if isinstance(widget, UserMessage | AnswerView) else ""
            self.tikhub.copy_text(text, "the message")
        elif action == "edit" and isinstance(widget, UserMessage):
            self.action_edit_prompt(widget)
        elif action in ("older", "newer"):
            message_id = getattr(widget, "message_id", None)
            session_id = self.chat.session_id
            if self.streaming:
                self.notify("An answer is still streaming: Esc stops it first.", severity="warning")
            elif message_id is None or session_id is None:
                self.notify("This message is not saved: it has no versions.", severity="warning")
            else:
                self.sessions.flip(session_id, message_id, -1 if action == "older" else 1)
        elif action == "branch":
            message_id = getattr(widget, "message_id", None)
            if message_id is None or self.chat.session_id is None:
                self.notify(
                    "This message is not saved, so it cannot be branched from.", severity="warning"
                )
            else:
                self.sessions.branch(self.chat.session_id, message_id)

    def on_transcript_follow_changed(self, event: Transcript.FollowChanged) -> None:
        self._following = event.following
        self._show_follow_hint()

    def _show_follow_hint(self) -> None:
        hint = self.query_one("#follow-hint", Label)
        # display, not a class on the screen: a screen class restyles every widget in it
        hint.display = not self._following
        if self.streaming:
            hint.update("↓ new text below — Ctrl+End to follow")
        else:
            hint.update("↓ more below — Ctrl+End to go to the end")

    def on_model_tree_chosen(self, event: ModelTree.Chosen) -> None:
        self.tikhub.choose_model(event.provider, event.model)
        self.query_one(PromptArea).focus()
