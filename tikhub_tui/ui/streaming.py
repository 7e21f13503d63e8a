"""Streams answers in thread workers and hands their text to the UI in coalesced batches.

A worker thread runs the answer's exchange (core.exchange: the stream, the store, the metrics),
appends its text to the stream's lock-protected buffer once per network read and posts
messages for rare events; one timer per screen (about 30 Hz) drains every live buffer into its
view. This keeps the UI to a few updates a second whatever the token rate, and works for many
streams at once.
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

from tikhub_tui.core.errors import ApiError
from tikhub_tui.ui.collector import COLLECTOR

if TYPE_CHECKING:  # httpx loads on the first prompt, not before the first frame
    from tikhub_tui.core.client import ChatClient, RetryNotice
    from tikhub_tui.core.exchange import Exchange
    from tikhub_tui.core.tally import Phase, Tally

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
KEY_FIRST = 0.05
"""A drain due this soon after a key waits until then: the key's echo is drawn in a frame of
its own, not in one that also lays out new text (with six streams that takes ~50 ms)."""


class AnswerSink(Protocol):
    """Where a stream's text goes on screen (an AnswerView, a race pane...)."""

    async def append_text(self, text: str) -> None: ...

    def append_reasoning(self, text: str) -> None: ...


@dataclass(eq=False)
class LiveStream:
    """One answer in flight on screen: its exchange (the stream, the store, the metrics) and
    the buffer its worker fills and the UI drains."""

    exchange: Exchange
    sink: AnswerSink
    _text: list[str] = field(default_factory=list)
    _reasoning: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    drained_at: float = 0.0
    """When the UI last took this stream's text (the longest waiting goes first)."""

    @property
    def model(self) -> str:
        return self.exchange.model

    @property
    def provider(self) -> str:
        return self.exchange.provider

    @property
    def tally(self) -> Tally:
        """The answer's metrics so far (final once Ended is posted)."""
        return self.exchange.tally

    def take(self) -> tuple[str, str]:
        """Everything buffered since the last call (UI thread)."""
        with self._lock:
            text, reasoning = "".join(self._text), "".join(self._reasoning)
            self._text.clear()
            self._reasoning.clear()
        return text, reasoning

    @property
    def pending(self) -> bool:
        """Text is buffered (read without the lock: a stale answer only waits a drain)."""
        return bool(self._text or self._reasoning)

    def put(self, text: str = "", reasoning: str = "") -> None:
        """Buffer text from the worker thread (once per network read)."""
        with self._lock:
            if text:
                self._text.append(text)
            if reasoning:
                self._reasoning.append(reasoning)


class StreamController:
    """Starts, drains and cancels the answer streams of one screen; tells the screen with the
    messages below (posted to it from the workers)."""

    @dataclass
    class Started(Message):
        """The first token of an answer arrived."""

        live: LiveStream

    @dataclass
    class Retrying(Message):
        """The server asked us to wait before another attempt."""

        live: LiveStream
        notice: RetryNotice
        at: float = field(default_factory=time.monotonic)
        """When the wait began (made in the worker thread as it starts to wait)."""

    @dataclass
    class Ended(Message):
        """A stream is over (complete, stopped or failed) and its outcome saved; call
        `finished` to drain what is left of it into its view."""

        live: LiveStream

    def __init__(
        self,
        screen: Screen[Any],
        client: Callable[[], ChatClient],
        *,
        drain_budget: float = 0.0,
    ) -> None:
        """`drain_budget`: CPU seconds one drain may spend before it leaves the streams still
        waiting for the next one (0: no limit). The streams that waited longest go first and
        one always goes, so six answers at once update in turns, a few per frame, and a key
        never waits for all six (and the layout they set off)."""
        self._screen = screen
        self._client = client
        self._budget = drain_budget
        self._live: list[LiveStream] = []
        self._timer: Timer | None = None
        self._cpu_mark = time.thread_time()
        self._cycle_work = 0.0
        """CPU seconds the UI thread spent between the last two drains: the update, and the
        layouts and mounts it set off after it was first drawn."""

    @property
    def busy(self) -> bool:
        return bool(self._live)

    def start(self, exchange: Exchange, sink: AnswerSink) -> LiveStream:
        """Begin streaming the exchange's answer into `sink`; returns at once. Raises ApiError
        when the request cannot be made (a bad base URL)."""
        holder: list[LiveStream] = []

        def on_retry(notice: RetryNotice) -> None:
            self._screen.post_message(self.Retrying(holder[0], notice))

        exchange.open(self._client(), on_retry)
        live = LiveStream(exchange, sink)
        holder.append(live)
        self._live.append(live)
        COLLECTOR.hold()
        if self._timer is None:
            self._schedule(DRAIN_INTERVAL)
        self._screen.run_worker(
            lambda: self._run(live),
            thread=True,
            exit_on_error=False,
            group="streams",
            description=f"{exchange.provider}:{exchange.model}",
        )
        return live

    def cancel(self, live: LiveStream | None = None) -> None:
        """Cancel one stream, or all of them: their sockets close at once."""
        for each in [live] if live else list(self._live):
            each.exchange.cancel()

    async def drain(self) -> None:
        """Move buffered text of every live stream to its view (UI thread, ~30 Hz).

        The next drain waits for the screen to draw this one, and then for as long again as
        the UI thread worked since the drain before (the update, and the layouts and mounts
        it set off after it was first drawn): the pump backs off when drawing is slow, so
        typing and scrolling always find the loop free.
        """
        self._timer = None
        since_key = COLLECTOR.since_input()
        if since_key < KEY_FIRST:
            self._schedule(KEY_FIRST - since_key)
            return
        COLLECTOR.step()  # a very long stream still gets a full collection now and then
        cpu = time.thread_time()
        self._cycle_work, self._cpu_mark = cpu - self._cpu_mark, cpu
        started = time.monotonic()
        moved = False
        for live in self._in_turn():
            if self._budget:
                if moved and time.thread_time() - cpu > self._budget:
                    break
                live.drained_at = started
            moved = await self._drain_one(live) or moved
        if moved:
            self._screen.call_after_refresh(self._drawn, started)
        elif self._live:
            self._schedule(DRAIN_INTERVAL)

    def _in_turn(self) -> list[LiveStream]:
        """The streams to drain: all of them, or with a budget those with text to show, the
        one that waited longest first."""
        if not self._budget:
            return list(self._live)
        waiting = [live for live in self._live if live.pending]
        return sorted(waiting, key=lambda live: live.drained_at)

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
        """Called by the screen on Ended: final drain, forget the stream (even when showing
        the last text failed: the screen must not think it still streams)."""
        try:
            await self._drain_one(live)
        finally:
            self._forget(live)

    def _forget(self, live: LiveStream) -> None:
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

    def _run(self, live: LiveStream) -> None:
        """Stream, save and fold the answer; whatever happens, the outcome is written and the
        screen told (Ended), so the UI never waits for an answer that is over."""
        post = self._screen.post_message
        exchange = live.exchange
        told: list[bool] = []

        def on_phase(phase: Phase) -> None:
            if phase in ("thinking", "answering") and not told:
                told.append(True)
                post(self.Started(live))

        try:
            exchange.run(live.put, on_phase)
        except Exception as error:
            why = f"unexpected error: {type(error).__name__}: {error}"
            exchange.fail(ApiError("upstream", why))
        finally:
            try:
                exchange.finish()
            except Exception as error:  # never expected; the screen must hear of the end anyway
                exchange.problem = exchange.problem or f"{type(error).__name__}: {error}"
            post(self.Ended(live))
