"""Ctrl+L and Ctrl+O land on what is current: the model the next prompt goes to, the session
on screen (so `d` never targets another one)."""

from __future__ import annotations

import pytest

from tests.ui.conftest import SIZE, chat, demo_app, ready, send, wait_until
from tikhub_tui.ui.screens.dialogs import ConfirmScreen
from tikhub_tui.ui.widgets.sessions import SessionList
from tikhub_tui.ui.widgets.sidebar import ModelTree

pytestmark = pytest.mark.anyio


async def test_ctrl_l_starts_on_the_current_model() -> None:
    app = demo_app(provider="gemini", model="gemini-2.5-flash")
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        tree = chat(app).query_one(ModelTree)
        await pilot.press("ctrl+l")
        await wait_until(pilot, lambda: tree.cursor_node is not None, "the tree's cursor")
        assert tree.has_focus
        assert tree.cursor_node is not None
        assert tree.cursor_node.data == ("gemini", "gemini-2.5-flash")
        await pilot.press("escape")
        app.choose_model("anthropic", "claude-haiku-4-5")
        await pilot.press("ctrl+l")
        await wait_until(
            pilot,
            lambda: tree.cursor_node is not None
            and tree.cursor_node.data == ("anthropic", "claude-haiku-4-5"),
            "the cursor on the newly chosen model",
        )


async def test_ctrl_o_highlights_the_session_on_screen() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "echo: one")
        for text in ("echo: two", "echo: three"):
            await pilot.press("ctrl+n")
            await send(pilot, text)
        screen = chat(app)
        sessions = screen.query_one(SessionList)
        await wait_until(pilot, lambda: len(sessions.session_ids) == 3, "three sessions listed")
        await pilot.press("ctrl+o")
        assert sessions.has_focus
        assert sessions.highlighted_session == screen.chat.session_id
        oldest = sessions.session_ids[-1]
        sessions.highlighted = 2
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.chat.session_id == oldest, "the oldest opened")
        await pilot.press("ctrl+n")
        await send(pilot, "echo: four")
        await wait_until(pilot, lambda: len(sessions.session_ids) == 4, "four sessions listed")
        await pilot.press("ctrl+o")
        current = screen.chat.session_id
        assert sessions.highlighted_session == current
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        assert isinstance(app.screen, ConfirmScreen)
        assert "four" in app.screen.question
