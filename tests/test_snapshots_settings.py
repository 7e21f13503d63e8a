"""A snapshot of the settings screen: demo app, empty test keyring, default settings.

The SVG is reviewed by eye (render it with `rsvg-convert`) before it is committed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tikhub_tui.core import secrets
from tikhub_tui.core.memory_keyring import MemoryKeyring
from tikhub_tui.core.settings import Settings

SNAPSHOT_TEMPDIR = os.environ.get("TEXTUAL_SNAPSHOT_TEMPDIR")
"""Set by pytest-textual-snapshot at session start; the isolation fixture clears TEXTUAL_*."""


@pytest.fixture(autouse=True)
def snapshot_state(isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    if SNAPSHOT_TEMPDIR:
        monkeypatch.setenv("TEXTUAL_SNAPSHOT_TEMPDIR", SNAPSHOT_TEMPDIR)
    MemoryKeyring.clear()
    secrets.use_session_key(None)
    yield
    MemoryKeyring.clear()


async def open_settings(pilot: Any) -> None:
    """F2, then wait for the keyring probe and the config check; clear the start-up toasts."""
    from tikhub_tui.ui.screens.settings import SettingsScreen

    app = pilot.app
    await app.access_ready.wait()
    await pilot.press("f2")
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(app.screen, SettingsScreen)
    app.clear_notifications()
    await pilot.pause()


def test_settings_screen(snap_compare: Any) -> None:
    from tikhub_tui.ui.app import TikhubApp

    # an explicit built-in theme, so the picture does not change with the bundled themes
    app = TikhubApp(Settings(theme="textual-dark"), demo=True, deterministic=True)
    assert snap_compare(app, terminal_size=(120, 40), run_before=open_settings)
