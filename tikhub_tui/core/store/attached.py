"""Which message has which attachment: the rows of `message_attachments`, and their upkeep.

The bytes live in content-addressed files (`blobs`); these rows name them per message, in
order, with the facts a list shows (name, type, size, pixels, pages), so listing a session
never reads a file. Unreferenced files are collected when sessions are purged.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from tikhub_tui.core.model import Attachment
from tikhub_tui.core.store import blobs
from tikhub_tui.core.store.records import StoredAttachment, StoredMessage

_BATCH = 500
"""Message ids per `IN (...)` query (SQLite's variable limit is far above)."""


def insert(
    conn: sqlite3.Connection,
    db_path: Path,
    message_id: int,
    items: Sequence[Attachment | StoredAttachment],
    now: str,
) -> None:
    """Link `items` to a message, in order; new bytes are written first, inside the caller's
    write transaction, so a concurrent purge cannot remove them in between."""
    for position, item in enumerate(items):
        if isinstance(item, Attachment):
            blobs.write(db_path, item)
        conn.execute(
            "INSERT OR IGNORE INTO attachments (sha256, size, created_at) VALUES (?, ?, ?)",
            (item.sha256, item.size, now),
        )
        conn.execute(
            "INSERT INTO message_attachments (message_id, position, sha256, name, media_type, "
            "kind, size, pages, width, height) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                message_id,
                position,
                item.sha256,
                item.name,
                item.media_type,
                item.kind,
                item.size,
                item.pages,
                item.width,
                item.height,
            ),
        )


def with_attachments(
    conn: sqlite3.Connection, messages: list[StoredMessage]
) -> list[StoredMessage]:
    """The messages with their `attachments` filled in (one query per 500 user messages)."""
    ids = [m.id for m in messages if m.role == "user"]
    found: dict[int, list[StoredAttachment]] = {}
    for start in range(0, len(ids), _BATCH):
        batch = ids[start : start + _BATCH]
        rows = conn.execute(
            "SELECT message_id, name, media_type, kind, size, sha256, pages, width, height "
            f"FROM message_attachments WHERE message_id IN ({', '.join('?' * len(batch))}) "
            "ORDER BY message_id, position",
            batch,
        )
        for row in rows:
            found.setdefault(row[0], []).append(StoredAttachment(*row[1:]))
    if not found:
        return messages
    return [replace(m, attachments=tuple(found[m.id])) if m.id in found else m for m in messages]


def collect_garbage(conn: sqlite3.Connection, db_path: Path) -> int:
    """Forget and delete the files no message refers to; call inside a write transaction."""
    orphans = [
        row[0]
        for row in conn.execute(
            "SELECT sha256 FROM attachments "
            "WHERE sha256 NOT IN (SELECT sha256 FROM message_attachments)"
        )
    ]
    for start in range(0, len(orphans), _BATCH):
        batch = orphans[start : start + _BATCH]
        conn.execute(
            f"DELETE FROM attachments WHERE sha256 IN ({', '.join('?' * len(batch))})", batch
        )
    blobs.delete(db_path, orphans)
    return len(orphans)
