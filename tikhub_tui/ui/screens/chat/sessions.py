"""The chat screen's sessions: list, open, search, rename, delete (with undo), branch, move aside.

Every store call runs in a thread worker (a slow disk or a file another process holds locked
never freezes typing); the workers post what they found as the messages below, and the
screen's handlers show it. Dialogs ask first where something is changed or deleted.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from textual.message import Message
from textual.screen import Screen

from tikhub_tui.core.store.records import SearchHit, SessionSummary, StoredMessage, StoreError
from tikhub_tui.core.store.tree import Tree
from tikhub_tui.ui.screens.dialogs import ConfirmScreen, RenameScreen
from tikhub_tui.ui.screens.search import SearchScreen

if TYPE_CHECKING:
    from tikhub_tui.core.store import Store
    from tikhub_tui.core.store.shared import SharedStore

UNDO_SECONDS = 10.0
"""How long after a delete Ctrl+Z undoes it from anywhere (as long as its notice shows)."""
LISTED = 200
"""Sessions in the sidebar list (all of them are a search away)."""
RECALLED = 100
"""Earlier prompts Up recalls after a restart."""

Severity = Literal["information", "warning", "error"]


class ChatSessions:
    """What the chat screen does with sessions; results come back as messages to `screen`."""

    @dataclass
    class Ready(Message):
        """The start-up work is done (the latest session reopened, if any): the prompts
        to recall with Up."""

        recent_prompts: list[str]

    @dataclass
    class Listed(Message):
        """The sessions to list, newest first, and the title of the one on screen."""

        summaries: list[SessionSummary]
        current: str | None
        title: str
        now: datetime

    @dataclass
    class Opened(Message):
        """A session to show: its whole active path, oldest first (None: a new one)."""

        session_id: str | None
        messages: list[StoredMessage] = field(default_factory=list)
        system: str = ""
        title: str = ""
        at_message: int | None = None
        adopt_model: bool = True
        found: str = ""
        """What a search found in `at_message` (highlighted there)."""
        at_start: bool = False
        """The last session, reopened at start: shown only if nothing was said meanwhile."""

    @dataclass
    class Deleted(Message):
        """A session was deleted (Ctrl+Z brings it back for a while)."""

        session_id: str
        title: str

    @dataclass
    class Positions(Message):
        """Where each message of a session stands among its alternatives: (2, 3) for the
        second of three versions (a regenerated answer, an edited prompt)."""

        session_id: str
        positions: dict[int, tuple[int, int]]

    @dataclass
    class Notice(Message):
        """Something to tell the user (a store failure, a change done)."""

        text: str
        severity: Severity = "information"
        timeout: float = 5.0
        title: str = ""

    def __init__(self, screen: Screen[Any], store: SharedStore) -> None:
        self.screen = screen
        self.store = store
        self.deleted: tuple[str, str] | None = None
        """The last deleted session (id, title), for undo."""
        self._deleted_at = 0.0

    @property
    def undoable(self) -> bool:
        """A session was deleted moments ago (its notice is still up): Ctrl+Z brings it back
        even from the prompt, whose own undo it otherwise leaves alone."""
        return self.deleted is not None and time.monotonic() - self._deleted_at < UNDO_SECONDS

    # -- running store work ------------------------------------------------------------------

    def _run(self, job: Callable[[Store], None], what: str) -> None:
        """Run `job` with the store in a thread worker; a failure becomes a Notice."""
        post = self.screen.post_message

        def work() -> None:
            try:
                job(self.store.get())
            except StoreError as error:
                post(self.Notice(str(error), "error", 10))
            except Exception as error:  # a bug must not pass in silence
                post(self.Notice(f"{what} failed: {type(error).__name__}: {error}", "error", 10))

        self.screen.run_worker(work, thread=True, exit_on_error=False, group="sessions")

    def _list(self, store: Store, current: str | None) -> None:
        title = store.get_session(current).title if current else ""
        summaries = store.list_sessions(limit=LISTED)
        self.screen.post_message(self.Listed(summaries, current, title, store.clock()))

    def _open(
        self,
        store: Store,
        session_id: str,
        at_message: int | None = None,
        adopt: bool = True,
        found: str = "",
        at_start: bool = False,
    ) -> None:
        if at_message is not None and all(m.id != at_message for m in store.messages(session_id)):
            store.set_leaf(session_id, at_message, descend=True)  # a hit on an earlier branch
        session = store.get_session(session_id)
        messages = store.messages(session_id)
        opened = self.Opened(
            session_id,
            messages,
            session.system,
            session.title,
            at_message,
            adopt_model=adopt,
            found=found,
            at_start=at_start,
        )
        self.screen.post_message(opened)
        self._list(store, session_id)

    # -- what the screen asks for ------------------------------------------------------------

    def start(self, *, adopt_model: bool) -> None:
        """Open the store, list the sessions and reopen the latest one; Ready comes last,
        whatever happened."""
        post = self.screen.post_message

        def work() -> None:
            recent: list[str] = []
            try:
                store = self.store.get()
                if self.store.problem:
                    text = f"Sessions are not being saved: {self.store.problem}"
                    post(self.Notice(text, "error", 20, "Session store"))
                recent = store.recent_prompts(RECALLED)
                latest = store.latest_session_id()
                if latest is None:
                    self._list(store, None)
                else:
                    self._open(store, latest, adopt=adopt_model, at_start=True)
            except Exception as error:
                text = f"Sessions are not being saved: {error}"
                post(self.Notice(text, "error", 20, "Session store"))
            finally:
                post(self.Ready(recent))

        self.screen.run_worker(work, thread=True, exit_on_error=False, group="sessions")

    def refresh(self, current: str | None) -> None:
        self._run(lambda store: self._list(store, current), "Listing the sessions")

    def open(self, session_id: str, at_message: int | None = None, found: str = "") -> None:
        self._run(
            lambda store: self._open(store, session_id, at_message, found=found),
            "Opening the session",
        )

    def search(self) -> None:
        store = self.store

        def opened(hit: SearchHit | None) -> None:
            if hit is not None:
                found = next((span.text for span in hit.spans if span.match), "")
                self.open(hit.session_id, at_message=hit.message_id, found=found)

        def search(query: str) -> list[SearchHit]:  # in the search screen's worker
            return store.get().search(query)

        self.screen.app.push_screen(SearchScreen(search), opened)

    def rename(self, session_id: str | None, title: str, current: str | None) -> None:
        if session_id is None:
            self.screen.notify(
                "Send a prompt first: this conversation is not saved yet.", severity="warning"
            )
            return

        def renamed(new_title: str | None) -> None:
            if new_title:

                def job(store: Store) -> None:
                    store.rename_session(session_id, new_title)
                    self._list(store, current)

                self._run(job, "Renaming")

        self.screen.app.push_screen(RenameScreen(title), renamed)

    def delete(self, session_id: str, title: str, current: str | None) -> None:
        def confirmed(yes: bool | None) -> None:
            if not yes:
                return

            def job(store: Store) -> None:
                store.delete_session(session_id)
                self.screen.post_message(self.Deleted(session_id, title))
                self._list(store, None if current == session_id else current)

            self._run(job, "Deleting")

        shown = title or "this untitled session"
        self.screen.app.push_screen(ConfirmScreen(f"Delete “{shown}”?"), confirmed)

    def was_deleted(self, event: Deleted) -> None:
        """Remember a delete for Ctrl+Z and say so."""
        self.deleted = (event.session_id, event.title)
        self._deleted_at = time.monotonic()
        self.screen.notify(
            f"Deleted “{event.title or 'untitled'}”. Ctrl+Z brings it back.",
            markup=False,
            timeout=UNDO_SECONDS,
        )

    def undo_delete(self) -> None:
        if self.deleted is None:
            self.screen.notify("Nothing to undo.", severity="warning")
            return
        session_id, title = self.deleted
        self.deleted = None

        def job(store: Store) -> None:
            store.restore_session(session_id)
            self._open(store, session_id)
            self.screen.post_message(self.Notice(f"Restored “{title or 'untitled'}”.", timeout=4))

        self._run(job, "Restoring")

    def positions(self, session_id: str | None) -> None:
        """Find which messages of the session have alternatives (posted as Positions)."""
        if session_id is None:
            return

        def job(store: Store) -> None:
            tree = Tree(store.tree(session_id))
            found = {
                message.id: tree.position(message)
                for group in tree.children.values()
                for message in group
            }
            self.screen.post_message(self.Positions(session_id, found))

        self._run(job, "Reading the branches")

    def flip(self, session_id: str, message_id: int, step: int) -> None:
        """Show another version of a message (`step` -1: the older one, 1: the newer one);
        the conversation below it follows that version's newest branch."""

        def job(store: Store) -> None:
            versions = store.siblings(message_id)
            index = versions.index(message_id) + step if message_id in versions else -1
            if len(versions) < 2:
                text = (
                    "This message has no other version: Ctrl+R regenerates an answer, e edits "
                    "and resends a prompt, and the old one stays as a version."
                )
                self.screen.post_message(self.Notice(text, "warning"))
                return
            if not 0 <= index < len(versions):
                end = "first" if step < 0 else "last"
                text = f"This is the {end} of {len(versions)} versions."
                self.screen.post_message(self.Notice(text, "warning", 3))
                return
            store.set_leaf(session_id, versions[index], descend=True)
            self._open(store, session_id, versions[index], adopt=False)

        self._run(job, "Switching versions")

    def branch(self, session_id: str, message_id: int) -> None:
        def job(store: Store) -> None:
            new_id = store.branch_session(session_id, message_id)
            self._open(store, new_id)
            notice = self.Notice("Branched into a new session from that message.", timeout=4)
            self.screen.post_message(notice)

        self._run(job, "Branching")

    def move_aside(self) -> None:
        """Rename a broken sessions file (never deleted) and start a fresh one."""
        error = self.store.error
        if error is None or not error.can_move_aside:
            self.screen.notify("The sessions file is fine: nothing to move.", severity="warning")
            return
        path = error.path

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return

            def job(store: Store) -> None:
                moved = self.store.move_aside()
                self.screen.post_message(self.Opened(None))
                self._list(self.store.get(), None)
                text = f"Moved the broken file to {moved}; new sessions are saved again."
                self.screen.post_message(self.Notice(text, timeout=10))

            self._run(job, "Moving the file aside")

        question = (
            f"Rename {path} to {path.name}.broken-… and start a new sessions file? "
            "Nothing is deleted."
        )
        self.screen.app.push_screen(
            ConfirmScreen(question, "Move aside", destructive=False), confirmed
        )
