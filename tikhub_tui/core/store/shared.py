"""The one store of a process: opened on first use, in whichever thread asks first.

The app's screens and every answer in flight (a race of six as much as one chat answer) use
this store, so the process has one connection to the sessions file. When the user's file
cannot be opened (a broken or newer file), a scratch store in a temporary directory takes its
place so the app still works; the problem is kept for the screens to report, and nothing is
written over the user's file.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import threading
from datetime import timedelta
from pathlib import Path

from tikhub_tui.core.store.database import Store, move_aside
from tikhub_tui.core.store.records import StoreError

PURGE_AFTER = timedelta(days=30)
"""Deleted sessions are removed for good this long after their deletion."""


class SharedStore:
    """Opens the store lazily (blocking: call `get` from a worker thread) and closes it once.

    With `scratch=False` (for `ask`, whose answer must not vanish into a temporary file) a
    file that cannot be opened is an error, raised by every `get`.
    """

    def __init__(self, path: Path | None = None, *, scratch: bool = True) -> None:
        self._path = path
        self._use_scratch = scratch
        self._lock = threading.Lock()
        self._store: Store | None = None
        self._scratch: Path | None = None
        self.error: StoreError | None = None
        """Why the user's store is not the one in use (None when it is, or not opened yet)."""

    @property
    def problem(self) -> str:
        """Why answers are not saved to the user's file, in words ("" when they are)."""
        return str(self.error) if self.error is not None else ""

    def get(self) -> Store:
        """The store in use, opening it on the first call; raises StoreError when not even a
        scratch store can be made."""
        with self._lock:
            if self._store is None:
                self._store = self._open()
            return self._store

    def _open(self) -> Store:
        try:
            store = Store.open(self._path)
        except StoreError as error:
            self.error = error
            if not self._use_scratch:
                raise
            self._scratch = Path(tempfile.mkdtemp(prefix="tikhub-tui-"))
            return Store.open(self._scratch / "sessions.db")
        with contextlib.suppress(StoreError):  # old deleted sessions just stay a little longer
            store.purge_deleted(PURGE_AFTER)
        return store

    def move_aside(self) -> Path:
        """Rename the user's broken file (never deleted) and start a fresh one in its place;
        returns the new name of the old file. Raises StoreError."""
        error = self.error
        if error is None or not error.can_move_aside:
            raise StoreError(
                "the sessions file is fine: nothing to move", path=self._path or Path(), kind="io"
            )
        moved = move_aside(error.path)
        with self._lock:
            self._close_locked()
            self.error = None
            self._store = self._open()
        return moved

    def close(self) -> None:
        """Close the store (and remove a scratch one); idempotent."""
        with self._lock:
            self._close_locked()

    def _close_locked(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None
