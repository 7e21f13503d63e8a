"""Running a round of a race without a UI: every pane's stream in a thread of its own.

`tikhub-tui race` (and the tests) use it; the race screen has its stream controller instead.
Each pane streams, is recorded, finished and timed on its own thread, so a slow or failing
model never holds up another; the caller's thread only waits (and can cancel them all).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from tikhub_tui.core.errors import ApiError

if TYPE_CHECKING:
    from tikhub_tui.core.client import ChatClient, RetryNotice
    from tikhub_tui.core.exchange import Exchange
    from tikhub_tui.core.race.race import Race


class Round:
    """The streams of one round in flight; `wait` until all ended, `cancel` them all."""

    def __init__(
        self,
        race: Race,
        exchanges: Sequence[Exchange],
        client: ChatClient,
        *,
        deliver: Callable[[Exchange, str, str], None] | None = None,
        on_retry: Callable[[Exchange, RetryNotice], None] | None = None,
        retried: bool = False,
    ) -> None:
        self.race = race
        self.exchanges = list(exchanges)
        self._deliver = deliver
        self._on_retry = on_retry
        self._threads: list[threading.Thread] = []
        for exchange in self.exchanges:
            try:
                exchange.open(client, self._retry_hook(exchange))
            except ApiError as error:  # the request cannot be made: a bad base URL
                exchange.fail(error)
        recorder = (
            (lambda: race.record_retry(self.exchanges[0]))
            if retried
            else (lambda: race.record(self.exchanges))
        )
        self._start(recorder, "race-record")
        for exchange in self.exchanges:
            self._start(functools.partial(self._stream, exchange), f"race-{exchange.model}")

    def _retry_hook(self, exchange: Exchange) -> Callable[[RetryNotice], None] | None:
        hook = self._on_retry
        return None if hook is None else (lambda notice: hook(exchange, notice))

    def _start(self, work: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=work, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _stream(self, exchange: Exchange) -> None:
        deliver = self._deliver

        def hand_over(text: str, reasoning: str) -> None:
            if deliver is not None:
                deliver(exchange, text, reasoning)

        try:
            if exchange.tally.ending is None:
                exchange.run(hand_over)
        except Exception as error:  # the caller's `deliver` broke: this pane fails alone
            exchange.fail(ApiError("upstream", f"{type(error).__name__}: {error}"))
        finally:
            exchange.finish()
            self.race.save_times(exchange)

    def cancel(self) -> None:
        """Stop every stream still running (each is saved, marked stopped)."""
        for exchange in self.exchanges:
            if exchange.tally.ending is None:
                exchange.stop()
                exchange.cancel()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until every pane ended and is saved (True), or `timeout` passed (False)."""
        for thread in self._threads:
            thread.join(timeout)
            if thread.is_alive():
                return False
        return True

    @property
    def over(self) -> bool:
        return all(not thread.is_alive() for thread in self._threads)
