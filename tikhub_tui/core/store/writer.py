"""Writing a streaming answer into the store as it arrives, in batches, from a worker thread.

Text is buffered and written at least every `interval` seconds (on `append`, and by a timer when
the stream stalls), so a killed process loses at most that last interval; the row stays marked
`incomplete` until `finish` writes the outcome. Writers go through their store's one
connection (under its lock), so six answers in flight are six writers and one connection.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from tikhub_tui.core.model import Usage
from tikhub_tui.core.store.records import STATUSES, Clock, StoreError, to_iso, usage_columns
from tikhub_tui.core.store.schema import store_error
from tikhub_tui.core.store.text import writable
from tikhub_tui.core.untrusted import valid_utf8

if TYPE_CHECKING:
    from tikhub_tui.core.store.base import StoreBase


class AnswerWriter:
    """Fills one assistant message (made by `Store.begin_answer`) while its answer streams.

    Use it from one thread at a time (it may be created on another; its timer thread flushes a
    stalled stream); all methods raise StoreError when the database cannot be written. Closing
    without `finish` leaves the answer saved and marked incomplete. The store must stay open
    until the writer is finished or closed.
    """

    def __init__(
        self,
        store: StoreBase,
        message_id: int,
        *,
        interval: float = 0.5,
        clock: Clock | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        background: bool = True,
    ) -> None:
        self._store = store
        self.path = store.path
        self.message_id = message_id
        self.interval = interval
        self._clock = clock or store.clock
        self._monotonic = monotonic
        self._background = background
        self._lock = threading.Lock()
        self._open = True
        self._text: list[str] = []
        self._reasoning: list[str] = []
        self._dirty_text = False
        self._dirty_reasoning = False
        self._last_flush = monotonic()
        self._timer: threading.Timer | None = None
        self._timer_error: StoreError | None = None
        self.flushes = 0
        """How many batches were written (for tests and benchmarks)."""

    @property
    def text(self) -> str:
        """The answer text so far."""
        return "".join(self._text)

    @property
    def reasoning(self) -> str:
        """The reasoning text so far."""
        return "".join(self._reasoning)

    def append(self, text: str = "", reasoning: str = "") -> None:
        """Buffer a delta; writes the batch when `interval` has passed since the last write."""
        with self._lock:
            self._check_open()
            self._raise_timer_error()
            if text:
                self._text.append(valid_utf8(text))
                self._dirty_text = True
            if reasoning:
                self._reasoning.append(valid_utf8(reasoning))
                self._dirty_reasoning = True
            waited = self._monotonic() - self._last_flush
            if waited >= self.interval:
                self._flush_locked()
            elif self._background and self._timer is None and self._dirty():
                self._timer = threading.Timer(self.interval - waited, self._on_timer)
                self._timer.daemon = True
                self._timer.start()

    def flush(self) -> None:
        """Write what is buffered now."""
        with self._lock:
            self._raise_timer_error()
            self._flush_locked()

    def finish(
        self,
        status: str,
        finish_reason: str = "",
        usage: Usage | None = None,
        ttft: float | None = None,
        duration: float | None = None,
        error: str = "",
    ) -> None:
        """Write the whole answer and its outcome in one transaction, then close."""
        if status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
        usage = usage or Usage()
        with self._lock:
            self._check_open()
            self._cancel_timer()
            row = writable({"finish_reason": finish_reason, "error": error})
            counts = usage_columns(usage)
            answer: tuple[object, ...] = (self.text, self.reasoning, status, row["finish_reason"])
            answer += (*counts.values(), ttft, duration, row["error"])
            sets = ", ".join(f"{name} = ?" for name in counts)
            with self._store.locked_write() as conn:
                conn.execute(
                    "UPDATE messages SET text = ?, reasoning = ?, status = ?, "
                    f"finish_reason = ?, {sets}, ttft = ?, duration = ?, error = ? "
                    "WHERE id = ?",
                    (*answer, self.message_id),
                )
                conn.execute(
                    "UPDATE sessions SET updated_at = ? WHERE id = "
                    "(SELECT session_id FROM messages WHERE id = ?)",
                    (to_iso(self._clock()), self.message_id),
                )
            self._dirty_text = self._dirty_reasoning = False
            self._open = False

    def close(self) -> None:
        """Write what is buffered and stop; the answer stays marked incomplete (idempotent)."""
        with self._lock:
            if not self._open:
                return
            self._cancel_timer()
            try:
                self._flush_locked()
            finally:
                self._open = False

    def __enter__(self) -> AnswerWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _dirty(self) -> bool:
        return self._dirty_text or self._dirty_reasoning

    def _check_open(self) -> None:
        if not self._open:
            raise RuntimeError("this AnswerWriter is already finished or closed")

    def _flush_locked(self) -> None:
        self._check_open()
        self._cancel_timer()
        self._last_flush = self._monotonic()
        if not self._dirty():
            return
        sets: list[str] = []
        params: list[object] = []
        if self._dirty_text:  # only touch `text` when it changed: it re-indexes the search
            self._text = [self.text]
            sets.append("text = ?")
            params.append(self._text[0])
        if self._dirty_reasoning:
            self._reasoning = [self.reasoning]
            sets.append("reasoning = ?")
            params.append(self._reasoning[0])
        with self._store.locked_write() as conn:
            conn.execute(
                f"UPDATE messages SET {', '.join(sets)} WHERE id = ?",
                (*params, self.message_id),
            )
        self._dirty_text = self._dirty_reasoning = False
        self.flushes += 1

    def _on_timer(self) -> None:
        with self._lock:
            if self._timer is threading.current_thread():
                self._timer = None
            if not self._open or not self._dirty():
                return
            try:
                self._flush_locked()
            except Exception as exc:  # reported by the next call on the streaming thread
                self._timer_error = store_error(self.path, exc)

    def _raise_timer_error(self) -> None:
        error, self._timer_error = self._timer_error, None
        if error is not None:
            raise error

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

