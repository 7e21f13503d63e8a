"""The settings screen driven like a user would: F2, keys, Ctrl+S, Esc."""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import pytest
from keyring.backend import KeyringBackend
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, Label, RadioButton, Select, Static

from tests.conftest import FAKE_KEY
from tests.memory_keyring import MemoryKeyring
from tests.ui.conftest import SIZE, open_screen, quiet, settle
from tikhub_tui.core import secrets
from tikhub_tui.core.paths import config_file
from tikhub_tui.core.secrets import backend as keyring_access
from tikhub_tui.core.secrets.keyfile import key_file_path
from tikhub_tui.core.settings import Settings, load_settings
from tikhub_tui.ui.app import TikhubApp
from tikhub_tui.ui.screens.dialogs import ConfirmScreen
from tikhub_tui.ui.screens.settings import SettingsScreen

pytestmark = pytest.mark.anyio


@pytest.fixture(autouse=True)
def empty_key_stores() -> Iterator[None]:
    MemoryKeyring.clear()
    secrets.use_session_key(None)
    yield
    MemoryKeyring.clear()
    secrets.use_session_key(None)



@asynccontextmanager
async def settings_screen(
    settings: Settings | None = None,
) -> AsyncIterator[tuple[Pilot[None], SettingsScreen]]:
    """The demo app with the settings screen opened by F2, its workers finished."""
    app = TikhubApp(settings or quiet(), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_screen(pilot, "f2", SettingsScreen)
        yield pilot, screen
        await app.action_quit()


async def paste(pilot: Pilot[None], text: str) -> None:
    """Paste into the focused widget, as a terminal does (one event, not a key per character)."""
    await pilot.pause()  # a focus() asked for just before has taken effect
    focused = pilot.app.focused
    assert focused is not None
    focused.post_message(events.Paste(text))
    await pilot.pause()


async def retype(pilot: Pilot[None], screen: SettingsScreen, field_id: str, text: str) -> None:
    """Focus a field, empty it with Home and Ctrl+K, and paste `text` into it."""
    screen.query_one(f"#{field_id}", Input).focus()
    await pilot.press("home", "ctrl+k")
    await paste(pilot, text)


def text_of(screen: SettingsScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


def error_of(screen: SettingsScreen, field_id: str) -> str:
    label = screen.query_one(f"#{field_id}-error", Label)
    return str(label.content) if label.display else ""


async def test_f2_opens_it_and_it_shows_the_backend() -> None:
    async with settings_screen() as (_, screen):
        assert text_of(screen, "#key-status") == "No key saved yet."
        assert "MemoryKeyring" in text_of(screen, "#key-backend")
        assert screen.query_one("#base-url", Input).value == "https://ai.tikhub.io"
        assert screen.focused is screen.query_one("#key", Input)


async def test_model_and_base_url_are_saved_and_used(gateway_url: str) -> None:
    async with settings_screen() as (pilot, screen):
        app = screen.tikhub
        await retype(pilot, screen, "base-url", gateway_url)
        screen.query_one("#provider", Select).focus()
        await pilot.press("enter", "down", "enter")  # OpenAI -> Anthropic
        await pilot.pause()
        assert screen.query_one("#model", Select).value == "claude-opus-4-6"
        await pilot.press("tab", "enter", "down", "enter")  # the next Anthropic model
        await pilot.press("ctrl+s")
        await settle(pilot)
        saved, _ = load_settings()
        assert (saved.base_url, saved.provider, saved.model) == (
            gateway_url,
            "anthropic",
            "claude-sonnet-4-5-20250929",
        )
        in_use = app.settings
        assert (in_use.base_url, in_use.provider, in_use.model) == (
            saved.base_url,
            saved.provider,
            saved.model,
        )
        assert (app.provider, app.model) == ("anthropic", "claude-sonnet-4-5-20250929")
        assert f"Saved to {config_file()}" in text_of(screen, "#save-status")
        await pilot.press("escape")  # nothing changed since the save: closes at once
        await pilot.pause()
        assert not isinstance(app.screen, SettingsScreen)


async def test_invalid_fields_are_marked_and_save_is_refused() -> None:
    async with settings_screen() as (pilot, screen):
        await retype(pilot, screen, "base-url", "ftp://example.com")
        await pilot.press("tab")  # leaving the field explains what is wrong
        assert "must start with http:// or https://" in error_of(screen, "base-url")
        await retype(pilot, screen, "max-tokens", "0")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "more than 0" in error_of(screen, "max-tokens")
        assert screen.query_one("#base-url").has_class("-error")
        assert "Not saved: fix the 2 marked fields" in text_of(screen, "#save-status")
        assert not config_file().exists()
        assert screen.tikhub.screen is screen
        assert screen.focused is screen.query_one("#base-url")
        await retype(pilot, screen, "base-url", "http://127.0.0.1:9")  # fixing clears the mark
        assert error_of(screen, "base-url") == ""
        assert not screen.query_one("#base-url").has_class("-error")


async def test_extra_models_join_the_model_choice_and_are_saved() -> None:
    async with settings_screen() as (pilot, screen):
        await retype(pilot, screen, "extra-openai", "my-model, my-other")
        select: Select[str] = screen.query_one("#model", Select)
        assert ("my-model", "my-model") in select._options
        select.value = "my-model"
        await pilot.press("ctrl+s")
        await settle(pilot)
        saved, _ = load_settings()
        assert saved.models == {"openai": ["my-model", "my-other"]}
        assert saved.model == "my-model"
        assert "my-other" in screen.tikhub.models()["openai"]


async def test_a_saved_key_goes_to_the_keyring_and_is_never_shown_again() -> None:
    async with settings_screen() as (pilot, screen):
        screen.query_one("#key", Input).focus()
        await paste(pilot, FAKE_KEY)
        assert FAKE_KEY not in screen.tikhub.export_screenshot()  # masked while typed
        await pilot.press("ctrl+s")
        await settle(pilot)
        found = secrets.resolve_key()
        assert found is not None and found.value == FAKE_KEY and found.source == "keyring"
        assert screen.query_one("#key", Input).value == ""
        assert "…1234" in text_of(screen, "#key-status")
        assert "…1234" in text_of(screen, "#save-status")
        shot = screen.tikhub.export_screenshot()
        assert FAKE_KEY not in shot and FAKE_KEY[:-4] not in shot
        assert FAKE_KEY not in config_file().read_text()


async def test_a_malformed_key_is_refused_next_to_the_field() -> None:
    async with settings_screen() as (pilot, screen):
        screen.query_one("#key", Input).focus()
        await paste(pilot, "two words")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "spaces" in error_of(screen, "key")
        assert secrets.resolve_key() is None and not config_file().exists()


async def test_without_a_keyring_the_alternatives_are_offered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    async with settings_screen() as (pilot, screen):
        backend = text_of(screen, "#key-backend")
        assert "No usable OS keyring" in backend
        assert "this run only" in backend and str(key_file_path()) in backend
        assert "TIKHUB_API_KEY" in backend
        assert screen.query_one("#dest-keyring", RadioButton).disabled
        assert screen.query_one("#dest-session", RadioButton).value
        screen.query_one("#key", Input).focus()
        await paste(pilot, FAKE_KEY)
        await pilot.press("ctrl+s")
        await settle(pilot)
        found = secrets.resolve_key()
        assert found is not None and found.value == FAKE_KEY and found.source == "session"
        assert "this run's memory" in text_of(screen, "#key-status")
        assert not key_file_path().exists()
        assert FAKE_KEY not in screen.tikhub.export_screenshot()


async def test_the_key_file_is_the_opt_in_alternative(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    async with settings_screen() as (pilot, screen):
        screen.query_one("#key", Input).focus()
        await paste(pilot, FAKE_KEY)
        await pilot.press("tab", "right", "enter")  # -> "Key file (0600)"
        assert screen.query_one("#dest-file", RadioButton).value
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert key_file_path().read_text().strip() == FAKE_KEY
        assert stat.S_IMODE(os.stat(key_file_path()).st_mode) == 0o600
        assert "…1234 from the key file" in text_of(screen, "#key-status")


async def test_the_environment_key_is_said_to_win(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIKHUB_API_KEY", FAKE_KEY)
    async with settings_screen() as (_, screen):
        status = text_of(screen, "#key-status")
        assert "TIKHUB_API_KEY" in status and "wins" in status and "…1234" in status
        assert FAKE_KEY not in screen.tikhub.export_screenshot()


async def test_theme_previews_live_and_escape_puts_it_back() -> None:
    async with settings_screen() as (pilot, screen):
        app = screen.tikhub
        before = app.theme
        screen.query_one("#theme", Select).value = "nord"
        await pilot.pause()
        assert app.theme == "nord"
        await pilot.press("escape")  # a change: asks first
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("k")  # keep editing
        await pilot.pause()
        assert app.screen is screen and app.theme == "nord"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("d")  # discard
        await pilot.pause()
        assert not isinstance(app.screen, SettingsScreen | ConfirmScreen)
        assert app.theme == before
        assert not config_file().exists()


async def test_a_saved_theme_stays() -> None:
    async with settings_screen() as (pilot, screen):
        screen.query_one("#theme", Select).value = "nord"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert screen.tikhub.theme == "nord"
        assert load_settings()[0].theme == "nord"


async def test_a_broken_config_is_named_and_saving_repairs_it() -> None:
    path = config_file()
    path.write_text('base_url = "http://x"\nmodel = \n')
    async with settings_screen() as (pilot, screen):
        notice = text_of(screen, "#config-notice")
        assert str(path) in notice and "line 2" in notice
        assert screen.query_one("#config-notice").display
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert load_settings() == (quiet(), [])
        assert not screen.query_one("#config-notice").display


async def test_a_failed_save_keeps_the_screen_and_the_values(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    disk_full = True
    real_replace = os.replace

    def replace(source: str, target: str) -> None:
        if disk_full:
            raise OSError(28, "No space left on device")
        real_replace(source, target)

    # only this one patch is taken back below: monkeypatch.undo() would also undo the
    # isolation of the config and data dirs
    monkeypatch.setattr("tikhub_tui.core.files.os.replace", replace)
    async with settings_screen() as (pilot, screen):
        app = screen.tikhub
        await retype(pilot, screen, "base-url", "http://127.0.0.1:9")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert "No space left on device" in text_of(screen, "#save-status")
        assert screen.query_one("#base-url", Input).value == "http://127.0.0.1:9"
        assert app.settings.base_url == "https://ai.tikhub.io"
        assert not config_file().exists()
        assert [p.name for p in config_file().parent.iterdir()] == []  # no temp file left
        disk_full = False
        await pilot.press("ctrl+s")  # once the disk has room, the same values save
        await settle(pilot)
        assert load_settings()[0].base_url == "http://127.0.0.1:9"


async def test_escape_without_changes_closes_at_once() -> None:
    async with settings_screen() as (pilot, screen):
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(screen.tikhub.screen, SettingsScreen | ConfirmScreen)


class SleepyKeyring(KeyringBackend):
    """A keyring whose every call blocks until released (a locked store waiting on D-Bus)."""

    priority = -2  # never chosen by keyring itself
    release = threading.Event()

    def get_password(self, service: str, username: str) -> str | None:
        self.release.wait()
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        self.release.wait()

    def delete_password(self, service: str, username: str) -> None:
        self.release.wait()


class RefusingKeyring(MemoryKeyring):
    """A keyring that reads but refuses to store."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError("the store is read-only")


async def test_a_keyring_that_never_answers_does_not_freeze_the_screen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", f"{__name__}.SleepyKeyring")
    # long enough that a loaded machine still shows the check under way while we type (the
    # test then waits for the limit: the keyring never answers)
    monkeypatch.setenv("TIKHUB_TUI_KEYRING_TIMEOUT", "15")
    SleepyKeyring.release.clear()
    try:
        app = TikhubApp(quiet(), demo=True)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f2")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, SettingsScreen)
            assert text_of(screen, "#key-status") == "Checking the keyring…"
            await retype(pilot, screen, "base-url", "http://127.0.0.1:9")  # the UI still answers
            assert screen.query_one("#base-url", Input).value == "http://127.0.0.1:9"
            await settle(pilot)
            assert "did not answer within 15 s" in text_of(screen, "#key-backend")
            assert screen.query_one("#dest-session", RadioButton).value
            await app.action_quit()
    finally:
        SleepyKeyring.release.set()
        assert keyring_access.settle(5.0)


async def test_a_keyring_that_refuses_the_key_saves_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", f"{__name__}.RefusingKeyring")
    async with settings_screen() as (pilot, screen):
        await retype(pilot, screen, "base-url", "http://127.0.0.1:9")
        screen.query_one("#key", Input).focus()
        await paste(pilot, FAKE_KEY)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "the store is read-only" in error_of(screen, "key")
        assert "Nothing saved" in text_of(screen, "#save-status")
        assert not config_file().exists()
        assert screen.query_one("#key", Input).value == FAKE_KEY  # kept, to save elsewhere
        assert FAKE_KEY not in screen.tikhub.export_screenshot()
        await pilot.press("tab", "right", "enter", "ctrl+s")  # -> "This run only"
        await settle(pilot)
        found = secrets.resolve_key()
        assert found is not None and found.source == "session"
        assert load_settings()[0].base_url == "http://127.0.0.1:9"


async def test_escape_in_an_open_choice_closes_only_the_choice() -> None:
    async with settings_screen() as (pilot, screen):
        select = screen.query_one("#theme", Select)
        select.focus()
        await pilot.press("enter")
        assert select.expanded
        await pilot.press("escape")
        assert not select.expanded and screen.tikhub.screen is screen
