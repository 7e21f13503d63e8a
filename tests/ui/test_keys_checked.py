"""Keys that fight tmux and screen are not used, new keys do what help says, and every key
that cannot act says why in a notice."""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets import Collapsible, Static

from tests.ui.conftest import SIZE, Notices, chat, demo_app, focused_prompt, ready, send
from tikhub_tui.ui.keymap import binding_scopes
from tikhub_tui.ui.screens.help import HelpScreen
from tikhub_tui.ui.terminal_keys import TAKEN
from tikhub_tui.ui.widgets.answer import AnswerView
from tikhub_tui.ui.widgets.prompt import PromptArea
from tikhub_tui.ui.widgets.sidebar import Sidebar
from tikhub_tui.ui.widgets.transcript import Transcript

pytestmark = pytest.mark.anyio


async def test_no_default_binding_uses_a_key_tmux_or_screen_takes() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        for scope in binding_scopes(app):
            for binding in scope.bindings:
                keys = set(binding.key.split(","))
                assert not keys & set(TAKEN), f"{binding.id or binding.action} on {scope.name}"
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        notes = str(app.screen.query_one("#notes", Static).render())
        for word in ("tmux", "screen", "Ctrl+S", "Ctrl+Q", "Ctrl+Z", "Ctrl+B", "Ctrl+A"):
            assert word in notes


async def test_ctrl_backslash_toggles_the_sidebar() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        sidebar = chat(app).query_one(Sidebar)
        shown = sidebar.display and not sidebar.has_class("-hidden")
        await pilot.press("ctrl+backslash")
        await pilot.pause()
        assert sidebar.has_class("-hidden") == shown
        await pilot.press("ctrl+b")  # tmux's prefix: nothing here
        await pilot.pause()
        assert sidebar.has_class("-hidden") == shown


async def test_ctrl_g_opens_the_last_reasoning_and_alt_g_all() -> None:
    notices = Notices()
    app = demo_app()
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert notices.about("reasoning")
        await send(pilot, "think: 20 echo: one")
        await send(pilot, "think: 20 echo: two")
        answers = list(chat(app).query(AnswerView))

        def opened() -> list[bool]:
            return [not a.query_one("#reasoning", Collapsible).collapsed for a in answers]

        assert opened() == [False, False]
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert opened() == [False, True]
        await pilot.press("alt+g")
        await pilot.pause()
        assert opened() == [True, True]
        await pilot.press("alt+g")
        await pilot.pause()
        assert opened() == [False, False]


async def test_prompt_select_all_and_clear_with_undo() -> None:
    notices = Notices()
    app = demo_app()
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        prompt = await focused_prompt(pilot)
        await pilot.press("alt+x")
        await pilot.pause()
        assert notices.about("empty")
        prompt.load_text("first line\nsecond line")
        await pilot.press("alt+a")
        assert prompt.selected_text == "first line\nsecond line"
        await pilot.press("home")
        await pilot.press("alt+x")
        assert prompt.text == ""
        await pilot.press("ctrl+z")
        assert prompt.text == "first line\nsecond line"
        await pilot.press("home", "f7")  # the F keys are the screens' (the race judges with them)
        assert prompt.selected_text == ""


async def test_alt_keys_as_a_terminal_sends_them_act_and_type_nothing() -> None:
    """A terminal (tmux too) sends Alt+X as ESC then x, which Textual delivers as alt+x
    carrying the printable "x": the prompt must take it as the key, not as text."""
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        prompt = await focused_prompt(pilot)
        prompt.load_text("hello there")
        app.post_message(events.Key("alt+a", "a"))  # as the terminal's input arrives
        await pilot.pause()
        assert prompt.text == "hello there" and prompt.selected_text == "hello there"
        app.post_message(events.Key("alt+x", "x"))
        await pilot.pause()
        assert prompt.text == ""


async def test_keys_that_cannot_act_say_why() -> None:
    notices = Notices()
    app = demo_app(keymap={"edit-prompt": "f5"})
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        await focused_prompt(pilot)
        for key, words in [
            ("f5", "no earlier prompt to edit"),  # a remapped key, in an empty new session
            ("ctrl+r", "no prompt to answer again"),
            ("ctrl+up", ""),
        ]:
            await pilot.press(key)
            await pilot.pause()
            if words:
                assert notices.about(words), (key, notices.messages)
        await pilot.press("up")
        await pilot.pause()
        assert notices.about("no messages yet")
        await pilot.press("escape")
        await send(pilot, "echo: hello")
        await pilot.press("ctrl+up")  # the answer is selected first
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert notices.about("Only your prompts can be edited")


async def test_shift_tab_from_the_prompt_reaches_the_messages() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "echo: hello")
        assert isinstance(app.focused, PromptArea)
        await pilot.press("shift+tab")
        await pilot.pause()
        assert isinstance(app.focused, Transcript)
