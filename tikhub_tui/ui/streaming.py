"""Streams answers in thread workers and hands their text to the UI in coalesced batches.

A worker thread only appends to its stream's lock-protected buffer and posts messages for rare
events; one timer per screen (about 30 Hz) drains every live buffer into its view. This keeps
the UI to a few updates a second whatever the token rate, and works for many streams at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer

from tikhub_tui.core.errors import ApiError, StreamCancelled
from tikhub_tui.core.model import (
    Conversation,
    Finished,
    ReasoningDelta,
    RequestOptions,
    TextDelta,
    Usage,
    UsageUpdate,
    answer_status,
)
from tikhub_tui.core.tokens import completed_usage
from tikhub_tui.ui.collector import COLLECTOR

if TYPE_CHECKING:  # httpx loads on the first prompt, not before the first frame
    from tikhub_tui.core.catalogue import ModelInfo
    from tikhub_tui.core.client import ChatClient, ChatStream, RetryNotice

DRAIN_INTERVAL = 1 / 30
"""The fastest the UI takes in new text: about 30 updates a second."""
MAX_DRAIN_INTERVAL = 0.5
"""The slowest, when drawing each update is expensive (a very fast stream of long text)."""
IDLE_SHARE = 1.0
"""After an update, wait as long as it cost (the UI thread busy at most half the time), so
keys find the loop free."""
TYPING_IDLE_SHARE = 2.0
"""The same while the user types (a key in the last `TYPING` seconds): the loop is then free
two thirds of the time. Always 2.0 would make a 300 tokens/s answer move in 6 steps a second
instead of 11."""
TYPING = 1.0
"""Seconds after a key during which the user counts as typing."""


class AnswerSink(Protocol):
    """Where a stream's text goes on screen (an AnswerView, a race pane...)."""

    async def append_text(self, text: str) -> None: ...

    def append_reasoning(self, text: str) -> None: ...


class StreamObserver(Protocol):
    """Told in the worker thread as text arrives and when the stream is over (the store)."""

    def append(self, text: str = "", reasoning: str = "") -> None: ...

    def close(self, live: LiveStream) -> None: ...


@dataclass(eq=False)
class LiveStream:
    """One answer in flight: its buffers (shared with the worker) and its outcome."""

    model: str
    provider: str
    sink: AnswerSink
    stream: ChatStream
    observer: StreamObserver | None = None
    started: float = field(default_factory=time.monotonic)
    first_token: float | None = None
    ended: float | None = None
    usage: Usage = field(default_factory=Usage)
    finish: Finished | None = None
    error: ApiError | None = None
    cancelled: bool = False
    chars: int = 0
    options: RequestOptions = field(default_factory=RequestOptions)
    """What was asked for: its output limit, and whose it was."""
    info: ModelInfo | None = None
    """The model's catalogue entry (prices, limits), if it has one."""
    prompt_tokens: int | None = None
    """The estimate of the prompt, for when the provider never counts it."""
    _text: list[str] = field(default_factory=list)
    _reasoning: list[str] = field(default_factory=list)
    _received: list[str] = field(default_factory=list)
    _received_reasoning: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def status(self) -> str:
        """streaming, or how it ended: complete / stopped / incomplete / error."""
        if self.ended is None:
            return "streaming"
        return answer_status(
            failure=self.error.kind if self.error else None,
            cancelled=self.cancelled,
            finish=self.finish,
        )

    @property
    def ttft(self) -> float | None:
        return None if self.first_token is None else self.first_token - self.started

    @property
    def duration(self) -> float:
        return (self.ended or time.monotonic()) - self.started

    def tokens_per_second(self) -> float | None:
        """Output tokens over the time since the first token (the provider's count if given)."""
        if self.first_token is None:
            return None
        elapsed = (self.ended or time.monotonic()) - self.first_token
        tokens = self.usage.output_tokens or max(1, self.chars // 4)
        return tokens / elapsed if elapsed > 0 else None

    def take(self) -> tuple[str, str]:
        """Everything buffered since the last call (UI thread)."""
        with self._lock:
            text, reasoning = "".join(self._text), "".join(self._reasoning)
            self._text.clear()
            self._reasoning.clear()
        return text, reasoning

    def put(self, text: str = "", reasoning: str = "") -> None:
        """Buffer text from the worker thread."""
        with self._lock:
            if text:
                self._text.append(text)
                self._received.append(text)
            if reasoning:
                self._reasoning.append(reasoning)
                self._received_reasoning.append(reasoning)

    def complete_usage(self) -> None:
        """Estimate the counts the provider never sent (worker thread, once it is over)."""
        with self._lock:
            text, reasoning = "".join(self._received), "".join(self._received_reasoning)
        self.usage = completed_usage(self.usage, self.prompt_tokens, text, reasoning)


class StreamStarted(Message):
    """The first token of an answer arrived."""

    def __init__(self, live: LiveStream) -> None:
        super().__init__()
        self.live = live


class StreamRetrying(Message):
    """The server asked us to wait before another attempt."""

    def __init__(self, live: LiveStream, notice: RetryNotice) -> None:
        super().__init__()
        self.live = live
        self.notice = notice


class StreamEnded(Message):
    """A stream is over (complete, stopped or failed); its buffers have been drained."""

    def __init__(self, live: LiveStream) -> None:
        super().__init__()
        self.live = live


class StreamController:
    """Starts, drains and cancels the answer streams of one screen."""

    def __init__(self, screen: Screen[Any], client: Callable[[], ChatClient]) -> None:
        self._screen = screen
        self._client = client
        self._live: list[LiveStream] = []
        self._timer: Timer | None = None
        self._cpu_mark = time.thread_time()
        self._cycle_work = 0.0
        """CPU seconds the UI thread spent between the last two drains: the update, and the
        layouts and mounts it set off after it was first drawn."""

    @property
    def busy(self) -> bool:
        return bool(self._live)

    def start(
        self,
        conversation: Conversation,
        model: str,
        provider: str,
        options: RequestOptions,
        sink: AnswerSink,
        observer: StreamObserver | None = None,
        *,
        info: ModelInfo | None = None,
        prompt_tokens: int | None = None,
    ) -> LiveStream:
        """Begin streaming an answer into `sink`; returns at once. `info` prices it,
        `prompt_tokens` stands in for the prompt's count if the provider never sends one."""
        holder: list[LiveStream] = []

        def on_retry(notice: RetryNotice) -> None:
            self._screen.post_message(StreamRetrying(holder[0], notice))

        batch = _Batch()
        stream = self._client().stream(
            conversation, model, provider, options, on_retry, before_wait=batch.hand_over
        )
        live = LiveStream(model, provider, sink, stream, observer, options=options, info=info)
        live.prompt_tokens = prompt_tokens
        batch.live = live
        holder.append(live)
        self._live.append(live)
        COLLECTOR.hold()
        if self._timer is None:
            self._schedule(DRAIN_INTERVAL)
        self._screen.run_worker(
            lambda: self._run(live, batch),
            thread=True,
            exit_on_error=False,
            group="streams",
            description=f"{provider}:{model}",
        )
        return live

    def cancel(self, live: LiveStream | None = None) -> None:
        """Cancel one stream, or all of them: their sockets close at once."""
        for each in [live] if live else list(self._live):
            each.cancelled = True
            each.stream.cancel()

    async def drain(self) -> None:
        """Move buffered text of every live stream to its view (UI thread, ~30 Hz).

        The next drain waits for the screen to draw this one, and then for as long again as
        the UI thread worked since the drain before (the update, and the layouts and mounts
        it set off after it was first drawn): the pump backs off when drawing is slow, so
        typing and scrolling always find the loop free.
        """
        self._timer = None
        COLLECTOR.step()  # a very long stream still gets a full collection now and then
        cpu = time.thread_time()
        self._cycle_work, self._cpu_mark = cpu - self._cpu_mark, cpu
        started = time.monotonic()
        moved = False
        for live in list(self._live):
            moved = await self._drain_one(live) or moved
        if moved:
            self._screen.call_after_refresh(self._drawn, started)
        elif self._live:
            self._schedule(DRAIN_INTERVAL)

    def _drawn(self, started: float) -> None:
        cost = max(time.monotonic() - started, self._cycle_work)
        if self._live and self._timer is None:
            share = TYPING_IDLE_SHARE if COLLECTOR.since_input() < TYPING else IDLE_SHARE
            self._schedule(min(MAX_DRAIN_INTERVAL, max(DRAIN_INTERVAL, cost * share)))

    def _schedule(self, delay: float) -> None:
        self._timer = self._screen.set_timer(delay, self.drain)

    async def _drain_one(self, live: LiveStream) -> bool:
        text, reasoning = live.take()
        if reasoning:
            live.sink.append_reasoning(reasoning)
        if text:
            await live.sink.append_text(text)
        return bool(text or reasoning)

    async def finished(self, live: LiveStream) -> None:
        """Called by the screen on StreamEnded: final drain, forget the stream."""
        await self._drain_one(live)
        if live in self._live:
            self._live.remove(live)
            COLLECTOR.release()
        if not self._live:
            if self._timer is not None:
                self._timer.stop()
                self._timer = None
            self._collect_later()

    def _collect_later(self, delay: float = 0.0) -> None:
        """The full garbage collection deferred during the streams, when the user pauses."""
        self._screen.app.set_timer(max(delay, 0.05), self._collect)

    def _collect(self) -> None:
        wait = COLLECTOR.step()
        if wait is not None and not self._live:
            self._collect_later(wait)

    # -- worker thread -----------------------------------------------------------------------

    def _run(self, live: LiveStream, batch: _Batch) -> None:
        post = self._screen.post_message
        observer = live.observer
        try:
            for event in live.stream:
                if isinstance(event, TextDelta | ReasoningDelta):
                    if live.first_token is None:
                        live.first_token = time.monotonic()
                        post(StreamStarted(live))
                    if isinstance(event, TextDelta):
                        live.chars += len(event.text)
                        batch.text.append(event.text)
                    else:
                        batch.reasoning.append(event.text)
                elif isinstance(event, UsageUpdate):
                    live.usage = live.usage.merged(event.usage)
                elif isinstance(event, Finished):
                    live.finish = event
        except StreamCancelled:
            live.cancelled = True
        except ApiError as error:
            live.error = error
        except Exception as error:
            live.error = ApiError("upstream", f"unexpected error: {type(error).__name__}: {error}")
        finally:
            batch.hand_over()
            live.ended = time.monotonic()
            live.complete_usage()
            if observer:
                observer.close(live)
            post(StreamEnded(live))


class _Batch:
    """Deltas decoded from one network read, handed to the UI buffer and the store together.

    The client calls `hand_over` whenever it is about to wait for the network, so nothing
    waits in here while more is awaited, yet a burst of deltas costs one lock, not one each.
    """

    def __init__(self) -> None:
        self.live: LiveStream | None = None
        self.text: list[str] = []
        self.reasoning: list[str] = []

    def hand_over(self) -> None:
        live = self.live
        if live is None or not (self.text or self.reasoning):
            return
        text, reasoning = "".join(self.text), "".join(self.reasoning)
        self.text.clear()
        self.reasoning.clear()
        live.put(text, reasoning)
        if live.observer is not None:
            live.observer.append(text=text, reasoning=reasoning)
