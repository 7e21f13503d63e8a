"""Session actions of the chat screen: list, open, search, rename, delete (with undo), branch.

Kept apart from chat.py, which streams answers; this part only talks to the store (through
the screen's Keeper) and to the dialogs.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from tikhub_tui.core.store import Store
from tikhub_tui.core.store.records import SearchHit, StoreError
from tikhub_tui.ui.screens.dialogs import ConfirmScreen, RenameScreen
from tikhub_tui.ui.screens.search import SearchScreen
from tikhub_tui.ui.widgets.sessions import SessionList

UNDO_SECONDS = 10.0
"""How long after a delete Ctrl+Z undoes it from anywhere (as long as its notice shows)."""

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from tikhub_tui.ui.keeper import Keeper
    from tikhub_tui.ui.screens.chat import ChatScreen


def searcher(path: Path) -> Callable[[str], list[SearchHit]]:
    """A search function for the search screen's worker thread (its own connection per call,
    as SQLite connections belong to the thread that opens them)."""

    def search(query: str) -> list[SearchHit]:
        with Store.open(path) as store:
            return store.search(query)

    return search


class SessionActions:
    """What the chat screen does with sessions; `screen` supplies the keeper and the UI."""

    def __init__(self, screen: ChatScreen) -> None:
        self.screen = screen
        self.deleted: tuple[str, str] | None = None
        """The last deleted session (id, title), for undo."""
        self._deleted_at = 0.0

    @property
    def undoable(self) -> bool:
        """A session was deleted moments ago (its notice is still up): Ctrl+Z brings it back
        even from the prompt, whose own undo it otherwise leaves alone."""
        return self.deleted is not None and time.monotonic() - self._deleted_at < UNDO_SECONDS

    @property
    def keeper(self) -> Keeper | None:
        return self.screen.keeper

    def refresh_list(self) -> None:
        keeper = self.keeper
        if keeper is None:
            return
        summaries = self.screen.guard(keeper.summaries)
        if summaries is not None:
            self.screen.query_one(SessionList).show(
                summaries, keeper.session_id, keeper.store.clock()
            )

    def search(self) -> None:
        keeper = self.keeper
        if keeper is None:
            return

        def opened(hit: SearchHit | None) -> None:
            if hit is not None:
                found = next((span.text for span in hit.spans if span.match), "")
                self.screen.open_session(hit.session_id, at_message=hit.message_id, found=found)

        self.screen.app.push_screen(SearchScreen(searcher(keeper.store.path)), opened)

    def rename(self, session_id: str | None, title: str) -> None:
        keeper = self.keeper
        if keeper is None or session_id is None:
            self.screen.notify(
                "Send a prompt first: this conversation is not saved yet.", severity="warning"
            )
            return

        def renamed(new_title: str | None) -> None:
            if new_title:
                self.screen.guard(lambda: keeper.store.rename_session(session_id, new_title))
                self.after_change()

        self.screen.app.push_screen(RenameScreen(title), renamed)

    def delete(self, session_id: str, title: str) -> None:
        keeper = self.keeper
        if keeper is None:
            return

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            try:
                keeper.store.delete_session(session_id)
            except StoreError as error:
                self.screen.notify(str(error), severity="error", markup=False)
                return
            self.deleted = (session_id, title)
            self._deleted_at = time.monotonic()
            if keeper.session_id == session_id:
                self.screen.open_session(None)
            self.after_change()
            self.screen.notify(
                f"Deleted “{title or 'untitled'}”. Ctrl+Z brings it back.",
                markup=False,
                timeout=UNDO_SECONDS,
            )

        shown = title or "this untitled session"
        self.screen.app.push_screen(ConfirmScreen(f"Delete “{shown}”?"), confirmed)

    def undo_delete(self) -> None:
        keeper = self.keeper
        if keeper is None or self.deleted is None:
            self.screen.notify("Nothing to undo.", severity="warning")
            return
        session_id, title = self.deleted
        self.deleted = None
        try:
            keeper.store.restore_session(session_id)
        except StoreError as error:
            self.screen.notify(str(error), severity="error", markup=False)
            return
        self.screen.open_session(session_id)
        self.after_change()
        self.screen.notify(f"Restored “{title or 'untitled'}”.", markup=False, timeout=4)

    def branch(self, message_id: int) -> None:
        keeper = self.keeper
        if keeper is None or keeper.session_id is None:
            return
        session_id = keeper.session_id
        new_id = self.screen.guard(lambda: keeper.store.branch_session(session_id, message_id))
        if new_id:
            self.screen.open_session(new_id)
            self.after_change()
            self.screen.notify("Branched into a new session from that message.", timeout=4)

    def after_change(self) -> None:
        self.refresh_list()
        self.screen.refresh_status()
