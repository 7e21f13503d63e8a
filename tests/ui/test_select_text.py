"""Keyboard selection: any part of the conversation is selected and copied without the mouse
(moving by character, word and line, extending with Shift or after v), over OSC 52."""

from __future__ import annotations

import pytest

from tests.ui.conftest import SIZE, chat, demo_app, focused_prompt, send
from tikhub_tui.ui.screens.select_text import SelectionArea, SelectTextScreen, conversation_text

pytestmark = pytest.mark.anyio


async def test_select_a_word_of_an_answer_and_copy_it() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "echo: alpha beta gamma")
        await send(pilot, "echo: second answer")
        await pilot.press("ctrl+up", "up", "up")  # the first answer
        await pilot.press("v")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SelectTextScreen)
        area = screen.query_one(SelectionArea)
        assert area.document.get_line(area.cursor_location[0]).startswith("── ")
        await pilot.press("down")  # to "alpha beta gamma"
        await pilot.press("ctrl+right", "right")  # past "alpha "
        await pilot.press("v", "ctrl+right")  # mark, then a word
        assert area.selected_text == "beta"
        await pilot.press("shift+right", "shift+right")
        assert area.selected_text == "beta g"
        await pilot.press("y")
        await pilot.pause()
        assert app._clipboard == "beta g"  # what went out over OSC 52
        await pilot.press("home", "y")  # nothing selected: the line
        await pilot.pause()
        assert app._clipboard == "alpha beta gamma"
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, SelectTextScreen)


async def test_alt_v_from_the_prompt_starts_at_the_end() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await focused_prompt(pilot)
        await pilot.press("alt+v")  # nothing to select yet: says so
        await pilot.pause()
        assert not isinstance(app.screen, SelectTextScreen)
        await send(pilot, "echo: last words")
        await pilot.press("alt+v")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SelectTextScreen)
        assert "last words" in screen.text and "echo: last words" in screen.text
        assert chat is not None


def test_the_conversation_as_text() -> None:
    text, line = conversation_text([("You", "q\nmore"), ("gpt-5", "a")], 1)
    assert text.split("\n") == ["── You", "q", "more", "", "── gpt-5", "a", ""]
    assert line == 4
