"""A race pane's answer in compact segments: one widget per segment, the whole text shown."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.widgets import Static
from textual.widgets._markdown import MarkdownBlock

from tests.ui.conftest import wait_until
from tests.ui.test_race_screen import race_app, race_screen, send
from tikhub_tui.core.race.panes import PaneSpec
from tikhub_tui.ui.widgets.compact_segment import CompactSegment
from tikhub_tui.ui.widgets.race_pane import RacePane

pytestmark = pytest.mark.anyio

PANES = [
    PaneSpec("gpt-5", "openai", system="tps: 400"),
    PaneSpec("claude-sonnet-4-5", "anthropic", system="tps: 400"),
]


def pane_text(pane: RacePane) -> str:
    """What the pane's thread shows on screen now (its visible lines)."""
    thread = pane.thread
    region = thread.region
    lines = pane.screen._compositor.render_strips()
    return "\n".join(
        strip.text[region.x : region.right] for strip in lines[region.y : region.bottom]
    )


def shows_end(pane: RacePane) -> Callable[[], bool]:
    return lambda: "END 600" in pane_text(pane)


def check_heights(pane: RacePane) -> None:
    """Every drawn segment is as tall as what it draws: nothing cut off, no gap."""
    assert pane.answer is not None
    for segment in pane.answer.segments():
        assert isinstance(segment, CompactSegment)
        boxes = list(segment.query(Static))
        if segment.is_rendered:
            assert len(boxes) == 1 and segment.size.height == boxes[0].outer_size.height
        else:
            assert boxes == []


async def test_a_pane_answer_is_one_widget_per_segment_and_shows_its_end() -> None:
    app = race_app(PANES)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await race_screen(pilot)
        await send(pilot, screen, "lorem: 600")  # tables, lists, code: many blocks
        for pane in screen.streams.panes:
            assert pane.answer is not None and pane.answer.compact
            assert len(pane.answer.segments()) > 2  # cut small
            assert not list(pane.query(MarkdownBlock))  # no widget per block
            await wait_until(pilot, shows_end(pane), "the end")
            check_heights(pane)


async def test_a_new_width_measures_the_segments_again() -> None:
    """A segment measured at one width, then drawn at another, shows all of its text."""
    app = race_app(PANES)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await race_screen(pilot)
        await send(pilot, screen, "lorem: 600")
        await pilot.resize_terminal(90, 40)
        for pane in screen.streams.panes:
            pane.thread.follow()
            await wait_until(pilot, shows_end(pane), "the end")
            await pilot.pause()
            check_heights(pane)
