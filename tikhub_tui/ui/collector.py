"""Python's full garbage collection waits while answers stream, and runs when the user pauses.

A long answer turns over many widgets: segments get real Markdown near the viewport and give
it back as they scroll away, and the blocks they drop are garbage in reference cycles. Only
the full (oldest-generation) collection frees those, and it walks the whole heap: in a
2,000 tokens/s answer of 20,000 tokens Python ran it about 20 times, each a pause of
200-400 ms in which no key echoed (`benchmarks/bench_tui.py`, typing during a stream).

So while any stream is live, only the young generations are collected automatically (a
millisecond or two each, and most garbage dies young); the full collection runs once the
streams are over and no key has come for `QUIET` seconds, and at the latest every
`LONGEST_HOLD` seconds of a very long stream. Textual does the same, for all generations,
while it scrolls smoothly (`App.PAUSE_GC_ON_SCROLL`).

The garbage collector is one per process, so there is one `Collector` per process too.
"""

from __future__ import annotations

import gc
import math
import time
from collections.abc import Callable

QUIET = 1.0
"""Seconds without a key or a mouse event before the deferred collection runs."""
LONGEST_HOLD = 15.0
"""A stream longer than this still gets a full collection this often (memory stays bounded)."""
NEVER = 1 << 30
"""An oldest-generation threshold that automatic collection never reaches."""


class Collector:
    """Defers full collections while streams are live (see the module's docstring)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._holds = 0
        self._saved: tuple[int, int, int] | None = None
        """The thresholds to restore, while a full collection is deferred."""
        self._last_input = -math.inf
        self._last_full = clock()

    @property
    def deferred(self) -> bool:
        """A full collection is owed (streams are live, or ended while the user was busy)."""
        return self._saved is not None

    def hold(self) -> None:
        """A stream started: no automatic full collection until `step` says so."""
        self._holds += 1
        if self._saved is None:
            self._saved = gc.get_threshold()
            young, middle, _ = self._saved
            gc.set_threshold(young, middle, NEVER)
            self._last_full = self._clock()

    def release(self) -> None:
        """A stream ended; once none is live, `step` collects at the next quiet moment."""
        self._holds = max(0, self._holds - 1)

    def input_seen(self) -> None:
        """The user pressed a key or used the mouse: not the moment for a pause."""
        self._last_input = self._clock()

    def since_input(self) -> float:
        """Seconds since the last key or click (infinite before the first)."""
        return self._clock() - self._last_input

    def step(self) -> float | None:
        """Run the deferred collection if it is due.

        Returns the seconds after which to ask again, or None when nothing is deferred."""
        if self._saved is None:
            return None
        now = self._clock()
        if self._holds:
            if now - self._last_full >= LONGEST_HOLD:
                gc.collect()
                self._last_full = now
            return LONGEST_HOLD - (now - self._last_full)
        quiet_for = now - self._last_input
        if quiet_for < QUIET:
            return QUIET - quiet_for
        self.restore()
        gc.collect()
        return None

    def restore(self) -> None:
        """Give automatic collection back at once, without collecting (the app is exiting)."""
        self._holds = 0
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            self._saved = None
        self._last_full = self._clock()


COLLECTOR = Collector()
