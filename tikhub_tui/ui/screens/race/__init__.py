"""The race screen, split along its seams: the screen (layout, keys, the rule in force), the
race on it (rounds, streams, figures), the model picker and the small dialogs."""

from tikhub_tui.ui.screens.race.screen import RaceScreen

__all__ = ["RaceScreen"]
