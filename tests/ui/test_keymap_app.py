"""The [keymap] in the running app: a remapped key works, problems are notified, help follows."""

from __future__ import annotations

import pytest
from textual.binding import Binding
from textual.widgets import DataTable

from tests.ui.conftest import SIZE, Notices, last_answer, quiet, send, until_idle
from tikhub_tui.core.settings import Settings
from tikhub_tui.ui.app import TikhubApp
from tikhub_tui.ui.keymap import effective_keys, report_bindings_clash

pytestmark = pytest.mark.anyio


async def test_a_remapped_key_regenerates_and_the_old_one_does_not() -> None:
    from tikhub_tui.ui.screens.chat import ChatScreen

    notices = Notices()
    app = TikhubApp(quiet(keymap={"regenerate": "f5"}), demo=True)
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        await send(pilot, "tps: 0 echo: first answer")
        screen = app.screen
        assert isinstance(screen, ChatScreen)
        first = last_answer(screen.app)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert last_answer(screen.app) is first, "ctrl+r is no longer regenerate"
        await pilot.press("f5")
        await until_idle(pilot)
        second = last_answer(screen.app)
        assert second is not first and not first.is_attached
        assert second.text == "first answer"
        assert "f5" in screen.active_bindings, "the footer shows the new key"
        assert screen.active_bindings["f5"].binding.id == "regenerate"
        assert notices.about("keymap") == []


async def test_problems_give_one_notification_and_defaults_stay() -> None:
    keymap = {"regenerate": "ctrl+backslash", "bogus-id": "ctrl+e", "copy-answer": "ctrl+entr"}
    notices = Notices()
    app = TikhubApp(Settings(keymap=keymap), demo=True)
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        await pilot.pause()
        [notice] = notices.about("[keymap]")
        assert "config.toml" in notice
        assert 'regenerate = "ctrl+backslash"' in notice and "Sidebar (toggle-sidebar)" in notice
        assert 'bogus-id = "ctrl+e": no binding has this id' in notice
        assert 'copy-answer = "ctrl+entr"' in notice and "`entr` is not a key name" in notice
        bindings = app.screen.active_bindings
        assert bindings["ctrl+backslash"].binding.id == "toggle-sidebar", "the clashing entry was not used"
        assert bindings["ctrl+r"].binding.id == "regenerate"
        assert notices.about("took these keys") == [], "Textual saw no clash either"


async def test_help_lists_the_effective_keys() -> None:
    app = TikhubApp(Settings(keymap={"regenerate": "f5"}), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
        [row] = [r for r in rows if r[-1] == "regenerate"]
        assert "f5" in row[0].lower() and "ctrl+r" not in row[0].lower()
        ids = {
            str(table.get_row_at(i)[-1])
            for table in app.screen.query(DataTable)
            for i in range(table.row_count)
        }
        # the keys of the message selection and of the session list are there too
        assert {"message-edit", "message-branch", "session-rename", "session-delete"} <= ids
        from tikhub_tui.ui.screens.chat import ChatScreen

        [binding] = [
            b for b in ChatScreen.BINDINGS if isinstance(b, Binding) and b.id == "regenerate"
        ]
        assert effective_keys(app, binding) == "f5"


async def test_textual_clash_reports_are_said_once() -> None:
    notices = Notices()
    app = TikhubApp(Settings(), demo=True)
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        await pilot.pause()
        clashed = {Binding("ctrl+b", "toggle_sidebar", "Sidebar", id="toggle-sidebar")}
        for _ in range(3):
            report_bindings_clash(app, clashed, app.screen)
        await pilot.pause()
        [notice] = notices.about("took these keys")
        assert "ctrl+b (Sidebar (toggle-sidebar))" in notice and "[keymap]" in notice


async def test_narrowing_a_binding_to_one_of_its_keys_is_no_clash() -> None:
    """Textual reports close-help = "escape" (default escape,f1,q) as clashing with itself."""
    notices = Notices()
    app = TikhubApp(Settings(keymap={"close-help": "escape"}), demo=True)
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("q")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen", "q no longer closes help"
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "ChatScreen"
        assert notices.about("took these keys") == []
        assert notices.about("[keymap]") == []
