"""The chat screen: sidebar, transcript and prompt, and the streams and session behind them.

The screen owns the conversation (through the Keeper, in the session store) and the stream
controller; widgets only show things. Each prompt sends the session's history in the current
model's own protocol, so switching model (even provider) mid-conversation keeps the history.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from textual import events
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message as TextualMessage
from textual.screen import Screen
from textual.widgets import Footer, Header, Label

from tikhub_tui.core.catalogue import ModelInfo, for_settings
from tikhub_tui.core.errors import ApiError
from tikhub_tui.core.files import write_private
from tikhub_tui.core.model import Conversation, Message, RequestOptions
from tikhub_tui.core.paths import data_dir
from tikhub_tui.core.store import move_aside
from tikhub_tui.core.store.records import StoreError, last_model
from tikhub_tui.core.tokens import estimate_conversation, request_options
from tikhub_tui.ui.format import error_hint, meta_line
from tikhub_tui.ui.history import widgets_for
from tikhub_tui.ui.keeper import PAGE, AnswerRecorder, Keeper
from tikhub_tui.ui.screens.chat_sessions import SessionActions
from tikhub_tui.ui.screens.dialogs import ConfirmScreen
from tikhub_tui.ui.streaming import (
    LiveStream,
    StreamController,
    StreamEnded,
    StreamRetrying,
    StreamStarted,
)
from tikhub_tui.ui.widgets.answer import AnswerView
from tikhub_tui.ui.widgets.prompt import PromptArea
from tikhub_tui.ui.widgets.sessions import SessionList
from tikhub_tui.ui.widgets.sidebar import ModelTree, Sidebar
from tikhub_tui.ui.widgets.transcript import Transcript, UserMessage

T = TypeVar("T")

NARROW = 100
"""Below this many columns the sidebar starts hidden."""
DRAFT_FILE = "draft.txt"
"""In the data directory: the prompt typed but not sent when the app quit."""


def keep_draft(text: str) -> None:
    """Keep an unsent prompt for the next start, private (0600) like the sessions (or forget
    the old one); never raises."""
    path = data_dir() / DRAFT_FILE
    try:
        if text.strip():
            write_private(path, text)
        else:
            path.unlink(missing_ok=True)
    except OSError:
        pass  # a full or read-only disk: the draft is lost, as it was before drafts were kept


def kept_draft() -> str:
    try:
        return (data_dir() / DRAFT_FILE).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


if TYPE_CHECKING:
    from tikhub_tui.core.client import ChatClient
    from tikhub_tui.ui.app import TikhubApp


@dataclass(eq=False)
class Turn:
    """A prompt and the answer shown for it (ids are the store's; None when not saved)."""

    prompt: str
    answer: AnswerView
    user_id: int | None = None
    live: LiveStream | None = None


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
        Binding("ctrl+b", "toggle_sidebar", "Sidebar", id="toggle-sidebar", show=False),
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
    ChatScreen #editing { display: none; height: 1; padding: 0 2; color: $text-warning; }
    ChatScreen #status { height: 1; padding: 0 2; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.turns: list[Turn] = []
        self.controller = StreamController(self, self._client)
        self.keeper: Keeper | None = None
        self._editing: Turn | None = None
        self._deleted: str | None = None
        self.sessions = SessionActions(self)
        self._oldest_id: int | None = None
        """The oldest message mounted, when older ones exist (loaded as the user scrolls up)."""
        self.settled = asyncio.Event()
        """Set once the last session has been reopened at start (or there was none to reopen)."""
        self._sidebar_chosen = False
        """The user showed or hid the sidebar: the terminal's width no longer decides."""
        self._following = True
        """The transcript follows the newest text (else the hint to go back down shows)."""
        self._prompt: PromptArea | None = None

    @property
    def tikhub(self) -> TikhubApp:
        from tikhub_tui.ui.app import TikhubApp

        assert isinstance(self.app, TikhubApp)
        return self.app

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
        yield Footer()

    def on_mount(self) -> None:
        prompt = self._prompt = self.query_one(PromptArea)
        prompt.cursor_blink = not self.tikhub.deterministic
        prompt.focus()
        self.keeper = Keeper.open()
        if self.keeper.problem:
            self.notify(
                f"Sessions are not being saved: {self.keeper.problem}",
                title="Session store",
                severity="error",
                timeout=20,
                markup=False,
            )
        self.sessions.refresh_list()
        self.refresh_status()
        prompt.remember(self.guard(self.keeper.store.recent_prompts) or [])
        draft = kept_draft()
        if draft:  # typed but not sent when the app last quit
            prompt.load_text(draft)
            prompt.move_cursor(prompt.document.end)
        latest = self.guard(self.keeper.latest)
        if latest:
            # after the first frame: the window and the list show first, then the transcript
            self.call_after_refresh(self._reopen, latest)
        else:
            self.settled.set()

    def _reopen(self, session_id: str) -> None:
        try:
            if not self.turns and self.keeper is not None and self.keeper.session_id is None:
                self.open_session(session_id, adopt_model=not self.tikhub.model_given)
        finally:
            self.settled.set()

    def on_unmount(self) -> None:
        if self.keeper is not None:
            self.keeper.close()
        if self._prompt is not None:  # its text outlives the widget's removal
            keep_draft(self._prompt.text)

    # -- helpers -----------------------------------------------------------------------------

    def _client(self) -> ChatClient:
        return self.tikhub.client()

    @property
    def transcript(self) -> Transcript:
        return self.query_one(Transcript)

    def guard(self, call: Callable[[], T]) -> T | None:
        """Run a store call; a StoreError becomes a notification (never a traceback)."""
        try:
            return call()
        except StoreError as error:
            self.notify(str(error), title="Session store", severity="error", markup=False)
            return None

    def refresh_status(self) -> None:
        app = self.tikhub
        streaming = " · streaming (Esc stops)" if self.controller.busy else ""
        saving = "" if self.keeper is None or self.keeper.saving else " · NOT SAVING"
        self.query_one("#status", Label).update(
            f"{app.model} · {app.provider} · {app.access_label()}{saving}{streaming}"
        )
        self.query_one(ModelTree).mark(app.provider, app.model)
        title = self.keeper.title() if self.keeper and self.keeper.session_id else ""
        self.title = title or "New conversation"
        self.refresh_bindings()  # the footer shows Esc Stop only while something streams
        self._show_follow_hint()

    def refresh_models(self, models: dict[str, list[str]]) -> None:
        """Show the catalogue again (extra model names may have been saved in Settings)."""
        self.query_one(ModelTree).fill(models)

    # -- sessions ----------------------------------------------------------------------------

    def open_session(
        self,
        session_id: str | None,
        at_message: int | None = None,
        *,
        adopt_model: bool = True,
        found: str = "",
    ) -> None:
        """Show a saved session (its newest messages; older ones load on scrolling up); the
        next prompts go to the model it last used, as they would with `ask --continue`.
        With `at_message`, that message is shown and highlighted (where `found` is in it)."""
        keeper = self.keeper
        if keeper is None:
            return
        if self.controller.busy:
            self.notify("An answer is still streaming: Esc stops it first.", severity="warning")
            return
        self._stop_editing()
        keeper.session_id = session_id
        if session_id is not None and at_message is not None:
            self.guard(lambda: keeper.show_branch_of(at_message))
        messages = self.guard(keeper.newest) or []
        while at_message is not None and messages and all(m.id != at_message for m in messages):
            older = self.guard(partial(keeper.older, messages[0].id, PAGE * 4)) or []
            if not older:
                break
            messages = older + messages
        transcript = self.transcript
        transcript.remove_children()
        self.turns = []
        self._mount_messages(messages, at_top=False)
        used = last_model(messages)
        if adopt_model and used is not None:
            self.tikhub.provider, self.tikhub.model = used.provider, used.model
        if at_message is None:
            transcript.follow()
        else:
            target = next(
                (w for w in transcript.children if getattr(w, "message_id", None) == at_message),
                None,
            )
            if target is not None:  # once mounted: an answer has no segments before that
                self.call_after_refresh(transcript.show_found, target, found)
        self.sessions.refresh_list()
        self.refresh_status()

    def _mount_messages(self, messages: list, at_top: bool) -> None:  # type: ignore[type-arg]
        """Mount saved messages at the bottom (opening) or the top (scrolling up)."""
        timings = not self.tikhub.deterministic
        widgets = widgets_for(
            messages, timings=timings, catalogue=for_settings(self.tikhub.settings)
        )
        turns: list[Turn] = []
        pending: Turn | None = None
        for widget in widgets:
            if isinstance(widget, UserMessage):
                pending = Turn(widget.text, AnswerView("", ""), widget.message_id)
                turns.append(pending)
            elif isinstance(widget, AnswerView) and pending is not None:
                pending.answer = widget
        transcript = self.transcript
        if at_top and transcript.children:
            transcript.mount_all(widgets, before=transcript.children[0])
            self.turns[:0] = turns
        else:
            transcript.mount_all(widgets)
            self.turns.extend(turns)
        first = messages[0] if messages else None
        self._oldest_id = first.id if first is not None and first.depth > 0 else None

    def on_transcript_near_top(self, _: Transcript.NearTop) -> None:
        if self._oldest_id is None or self.keeper is None:
            return
        oldest, keeper = self._oldest_id, self.keeper
        self._oldest_id = None
        older = self.guard(lambda: keeper.older(oldest)) or []
        if older:
            self._mount_messages(older, at_top=True)

    def action_new_session(self) -> None:
        self.open_session(None)
        self.query_one(PromptArea).focus()

    def action_move_store_aside(self) -> None:
        """Rename a broken sessions file (never deleted) and start a fresh one."""
        keeper = self.keeper
        if keeper is None or keeper.error is None or not keeper.error.can_move_aside:
            self.notify("The sessions file is fine: nothing to move.", severity="warning")
            return
        path = keeper.error.path

        def confirmed(yes: bool | None) -> None:
            if not yes or self.keeper is None:
                return
            try:
                moved = move_aside(path)
            except StoreError as error:
                self.notify(str(error), severity="error", markup=False)
                return
            self.keeper.close()
            self.keeper = Keeper.open()
            self.open_session(None)
            self.notify(
                f"Moved the broken file to {moved}; new sessions are saved again.",
                markup=False,
                timeout=10,
            )

        self.app.push_screen(
            ConfirmScreen(
                f"Rename {path} to {path.name}.broken-… and start a new sessions "
                "file? Nothing is deleted.",
                "Move aside",
                destructive=False,
            ),
            confirmed,
        )

    def action_search(self) -> None:
        self.sessions.search()

    def action_rename_session(self) -> None:
        keeper = self.keeper
        session_id = keeper.session_id if keeper else None
        self.sessions.rename(session_id, self.guard(keeper.title) or "" if keeper else "")

    def action_undo_delete(self) -> None:
        if isinstance(self.focused, PromptArea) and not self.sessions.undoable:
            raise SkipAction()  # the prompt's own undo
        self.sessions.undo_delete()

    def on_session_list_chosen(self, event: SessionList.Chosen) -> None:
        self.open_session(event.session_id)
        self.query_one(PromptArea).focus()

    def on_session_list_rename_asked(self, event: SessionList.RenameAsked) -> None:
        self.sessions.rename(event.session_id, event.title)

    def on_session_list_delete_asked(self, event: SessionList.DeleteAsked) -> None:
        self.sessions.delete(event.session_id, event.title)

    def on_chat_screen_sessions_changed(self, _: ChatScreen.SessionsChanged) -> None:
        self.sessions.refresh_list()

    # -- sending -----------------------------------------------------------------------------

    async def on_prompt_area_submitted(self, event: PromptArea.Submitted) -> None:
        if self.controller.busy:
            self.notify("An answer is still streaming: Esc stops it.", severity="warning")
            return
        await self.tikhub.access_ready.wait()
        event.prompt.clear()
        if self._editing is not None:
            await self._resend_edited(self._editing, event.text)
            return
        app = self.tikhub
        answer = AnswerView(app.model, app.provider)
        turn = Turn(event.text, answer)
        keeper = self.keeper
        if keeper is not None:
            new_session = keeper.session_id is None
            turn.user_id = self.guard(
                lambda: keeper.add_prompt(
                    event.text, app.model, app.provider, app.settings.system_prompt
                )
            )
            if new_session and keeper.session_id is not None:
                self.post_message(self.SessionsChanged())  # listed now, not after its answer
        await self.transcript.mount_all([UserMessage(event.text, turn.user_id), answer])
        self.turns.append(turn)
        self.transcript.follow()
        self._start(turn)

    def _conversation(
        self, turn: Turn, info: ModelInfo | None
    ) -> tuple[Conversation, AnswerRecorder | None, RequestOptions, int]:
        """The history to send for `turn`, the recorder of its answer (when saving), the
        options to ask with (`info` has the model's limits) and the estimate of the prompt."""
        keeper = self.keeper
        app = self.tikhub
        if keeper is not None and turn.user_id is not None:
            user_id = turn.user_id
            conversation = self.guard(lambda: keeper.conversation_upto(user_id))
            if conversation is not None:
                tokens = estimate_conversation(conversation)
                options = request_options(app.settings.max_tokens, info, tokens)
                started = self.guard(
                    lambda: keeper.begin_answer(user_id, app.model, app.provider, options)
                )
                if started is not None:
                    turn.answer.message_id = started[0]
                    return conversation, started[1], options, tokens
        # not saved: the history is what the transcript holds
        messages: list[Message] = []
        for earlier in self.turns[: self.turns.index(turn)]:
            messages += [Message("user", earlier.prompt), Message("assistant", earlier.answer.text)]
        messages.append(Message("user", turn.prompt))
        system = self.tikhub.settings.system_prompt or None
        conversation = Conversation.from_history(messages, system)
        tokens = estimate_conversation(conversation)
        return conversation, None, request_options(app.settings.max_tokens, info, tokens), tokens

    def _start(self, turn: Turn) -> None:
        app = self.tikhub
        answer = turn.answer
        answer.set_state("streaming")
        answer.set_meta(f"{answer.model} · {answer.provider} · waiting for the first token…")
        info = for_settings(app.settings).info(answer.model)
        conversation, recorder, options, tokens = self._conversation(turn, info)
        try:
            turn.live = self.controller.start(
                conversation,
                answer.model,
                answer.provider,
                options,
                answer,
                recorder,
                info=info,
                prompt_tokens=tokens,
            )
        except ApiError as error:
            self._show_failure(answer, error)
        self.refresh_status()

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
            view.seal()
            view.set_state("stopped" if live.status == "stopped" else "complete")
            if live.error is not None:
                self._show_failure(view, live.error)
            view.set_meta(meta_line(live, timings=not self.tikhub.deterministic))
        problem = getattr(live.observer, "problem", "")
        if problem:
            self.notify(f"The answer could not be saved: {problem}", severity="error", markup=False)
        self.refresh_status()
        self.post_message(self.SessionsChanged())

    def _show_failure(self, view: AnswerView, error: ApiError) -> None:
        view.set_state("stopped" if error.kind == "ended_early" else "error")
        view.show_error(error.message, error_hint(error))

    class SessionsChanged(TextualMessage):
        """A session was created, renamed, deleted or answered: the list needs a refresh."""

    # -- actions -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":  # Esc stops a stream; else it goes back to the prompt
            return self.controller.busy
        return True

    def action_cancel(self) -> None:
        if self.controller.busy:
            self.controller.cancel()
        else:
            self.action_back()

    def action_back(self) -> None:
        """Esc with nothing streaming: leave editing an earlier prompt, or go to the prompt."""
        if self._editing is not None:
            self._stop_editing()
        elif not isinstance(self.focused, PromptArea):
            self.query_one(PromptArea).focus()

    async def action_regenerate(self) -> None:
        if self.controller.busy or not self.turns:
            return
        turn = self.turns[-1]
        app = self.tikhub
        old = turn.answer
        turn.answer = AnswerView(app.model, app.provider)
        await self.transcript.mount(turn.answer, after=old)
        await old.remove()
        self.transcript.follow()
        self._start(turn)

    def action_edit_prompt(self, turn: Turn | None = None) -> None:
        """Load a prompt (the last one by default) into the prompt box to edit and resend."""
        focused = self.focused
        if turn is None and isinstance(focused, PromptArea) and focused.text:
            raise SkipAction()  # Ctrl+E in a prompt with text: the end of the line
        if self.controller.busy or not self.turns:
            return
        turn = turn or self.turns[-1]
        self._editing = turn
        prompt = self.query_one(PromptArea)
        prompt.load_text(turn.prompt)
        prompt.move_cursor(prompt.document.end)
        prompt.focus()
        self.query_one("#editing", Label).update(
            "Editing an earlier prompt: Enter resends it (the old answers stay as a branch), "
            "Esc cancels"
        )
        self.query_one("#editing").display = True

    def _stop_editing(self) -> None:
        if self._editing is not None:
            self._editing = None
            self.query_one("#editing").display = False
            self.query_one(PromptArea).clear()

    async def _resend_edited(self, turn: Turn, text: str) -> None:
        self._stop_editing()
        index = self.turns.index(turn)
        keeper = self.keeper
        user_id = turn.user_id
        new_id = None
        if keeper is not None and user_id is not None:
            new_id = self.guard(lambda: keeper.edit_prompt(user_id, text))
        # the turns after the edited one belong to the old branch now
        transcript = self.transcript
        for later in self.turns[index:]:
            for widget in list(transcript.children):
                if widget is later.answer or (
                    isinstance(widget, UserMessage)
                    and widget.message_id == later.user_id
                    and later.user_id is not None
                ):
                    await widget.remove()
        self.turns = self.turns[:index]
        app = self.tikhub
        new_turn = Turn(text, AnswerView(app.model, app.provider), new_id)
        await transcript.mount_all([UserMessage(text, new_id), new_turn.answer])
        self.turns.append(new_turn)
        transcript.follow()
        self._start(new_turn)

    def action_copy_answer(self) -> None:
        if not self.turns or not self.turns[-1].answer.text:
            self.notify("There is no answer to copy yet.", severity="warning")
            return
        self.tikhub.copy_text(self.turns[-1].answer.text, "the last answer")

    def action_copy_code(self) -> None:
        if not self.turns:
            self.notify("There is no answer yet.", severity="warning")
            return
        self.tikhub.pick_code_block(self.turns[-1].answer.text)

    def on_resize(self, event: events.Resize) -> None:
        """On a narrow terminal (an 80-column SSH window) the sidebar starts hidden, so the
        transcript keeps its width; Ctrl+B (or Ctrl+L, Ctrl+O) shows it, and then it stays."""
        if not self._sidebar_chosen:
            self.query_one(Sidebar).set_class(event.size.width < NARROW, "-hidden")

    def action_toggle_sidebar(self) -> None:
        self._sidebar_chosen = True
        sidebar = self.query_one(Sidebar)
        sidebar.toggle_class("-hidden")
        if sidebar.has_class("-hidden") and sidebar.has_focus_within:
            self.query_one(PromptArea).focus()

    def action_focus_models(self) -> None:
        self._sidebar_chosen = True
        self.query_one(Sidebar).remove_class("-hidden")
        self.query_one(ModelTree).focus()

    def action_focus_sessions(self) -> None:
        self._sidebar_chosen = True
        self.query_one(Sidebar).remove_class("-hidden")
        self.query_one(SessionList).focus()

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
            if self.controller.busy:
                self.controller.cancel()  # Esc stops a stream wherever the focus is
            else:
                self.query_one(PromptArea).focus()
        elif action == "copy":
            text = widget.text if isinstance(widget, UserMessage | AnswerView) else ""
            self.tikhub.copy_text(text, "the message")
        elif action == "edit" and isinstance(widget, UserMessage):
            turn = next(
                (t for t in self.turns if t.user_id == widget.message_id and t.user_id is not None),
                None,
            )
            if turn is None:
                turn = next((t for t in self.turns if t.prompt == widget.text), None)
            if turn is not None:
                self.action_edit_prompt(turn)
        elif action == "branch":
            message_id = getattr(widget, "message_id", None)
            if message_id is None:
                self.notify(
                    "This message is not saved, so it cannot be branched from.", severity="warning"
                )
            else:
                self.sessions.branch(message_id)

    def on_transcript_follow_changed(self, event: Transcript.FollowChanged) -> None:
        self._following = event.following
        self._show_follow_hint()

    def _show_follow_hint(self) -> None:
        hint = self.query_one("#follow-hint", Label)
        # display, not a class on the screen: a screen class restyles every widget in it
        hint.display = not self._following
        if self.controller.busy:
            hint.update("↓ new text below — Ctrl+End to follow")
        else:
            hint.update("↓ more below — Ctrl+End to go to the end")

    def on_model_tree_chosen(self, event: ModelTree.Chosen) -> None:
        self.tikhub.choose_model(event.provider, event.model)
        self.query_one(PromptArea).focus()
