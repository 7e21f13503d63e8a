"""How the stream controller paces its updates: the next one waits as long as the UI thread
worked since the last, layouts and mounts after the first frame included."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tikhub_tui.ui.collector import COLLECTOR
from tikhub_tui.ui.streaming import (
    DRAIN_INTERVAL,
    IDLE_SHARE,
    MAX_DRAIN_INTERVAL,
    TYPING_IDLE_SHARE,
    StreamController,
)


class Screen:
    """What the controller asks of its screen: timers and after-refresh calls, recorded."""

    def __init__(self) -> None:
        self.timers: list[float] = []

    def set_timer(self, delay: float, callback: Any) -> object:
        self.timers.append(delay)
        return object()

    def call_after_refresh(self, callback: Any, *args: Any) -> None:
        callback(*args)


async def wait_after(
    monkeypatch: pytest.MonkeyPatch, work: float, *, typing: bool = False, pretend: float = 0.0
) -> float:
    """The wait the controller schedules after a drain, when the UI thread did `work` seconds
    of work since the drain before (`pretend` adds that many seconds without spending them)."""
    last_key = 0.2 if typing else float("inf")
    monkeypatch.setattr(COLLECTOR, "since_input", lambda: last_key)
    screen = Screen()
    pump = StreamController(screen, lambda: None)  # type: ignore[arg-type,return-value]
    pump._live.append(object())  # type: ignore[arg-type]  # a stream is live
    monkeypatch.setattr(pump, "_drain_one", _moved)
    await pump.drain()
    pump._timer = None
    burn(work)  # the layouts and mounts the update set off, after it was first drawn
    real = time.thread_time
    monkeypatch.setattr(time, "thread_time", lambda: real() + pretend)
    await pump.drain()
    return screen.timers[-1]


def burn(seconds: float) -> None:
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


async def _moved(live: object) -> bool:
    return True


@pytest.mark.anyio
async def test_the_work_after_the_first_frame_counts_towards_the_wait(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    wait = await wait_after(monkeypatch, 0.12)
    assert 0.12 * IDLE_SHARE <= wait < 0.12 * TYPING_IDLE_SHARE


@pytest.mark.anyio
async def test_while_the_user_types_the_loop_is_left_free_longer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    wait = await wait_after(monkeypatch, 0.12, typing=True)
    assert 0.12 * TYPING_IDLE_SHARE <= wait <= MAX_DRAIN_INTERVAL


@pytest.mark.anyio
async def test_cheap_updates_come_at_the_fastest_rate_and_costly_ones_at_the_slowest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert await wait_after(monkeypatch, 0.0) == DRAIN_INTERVAL
    assert await wait_after(monkeypatch, 0.0, pretend=9.0) == MAX_DRAIN_INTERVAL
