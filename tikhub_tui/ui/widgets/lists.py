"""Shared pieces of the line-based lists (sessions, search hits)."""

from __future__ import annotations

from textual.binding import Binding

QUIET_CURSOR_BINDINGS = [
    Binding("up", "cursor_up", "Up", show=False),
    Binding("down", "cursor_down", "Down", show=False),
    Binding("home", "first", "First", show=False),
    Binding("end", "last", "Last", show=False),
    Binding("pageup", "page_up", "Page up", show=False),
    Binding("pagedown", "page_down", "Page down", show=False),
]
"""OptionList's cursor keys without footer labels, so the footer shows the list's own actions
(OptionList must then be subclassed with `inherit_bindings=False`)."""
