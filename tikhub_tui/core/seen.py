"""Notices shown once: a long explanation the first time, a short status line after that.

The names of the notices already shown are kept one per line in `seen-notices` beside the
sessions (private, like them), so a fact that does not change (no keyring on this machine)
is explained once, not on every start.
"""

from __future__ import annotations

import os

from tikhub_tui.core.paths import data_dir

FILE_NAME = "seen-notices"
MAX_BYTES = 4096
"""More than this in the file is not ours: it is read no further."""


def first_time(name: str) -> bool:
    """True the first time `name` is asked about (it is recorded then); never raises: where
    the file cannot be read or written, every time counts as the first."""
    path = data_dir() / FILE_NAME
    try:
        with open(path, "rb") as handle:
            seen = handle.read(MAX_BYTES).decode("utf-8", "replace").splitlines()
    except OSError:
        seen = []
    if name in seen:
        return False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            handle.write(f"{name}\n")
    except OSError:
        pass
    return True
