"""Private files of the app (a kept draft, say): mode 0600 in a 0700 directory, written whole.

What the user typed is as private as the sessions and the key, so every such file is created
with the same mode as `sessions.db` and `config.toml`, never with the umask's 0644.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_private(path: Path, text: str, *, durable: bool = False) -> None:
    """Write `text` to `path` atomically, as a new 0600 file; raises OSError. `durable`: on
    the disk before it replaces the old file (settings the user saved by hand)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:  # mkstemp creates the file 0600, whatever the umask
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
