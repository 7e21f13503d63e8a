"""The race on screen: its rounds, streams and figures, between the core race and the panes.

Each pane's answer is a core Exchange streamed by the screen's stream controller (one worker
thread per pane, one paced drain for all), so a slow or failing pane never holds up another.
Store work (recording a round, a retry, the timings) runs in thread workers; the figures of
every pane are redrawn a few times a second from its exchange's tally while anything streams.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.screen import Screen
from textual.timer import Timer

from tikhub_tui.core.errors import ApiError
from tikhub_tui.core.race.board import PaneNumbers, badges, numbers
from tikhub_tui.core.race.race import Race
from tikhub_tui.ui.format import error_hint, retry_words
from tikhub_tui.ui.streaming import LiveStream, StreamController
from tikhub_tui.ui.widgets.answer import AnswerView
from tikhub_tui.ui.widgets.race_pane import RacePane

if TYPE_CHECKING:
    from tikhub_tui.core.client import RetryNotice
    from tikhub_tui.core.exchange import Exchange
    from tikhub_tui.core.model import Attachment
    from tikhub_tui.ui.screens.judging.race_judging import RaceJudging

FIGURES_INTERVAL = 0.25
"""Seconds between redraws of the figures while a pane streams (elapsed time moves)."""
TIMED_BADGES = ("first token", "fastest", "first done")
HINTS = {
    "auth": "set the API key in Settings (F2) or TIKHUB_API_KEY, then retry the pane (Ctrl+R)",
    "rate_limit": "wait a minute, then retry the pane (Ctrl+R)",
    "network": "check the base URL in Settings (F2) and your connection, then retry (Ctrl+R)",
    "upstream": "retry the pane (Ctrl+R), or race another model (Ctrl+L)",
    "ended_early": "what arrived is kept; retry the pane (Ctrl+R) for a whole answer",
    "config": "fix it in Settings (F2), then retry the pane (Ctrl+R)",
}
"""The fix for a pane's error, with the race screen's keys."""


class RaceRun:
    """The panes' streams of one race screen; see the module docstring."""

    def __init__(
        self,
        screen: Screen[Any],
        controller: StreamController,
        timings: Callable[[], bool],
        on_change: Callable[[], None],
        on_figures: Callable[[list[PaneNumbers | None]], None],
    ) -> None:
        self.screen = screen
        self.controller = controller
        self.timings = timings
        """Whether clock readings are shown (the setting; off for snapshots)."""
        self.on_change = on_change
        """Called when a pane ends (the screen redraws its rule and status)."""
        self.on_figures = on_figures
        """Called with every pane's figures after each redraw (the screen's tabs)."""
        self.race: Race | None = None
        self.panes: list[RacePane] = []
        self.live: dict[int, LiveStream] = {}
        self.notices: dict[int, tuple[RetryNotice, float]] = {}
        """The retry each waiting pane is counting down to, and when its wait began."""
        self._ticker: Timer | None = None
        self.problem_said = False
        self.judging: RaceJudging | None = None
        """Blind mode's hooks: where answers stream, what an error may say."""

    @property
    def streaming(self) -> bool:
        return bool(self.live)

    def index_of(self, live: LiveStream) -> int | None:
        return next((i for i, each in self.live.items() if each is live), None)

    # -- starting ----------------------------------------------------------------------------

    async def start_round(
        self, race: Race, text: str, files: tuple[Attachment, ...] = ()
    ) -> None:
        """Send `text` (and its files, checked for every pane) to every pane at once (each
        with its own thread)."""
        self.race = race
        exchanges = race.start_round(text, files)
        for pane, exchange in zip(self.panes, exchanges, strict=True):
            answer = await pane.new_answer(text, files)
            self._start(pane, exchange, answer)
        self._work(functools.partial(race.record, exchanges), "race-record")
        self._tick()

    async def retry(self, index: int) -> None:
        """A new answer of one pane to this round's prompt (the old one stays a branch)."""
        race = self.race
        assert race is not None
        exchange = race.retry(index)
        pane = self.panes[index]
        answer = await pane.replace_answer()
        self.notices.pop(index, None)
        self._start(pane, exchange, answer)
        self._work(functools.partial(race.record_retry, exchange), "race-record")
        self._tick()

    def _start(self, pane: RacePane, exchange: Exchange, answer: AnswerView) -> None:
        try:
            sink = self.judging.sink(answer, exchange) if self.judging else answer
            self.live[pane.index] = self.controller.start(exchange, sink)
        except ApiError as error:  # the request cannot be made (a bad base URL)
            exchange.fail(error)
            self._show_end(pane, exchange)
            self._work(functools.partial(self._finish_unsent, exchange), "race-finish")

    def _finish_unsent(self, exchange: Exchange) -> None:
        exchange.finish()
        if self.race is not None:
            self.race.save_times(exchange)

    def _work(self, job: Callable[[], None], name: str) -> None:
        self.screen.run_worker(job, thread=True, exit_on_error=False, group=name, name=name)

    # -- stopping and ending -----------------------------------------------------------------

    def stop(self, index: int | None = None) -> bool:
        """Stop one pane's stream, or all of them; False when nothing was streaming."""
        if index is None:
            self.controller.cancel()
            return self.streaming
        live = self.live.get(index)
        if live is not None:
            self.controller.cancel(live)
        return live is not None

    async def ended(self, live: LiveStream) -> None:
        """A pane's stream is over: last text in, the ending shown, its timings saved."""
        index = self.index_of(live)
        await self.controller.finished(live)
        if self.judging is not None:
            await self.judging.ended(live)
        if index is None:
            return
        del self.live[index]
        self.notices.pop(index, None)
        pane = self.panes[index]
        self._show_end(pane, live.exchange)
        if self.race is not None:
            self._work(functools.partial(self.race.save_times, live.exchange), "race-times")
        self.refresh()
        if not self.live and self._ticker is not None:
            self._ticker.stop()
            self._ticker = None
        self.on_change()

    def _show_end(self, pane: RacePane, exchange: Exchange) -> None:
        answer = pane.answer
        if answer is None:
            return
        answer.seal()
        tally = exchange.tally
        answer.set_state("stopped" if tally.status == "stopped" else "complete")
        error = tally.error
        if error is not None:
            hint = HINTS.get(error.kind) or error_hint(error)
            message = error.message
            if self.judging is not None:
                message, hint = self.judging.failure(message, hint, answer)
            pane.show_failure(message, hint)

    def retrying(self, live: LiveStream, notice: RetryNotice, at: float) -> None:
        """The server asked the pane to wait (a 429, or a 5xx with Retry-After): the pane
        says so, why, and counts down to the next attempt."""
        index = self.index_of(live)
        if index is not None:
            self.notices[index] = (notice, at)
            self.refresh()

    def retry_left(self, index: int) -> float | None:
        """Seconds until pane `index` tries again (None: it is not waiting for a retry)."""
        held = self.notices.get(index)
        return None if held is None else held[0].wait - (time.monotonic() - held[1])

    def _retry_notice(self, index: int, figure: PaneNumbers) -> str:
        """The countdown of a pane's retry; forgotten once an answer has begun to arrive."""
        held = self.notices.get(index)
        if held is None:
            return ""
        if figure.first_byte is not None or not figure.live:
            del self.notices[index]
            return ""
        return retry_words(held[0], self.retry_left(index))

    # -- figures -----------------------------------------------------------------------------

    def _tick(self) -> None:
        self.refresh()
        if self._ticker is None:
            self._ticker = self.screen.set_interval(FIGURES_INTERVAL, self.refresh)

    def figures(self) -> list[PaneNumbers | None]:
        """Every pane's figures now (None for a pane with no answer yet)."""
        race, now = self.race, time.monotonic()
        if race is None:
            return [None for _ in self.panes]
        return [
            None
            if lane.exchange is None
            else numbers(
                lane.label, lane.exchange, now, queued=not lane.exchange.sent, retried=lane.retried
            )
            for lane in race.lanes
        ]

    def badges(self, figures: list[PaneNumbers | None]) -> list[list[str]]:
        """The badges, once every pane has ended (without clock-decided ones when timings are
        hidden)."""
        known = [f for f in figures if f is not None]
        if len(known) != len(figures) or any(f.live for f in known) or self.live:
            return [[] for _ in figures]
        timings = self.timings()
        return [[b for b in won if timings or b not in TIMED_BADGES] for won in badges(known)]

    def refresh(self) -> None:
        """Redraw every pane's figures and badges."""
        figures = self.figures()
        won = self.badges(figures)
        timings = self.timings()
        for pane, figure, badges_ in zip(self.panes, figures, won, strict=True):
            if figure is not None:
                shown = ("★ " + " · ".join(badges_)) if badges_ else ""
                notice = self._retry_notice(pane.index, figure)
                pane.show_figures(figure, timings=timings, notice=notice, badges=shown)
        self.on_figures(figures)
