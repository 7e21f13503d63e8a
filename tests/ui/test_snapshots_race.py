"""Snapshots of a finished race: tabs at 80x24, three columns at 120x40, a grid at 200x50.

The SVGs under __snapshots__ are reviewed by eye (`rsvg-convert` renders them) before commits.
Timings are off (as for every snapshot), so what shows is what the gateway decides: texts,
token counts, costs, statuses and errors.
"""

from __future__ import annotations

from typing import Any

from tests.ui.conftest import quiet
from tikhub_tui.core.race.panes import PaneSpec
from tikhub_tui.ui.app import TikhubApp
from tikhub_tui.ui.screens.race import RaceScreen
from tikhub_tui.ui.widgets.prompt import PromptArea
from tikhub_tui.ui.widgets.race_pane import PaneTranscript, RacePane

THREE = [
    PaneSpec("gpt-5", "openai", system="tps: 0 think: 8"),
    PaneSpec("claude-sonnet-4-5", "anthropic", system="tps: 0"),
    PaneSpec("gemini-2.5-flash", "gemini", system="error: 500"),
]
SIX = [
    *THREE,
    PaneSpec("gpt-5-mini", "openai", system="tps: 0 drop-after: 12"),
    PaneSpec("claude-haiku-4-5", "anthropic", system="tps: 0 echo: Short and sweet."),
    PaneSpec("gemini-2.5-pro", "gemini", system="tps: 0 think: 4"),
]


def drawn(pane: RacePane) -> bool:
    """Every segment of the pane's answer shows all its text."""
    answer = pane.answer
    return answer is None or all(segment.drawn for segment in answer.segments())


def at_end(thread: PaneTranscript) -> bool:
    """The bottom of the thread's content is the bottom of its view (content shorter than
    the view sits at the bottom, as in chat)."""
    bottom = max((c.virtual_region_with_margin.bottom for c in thread.children), default=0)
    # exactly: a scroll still gliding (3.6 rows, say) draws the scroll bar's thumb between
    # cells, so a snapshot taken then differs from one taken a frame later
    return thread.scroll_y + thread.scrollable_content_region.height == bottom


def finished_race(panes: list[PaneSpec], prompt: str = "lorem: 40") -> Any:
    async def run_before(pilot: Any) -> None:
        app = pilot.app
        await app.access_ready.wait()
        while not isinstance(app.screen, RaceScreen) or not app.screen.streams.panes:
            await pilot.pause(0.05)
        screen = app.screen
        prompt_area = screen.query_one(PromptArea)
        prompt_area.load_text(prompt)
        await pilot.press("enter")
        while screen.race is None or not screen.race.exchanges:  # the round has started
            await pilot.pause(0.05)
        while screen.streaming:
            await pilot.pause(0.05)
        await app.workers.wait_for_complete()
        shown = [pane for pane in screen.streams.panes if pane.display]  # a hidden tab draws
        while not all(drawn(pane) for pane in shown):  # nothing: skip it
            await pilot.pause(0.05)
        await pilot.pause(0.3)
        app.clear_notifications()
        threads = [pane.thread for pane in shown]
        screen.action_follow()
        while not all(at_end(thread) for thread in threads):  # the last layouts are done
            await pilot.pause(0.05)

    return run_before


def race_app(panes: list[PaneSpec]) -> TikhubApp:
    return TikhubApp(quiet(max_retries=0), demo=True, race=panes)


def test_a_finished_race_at_80x24_shows_one_pane_and_tabs(snap_compare: Any) -> None:
    # answers that fit the pane: a scroll bar's thumb is drawn from figures Textual brings up
    # to date a frame late, so a thread that scrolls gave two pictures from run to run
    finished = finished_race(THREE, "echo: A short answer.")
    assert snap_compare(race_app(THREE), terminal_size=(80, 24), run_before=finished)


def test_a_finished_race_at_120x40_is_three_columns(snap_compare: Any) -> None:
    assert snap_compare(race_app(THREE), terminal_size=(120, 40), run_before=finished_race(THREE))


def test_six_models_at_200x50_are_a_grid(snap_compare: Any) -> None:
    six = finished_race(SIX, "lorem: 12")  # answers that fit their panes
    assert snap_compare(race_app(SIX), terminal_size=(200, 50), run_before=six)
