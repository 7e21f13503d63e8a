"""The benchmark hooks: per-stream timings and the last answer text, kept in memory.

An external measuring tool reads server-side send times (time.monotonic, comparable across
processes on Linux) next to its own receive times, so it can tell network from client cost.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Any

from tikhub_tui.gateway.stream import StreamStats

MAX_RECORDS = 10_000
"""Oldest stream records are dropped beyond this, so a long demo session does not grow forever."""


class BenchLog:
    """Thread-safe record of streamed requests since the last reset."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: deque[dict[str, Any]] = deque(maxlen=MAX_RECORDS)
        self._last_text = ""

    def add(self, stats: StreamStats) -> None:
        record = {
            "path": stats.path,
            "events": stats.events,
            "t_recv": stats.t_recv,
            "t_first_byte": stats.t_first_byte,
            "t_last_byte": stats.t_last_byte,
            "bytes": stats.bytes,
        }
        text = "".join(stats.sent)
        with self._lock:
            self._records.append(record)
            self._last_text = text

    def reset(self) -> None:
        with self._lock:
            self._records.clear()
            self._last_text = ""

    def records(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._records)

    def last_text(self) -> str:
        """The answer text the most recent stream sent (reasoning excluded)."""
        with self._lock:
            return self._last_text
