"""Full garbage collections wait while answers stream and run when the user pauses."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from textual.pilot import Pilot

from tests.ui.conftest import SIZE, chat, demo_app, ready, send, wait_until
from tikhub_tui.ui import collector as collector_module
from tikhub_tui.ui.collector import COLLECTOR, LONGEST_HOLD, NEVER, QUIET, Collector
from tikhub_tui.ui.widgets.answer import AnswerView


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def thresholds() -> Iterator[tuple[int, int, int]]:
    """The interpreter's thresholds before each test, put back after it whatever happened."""
    COLLECTOR.restore()
    before = gc.get_threshold()
    yield before
    COLLECTOR.restore()
    gc.set_threshold(*before)


@pytest.fixture
def full_collections() -> Iterator[list[int]]:
    """Counts the oldest-generation collections that run during the test."""
    seen: list[int] = []

    def callback(phase: str, info: dict[str, int]) -> None:
        if phase == "stop" and info["generation"] == 2:
            seen.append(1)

    gc.callbacks.append(callback)
    yield seen
    gc.callbacks.remove(callback)


def test_holding_stops_only_the_automatic_full_collection(
    thresholds: tuple[int, int, int],
) -> None:
    collector = Collector(Clock())
    collector.hold()
    young, middle, oldest = gc.get_threshold()
    assert (young, middle) == thresholds[:2] and oldest == NEVER
    assert collector.deferred


def test_the_deferred_collection_waits_for_the_last_stream_and_a_quiet_moment(
    thresholds: tuple[int, int, int], full_collections: list[int]
) -> None:
    clock = Clock()
    collector = Collector(clock)
    collector.hold()
    collector.hold()  # two streams at once
    collector.release()
    clock.now += 2 * QUIET
    assert collector.step() == pytest.approx(LONGEST_HOLD - 2 * QUIET)  # one still streams
    assert gc.get_threshold()[2] == NEVER
    collector.release()
    collector.input_seen()  # the user is typing
    clock.now += QUIET / 2
    assert collector.step() == pytest.approx(QUIET / 2)
    assert gc.get_threshold()[2] == NEVER and not full_collections
    clock.now += QUIET / 2
    assert collector.step() is None
    assert gc.get_threshold() == thresholds
    assert full_collections and not collector.deferred
    assert collector.step() is None  # nothing owed any more


def test_a_very_long_stream_still_gets_a_full_collection_now_and_then(
    full_collections: list[int],
) -> None:
    clock = Clock()
    collector = Collector(clock)
    collector.hold()
    clock.now += LONGEST_HOLD - 1
    collector.step()
    assert not full_collections
    clock.now += 1
    assert collector.step() == pytest.approx(LONGEST_HOLD)
    assert len(full_collections) == 1
    assert gc.get_threshold()[2] == NEVER  # still streaming: still deferred


def test_restore_gives_the_thresholds_back_without_collecting(
    thresholds: tuple[int, int, int], full_collections: list[int]
) -> None:
    collector = Collector(Clock())
    collector.hold()
    collector.restore()
    assert gc.get_threshold() == thresholds and not full_collections
    assert not collector.deferred


async def until_streaming(pilot: Pilot[None]) -> None:
    app = pilot.app
    # a loaded machine (four test workers on two cores) may take a while to get there
    await wait_until(pilot, lambda: chat(app).streaming, "the stream to start", timeout=60)  # type: ignore[arg-type]


@pytest.mark.anyio
async def test_the_app_defers_full_collections_while_it_streams(
    thresholds: tuple[int, int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # the collector's clock is the test's: a machine that stalls never makes a quiet moment
    clock = Clock()
    monkeypatch.setattr(COLLECTOR, "_clock", clock)
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await send(pilot, "tps: 100 lorem: 400", wait=False)
        await until_streaming(pilot)
        assert gc.get_threshold()[2] == NEVER
        while chat(app).streaming:
            await pilot.press("a")  # the user types on: no pause for a collection yet
            await pilot.pause(0.05)
        assert chat(app).query_one(AnswerView).state == "complete"
        await pilot.pause(2 * collector_module.QUIET)  # the app asks again, still no quiet
        assert COLLECTOR.deferred and gc.get_threshold()[2] == NEVER
        clock.now += collector_module.QUIET  # the user stops typing
        await wait_until(
            pilot, lambda: not COLLECTOR.deferred, "the deferred collection", timeout=60
        )
        assert gc.get_threshold() == thresholds


@pytest.mark.anyio
async def test_quitting_mid_stream_gives_the_thresholds_back(
    thresholds: tuple[int, int, int],
) -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        # about a minute: the test quits long before it ends, whatever the load
        await send(pilot, "tps: 50 lorem: 3000", wait=False)
        await until_streaming(pilot)
        assert gc.get_threshold()[2] == NEVER
        await pilot.press("ctrl+q")  # Quit stops the stream
    assert gc.get_threshold() == thresholds
