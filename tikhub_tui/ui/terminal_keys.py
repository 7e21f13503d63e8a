"""Keys a terminal, a multiplexer or the OS may take before the app sees them.

The default bindings were checked against each of these; the help screen lists what was
checked, so a user whose key "does nothing" can see why and remap it by id.
"""

from __future__ import annotations

TAKEN = {
    "ctrl+b": "tmux's prefix key",
    "ctrl+a": "GNU screen's prefix key (and a common tmux prefix)",
}
"""Keys no default binding of the app's screens uses: something before the app takes them."""

NOTES = (
    "Checked against tmux's and GNU screen's defaults and common terminal captures:",
    "• Ctrl+B is tmux's prefix and Ctrl+A screen's: no binding of the app uses them (the "
    "sidebar is Ctrl+\\). In the prompt Ctrl+A also goes to the line start, as Home does.",
    "• Ctrl+S and Ctrl+Q (XON/XOFF flow control) and Ctrl+Z (suspend), Ctrl+\\ (quit "
    "signal): the app turns flow control and signals off while it runs, so they reach it.",
    "• F1 opens the terminal's own help in GNOME Terminal and Xfce: ? (outside the prompt) "
    "and Ctrl+P, Help open this screen too. F10 and F11 (menu, full screen) are not used.",
    "• Ctrl+Up and Ctrl+arrows switch spaces on macOS: Shift+Tab from the prompt also "
    "reaches the messages. Alt keys need Option as Meta in macOS terminals.",
    "• Remap any key by its id in config.toml's [keymap].",
)
"""What the help screen says about the keys above."""
