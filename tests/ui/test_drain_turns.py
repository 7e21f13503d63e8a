"""Many answers at once (a race) are brought on screen in turns: a drain with a budget stops
when it is spent, the stream that waited longest goes first, and everything a stream buffered
since its last turn goes into its view as one update, however many pieces it came in."""

from __future__ import annotations

from typing import Any

import pytest

from tests.ui.test_streaming_pace import Screen
from tikhub_tui.ui.streaming import LiveStream, StreamController

pytestmark = pytest.mark.anyio


class Sink:
    """A view that records each update it gets."""

    def __init__(self) -> None:
        self.updates: list[str] = []

    async def append_text(self, text: str) -> None:
        self.updates.append(text)

    def append_reasoning(self, text: str) -> None:
        self.updates.append(text)


def streams(pump: StreamController, count: int) -> list[Sink]:
    sinks = [Sink() for _ in range(count)]
    for sink in sinks:
        live = LiveStream(exchange=None, sink=sink)  # type: ignore[arg-type]
        pump._live.append(live)
        for token in range(100):  # a hundred network reads before the UI drains
            live.put(f"t{token} ")
    return sinks


def pump_with(budget: float) -> StreamController:
    def client() -> Any:
        raise AssertionError("nothing is sent here")

    return StreamController(Screen(), client, drain_budget=budget)  # type: ignore[arg-type]


async def test_without_a_budget_one_drain_updates_every_stream_once() -> None:
    pump = pump_with(0.0)
    sinks = streams(pump, 6)
    await pump.drain()
    assert [len(s.updates) for s in sinks] == [1] * 6  # 100 pieces each: one update each
    assert sinks[0].updates[0].startswith("t0 ") and sinks[0].updates[0].endswith("t99 ")


async def test_a_spent_budget_leaves_the_other_streams_for_the_next_drains_in_turn() -> None:
    pump = pump_with(1e-9)  # spent by any update: one stream per drain
    sinks = streams(pump, 3)
    order: list[int] = []
    for _ in range(3):
        before = [len(s.updates) for s in sinks]
        await pump.drain()
        pump._timer = None
        changed = [i for i, s in enumerate(sinks) if len(s.updates) != before[i]]
        assert len(changed) == 1
        order += changed
    assert sorted(order) == [0, 1, 2]  # every stream had its turn, none twice
    pump._live[order[0]].put("more")
    for live in pump._live:
        if live is not pump._live[order[0]]:
            live.put("more")
    await pump.drain()
    pump._timer = None
    assert sinks[order[0]].updates[-1] == "more"  # it waited longest: it goes first
