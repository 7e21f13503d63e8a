"""The chat screen: sidebar, transcript and prompt, and the streams behind them.

The screen owns the conversation and the stream controller; widgets only show things. Each
prompt sends the whole history in the current model's own protocol, so switching model (even
provider) mid-conversation keeps the history.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Label

from tikhub_tui.core.errors import ApiError
from tikhub_tui.core.model import Conversation, Message, RequestOptions
from tikhub_tui.ui.format import error_hint, meta_line
from tikhub_tui.ui.streaming import (
    LiveStream,
    StreamController,
    StreamEnded,
    StreamRetrying,
    StreamStarted,
)
from tikhub_tui.ui.widgets.answer import AnswerView
from tikhub_tui.ui.widgets.prompt import PromptArea
from tikhub_tui.ui.widgets.sidebar import ModelTree, Sidebar
from tikhub_tui.ui.widgets.transcript import Transcript, UserMessage

if TYPE_CHECKING:
    from tikhub_tui.ui.app import TikhubApp


@dataclass(eq=False)
class Turn:
    """A prompt and the answer shown for it."""

    prompt: str
    answer: AnswerView
    live: LiveStream | None = None


class ChatScreen(Screen[None]):
    """The main screen."""

    BINDINGS = [
        Binding("escape", "cancel", "Stop", id="cancel", show=True),
        Binding("ctrl+r", "regenerate", "Regenerate", id="regenerate"),
        Binding("ctrl+y", "copy_answer", "Copy answer", id="copy-answer"),
        Binding("ctrl+k", "copy_code", "Copy code", id="copy-code", show=False),
        Binding("ctrl+b", "toggle_sidebar", "Sidebar", id="toggle-sidebar"),
        Binding("ctrl+l", "focus_models", "Models", id="focus-models", show=False),
        Binding("ctrl+end", "follow", "Follow", id="follow", show=False),
        Binding("pageup", "page_up", "Page up", id="page-up", show=False, priority=True),
        Binding("pagedown", "page_down", "Page down", id="page-down", show=False, priority=True),
    ]

    DEFAULT_CSS = """
    ChatScreen #columns { height: 1fr; }
    ChatScreen #main { height: 1fr; width: 1fr; }
    ChatScreen #follow-hint { display: none; dock: bottom; width: 100%; height: 1;
        content-align: center middle; background: $accent 30%; color: $text; }
    ChatScreen.-unfollowed #follow-hint { display: block; }
    ChatScreen #status { height: 1; padding: 0 2; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.turns: list[Turn] = []
        self.controller = StreamController(self, self._client)

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
                yield PromptArea(
                    id="prompt",
                    placeholder="Ask anything — Enter sends, Ctrl+J new line, Up recalls",
                )
                yield Label("", id="status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        prompt = self.query_one(PromptArea)
        prompt.cursor_blink = not self.tikhub.deterministic
        prompt.focus()
        self.refresh_status()

    # -- helpers -----------------------------------------------------------------------------

    def _client(self):  # type: ignore[no-untyped-def]
        return self.tikhub.client()

    @property
    def transcript(self) -> Transcript:
        return self.query_one(Transcript)

    def refresh_status(self) -> None:
        app = self.tikhub
        streaming = " · streaming (Esc stops)" if self.controller.busy else ""
        self.query_one("#status", Label).update(
            f"{app.model} · {app.provider} · {app.access_label()}{streaming}"
        )
        self.query_one(ModelTree).mark(app.provider, app.model)

    def conversation_for(self, upto: int) -> Conversation:
        """The history before turn `upto` plus its prompt."""
        messages: list[Message] = []
        for turn in self.turns[:upto]:
            messages.append(Message("user", turn.prompt))
            messages.append(Message("assistant", turn.answer.text))
        messages.append(Message("user", self.turns[upto].prompt))
        return Conversation(messages, self.tikhub.settings.system_prompt or None)

    # -- sending -----------------------------------------------------------------------------

    async def on_prompt_area_submitted(self, event: PromptArea.Submitted) -> None:
        if self.controller.busy:
            self.notify("An answer is still streaming: Esc stops it.", severity="warning")
            return
        event.prompt.clear()
        transcript = self.transcript
        app = self.tikhub
        answer = AnswerView(app.model, app.provider)
        await transcript.mount_all([UserMessage(event.text), answer])
        self.turns.append(Turn(event.text, answer))
        transcript.follow()
        self._start(len(self.turns) - 1)

    def _start(self, index: int) -> None:
        turn = self.turns[index]
        app = self.tikhub
        answer = turn.answer
        answer.add_class("-streaming")
        answer.set_meta(f"{answer.model} · {answer.provider} · waiting for the first token…")
        try:
            turn.live = self.controller.start(
                self.conversation_for(index),
                answer.model,
                answer.provider,
                RequestOptions(max_tokens=app.settings.max_tokens),
                answer,
            )
        except ApiError as error:
            self._show_failure(answer, error)
        self.refresh_status()

    def on_stream_started(self, event: StreamStarted) -> None:
        live = event.live
        view = live.sink
        if isinstance(view, AnswerView):
            view.set_meta(f"{live.model} · {live.provider} · streaming…")

    def on_stream_retrying(self, event: StreamRetrying) -> None:
        notice = event.notice
        view = event.live.sink
        if isinstance(view, AnswerView):
            view.set_meta(
                f"{notice.message or f'HTTP {notice.status}'} — retrying in "
                f"{notice.wait:g} s (attempt {notice.attempt + 1})"
            )

    def on_stream_ended(self, event: StreamEnded) -> None:
        live = event.live
        self.controller.finished(live)
        view = live.sink
        if isinstance(view, AnswerView):
            view.seal()
            view.remove_class("-streaming")
            view.set_class(live.status == "stopped", "-stopped")
            if live.error is not None:
                self._show_failure(view, live.error)
            view.set_meta(meta_line(live, timings=not self.tikhub.deterministic))
        self.refresh_status()

    def _show_failure(self, view: AnswerView, error: ApiError) -> None:
        view.remove_class("-streaming")
        view.show_error(error.message, error_hint(error))

    # -- actions -----------------------------------------------------------------------------

    def action_cancel(self) -> None:
        if self.controller.busy:
            self.controller.cancel()
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
        self._start(len(self.turns) - 1)

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

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one(Sidebar)
        sidebar.toggle_class("-hidden")
        if sidebar.has_class("-hidden") and sidebar.has_focus_within:
            self.query_one(PromptArea).focus()

    def action_focus_models(self) -> None:
        sidebar = self.query_one(Sidebar)
        sidebar.remove_class("-hidden")
        self.query_one(ModelTree).focus()

    def action_follow(self) -> None:
        self.transcript.follow()

    def action_page_up(self) -> None:
        self.transcript.scroll_page_up()

    def action_page_down(self) -> None:
        self.transcript.scroll_page_down()

    def on_transcript_follow_changed(self, event: Transcript.FollowChanged) -> None:
        self.set_class(not event.following, "-unfollowed")

    def on_model_tree_chosen(self, event: ModelTree.Chosen) -> None:
        self.tikhub.choose_model(event.provider, event.model)
        self.query_one(PromptArea).focus()
