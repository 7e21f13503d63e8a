"""The settings screen, in its parts: the screen, the fields' layout, the form's rules, the key
panel and the work its thread workers do (saving, reading config.toml, probing the keyring)."""

from tikhub_tui.ui.screens.settings.screen import SettingsScreen

__all__ = ["SettingsScreen"]
