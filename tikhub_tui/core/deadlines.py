"""The clocks of one streamed answer, and the watchdog that enforces them.

A socket read timeout counts from the last byte, so a server trickling one keep-alive byte
every few seconds would hold a stream open forever. These clocks count progress instead: the
first text (or reasoning) must come within `first_token` seconds, after that each new piece of
text within `idle` seconds, and the whole answer within `total` seconds when that is set. The
reader checks them at every network read; the watchdog thread closes the socket when a server
sends nothing at all, so a blocked read ends when its clock does.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

Clock = Literal["first-token", "read", "total"]


@dataclass(frozen=True, slots=True)
class Clocks:
    """Seconds allowed; 0 turns `total` off."""

    first_token: float
    idle: float
    total: float = 0.0

    def socket_timeout(self) -> float:
        """The per-read timeout for httpx: never shorter than the clocks it backs up, so they
        are what ends a slow stream, and it still ends the wait for the response headers."""
        longest = max(self.first_token, self.idle)
        return min(longest, self.total) if self.total else longest

    def message(self, clock: Clock | None) -> tuple[str, str]:
        """What fired, for a person, and the fix (None: the socket's own timeout, which ended
        the wait for the response's headers)."""
        if clock is None:
            waited = self.socket_timeout()
            clock = (
                "total"
                if waited == self.total
                else "first-token"
                if waited == self.first_token
                else "read"
            )
        if clock == "first-token":
            return (
                f"no answer within {self.first_token:g} s of sending the prompt "
                "(first-token timeout)",
                "try again, or allow longer: first_token_timeout in config.toml "
                "(ask: --first-token-timeout)",
            )
        if clock == "total":
            return (
                f"the answer took longer than {self.total:g} s in all (total timeout)",
                "try again, or allow longer: total_timeout in config.toml (ask: --total-timeout)",
            )
        return (
            f"no new text from the server for {self.idle:g} s (read timeout; keep-alive bytes "
            "do not count)",
            "try again, or raise the read timeout (read_timeout in config.toml, ask: --timeout)",
        )


class Watchdog:
    """Tracks one answer's progress against its clocks; `start()` arms the thread that calls
    `on_expiry` (from that thread) once a clock has run out while nothing arrives. `on_expiry`
    returns False when there is nothing to end yet (between attempts): it is asked again."""

    def __init__(
        self,
        clocks: Clocks,
        on_expiry: Callable[[], bool],
        *,
        started: float | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.clocks = clocks
        self._on_expiry = on_expiry
        self._now = monotonic
        self.started = monotonic() if started is None else started
        """When the first request left (the total clock counts from here)."""
        self.sent_at = self.started
        """When the last attempt left (the first-token clock counts from here)."""
        self.first_token: float | None = None
        self.last_progress = self.started
        self.fired: Clock | None = None
        self._stopped = False
        self._wake = threading.Event()
        """Set when the clocks change (the first token came, the stream ended)."""
        self._thread: threading.Thread | None = None

    def sent(self) -> None:
        """Another attempt left (after a retry): the first-token clock starts over."""
        self.sent_at = self.last_progress = self._now()
        self._wake.set()

    def progress(self) -> None:
        """New text or reasoning arrived (keep-alives and metadata do not count)."""
        now = self._now()
        self.last_progress = now
        if self.first_token is None:
            self.first_token = now
            self._wake.set()  # from now on the read clock applies

    def expired(self) -> Clock | None:
        """The clock that has run out, if any."""
        now = self._now()
        if self.clocks.total and now - self.started > self.clocks.total:
            return "total"
        if self.first_token is None:
            return "first-token" if now - self.sent_at > self.clocks.first_token else None
        return "read" if now - self.last_progress > self.clocks.idle else None

    def _wait(self) -> float:
        """Seconds until the earliest moment a clock could run out."""
        now = self._now()
        ends: list[float] = []
        if self.clocks.total:
            ends.append(self.started + self.clocks.total)
        if self.first_token is None:
            ends.append(self.sent_at + self.clocks.first_token)
        else:
            ends.append(self.last_progress + self.clocks.idle)
        return max(0.01, min(ends) - now + 0.01)

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._watch, name="stream-watchdog", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stopped = True
        self._wake.set()

    def _watch(self) -> None:
        while True:
            self._wake.wait(self._wait())
            self._wake.clear()
            if self._stopped:
                return
            clock = self.expired()
            if clock is not None:
                self.fired = clock  # before the read it ends looks for it
                if self._on_expiry():
                    return
                self.fired = None
                self._wake.wait(0.1)  # between attempts: the next one starts its clock
