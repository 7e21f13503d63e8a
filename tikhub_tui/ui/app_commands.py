"""What the command palette offers and what the help screen lists, built from the screens' key
tables so that a new binding shows up in both without being written twice.

Part of the App's layer (it knows every screen); app.py calls it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from tikhub_tui.ui.keymap import effective_keys
from tikhub_tui.ui.screens.chat import ChatScreen
from tikhub_tui.ui.screens.help import KeyTable
from tikhub_tui.ui.screens.judging.keys import key_tables as judging_tables
from tikhub_tui.ui.screens.race import RaceScreen
from tikhub_tui.ui.screens.race_stats import StatsScreen

if TYPE_CHECKING:
    from tikhub_tui.ui.app import TikhubApp


def help_tables(app: TikhubApp, screen: Screen[Any] | None = None) -> list[KeyTable]:
    """Every screen's keys, the App's own and the palette's, as the help screen shows them:
    the keys of `screen` (the one help was opened from) first."""
    what = "Command palette: every action, models, themes"
    palette = Binding(app.COMMAND_PALETTE_BINDING, "command_palette", what)
    own = KeyTable("App", "app", [*app.BINDINGS, palette])
    race = [KeyTable("Race (F3)", "race", RaceScreen.BINDINGS), *judging_tables()]
    board = [KeyTable("Leaderboard (F9)", "leaderboard", StatsScreen.BINDINGS)]
    chat = ChatScreen.key_tables()
    if isinstance(screen, RaceScreen):  # the race's prompt is the chat's: its keys next
        prompt = [table for table in chat if table.name == "prompt"]
        rest = [table for table in chat if table.name != "prompt"]
        return [*race[:1], *prompt, *race[1:], *rest, own, *board]
    if isinstance(screen, StatsScreen):
        return [*board, *chat, *race, own]
    return [*chat, *race, own, *board]


def system_commands(app: TikhubApp, screen: Screen[object]) -> Iterable[SystemCommand]:
    """The app's own commands, a command per model, and the keys of the screen shown."""
    yield SystemCommand(
        "Settings", "API key, base URL, models, theme (F2)", app.action_settings
    )
    yield SystemCommand("Help", "Every key binding (F1)", app.action_help)
    yield SystemCommand(
        "Race", "One prompt to 2-6 models at once, side by side (F3)", app.action_race
    )
    yield SystemCommand(
        "Leaderboard",
        "Your races: ratings from your votes, speed and cost (F9)",
        app.action_race_stats,
    )
    for provider, names in app.models().items():
        for name in names:
            yield SystemCommand(
                f"Model: {name}",
                f"Send the next prompts to {name} ({provider})",
                lambda p=provider, n=name: app.choose_model(p, n),
                discover=False,
            )
    if isinstance(screen, RaceScreen):
        for binding in RaceScreen.BINDINGS:
            if isinstance(binding, Binding) and binding.description:
                yield SystemCommand(
                    f"Race: {binding.description}",
                    effective_keys(app, binding),
                    lambda a=binding.action: screen.run_action(a),
                )

    if isinstance(screen, ChatScreen):
        if app.store.error is not None and app.store.error.can_move_aside:
            yield SystemCommand(
                "Move the broken sessions file aside",
                "Rename it (nothing is deleted) and start a new sessions file",
                screen.action_move_store_aside,
            )
        for binding in ChatScreen.BINDINGS:
            if isinstance(binding, Binding) and binding.description:
                yield SystemCommand(
                    binding.description,
                    effective_keys(app, binding),
                    lambda a=binding.action: screen.run_action(a),
                )
