"""Small terminals: at 60x20 the settings fields stack into one column whose choices fit on
their line, help's title wraps instead of being cut; at 80 columns the footer starts with the
keys a new user needs; a long title is cut before the header's mode is; the edit banner wraps."""

from __future__ import annotations

import pytest
from textual.widgets import Label, Select
from textual.widgets._header import HeaderTitle

from tests.ui.conftest import chat, demo_app, open_screen, ready, send, wait_until
from tikhub_tui.ui.screens.help import HelpScreen
from tikhub_tui.ui.screens.settings import SettingsScreen

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (120, 40)])
async def test_settings_choices_fit_their_line(size: tuple[int, int]) -> None:
    app = demo_app()
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        screen = await open_screen(pilot, "f2", SettingsScreen)
        for select in screen.query(Select):
            select.focus()
            await pilot.pause()
            longest = max(len(str(prompt)) for prompt, _ in select._options)
            inner = select.content_region.width
            # the current value, the arrow and Select's own padding fit on the line
            assert inner >= min(longest, 20) + 4, f"{select.id} is {inner} wide"
            assert select.region.width > 0 and select.region.height == 3, select.id


async def test_help_title_wraps_at_60_columns() -> None:
    app = demo_app()
    async with app.run_test(size=(60, 20)) as pilot:
        await ready(pilot)
        screen = await open_screen(pilot, "f1", HelpScreen)
        title = screen.query(Label).first()
        text = str(title.render())
        assert title.region.width <= 58
        assert title.region.height * title.region.width >= len(text), "the title is cut"


def footer_keys(app: object) -> list[str]:
    """The footer's keys as shown, left to right, that fit on the screen."""
    from textual.widgets._footer import FooterKey

    screen = chat(app)  # type: ignore[arg-type]
    width = screen.size.width
    return [
        key.key
        for key in screen.query(FooterKey)
        if key.region.width and key.region.right <= width
    ]


async def test_at_80_columns_the_footer_shows_help_and_settings_first() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.pause()
        shown = footer_keys(app)
        assert shown[:2] == ["f1", "f2"], shown
        assert {"ctrl+n", "ctrl+r"} <= set(shown), shown


async def test_at_80_columns_a_focused_list_shows_its_own_keys_first() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+o")  # the session list: d must be seen before it is pressed
        await wait_until(
            pilot, lambda: footer_keys(app)[:2] == ["enter", "r"], "the list's keys first"
        )
        shown = footer_keys(app)
        assert "d" in shown and "f1" in shown, shown
        await pilot.press("escape")
        await wait_until(pilot, lambda: footer_keys(app)[:2] == ["f1", "f2"], "F1 and F2 again")


@pytest.mark.parametrize("width", [60, 80, 120, 250])
async def test_a_long_title_never_pushes_the_mode_out_of_the_header(width: int) -> None:
    app = demo_app()
    async with app.run_test(size=(width, 24)) as pilot:
        await send(pilot, "echo: " + "a very long first prompt that becomes the title " * 4)
        screen = chat(app)
        await wait_until(pilot, lambda: screen.chat.title != "", "the session's title")
        screen.refresh_status()
        await pilot.pause()
        header = screen.query_one(HeaderTitle)
        line = str(header.render_line(0).text).strip() if header.region.height else ""
        assert "DEMO · local gateway" in line, line
        assert "…" in line


async def test_the_edit_banner_is_whole_at_120_columns_with_the_sidebar() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await send(pilot, "echo: one")
        await pilot.press("ctrl+e")
        await pilot.pause()
        banner = chat(app).query_one("#editing", Label)
        assert chat(app).query_one("#sidebar").display
        text = str(banner.render())
        assert "Esc cancels" in text
        assert banner.region.height * (banner.region.width - 4) >= len(text)
