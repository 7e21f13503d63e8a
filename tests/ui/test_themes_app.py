"""Themes in the running app: registered at start, switched live, remembered in config.toml."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.ui.conftest import SIZE, Notices, settle
from tikhub_tui.core.paths import config_file
from tikhub_tui.core.settings import Settings, load_settings, save_settings
from tikhub_tui.ui.app import TikhubApp
from tikhub_tui.ui.themes import ThemeSaver, load_themes, user_theme_dir

pytestmark = pytest.mark.anyio
BUNDLED = sorted(theme.name for theme in load_themes([])[0])



async def first_option(pilot: Pilot[None]) -> str:
    """The first command the palette offers, once its search has finished."""
    from textual.command import CommandList

    options = pilot.app.screen.query_one(CommandList)
    for _ in range(100):
        await pilot.pause(0.02)
        if options.option_count and options.highlighted == 0:
            break
    return str(options.get_option_at_index(0).prompt).split("\n")[0]


@pytest.mark.parametrize("name", BUNDLED)
async def test_the_app_starts_in_each_bundled_theme(name: str) -> None:
    app = TikhubApp(Settings(theme=name), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == name
        expected = next(t for t in load_themes([])[0] if t.name == name)
        assert app.current_theme.background == expected.background
        assert app.screen.styles.background.hex.upper() == expected.background
    assert not config_file().exists(), "starting never writes config.toml"


async def test_switching_from_the_palette_applies_and_persists() -> None:
    save_settings(Settings(model="gpt-5-mini", max_tokens=777, keymap={"regenerate": "f5"}))
    settings, _ = load_settings()
    settings.model = "o3"  # a command-line override: used, never saved
    app = TikhubApp(settings, demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "tikhub-dark"
        await pilot.press("ctrl+p", *"theme")
        assert await first_option(pilot) == "Theme"
        await pilot.press("enter", *"tikhub-nord")
        assert await first_option(pilot) == "tikhub-nord"
        await pilot.press("enter")
        await settle(pilot)
        assert app.theme == "tikhub-nord"
        assert app.settings.theme == "tikhub-nord"
        saved, _ = load_settings()
        assert saved.theme == "tikhub-nord"
        assert (saved.model, saved.max_tokens, saved.keymap) == (
            "gpt-5-mini",
            777,
            {"regenerate": "f5"},
        )
        app.theme = "tikhub-light"
        await settle(pilot)
        assert load_settings()[0].theme == "tikhub-light"


async def test_the_latest_choice_wins() -> None:
    app = TikhubApp(Settings(), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for name in ["tikhub-light", "tikhub-nord", "tikhub-solarized"]:
            app.theme = name
            await pilot.pause()
        await settle(pilot)
        assert load_settings()[0].theme == "tikhub-solarized"
        saver = ThemeSaver(app, lambda: False)
        saver._wanted = "tikhub-light"
        saver.save()
        assert load_settings()[0].theme == "tikhub-light"


async def test_a_user_theme_file_is_registered_and_used() -> None:
    user = user_theme_dir()
    user.mkdir(parents=True)
    (user / "paper.toml").write_text(
        'name = "paper"\ndark = false\nprimary = "#0000AA"\nbackground = "#FFFFF0"\n'
    )
    app = TikhubApp(Settings(theme="paper"), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "paper" in app.available_themes
        assert app.theme == "paper"
        assert app.screen.styles.background.hex.upper() == "#FFFFF0"
        assert "nord" in app.available_themes, "Textual's own themes stay available"


async def test_broken_user_themes_give_one_notification_and_the_app_runs() -> None:
    user = user_theme_dir()
    user.mkdir(parents=True)
    (user / "broken.toml").write_text("name = [")
    (user / "pink.toml").write_text('name = "pink"\nprimary = "pinkish"\n')
    notices = Notices()
    app = TikhubApp(Settings(), demo=True)
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        await pilot.pause()
        skipped = notices.about(".toml")
        assert len(skipped) == 1
        assert "broken.toml" in skipped[0] and "not valid TOML" in skipped[0]
        assert "pink.toml" in skipped[0] and "'pinkish'" in skipped[0]
        assert app.theme == "tikhub-dark"
        await pilot.press(*"ok")
        assert app.screen.query_one("#prompt").text == "ok"  # type: ignore[attr-defined]


async def test_an_unknown_theme_falls_back_without_rewriting_the_config() -> None:
    save_settings(Settings(theme="gone"))
    before = config_file().read_bytes()
    notices = Notices()
    app = TikhubApp(load_settings()[0], demo=True)
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        await settle(pilot)
        assert app.theme == "tikhub-dark"
        [notice] = notices.about("'gone'")
        assert "tikhub-dark" in notice and "Theme" in notice
    assert config_file().read_bytes() == before


async def test_a_broken_config_is_not_overwritten_by_a_theme_change(tmp_path: Path) -> None:
    config_file().write_text("theme = [\n")
    notices = Notices()
    app = TikhubApp(Settings(), demo=True)
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        await pilot.pause()
        app.theme = "tikhub-light"
        await settle(pilot)
        assert app.theme == "tikhub-light"
        [warning] = notices.about("not saved")
        assert str(config_file()) in warning
    assert config_file().read_text() == "theme = [\n"


async def test_previews_on_the_settings_screen_are_not_saved_here() -> None:
    from tikhub_tui.ui.screens.settings import SettingsScreen

    save_settings(Settings(theme="tikhub-nord"))
    app = TikhubApp(load_settings()[0], demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.push_screen(SettingsScreen())
        app.theme = "tikhub-light"  # what the theme field does while you browse
        await settle(pilot)
        assert load_settings()[0].theme == "tikhub-nord"
        app.theme = "tikhub-nord"
        app.pop_screen()
        await settle(pilot)
        app.theme = "tikhub-solarized"
        await settle(pilot)
        assert load_settings()[0].theme == "tikhub-solarized"
