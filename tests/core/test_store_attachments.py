"""Attachments in the store: files named by hash in the data dir, rows per message, never in
the search index, read back verified, and gone with their session when it is purged."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.attachment_files import pdf, png
from tikhub_tui.core.attachments.sniff import from_bytes
from tikhub_tui.core.store import Store
from tikhub_tui.core.store.blobs import blob_path
from tikhub_tui.core.store.records import StoredAttachment, StoreError
from tikhub_tui.core.store.schema import MIGRATIONS, SCHEMA_VERSION

PNG = from_bytes(png(30, 20), "shot.png")
PDF = from_bytes(pdf(2), "report.pdf")
NOTES = from_bytes(b"the secret word is zanzibar\n", "notes.txt")


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 3, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(clock: Clock) -> Iterator[Store]:
    with Store.open(clock=clock) as opened:
        yield opened


def test_attachments_are_files_named_by_hash_and_rows_per_message(store: Store) -> None:
    session = store.create_session()
    message = store.add_message(session, "user", "look", attachments=[PNG, PDF])
    saved = store.get_message(message).attachments
    assert saved == (
        StoredAttachment("shot.png", "image/png", "image", PNG.size, PNG.sha256, None, 30, 20),
        StoredAttachment("report.pdf", "application/pdf", "pdf", PDF.size, PDF.sha256, 2),
    )
    for item in (PNG, PDF):
        path = blob_path(store.path, item.sha256)
        assert path.parent.parent == store.path.parent / "attachments"
        assert path.read_bytes() == item.data
        assert path.stat().st_mode & 0o777 == 0o600
    assert store.messages(session)[0].attachments == saved


def test_the_same_file_twice_is_stored_once(store: Store) -> None:
    one, two = store.create_session(), store.create_session()
    store.add_message(one, "user", "a", attachments=[PNG])
    store.add_message(two, "user", "b", attachments=[PNG, PNG])
    files = [p for p in (store.path.parent / "attachments").rglob("*") if p.is_file()]
    assert files == [blob_path(store.path, PNG.sha256)]
    assert len(store.messages(two)[0].attachments) == 2


def test_attachment_text_never_enters_the_search_index(store: Store) -> None:
    session = store.create_session()
    store.add_message(session, "user", "summarise this", attachments=[NOTES])
    assert store.search("zanzibar") == []
    hits = store.search("summarise")  # the title (from the prompt) and the prompt
    assert [(hit.session_id, hit.role) for hit in hits] == [(session, "title"), (session, "user")]


def test_conversation_reads_the_bytes_back(store: Store) -> None:
    session = store.create_session()
    store.add_message(session, "user", "look", attachments=[NOTES, PNG])
    store.add_message(session, "assistant", "seen")
    first = store.conversation(session).messages[0]
    assert first.attachments == (NOTES, PNG)


def test_a_damaged_copy_is_reported_with_the_file_and_fix(store: Store) -> None:
    session = store.create_session()
    store.add_message(session, "user", "look", attachments=[PNG])
    blob_path(store.path, PNG.sha256).write_bytes(b"not the picture")
    with pytest.raises(StoreError, match=r"saved copy of shot\.png is damaged.*Fix: attach"):
        store.conversation(session)
    blob_path(store.path, PNG.sha256).unlink()
    with pytest.raises(StoreError, match=r"saved copy of shot\.png cannot be read"):
        store.conversation(session)


def test_purge_removes_files_only_no_message_needs(store: Store, clock: Clock) -> None:
    kept, gone = store.create_session(), store.create_session()
    store.add_message(kept, "user", "a", attachments=[PNG])
    store.add_message(gone, "user", "b", attachments=[PNG, PDF])
    store.delete_session(gone)
    assert store.purge_deleted(timedelta(days=30)) == 0
    assert blob_path(store.path, PDF.sha256).exists()  # soft-deleted: restorable, files stay
    clock.now += timedelta(days=31)
    assert store.purge_deleted(timedelta(days=30)) == 1
    assert not blob_path(store.path, PDF.sha256).exists()
    assert blob_path(store.path, PNG.sha256).exists()  # still used by the other session
    count = store._conn.execute("SELECT COUNT(*) FROM attachments").fetchone()[0]
    assert count == 1
    store.delete_session(kept)
    clock.now += timedelta(days=31)
    store.purge_deleted(timedelta(days=30))
    assert not any(p.is_file() for p in (store.path.parent / "attachments").rglob("*"))


def test_edit_and_branch_keep_the_attachments(store: Store) -> None:
    session = store.create_session()
    first = store.add_message(session, "user", "look", attachments=[PNG])
    store.add_message(session, "assistant", "a picture")
    edited = store.edit_message(first, "look closer")
    assert store.get_message(edited).attachments == store.get_message(first).attachments
    branch = store.branch_session(session, first)
    assert store.messages(branch)[0].attachments[0].sha256 == PNG.sha256
    assert store.conversation(branch).messages[0].attachments == (PNG,)


def test_a_version_2_store_migrates_and_keeps_its_messages(tmp_path: Path) -> None:
    path = tmp_path / "sessions.db"
    conn = sqlite3.connect(path)
    for migration in MIGRATIONS[:2]:
        for statement in migration:
            conn.execute(statement)
    conn.execute(
        "INSERT INTO sessions (id, title, created_at, updated_at) VALUES ('s1', 't', 'x', 'x')"
    )
    conn.execute(
        "INSERT INTO messages (session_id, role, text, created_at) VALUES ('s1', 'user', 'hi', "
        "'2025-01-01T00:00:00')"
    )
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    with Store.open(path) as store:
        assert store._conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        [message] = store._conn.execute("SELECT id FROM messages").fetchall()
        assert store.get_message(message[0]).attachments == ()


def test_markdown_export_lists_attachments(store: Store) -> None:
    session = store.create_session("files")
    store.add_message(session, "user", "look", attachments=[PNG, PDF])
    text = store.export_markdown(session)
    assert "- attached: shot.png (image/png, " in text and "30x20 px)" in text
    assert "- attached: report.pdf (application/pdf, " in text and "2 pages)" in text
