"""The leaderboard screen over a seeded store: reached by F9 and the palette, the same numbers as
`race stats`, filters from the keyboard, a store that fails, and its look at 120x40."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Label

from tests.race_seed import Seat, SeedRace, seed
from tests.ui.conftest import SIZE, demo_app, ready, wait_until
from tikhub_tui.core.catalogue import built_in
from tikhub_tui.core.judging.board import StatsFilter
from tikhub_tui.core.judging.votes import Vote
from tikhub_tui.core.store import Store
from tikhub_tui.core.store.base import default_path
from tikhub_tui.core.store.records import StoreError
from tikhub_tui.ui.screens.race_stats import StatsScreen

GPT, CLAUDE, GEMINI, MINI = "gpt-5", "claude-opus-4-6", "gemini-2.5-pro", "gpt-5-mini"
NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def races() -> list[SeedRace]:
    """Twelve races over two months: claude usually wins blind, gpt when the names are shown."""
    made = []
    for n in range(12):
        seats: tuple[Seat, ...] = (
            Seat(GPT, "openai", 0.4 + n / 20, 3.0 + n / 10, 900 + n, 500 + 20 * n),
            Seat(CLAUDE, "anthropic", 0.9 + n / 30, 4.0, 1000, 600),
            Seat(GEMINI, "gemini", 0.3, 2.0, 800, 700, "error" if n % 5 == 0 else "complete"),
        )
        if n % 3 == 0:
            seats = (*seats, Seat(MINI, "openai", 0.2, 1.2, 800, 300))
        votes = [Vote.pick(1, 0) if n % 4 else Vote.pick(0, 2)]
        if n % 2 == 0:
            votes.append(Vote.pick(0, blind=False))
        made.append(SeedRace(ago(60 - 5 * n), seats, tuple(votes)))
    return made


def board_rows(screen: StatsScreen) -> list[list[str]]:
    table = screen.query_one(DataTable)
    return [[str(cell).strip() for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def open_board(pilot: Pilot[None]) -> StatsScreen:
    await ready(pilot)
    await pilot.press("f9")
    screen = pilot.app.screen
    assert isinstance(screen, StatsScreen)
    await wait_until(pilot, lambda: screen.board is not None, "the leaderboard")
    await pilot.pause()
    return screen


@pytest.mark.anyio
async def test_f9_shows_the_leaderboard_of_the_store() -> None:
    seed(races())
    with Store.open() as store:
        expected = store.leaderboard(built_in())
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_board(pilot)
        rows = board_rows(screen)
        assert [row[1] for row in rows] == [row.model for row in expected.rows]
        assert rows[0][1] == CLAUDE and rows[0][2] == f"{expected.rows[0].rating:.0f}"
        notes = str(screen.query_one("#stats-notes", Label).render())
        assert "Bradley–Terry over 12 blind votes" in notes and "6 sighted votes not counted" in notes
        await pilot.press("escape")
        assert not isinstance(app.screen, StatsScreen)


@pytest.mark.anyio
async def test_keys_choose_the_votes_and_the_time_range() -> None:
    seed(races())
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_board(pilot)
        screen._clock = lambda: NOW  # the seeded races are dated from NOW back
        await pilot.press("v")
        await wait_until(pilot, lambda: screen.board is not None and screen.board.filter.votes == "sighted", "sighted")
        assert board_rows(screen)[0][1] == GPT
        await pilot.press("v")
        await wait_until(pilot, lambda: screen.board is not None and screen.board.filter.votes == "all", "all")
        await pilot.press("v", "t")  # blind again, the last 30 days: races 6 to 11
        await wait_until(pilot, lambda: screen.board is not None and screen.board.filter.since is not None, "30 days")
        assert screen.board is not None and screen.board.races == 6
        assert "the last 30 days · blind votes · all models" in str(screen.query_one("#stats-filter", Label).render())
        await pilot.press("m")  # no sets saved: says so
        await pilot.press("f9")  # F9 again closes it
        assert not isinstance(app.screen, StatsScreen)


@pytest.mark.anyio
async def test_a_model_set_and_a_store_that_fails() -> None:
    seed(races())
    calls: list[StatsFilter] = []

    def failing(wanted: StatsFilter) -> Any:
        calls.append(wanted)
        if wanted.models is None:
            raise StoreError("session store x: disk I/O error. Fix: check the disk",
                             path=default_path(), kind="io")
        with Store.open() as store:
            return store.leaderboard(built_in(), wanted)

    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        screen = StatsScreen(failing, sets=[("fast", frozenset({GPT, MINI}))])
        await app.push_screen(screen)
        notes = screen.query_one("#stats-notes", Label)
        await wait_until(pilot, lambda: "could not be read" in str(notes.render()), "the error")
        assert "disk I/O error" in str(notes.render())
        await pilot.press("m")
        await wait_until(pilot, lambda: screen.board is not None, "the set's board")
        assert [row[1] for row in board_rows(screen)] == [GPT, MINI]
        assert "the set fast" in str(screen.query_one("#stats-filter", Label).render())


@pytest.mark.anyio
async def test_the_palette_opens_it() -> None:
    seed(races())
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"Leaderboard")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, StatsScreen), "the leaderboard")


def test_snapshot_of_the_leaderboard(snap_compare: Any) -> None:
    seed(races())

    async def run_before(pilot: Pilot[None]) -> None:
        await open_board(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=run_before)
