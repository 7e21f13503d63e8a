"""One prompt and its answer: recorded in the session store as it streams, folded into metrics.

The chat screen, `ask` and the race all go through an Exchange, so a saved answer is the same
row whoever streamed it: text, reasoning, status, tokens and timings, computed once (by the
`Tally`). The conversation to send is built in memory from the history the caller holds; the
store work (the prompt, an empty answer to fill) runs in a thread of its own while the request
goes out, and the answer is written as it arrives, in batches.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

from tikhub_tui.core.errors import ApiError, StreamCancelled
from tikhub_tui.core.model import (
    Attachment,
    Conversation,
    Message,
    Reasoning,
    ReasoningDelta,
    TextDelta,
)
from tikhub_tui.core.tally import Cancelled, Failed, Phase, Responded, Tally
from tikhub_tui.core.tokens import completed_usage, estimate_conversation, request_options

if TYPE_CHECKING:  # httpx loads with the first request, not with the module
    from tikhub_tui.core.catalogue import ModelInfo
    from tikhub_tui.core.client import ChatClient, ChatStream, RetryNotice
    from tikhub_tui.core.store import Store
    from tikhub_tui.core.store.writer import AnswerWriter

PATIENCE = 10.0
"""Seconds the end of a stream waits for its prompt to be stored before giving up saving."""


class StoreSource(Protocol):
    """Where an exchange gets the store when it records (`core.store.shared.SharedStore`);
    `get` may open it, and raises StoreError when it cannot."""

    def get(self) -> Store: ...


@dataclass(frozen=True, slots=True)
class Prompt:
    """What an exchange answers, and where its messages go in the session's tree."""

    text: str
    saved_id: int | None = None
    """An already saved prompt to answer again (regenerate): nothing new is stored for it."""
    replaces: int | None = None
    """The saved prompt this one edits: stored beside it, the old one and its answers stay
    an earlier branch."""
    after: int | None = None
    """The saved message it follows (None: the session's current leaf); what the caller sent
    as history ends there, whatever another process added to the session meanwhile."""
    attachments: tuple[Attachment, ...] = ()
    """Files sent with the prompt, in each protocol's own shape; stored with it."""


class Exchange:
    """One answer in flight: build it, `record` it (any thread), `open` and `run` its stream
    (one worker thread), `finish` it. The tally and the ids may be read from any thread."""

    def __init__(
        self,
        prompt: Prompt,
        history: Sequence[Message],
        model: str,
        provider: str,
        *,
        system: str = "",
        session_id: str | None = None,
        store: StoreSource | None = None,
        set_system: bool = False,
        max_tokens: int | None = None,
        info: ModelInfo | None = None,
        reasoning: Reasoning | None = None,
        placed: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.prompt = prompt
        self.model = model
        self.provider = provider
        self.system = system
        self.conversation = Conversation.from_history(
            [*history, Message("user", prompt.text, prompt.attachments)], system or None
        )
        """What is sent: the history given and the prompt, in memory (nothing read back)."""
        self.info = info
        """The model's catalogue entry (limits, prices), if it has one."""
        self.prompt_tokens = estimate_conversation(self.conversation)
        """The estimate of the prompt, for when the provider never counts it."""
        self.options = replace(
            request_options(max_tokens, info, self.prompt_tokens), reasoning=reasoning
        )
        """What is asked for (the user's output limit, else the model's; how much to think),
        saved with the answer."""
        self.session_id = session_id
        """The session it is saved in (a new one is made by `record` when None)."""
        self.prompt_id = prompt.saved_id
        self.answer_id: int | None = None
        self.problem = ""
        """Why the answer is not (all) saved, in words; "" while all is well."""
        self.tally = Tally(clock())
        self._clock = clock
        self._store = store
        self._set_system = set_system
        self._placed = placed
        """The caller stores the prompt, then calls `place` and `record` (a race): `finish`
        waits for that instead of recording the answer itself."""
        self._recorded = threading.Event()
        self._recording = store is not None
        """`record` is yet to start (it runs once)."""
        if store is None:
            self._recorded.set()
        self._record_when_sent = False
        self._lock = threading.Lock()
        self._writer: AnswerWriter | None = None
        self._pending: list[tuple[str, str]] = []
        self._text: list[str] = []
        self._reasoning: list[str] = []
        self._batch_text: list[str] = []
        self._batch_reasoning: list[str] = []
        self._stream: ChatStream | None = None
        self._cancelled = False
        """`cancel` was asked for, perhaps before the stream was opened."""
        self._deliver: Callable[[str, str], None] | None = None
        self._on_phase: Callable[[Phase], None] | None = None
        self._finished = False

    @property
    def saving(self) -> bool:
        return self._store is not None and not self.problem

    @property
    def sent(self) -> bool:
        """The request has gone out (False while it waits for its thread, or never opened)."""
        stream = self._stream
        return stream is not None and stream.attempts > 0

    @property
    def text(self) -> str:
        """The answer so far."""
        if len(self._text) > 1:
            self._text[:] = ["".join(self._text)]
        return self._text[0] if self._text else ""

    @property
    def reasoning(self) -> str:
        return "".join(self._reasoning)

    # -- the store ---------------------------------------------------------------------------

    def record(self) -> None:
        """Store the prompt (starting a session when there is none) and an empty answer, which
        is then written as the stream arrives. Blocking: call it off the UI thread, before or
        while `run` streams. A failure leaves the answer unsaved and says why in `problem`."""
        if self._take_recording():
            self._record()

    def _take_recording(self) -> bool:
        """True for the one caller that is to record (the exchange is recorded once)."""
        with self._lock:
            taken, self._recording = self._recording, False
        return taken

    def _record(self) -> None:
        assert self._store is not None
        try:
            store = self._store.get()
            self.answer_id = self._insert(store)
            writer = store.answer_writer(self.answer_id)
            with self._lock:  # what streamed meanwhile goes first
                for text, reasoning in self._pending:
                    writer.append(text=text, reasoning=reasoning)
                self._pending.clear()
                self._writer = writer
        except Exception as error:  # StoreError, a session deleted meanwhile: never raised
            self.problem = str(error) or type(error).__name__
        finally:
            self._recorded.set()

    def _insert(self, store: Store) -> int:
        from tikhub_tui.core.store.base import LEAF  # the store loads with the recording

        prompt = self.prompt
        if self.session_id is None:
            self.session_id = store.create_session(system=self.system)
        elif self._set_system:
            store.set_system(self.session_id, self.system)
        if self.prompt_id is None:
            if prompt.replaces is not None:
                self.prompt_id = store.edit_message(prompt.replaces, prompt.text)
            else:
                self.prompt_id = store.add_message(
                    self.session_id,
                    "user",
                    prompt.text,
                    parent_id=LEAF if prompt.after is None else prompt.after,
                    model=self.model,
                    provider=self.provider,
                    attachments=prompt.attachments,
                )
        return store.begin_answer(
            self.session_id, self.model, self.provider, self.prompt_id, options=self.options
        )

    def unsaved(self, why: str) -> None:
        """Give up saving this answer (its prompt could not be stored): `record` and `finish`
        then write nothing, and `problem` says why."""
        with self._lock:
            self._recording = False
            self._pending.clear()
        self.problem = self.problem or why
        self._recorded.set()

    def place(self, session_id: str, prompt_id: int | None) -> None:
        """Answer a prompt already stored (a race stores one prompt for all its answers, or one
        per thread): `record` then adds only the answer, under `prompt_id`. Call it first."""
        self.session_id = session_id
        self.prompt_id = prompt_id

    def record_in_background(self, then: Callable[[Exchange], object] | None = None) -> None:
        """`record` in a thread of its own (it overlaps the request), then call `then` there."""

        def work() -> None:
            self._record()
            if then is not None:
                then(self)

        if self._take_recording():
            threading.Thread(target=work, name="record-exchange", daemon=True).start()

    def record_once_sent(self) -> None:
        """`record_in_background` once the request's body has been written whole (or by `finish`
        when it never is): a process that sends a large file then records while it only
        waits for the server, instead of slowing the upload down."""
        self._record_when_sent = True

    def _sent(self) -> None:
        if self._record_when_sent:
            self.record_in_background()

    def _save(self, text: str, reasoning: str) -> None:
        with self._lock:
            writer = self._writer
            if writer is None:
                if not self._recorded.is_set():
                    self._pending.append((text, reasoning))
                return
        if self.problem:
            return
        try:
            writer.append(text=text, reasoning=reasoning)
        except Exception as error:  # the whole answer is written again at the end
            self.problem = str(error) or type(error).__name__

    # -- the stream --------------------------------------------------------------------------

    def open(
        self, client: ChatClient, on_retry: Callable[[RetryNotice], None] | None = None
    ) -> ChatStream:
        """The answer's stream; nothing is sent until `run` iterates it. Raises ApiError for a
        request that cannot be made (an unknown provider, a bad base URL)."""
        self._stream = client.stream(
            self.conversation,
            self.model,
            self.provider,
            self.options,
            on_retry,
            before_wait=self._hand_over,
            on_response=self._responded,
            on_sent=self._sent,
        )
        if self._cancelled:  # stopped before it was opened: it ends at once
            self._stream.cancel()
        return self._stream

    def run(
        self,
        deliver: Callable[[str, str], None],
        on_phase: Callable[[Phase], None] | None = None,
    ) -> None:
        """Stream the answer in this thread. Its text and reasoning go to `deliver(text,
        reasoning)` and to the store once per network read; every event goes into the tally.
        The stream's own failures and a cancel end it quietly (the tally has them); anything
        else (an exception of `deliver`) propagates, and the caller folds in what it means."""
        stream = self._stream
        assert stream is not None, "open the stream first"
        self._deliver, self._on_phase = deliver, on_phase
        tally, clock = self.tally, self._clock
        text, reasoning = self._batch_text, self._batch_reasoning
        tally.started = clock()
        try:
            for event in stream:
                kind = type(event)
                if kind is TextDelta:
                    text.append(event.text)  # type: ignore[union-attr]
                elif kind is ReasoningDelta:
                    reasoning.append(event.text)  # type: ignore[union-attr]
                else:
                    self._hand_over()
                    tally.step(event, clock())
        except StreamCancelled:
            tally.step(Cancelled(), clock())
        except ApiError as error:
            tally.step(Failed(error), clock())
        finally:
            self._hand_over()
        tally.end(clock())

    def _responded(self) -> None:
        self.tally.step(Responded(), self._clock())
        if self._on_phase is not None:
            self._on_phase("responded")

    def _hand_over(self) -> None:
        """Everything decoded since the last network read: delivered, and saved."""
        if not (self._batch_text or self._batch_reasoning):
            return
        text, reasoning = "".join(self._batch_text), "".join(self._batch_reasoning)
        self._batch_text.clear()
        self._batch_reasoning.clear()
        tally, now, phase = self.tally, self._clock(), self.tally.phase
        if reasoning:
            tally.step(ReasoningDelta(reasoning), now)
            self._reasoning.append(reasoning)
        if text:
            tally.step(TextDelta(text), now)
            self._text.append(text)
        try:
            if self._deliver is not None:
                self._deliver(text, reasoning)
        finally:  # saved even when delivering failed (a full disk under stdout)
            self._save(text, reasoning)
        if self._on_phase is not None and tally.phase != phase:
            self._on_phase(tally.phase)

    def fail(self, error: ApiError) -> None:
        """End the answer as failed (an error outside the stream: the caller's own)."""
        self.tally.step(Failed(error), self._clock())

    def stop(self) -> None:
        """End the answer as stopped (the user, or the reader of the output, went away)."""
        self.tally.step(Cancelled(), self._clock())

    def cancel(self) -> None:
        """Ask the stream to stop from any thread: its socket closes, `run` ends at once (a
        stream not opened yet ends as soon as it is)."""
        self._cancelled = True
        if self._stream is not None:
            self._stream.cancel()

    # -- the end -----------------------------------------------------------------------------

    def finish(self, patience: float = PATIENCE) -> None:
        """Complete the usage (estimating the counts the provider never sent, marked as such)
        and write the outcome into the answer's row; idempotent, never raises (a store failure
        is kept in `problem`). Waits for `record` up to `patience` seconds."""
        tally = self.tally
        tally.end(self._clock())
        if self._finished:
            return
        self._finished = True
        tally.usage = completed_usage(tally.usage, self.prompt_tokens, self.text, self.reasoning)
        if not self._placed:
            self.record()  # when nothing has started it yet (the request could not be made)
        if not self._recorded.wait(patience):
            self.problem = self.problem or "the store did not answer in time"
            return
        writer = self._writer
        if writer is None:
            return
        try:
            writer.finish(
                tally.status,
                tally.finish_reason,
                tally.usage,
                tally.ttft,
                tally.duration(self._clock()),
                tally.error_message,
            )
        except Exception as error:
            self.problem = self.problem or str(error) or type(error).__name__
