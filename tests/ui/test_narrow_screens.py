"""Small terminals: at 60x20 the settings fields stack into one column whose choices fit on
their line, and help's title wraps instead of being cut."""

from __future__ import annotations

import pytest
from textual.widgets import Label, Select

from tests.ui.conftest import demo_app, ready, settle
from tikhub_tui.ui.screens.help import HelpScreen
from tikhub_tui.ui.screens.settings import SettingsScreen

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (120, 40)])
async def test_settings_choices_fit_their_line(size: tuple[int, int]) -> None:
    app = demo_app()
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await pilot.press("f2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
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
        await pilot.press("f1")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        title = screen.query(Label).first()
        text = str(title.render())
        assert title.region.width <= 58
        assert title.region.height * title.region.width >= len(text), "the title is cut"
