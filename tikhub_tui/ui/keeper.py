"""The chat screen's link to the session store: the open session, pages of it, saved answers.

When the real store cannot be opened (a broken or newer file), a scratch store in a temporary
directory takes its place so the app still works; the problem is reported and nothing is
written over the user's file.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

from tikhub_tui.core.model import Conversation, RequestOptions
from tikhub_tui.core.store import Store
from tikhub_tui.core.store.records import SessionSummary, StoredMessage, StoreError
from tikhub_tui.core.store.writer import AnswerWriter
from tikhub_tui.ui.streaming import LiveStream

PAGE = 20
"""Messages mounted at a time: the newest screenful and then some."""
LISTED = 200
"""Sessions in the sidebar list (all of them are a search away)."""


class AnswerRecorder:
    """Writes one streaming answer to the store (in the worker thread, batched)."""

    def __init__(self, writer: AnswerWriter) -> None:
        self._writer = writer
        self.problem = ""

    def append(self, text: str = "", reasoning: str = "") -> None:
        if self.problem:
            return
        try:
            self._writer.append(text=text, reasoning=reasoning)
        except StoreError as error:
            self.problem = str(error)

    def close(self, live: LiveStream) -> None:
        try:
            self._writer.finish(
                live.status,
                live.finish.raw if live.finish else ("cancelled" if live.cancelled else ""),
                live.usage,
                live.ttft,
                live.duration,
                live.error.message if live.error else "",
            )
        except StoreError as error:
            self.problem = self.problem or str(error)


class Keeper:
    """Sessions for one chat screen; used on the UI thread (short SQLite calls only)."""

    def __init__(
        self, store: Store, error: StoreError | None = None, scratch: Path | None = None
    ) -> None:
        self.store = store
        self.error = error
        """Why the real store is not in use (None when it is)."""
        self.problem = str(error) if error else ""
        self._scratch = scratch
        self.session_id: str | None = None

    @classmethod
    def open(cls) -> Keeper:
        try:
            store = Store.open()
        except StoreError as error:
            scratch = Path(tempfile.mkdtemp(prefix="tikhub-tui-"))
            return cls(Store.open(scratch / "sessions.db"), error, scratch)
        with contextlib.suppress(StoreError):  # old deleted sessions just stay a little longer
            store.purge_deleted(timedelta(days=30))
        return cls(store)

    @property
    def saving(self) -> bool:
        return not self.problem

    def close(self) -> None:
        self.store.close()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)

    # -- sessions ----------------------------------------------------------------------------

    def summaries(self) -> list[SessionSummary]:
        return self.store.list_sessions(limit=LISTED)

    def latest(self) -> str | None:
        return self.store.latest_session_id()

    def show_branch_of(self, message_id: int) -> None:
        """Make the branch holding `message_id` the one shown (a search hit may be on an
        earlier branch of the session)."""
        assert self.session_id is not None
        if all(m.id != message_id for m in self.store.messages(self.session_id)):
            self.store.set_leaf(self.session_id, message_id, descend=True)

    def title(self) -> str:
        return self.store.get_session(self.session_id).title if self.session_id else ""

    # -- messages ----------------------------------------------------------------------------

    def newest(self, limit: int = PAGE) -> list[StoredMessage]:
        if self.session_id is None:
            return []
        return self.store.messages(self.session_id, limit=limit)

    def older(self, before_id: int, limit: int = PAGE) -> list[StoredMessage]:
        assert self.session_id is not None
        return self.store.messages(self.session_id, limit=limit, before_id=before_id)

    def add_prompt(self, text: str, model: str, provider: str, system: str) -> int:
        """Record a prompt (starting a session on the first one) and return its id."""
        if self.session_id is None:
            self.session_id = self.store.create_session(system=system)
        return self.store.add_message(self.session_id, "user", text, model=model, provider=provider)

    def edit_prompt(self, message_id: int, text: str) -> int:
        """Edit-and-resend: a new sibling prompt; the old one and its answers stay a branch."""
        return self.store.edit_message(message_id, text)

    def conversation_upto(self, user_id: int) -> Conversation:
        """The history ending with the prompt `user_id` (which becomes the session's leaf)."""
        assert self.session_id is not None
        self.store.set_leaf(self.session_id, user_id)
        return self.store.conversation(self.session_id)

    def begin_answer(
        self, user_id: int, model: str, provider: str, options: RequestOptions | None = None
    ) -> tuple[int, AnswerRecorder]:
        assert self.session_id is not None
        answer_id = self.store.begin_answer(
            self.session_id, model, provider, parent_id=user_id, options=options
        )
        return answer_id, AnswerRecorder(self.store.answer_writer(answer_id))
