"""A snapshot of the settings screen: demo app, empty test keyring, default settings.

The SVG is reviewed by eye (render it with `rsvg-convert`) before it is committed.
"""

from __future__ import annotations

from typing import Any

from tests.ui.conftest import SIZE, quiet, ready, still


async def open_settings(pilot: Any) -> None:
    """F2, then wait for the keyring probe and the config check; clear the start-up notices."""
    from tikhub_tui.ui.screens.settings import SettingsScreen

    await ready(pilot)
    await pilot.press("f2")
    await still(pilot)
    assert isinstance(pilot.app.screen, SettingsScreen)


def test_settings_screen(snap_compare: Any) -> None:
    from tikhub_tui.ui.app import TikhubApp

    # an explicit built-in theme, so the picture does not change with the bundled themes
    app = TikhubApp(quiet(theme="textual-dark"), demo=True)
    assert snap_compare(app, terminal_size=SIZE, run_before=open_settings)
