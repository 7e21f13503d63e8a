"""The one door through which a race's text from the network or the store reaches a terminal.

Model names, answers, reasoning and error messages in the race screen's panes, headers and tabs
and in `tikhub-tui race`'s lines all pass here, so their escape sequences are never obeyed.
"""

from __future__ import annotations

import re

from tikhub_tui.core.store.text import display_safe

_SURROGATE = re.compile("[\ud800-\udfff]")


def shown(text: str, *, lines: bool = True) -> str:
    """`text` without control characters (ESC among them) or lone surrogates; newlines kept
    unless `lines` is False (then they become spaces)."""
    return _SURROGATE.sub("\ufffd", display_safe(text, keep_newlines=lines))
