"""A snapshot of the settings screen: demo app, empty test keyring, default settings.

The SVG is reviewed by eye (render it with `rsvg-convert`) before it is committed.
"""

from __future__ import annotations

from typing import Any

from tests.ui.conftest import quiet


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
    app = TikhubApp(quiet(theme="textual-dark"), demo=True)
    assert snap_compare(app, terminal_size=(120, 40), run_before=open_settings)
