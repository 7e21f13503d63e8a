"""Whole sessions out of and into the store: every branch of one, its JSON export and import.

Kept apart from the everyday session operations in `database.py`; the export shape itself
lives in `transfer.py`.
"""

from __future__ import annotations

from typing import Any

from tikhub_tui.core.store import attached, transfer, transfer_files
from tikhub_tui.core.store.base import COLUMNS, guarded, message_from_row
from tikhub_tui.core.store.ledger import Ledger
from tikhub_tui.core.store.records import AlreadyImported, StoredMessage


class TreeStore(Ledger):
    """The whole message tree of a session, exported and imported with every branch."""

    @guarded
    def tree(self, session_id: str) -> list[StoredMessage]:
        """Every message of the session, every branch, oldest first (parents before children)."""
        self.get_session(session_id)
        rows = self._conn.execute(
            f"SELECT {COLUMNS} FROM messages m WHERE m.session_id = ? ORDER BY m.id", (session_id,)
        )
        return attached.with_attachments(self._conn, [message_from_row(row) for row in rows])

    def export_json(self, session_id: str) -> dict[str, Any]:
        """The session and its whole tree as JSON-ready data (see store.transfer for the shape)."""
        session = self.get_session(session_id)
        tree = self.tree(session_id)
        data = transfer.to_json(session, tree, session.origin)
        data["files"] = transfer_files.files(self.path, tree)  # each file's bytes, once
        return data

    @guarded
    def import_json(self, data: object, *, copy: bool = False) -> str:
        """A new session from `export_json` data, with its whole tree and its own times.

        Raises InvalidSessionData naming the field, or AlreadyImported when the session is
        here already (imported before, or exported from this store), unless `copy`.
        """
        parsed = transfer.from_json(data, self._now())
        if not copy:
            row = self._conn.execute(
                "SELECT id, title, deleted_at FROM sessions WHERE id = ? OR origin = ? "
                "ORDER BY deleted_at IS NOT NULL, updated_at DESC LIMIT 1",
                (parsed.origin, parsed.origin),
            ).fetchone()
            if row is not None:
                title = row[1] or "untitled"
                state = " (deleted: `sessions restore` brings it back)" if row[2] else ""
                raise AlreadyImported(
                    f"this session is already in the store as {row[0]} {title!r}{state}",
                    row[0],
                    row[2] is not None,
                )
        return self._import_tree(parsed)
