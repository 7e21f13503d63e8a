"""The chat screen: sidebar, transcript and prompt, wired to the conversation and its sessions.

The screen routes keys and messages: the conversation (conversation.py) holds what is said and
begins answers, the sessions (sessions.py) do the store work in thread workers, the stream
controller feeds answers to the screen; widgets only show things. Each prompt sends the
history in the current model's own protocol, so switching model (even provider) keeps it.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Header

from tikhub_tui.core.exchange import Prompt
from tikhub_tui.core.model import Attachment
from tikhub_tui.core.store.text import display_safe
from tikhub_tui.ui.format import fit_title
from tikhub_tui.ui.screens.chat.conversation import ChatConversation
from tikhub_tui.ui.screens.chat.draft import keep_draft, kept_draft
from tikhub_tui.ui.screens.chat.files import ChatFiles
from tikhub_tui.ui.screens.chat.keys import BINDINGS, key_tables
from tikhub_tui.ui.screens.chat.session_part import ChatSessionsPart
from tikhub_tui.ui.screens.chat.sessions import ChatSessions
from tikhub_tui.ui.screens.chat.usage import ChatUsage, SessionTotal
from tikhub_tui.ui.screens.help import KeyTable
from tikhub_tui.ui.streaming import StreamController
from tikhub_tui.ui.widgets.answer import AnswerView
from tikhub_tui.ui.widgets.attachments import AttachmentChips
from tikhub_tui.ui.widgets.chat_pane import ChatPane
from tikhub_tui.ui.widgets.footer import KeyFooter
from tikhub_tui.ui.widgets.prompt import PromptArea
from tikhub_tui.ui.widgets.sidebar import ModelTree, Sidebar
from tikhub_tui.ui.widgets.transcript import Transcript, UserMessage

if TYPE_CHECKING:
    from tikhub_tui.core.client import ChatClient


class ChatScreen(ChatSessionsPart):
    """The main screen."""

    BINDINGS = BINDINGS

    DEFAULT_CSS = "ChatScreen #columns { height: 1fr; }"

    def __init__(self) -> None:
        super().__init__()
        self.controller = StreamController(self, self._client)
        self.sessions = ChatSessions(self, self.tikhub.store)
        self.usage = ChatUsage(self)
        self.files = ChatFiles(self)
        self.conversation: ChatConversation | None = None
        self.settled = asyncio.Event()
        """Set once the start-up work is done (the last session reopened, if there was one)."""
        self._prompt: PromptArea | None = None

    @classmethod
    def key_tables(cls) -> list[KeyTable]:
        """The keys of this screen and of the widgets on it, for the help screen."""
        return key_tables()

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
            yield ChatPane()
        yield KeyFooter()

    def on_mount(self) -> None:
        app = self.tikhub
        prompt = self._prompt = self.query_one(PromptArea)
        prompt.cursor_blink = app.settings.cursor_blink
        prompt.focus()
        self.conversation = ChatConversation(
            self.transcript,
            self.controller,
            app.store,
            lambda: self.tikhub.settings,
            self.post_message,
        )
        self.conversation.system = app.settings.system_prompt
        settings = app.settings
        self.transcript.set_reading_width(settings.reading_width, settings.reading_align)
        self.sessions.start(adopt_model=not app.model_given)
        self.watch(app, "chosen", self._show_choice, init=False)
        self.watch(app, "access", self.refresh_status, init=False)
        self.watch(app, "settings", self._show_settings, init=False)
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
    def timings(self) -> bool:
        return self.tikhub.settings.show_timings

    def refresh_status(self) -> None:
        app = self.tikhub
        streaming = " · streaming (Esc stops)" if self.streaming else ""
        unsaved = self.conversation is not None and self.conversation.unsaved
        saving = " · NOT SAVING" if app.store.problem or unsaved else ""
        line = f"{app.model} · {app.provider} · {app.access_label()}{saving}{streaming}"
        line += "" if self.streaming else self.usage.status()  # the total once it is one
        self.query_one(ChatPane).show_status(line, streaming=self.streaming)
        title = self.conversation.title if self.conversation else ""
        shown = display_safe(title) or "New conversation"  # escapes shown, not obeyed
        self.title = fit_title(shown, app.sub_title, self.size.width or 80)
        self.refresh_bindings()  # the footer shows Esc Stop only while something streams
        if self.conversation is not None:
            self.usage.show()

    def _show_choice(self) -> None:
        self.query_one(ModelTree).mark(self.tikhub.provider, self.tikhub.model)
        self.refresh_status()

    def _show_settings(self) -> None:
        """New settings: the catalogue again (extra model names may have been saved)."""
        self.query_one(ModelTree).fill(self.tikhub.models())
        self.refresh_status()

    # -- sending -----------------------------------------------------------------------------

    async def on_prompt_area_submitted(self, event: PromptArea.Submitted) -> None:
        if self.streaming:
            self.notify("An answer is still streaming: Esc stops it.", severity="warning")
            return
        await self.tikhub.access_ready.wait()
        edited, text = self.query_one(ChatPane).editing, event.text
        if edited is None and not await self.files.attach_named(text):
            return  # an @path could not be attached: said why; the prompt stays
        self._draft_changed()  # the line counts the files just attached
        files = self.files.chips.items if edited is None else edited.attachments
        new_files = [file for file in files if isinstance(file, Attachment)]  # not stored ones
        refused = self.usage.refusal(text, edited, new_files)
        if refused:  # nothing is sent: the prompt stays to shorten, or to send elsewhere
            self.notify(refused, title="Too long", severity="error", timeout=20, markup=False)
            return
        ready = await self.files.ready(text, edited, files)
        if ready is None:
            return  # a file breaks the protocol's limits: said why; the prompt stays
        event.prompt.clear()
        self.files.chips.clear()
        if edited is not None:
            self._stop_editing()
            await self.chat.drop_from(edited)  # the old prompt and its answers: a branch now
            prompt = Prompt(text, replaces=edited.message_id, attachments=ready)
        else:
            prompt = Prompt(text, attachments=ready)
        await self._begin(prompt, UserMessage(text, attachments=ready))

    async def _begin(self, prompt: Prompt, user: UserMessage) -> None:
        app = self.tikhub
        live = await self.chat.begin_turn(prompt, user, model=app.model, provider=app.provider)
        if live is None:
            self.sessions.refresh(self.chat.session_id)
        self.refresh_status()

    def on_chat_conversation_recorded(self, event: ChatConversation.Recorded) -> None:
        if self.chat.adopt(event.exchange):
            self.sessions.refresh(self.chat.session_id)  # listed now, not after its answer

    def on_stream_controller_started(self, event: StreamController.Started) -> None:
        live = event.live
        if isinstance(live.sink, AnswerView):
            live.sink.set_meta(f"{live.model} · {live.provider} · streaming…")

    def on_stream_controller_retrying(self, event: StreamController.Retrying) -> None:
        if isinstance(event.live.sink, AnswerView):
            event.live.sink.show_retry(event.notice)

    async def on_stream_controller_ended(self, event: StreamController.Ended) -> None:
        live = event.live
        await self.controller.finished(live)
        problem = self.chat.ended(live, timings=self.timings)
        if problem:
            saying = f"The answer could not be saved: {problem} It stays on screen until you quit."
            self.notify(saying, severity="error", markup=False, timeout=15)
        self.refresh_status()
        self.sessions.refresh(self.chat.session_id)
        self.usage.count(self.chat.session_id)
        self.sessions.positions(self.chat.session_id)  # a regenerated answer is 2/2 now

    def on_session_total_totalled(self, event: SessionTotal.Totalled) -> None:
        self.usage.counted(event)

    @on(PromptArea.Changed, "#prompt")
    @on(AttachmentChips.Changed)
    def _draft_changed(self) -> None:
        self.usage.typed(self.query_one(PromptArea).text, self.files.chips.tokens)

    def on_prompt_area_paths_pasted(self, event: PromptArea.PathsPasted) -> None:
        self.run_worker(self.files.attach(event.paths), group="attach")

    def action_attach(self) -> None:
        self.files.pick()

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

    async def action_regenerate(self) -> None:
        """A new answer to the last prompt (the old one stays in the session as a branch)."""
        user = self.chat.last_prompt()
        if self.streaming:
            self.notify("An answer is still streaming: Esc stops it first.", severity="warning")
            return
        if user is None:
            self.notify("There is no prompt to answer again yet.", severity="warning")
            return
        files = await self.files.ready(user.text, user, user.attachments)
        if files is None:
            return
        answer = self.chat.last_answer()
        if answer is not None and self.chat.prompt_of(answer) is user:
            await answer.remove()
        await self._begin(Prompt(user.text, saved_id=user.message_id, attachments=files), user)

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
        self.query_one(ChatPane).edit(user)

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

    def on_transcript_flip_asked(self, event: Transcript.FlipAsked) -> None:
        message_id, session_id = event.message.message_id, self.chat.session_id
        if self.streaming:
            self.notify("An answer is still streaming: Esc stops it first.", severity="warning")
        elif message_id is None or session_id is None:
            self.notify("This message is not saved: it has no versions.", severity="warning")
        else:
            self.sessions.flip(session_id, message_id, event.step)

    def on_transcript_left(self, _: Transcript.Left) -> None:
        if self.streaming:
            self.stop_streams()  # Esc stops a stream wherever the focus is
        else:
            self.query_one(PromptArea).focus()

    def on_transcript_copy_asked(self, event: Transcript.CopyAsked) -> None:
        self.tikhub.copy_text(event.message.text, "the message")

    def on_transcript_edit_asked(self, event: Transcript.EditAsked) -> None:
        self.action_edit_prompt(event.prompt)

    def on_transcript_branch_asked(self, event: Transcript.BranchAsked) -> None:
        message_id, session_id = event.message.message_id, self.chat.session_id
        if message_id is None or session_id is None:
            saying = "This message is not saved, so it cannot be branched from."
            self.notify(saying, severity="warning")
        else:
            self.sessions.branch(session_id, message_id)

    def on_model_tree_chosen(self, event: ModelTree.Chosen) -> None:
        self.tikhub.choose_model(event.provider, event.model)
        self.query_one(PromptArea).focus()
