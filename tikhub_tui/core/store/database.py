"""The session store: every conversation in one SQLite file, searchable and crash-safe.

A `Store` owns one sqlite3 connection, used by one thread at a time under its lock, so a
process shares one store among its threads; streaming answers are written from worker threads
by `AnswerWriter`s through that same connection. Messages form a tree (edit-and-resend keeps the
old answers as an earlier branch); a session's `leaf_id` picks the active path. Writes are
short `BEGIN IMMEDIATE` transactions, so several processes can share the file (WAL mode).
Every method raises StoreError when the database cannot be used.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from tikhub_tui.core.model import Attachment, Conversation, Message, RequestOptions, Usage
from tikhub_tui.core.store import attached, blobs, transfer
from tikhub_tui.core.store.base import (
    ALL,
    LEAF,
    PATH_UP,
    Leaf,
    guarded,
    message_from_row,
)
from tikhub_tui.core.store.base import default_path as default_path
from tikhub_tui.core.store.judgements import JudgingLedger
from tikhub_tui.core.store.races import RaceLedger
from tikhub_tui.core.store.records import (
    STATUSES,
    AmbiguousSession,
    NoSuchMessage,
    NoSuchSession,
    SearchHit,
    SessionSummary,
    StoredAttachment,
    StoredMessage,
    StoreError,
    from_iso,
    to_iso,
    usage_columns,
)
from tikhub_tui.core.store.schema import move_aside as move_aside
from tikhub_tui.core.store.text import title_from_prompt as title_from_prompt
from tikhub_tui.core.store.tree import Tree
from tikhub_tui.core.store.trees import TreeStore

if TYPE_CHECKING:
    from tikhub_tui.core.store.writer import AnswerWriter

__all__ = ["LEAF", "Store", "StoreError", "default_path", "move_aside", "title_from_prompt"]


class Store(RaceLedger, JudgingLedger, TreeStore):
    """The session database, used from one thread; open it with `Store.open()`."""

    # sessions ---------------------------------------------------------------------------------

    @guarded
    def create_session(self, title: str = "", system: str = "") -> str:
        """A new empty session; returns its id. An empty title is set from the first prompt."""
        return self._copy_in(title, system, self._now(), [])

    @guarded
    def list_sessions(
        self, limit: int = 200, offset: int = 0, *, deleted: bool = False
    ) -> list[SessionSummary]:
        """Sessions, most recently updated first; `deleted=True` lists the soft-deleted ones."""
        rows = self._conn.execute(
            f"""SELECT s.id, s.title, s.created_at, s.updated_at,
                COALESCE((SELECT depth + 1 FROM messages WHERE id = s.leaf_id), 0),
                COALESCE((SELECT model FROM messages WHERE session_id = s.id AND model != ''
                          ORDER BY id DESC LIMIT 1), '')
            FROM sessions s WHERE s.deleted_at IS {"NOT" if deleted else ""} NULL
            ORDER BY s.updated_at DESC, s.rowid DESC LIMIT ? OFFSET ?""",
            (limit, offset),
        ).fetchall()
        return [
            SessionSummary(r[0], r[1], from_iso(r[2]), from_iso(r[3]), r[4], r[5]) for r in rows
        ]

    @guarded
    def find_session(self, prefix: str, *, include_deleted: bool = False) -> str:
        """The full id of the one session whose id starts with `prefix` (like git hashes)."""
        wanted = prefix.strip().lower()
        if not wanted:
            raise NoSuchSession("an empty session id matches nothing")
        deleted = "" if include_deleted else "AND deleted_at IS NULL"
        rows = self._conn.execute(
            f"SELECT id, title FROM sessions WHERE id >= ? AND id < ? {deleted} "
            "ORDER BY updated_at DESC LIMIT 6",
            (wanted, wanted + "~"),
        ).fetchall()
        exact = [row for row in rows if row[0] == wanted]
        if exact or len(rows) == 1:
            return str((exact or rows)[0][0])
        if not rows:
            raise NoSuchSession(f"no session id starts with {prefix.strip()!r}")
        shown = ", ".join(f"{r[0]} ({r[1] or 'untitled'})" for r in rows[:5])
        more = " and more" if len(rows) > 5 else ""
        raise AmbiguousSession(
            f"{prefix.strip()!r} matches several sessions: {shown}{more}; give more characters",
            [(r[0], r[1]) for r in rows[:5]],
        )

    @guarded
    def latest_session_id(self) -> str | None:
        """The most recently updated session that is not deleted, if any."""
        row = self._conn.execute(
            "SELECT id FROM sessions WHERE deleted_at IS NULL "
            "ORDER BY updated_at DESC, rowid DESC LIMIT 1"
        ).fetchone()
        return None if row is None else str(row[0])

    @guarded
    def recent_prompts(self, limit: int = 100) -> list[str]:
        """The user's latest prompts across sessions, oldest first, each once (for Up in the
        prompt after a restart)."""
        rows = self._conn.execute(  # newest first, by rowid: stops after a few hundred rows
            "SELECT text FROM messages WHERE role = 'user' AND text != '' ORDER BY id DESC LIMIT ?",
            (limit * 5,),
        )
        newest = list(dict.fromkeys(str(row[0]) for row in rows))[:limit]
        return newest[::-1]

    @guarded
    def rename_session(self, session_id: str, title: str) -> None:
        """Set the title (does not count as activity: the list order stays)."""
        self._update_session(session_id, "UPDATE sessions SET title = ? WHERE id = ?", (title,))

    @guarded
    def set_system(self, session_id: str, system: str) -> None:
        """Set the system prompt used for the session's next answers."""
        self._update_session(session_id, "UPDATE sessions SET system = ? WHERE id = ?", (system,))

    @guarded
    def delete_session(self, session_id: str) -> None:
        """Soft-delete: hidden from lists and search until `restore_session` or a purge."""
        self._update_session(
            session_id,
            "UPDATE sessions SET deleted_at = COALESCE(deleted_at, ?) WHERE id = ?",
            (self._now(),),
        )

    @guarded
    def restore_session(self, session_id: str) -> None:
        """Undo `delete_session`."""
        self._update_session(session_id, "UPDATE sessions SET deleted_at = NULL WHERE id = ?", ())

    @guarded
    def purge_deleted(self, older_than: timedelta = timedelta(days=30)) -> int:
        """Remove for good the sessions deleted more than `older_than` ago; returns how many."""
        cutoff = to_iso(self.clock() - older_than)
        with self._write() as conn:
            purged = conn.execute(
                "DELETE FROM sessions WHERE deleted_at IS NOT NULL AND deleted_at <= ?", (cutoff,)
            ).rowcount
            if purged:
                attached.collect_garbage(conn, self.path)  # their attachments go with them
            return purged

    # messages ---------------------------------------------------------------------------------

    @guarded
    def add_message(
        self,
        session_id: str,
        role: str,
        text: str,
        *,
        parent_id: int | Leaf | None = LEAF,
        reasoning: str = "",
        model: str = "",
        provider: str = "",
        usage: Usage | None = None,
        ttft: float | None = None,
        duration: float | None = None,
        finish_reason: str = "",
        status: str = "complete",
        error: str = "",
        max_tokens: int | None = None,
        max_tokens_source: str = "",
        attachments: Sequence[Attachment] = (),
    ) -> int:
        """Add a message (by default after the current leaf) and make it the leaf; its
        attachments' bytes are kept in the data dir, one file per content hash."""
        if role not in ("user", "assistant"):
            raise ValueError(f"role must be 'user' or 'assistant', not {role!r}")
        if status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
        usage = usage or Usage()
        values = {
            "role": role,
            "text": text,
            "reasoning": reasoning,
            "model": model,
            "provider": provider,
            **usage_columns(usage),
            "ttft": ttft,
            "duration": duration,
            "finish_reason": finish_reason,
            "status": status,
            "error": error,
            "max_tokens": max_tokens,
            "max_tokens_source": max_tokens_source,
        }
        with self._write() as conn:
            message_id = self._insert(conn, session_id, parent_id, values)
            attached.insert(conn, self.path, message_id, attachments, self._now())
            return message_id

    def begin_answer(
        self,
        session_id: str,
        model: str,
        provider: str,
        parent_id: int | Leaf | None = LEAF,
        options: RequestOptions | None = None,
    ) -> int:
        """An empty assistant message marked incomplete, for an AnswerWriter to fill; it keeps
        the output limit of `options` (whose it was, to say so if it cuts the answer)."""
        return self.add_message(
            session_id,
            "assistant",
            "",
            parent_id=parent_id,
            model=model,
            provider=provider,
            status="incomplete",
            max_tokens=options.limit if options else None,
            max_tokens_source=options.limit_source if options else "",
        )

    def answer_writer(self, message_id: int, *, interval: float = 0.5) -> AnswerWriter:
        """An AnswerWriter for `message_id` through this store's connection, on its clock."""
        from tikhub_tui.core.store.writer import AnswerWriter

        return AnswerWriter(self, message_id, interval=interval)

    @guarded
    def edit_message(self, message_id: int, text: str) -> int:
        """Edit-and-resend: a sibling of `message_id` with new text becomes the leaf.

        The old message and everything after it stay as an earlier branch; its attachments
        go with the new text.
        """
        old = self.get_message(message_id)
        with self._write() as conn:
            new_id = self._insert(
                conn, old.session_id, old.parent_id, {"role": old.role, "text": text}
            )
            attached.insert(conn, self.path, new_id, old.attachments, self._now())
            return new_id

    @guarded
    def messages(
        self, session_id: str, *, limit: int | None = None, before_id: int | None = None
    ) -> list[StoredMessage]:
        """The active path, oldest first: all, the newest `limit`, or `limit` before `before_id`.

        With `before_id` the path is the one leading to that message (its branch).
        """
        if before_id is None:
            start = self.get_session(session_id).leaf_id
        else:
            before = self.get_message(before_id)
            if before.session_id != session_id:
                raise NoSuchMessage(f"message {before_id} is not in session {session_id!r}")
            start = before.parent_id
        if start is None or (limit is not None and limit <= 0):
            return []
        rows = self._conn.execute(PATH_UP, (start, ALL if limit is None else limit)).fetchall()
        return attached.with_attachments(self._conn, [message_from_row(row) for row in rows])

    @guarded
    def set_leaf(self, session_id: str, message_id: int, *, descend: bool = False) -> int:
        """Make the path ending at `message_id` active (with `descend`, its newest leaf)."""
        message = self.get_message(message_id)
        if message.session_id != session_id:
            raise NoSuchMessage(f"message {message_id} is not in session {session_id!r}")
        leaf = message_id
        while descend:
            child = self._conn.execute(
                "SELECT id FROM messages WHERE parent_id = ? ORDER BY id DESC LIMIT 1", (leaf,)
            ).fetchone()
            if child is None:
                break
            leaf = child[0]
        self._update_session(session_id, "UPDATE sessions SET leaf_id = ? WHERE id = ?", (leaf,))
        return leaf

    @guarded
    def siblings(self, message_id: int) -> list[int]:
        """Ids of the alternatives at this point of the tree (same parent), oldest first."""
        message = self.get_message(message_id)
        rows = self._conn.execute(
            "SELECT id FROM messages WHERE session_id = ? AND parent_id IS ? ORDER BY id",
            (message.session_id, message.parent_id),
        ).fetchall()
        return [row[0] for row in rows]

    @guarded
    def branch_session(self, session_id: str, message_id: int) -> str:
        """A new session holding a copy of the path up to `message_id`; returns its id."""
        source = self.get_session(session_id)
        path = self._path_to(session_id, message_id)
        title = source.title if source.title.endswith(" (branch)") else f"{source.title} (branch)"
        return self._copy_in(
            title.strip(),
            source.system,
            to_iso(self.clock()),
            [transfer.row_values(m) for m in path],
        )

    @guarded
    def conversation(self, session_id: str) -> Conversation:
        """The active path as a Conversation to send (failed turns are left out), with the
        attachments' bytes read back."""
        system = self.get_session(session_id).system
        history = [self.sendable_message(m) for m in self.messages(session_id)]
        return Conversation.from_history(history, system or None)

    def sendable_message(self, message: StoredMessage) -> Message:
        """A stored message as a turn to send again, its attachments read from disk."""
        return Message(
            message.role, message.text, tuple(self.load_attachment(a) for a in message.attachments)
        )

    def load_attachment(self, stored: StoredAttachment) -> Attachment:
        """The attachment with its bytes, verified by hash; StoreError when the saved copy is
        missing or damaged."""
        data = blobs.read(self.path, stored.sha256, stored.name)
        return Attachment(
            stored.name,
            stored.media_type,
            stored.kind,
            data,
            stored.sha256,
            stored.pages,
            stored.width,
            stored.height,
        )

    # search, export, import -------------------------------------------------------------------

    @guarded
    def search(self, query: str, limit: int = 50, *, prefix: bool = True) -> list[SearchHit]:
        """Sessions whose title, then messages whose text, hold every word of `query` (see
        store.search); snippets are plain text with the matches marked. Never raises on input."""
        from tikhub_tui.core.store import search  # its patterns compile on the first search

        terms = search.parse_terms(query, prefix=prefix)
        if terms is None or limit <= 0:
            return []
        return search.search(self._conn, terms, limit)

    def export_markdown(self, session_id: str) -> str:
        """The session's active branch as a readable Markdown document (naming the others)."""
        session = self.get_session(session_id)
        tree = Tree(self.tree(session_id))
        return transfer.to_markdown(session, self.messages(session_id), tree)
