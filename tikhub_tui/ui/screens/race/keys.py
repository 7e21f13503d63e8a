"""The race screen's keys: each binding has an id, so `[keymap]` in config.toml remaps it.

The prompt keeps the focus on the race screen, so every key here is one the prompt does not
use for typing (Tab moves between panes, not out of the prompt). None is a key that tmux,
GNU screen or a terminal takes first (Ctrl+B, Ctrl+A...); F4 picks files as in the chat, F5-F8
are the judging keys.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

WINNER = Binding("ctrl+f", "pick_winner", "Winner", id="race-winner", priority=True)
"""This pane wins (the race's rule line names its key, remapped or not)."""

BINDINGS: list[BindingType] = [
    Binding("escape", "stop_all", "Stop all", id="race-stop-all"),
    Binding("escape", "back", "Back to the prompt", id="race-back", show=False),
    Binding("tab", "next_pane", "Next pane", id="race-next-pane", show=False, priority=True),
    Binding(
        "shift+tab",
        "previous_pane",
        "Previous pane",
        id="race-previous-pane",
        show=False,
        priority=True,
    ),
    Binding("ctrl+t", "stop_pane", "Stop pane", id="race-stop-pane", priority=True),
    Binding("ctrl+r", "retry_pane", "Retry", id="race-retry-pane", priority=True),
    Binding("ctrl+g", "zoom", "Zoom", id="race-zoom", priority=True),
    # not Ctrl+B (tmux's prefix: ui/terminal_keys.py), nor Ctrl+F (the chat's search)
    WINNER,
    Binding("ctrl+l", "pick_models", "Models", id="race-models", priority=True),
    Binding(
        "ctrl+o", "pane_options", "Pane settings", id="race-pane-options", show=False, priority=True
    ),
    Binding(
        "ctrl+s",
        "scroll_together",
        "Scroll together",
        id="race-scroll-together",
        show=False,
        priority=True,
    ),
    Binding("ctrl+n", "new_race", "New race", id="race-new", show=False, priority=True),
    Binding("f4", "attach", "Files", id="race-attach", priority=True),
    Binding(
        "ctrl+y", "copy_answer", "Copy answer", id="race-copy-answer", show=False, priority=True
    ),
    Binding("pageup", "page_up", "Page up", id="race-page-up", show=False, priority=True),
    Binding("pagedown", "page_down", "Page down", id="race-page-down", show=False, priority=True),
    Binding("ctrl+end", "follow", "Follow", id="race-follow", show=False, priority=True),
]

FOOTER_FIRST = (
    "stop_all",
    "stop_pane",
    "help",
    "pick_winner",
    "vote",
    "judge",
    "diff",
    "toggle_blind",
    "attach",
    "race",
    "retry_pane",
    "zoom",
    "pick_models",
    "settings",
)
"""The order of the race's keys in its footer: what stops a stream, help, the keys of a finished
round and the judging keys, files, back to the chat; on 80 columns the rest fall off the end
(help lists them all)."""
