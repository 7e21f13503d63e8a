"""Settings saves only what the user changed in the form: a one-off `-m` model, or a value
config.toml holds that the form does not show, is never written as a side effect."""

from __future__ import annotations

import dataclasses

import pytest
from textual.widgets import Input

from tests.ui.conftest import open_screen, quiet, settle
from tikhub_tui.core.paths import config_file
from tikhub_tui.core.settings import load_settings, save_settings
from tikhub_tui.ui.app import TikhubApp
from tikhub_tui.ui.screens.settings import SettingsScreen

pytestmark = pytest.mark.anyio


async def test_a_one_off_model_is_not_saved_when_only_max_tokens_changed() -> None:
    on_disk = dataclasses.replace(quiet(), model="gpt-5", price_factor=0.5)
    save_settings(on_disk)
    # as `tikhub-tui -m gemini-2.5-flash` starts it: the model given for this run only
    settings = dataclasses.replace(on_disk, provider="gemini", model="gemini-2.5-flash")
    app = TikhubApp(settings, demo=True, model_given=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_screen(pilot, "f2", SettingsScreen)
        field = screen.query_one("#max-tokens", Input)
        field.focus()
        await pilot.pause()
        field.value = "2000"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Saved to" in str(screen.query_one("#save-status").render())
        saved, _ = load_settings()
        text = config_file().read_text()
        assert "gemini" not in text
        assert (saved.provider, saved.model, saved.max_tokens) == ("openai", "gpt-5", 2000)
        assert saved.price_factor == 0.5
        # this run goes on with the model it was given, and the new limit
        assert (app.provider, app.model) == ("gemini", "gemini-2.5-flash")
        assert app.settings.max_tokens == 2000
        await app.action_quit()


async def test_a_model_chosen_in_the_form_is_saved_with_its_provider() -> None:
    save_settings(dataclasses.replace(quiet(), system_prompt="be brief"))
    settings, _ = load_settings()
    app = TikhubApp(dataclasses.replace(settings, cursor_blink=False), demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_screen(pilot, "f2", SettingsScreen)
        screen.query_one("#provider").focus()
        await pilot.press("enter", "down", "down", "enter")  # OpenAI -> Gemini
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        saved, _ = load_settings()
        assert (saved.provider, saved.model) == ("gemini", "gemini-2.5-pro")
        assert saved.system_prompt == "be brief"
        await app.action_quit()
