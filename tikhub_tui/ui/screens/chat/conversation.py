"""The conversation on the chat screen: its messages, the session it is saved in, its answers.

The conversation is held in one place: the transcript's widgets (a UserMessage per prompt, an
AnswerView per answer, each with its store id), and the saved messages above them that are not
mounted yet (a long session shows its newest page first). What is sent with a prompt is built
from those, in memory; every new answer, whether sent, regenerated or edited and resent,
begins in `begin_turn` as a core Exchange.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from textual.message import Message
from textual.widget import Widget

from tikhub_tui.core.catalogue import for_settings
from tikhub_tui.core.errors import ApiError
from tikhub_tui.core.exchange import Exchange, Prompt
from tikhub_tui.core.model import Message as Said
from tikhub_tui.core.model import Role
from tikhub_tui.core.store.records import StoredMessage
from tikhub_tui.ui.saved import widgets_for
from tikhub_tui.ui.streaming import LiveStream, StreamController
from tikhub_tui.ui.widgets.answer import AnswerView
from tikhub_tui.ui.widgets.transcript import Transcript, UserMessage

if TYPE_CHECKING:
    from collections.abc import Callable

    from tikhub_tui.core.settings import Settings
    from tikhub_tui.core.store.shared import SharedStore

PAGE = 20
"""Messages mounted at a time: the newest screenful and then some."""


class ChatConversation:
    """The messages on screen and above it, and the answers begun from them; tells the screen
    (`post`) when an answer's prompt is stored."""

    @dataclass
    class Recorded(Message):
        """An answer's prompt and empty row are stored (posted from the recording thread)."""

        exchange: Exchange

    def __init__(
        self,
        transcript: Transcript,
        controller: StreamController,
        store: SharedStore,
        settings: Callable[[], Settings],
        post: Callable[[Message], object],
    ) -> None:
        self.transcript = transcript
        self.post = post
        self.settings = settings
        """The settings in force (output limit, catalogue, timings shown)."""
        self.controller = controller
        self.store = store
        self.session_id: str | None = None
        """The session the conversation is saved in (None until its first prompt is)."""
        self.system = ""
        """The session's system prompt (a new session takes the settings')."""
        self.title = ""
        self.earlier: list[StoredMessage] = []
        """Saved messages above the transcript, oldest first, mounted as the user scrolls up."""
        self.live: dict[AnswerView, LiveStream] = {}
        """The answers streaming now, by their view."""
        self.unsaved = ""
        """Why the last answer could not be saved ("" once one is again): NOT SAVING shows."""

    # -- what is on screen -------------------------------------------------------------------

    def messages(self) -> list[UserMessage | AnswerView]:
        """The transcript's messages, oldest first."""
        return [c for c in self.transcript.children if isinstance(c, UserMessage | AnswerView)]

    def history(self, before: Widget | None = None) -> list[Said]:
        """What the conversation said before `before` (everything, when None)."""
        said = [Said(m.role, m.text) for m in self.earlier]
        for widget in self.messages():
            if widget is before:
                break
            role: Role = "user" if isinstance(widget, UserMessage) else "assistant"
            said.append(Said(role, widget.text))
        return said

    def last_answer(self) -> AnswerView | None:
        answers = [w for w in self.messages() if isinstance(w, AnswerView)]
        return answers[-1] if answers else None

    def last_prompt(self) -> UserMessage | None:
        prompts = [w for w in self.messages() if isinstance(w, UserMessage)]
        return prompts[-1] if prompts else None

    def last_saved_id(self) -> int | None:
        """The id of the newest message on screen or above it, if it is saved."""
        shown = self.messages()
        if shown:
            return shown[-1].message_id
        return self.earlier[-1].id if self.earlier else None

    def find(self, message_id: int) -> Widget | None:
        return next((w for w in self.messages() if w.message_id == message_id), None)

    # -- showing a session -------------------------------------------------------------------

    async def show(
        self,
        session_id: str | None,
        messages: list[StoredMessage],
        *,
        system: str,
        title: str,
        at_message: int | None = None,
        found: str = "",
    ) -> None:
        """Replace what is on screen with a session: its newest page mounted (or as far back
        as `at_message`, which is then highlighted where a search `found` its text), the rest
        kept to mount as the user scrolls up."""
        self.session_id, self.system, self.title = session_id, system, title
        transcript = self.transcript
        await transcript.remove_children()
        self.earlier = list(messages)
        await self.mount_earlier(at_least=PAGE)
        target = None if at_message is None else await self.reveal(at_message)
        if target is None:
            transcript.follow()
        else:  # highlighted (where the search found it) once mounted
            transcript.call_after_refresh(transcript.show_found, target, found)

    async def mount_earlier(self, *, at_least: int = PAGE) -> None:
        """Mount the newest `at_least` messages not mounted yet above the others (a page
        never starts with an answer whose prompt stays unmounted)."""
        if not self.earlier:
            return
        start = max(0, len(self.earlier) - at_least)
        if start and self.earlier[start].role == "assistant":
            start -= 1
        page, self.earlier = self.earlier[start:], self.earlier[:start]
        settings = self.settings()
        widgets = widgets_for(
            page, timings=settings.show_timings, catalogue=for_settings(settings)
        )
        transcript = self.transcript
        if transcript.children:
            await transcript.mount_all(widgets, before=transcript.children[0])
        else:
            await transcript.mount_all(widgets)

    async def reveal(self, message_id: int) -> Widget | None:
        """Mount pages until `message_id` is on screen; its widget."""
        while self.find(message_id) is None and self.earlier:
            await self.mount_earlier(at_least=PAGE * 4)
        return self.find(message_id)

    # -- beginning answers -------------------------------------------------------------------

    async def begin_turn(
        self,
        prompt: Prompt,
        user: UserMessage,
        *,
        model: str,
        provider: str,
    ) -> LiveStream | None:
        """Answer `user` (on screen already, or mounted here at the end): a new AnswerView
        under it, an Exchange that streams the answer into the view and records the prompt
        meanwhile (off this thread). Used by send, regenerate and edit-and-resend alike;
        returns the stream (None when the request could not be made: the view says why)."""
        transcript = self.transcript
        if prompt.saved_id is None and prompt.replaces is None:
            prompt = replace(prompt, after=self.last_saved_id())
        if not user.is_attached:
            await transcript.mount(user)
        answer = AnswerView(model, provider)
        await transcript.mount(answer, after=user)
        transcript.follow()
        settings = self.settings()
        exchange = Exchange(
            prompt,
            self.history(before=user),
            model,
            provider,
            system=self.system,
            session_id=self.session_id,
            store=self.store,
            max_tokens=settings.max_tokens,
            info=for_settings(settings).info(model),
        )
        answer.set_state("streaming")
        answer.set_meta(f"{model} · {provider} · waiting for the first token…")
        try:
            live = self.controller.start(exchange, answer)
        except ApiError as error:  # nothing could be sent (a bad base URL): nothing is saved
            answer.show_failure(error)
            return None
        self.live[answer] = live
        exchange.record_in_background(lambda done: self.post(self.Recorded(done)))
        return live

    def adopt(self, exchange: Exchange) -> bool:
        """Take the store's ids of a recorded exchange; True when it began the session."""
        answer = next((view for view, live in self.live.items() if live.exchange is exchange), None)
        if answer is not None:
            answer.message_id = exchange.answer_id
            user = self.prompt_of(answer)
            if user is not None and exchange.prompt_id is not None:
                user.message_id = exchange.prompt_id
        new = self.session_id is None and exchange.session_id is not None
        if new:
            self.session_id = exchange.session_id
        return new

    def ended(self, live: LiveStream, *, timings: bool) -> str:
        """An answer's stream is over: its ids and its outcome on screen; why it could not be
        saved ("" if it was)."""
        exchange = live.exchange
        self.adopt(exchange)
        if isinstance(live.sink, AnswerView):
            self.live.pop(live.sink, None)
            live.sink.show_outcome(exchange, timings=timings)
        if exchange.saving or exchange.problem:
            self.unsaved = exchange.problem  # NOT SAVING until an answer is saved again
        return exchange.problem

    def prompt_of(self, answer: AnswerView) -> UserMessage | None:
        """The prompt an answer answers (the one above it)."""
        prompt: UserMessage | None = None
        for widget in self.messages():
            if widget is answer:
                return prompt
            if isinstance(widget, UserMessage):
                prompt = widget
        return None

    async def drop_from(self, widget: Widget) -> None:
        """Remove `widget` and everything after it (edit and resend starts a new branch)."""
        children = list(self.transcript.children)
        for child in children[children.index(widget) :]:
            await child.remove()
