"""Opening the store: migrations from the first schema, refusing bad files untouched, disk errors."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from tikhub_tui.core.model import Usage
from tikhub_tui.core.store import Store, move_aside
from tikhub_tui.core.store.records import StoreError
from tikhub_tui.core.store.schema import MIGRATIONS, SCHEMA_VERSION, needs_migration, store_error


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _make_v1(path: Path) -> None:
    """A database exactly as the first schema wrote it, with one conversation."""
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO sessions VALUES ('v1session0', 'Old chat', '', "
        "'2024-01-01T00:00:00.000Z', '2024-01-01T00:00:05.000Z', 2, NULL)"
    )
    conn.execute(
        "INSERT INTO messages (id, session_id, parent_id, depth, role, text, created_at) "
        "VALUES (1, 'v1session0', NULL, 0, 'user', 'what is a zebra crossing', "
        "'2024-01-01T00:00:00.000Z')"
    )
    conn.execute(
        "INSERT INTO messages (id, session_id, parent_id, depth, role, text, model, status, "
        "created_at) VALUES (2, 'v1session0', 1, 1, 'assistant', 'A striped pedestrian "
        "crossing.', 'gpt-4o', 'stopped', '2024-01-01T00:00:01.000Z')"
    )
    conn.close()


def test_migrates_a_v1_database(tmp_path: Path) -> None:
    path = tmp_path / "sessions.db"
    _make_v1(path)
    with Store.open(path) as store:
        assert store._conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert [m.text for m in store.messages("v1session0")] == [
            "what is a zebra crossing",
            "A striped pedestrian crossing.",
        ]
        assert store.messages("v1session0")[1].status == "stopped"
        hits = store.search("zebra")
        assert [(h.session_id, h.message_id, h.title) for h in hits] == [
            ("v1session0", 1, "Old chat")
        ]
        new = store.add_message("v1session0", "user", "and a pelican crossing")
        assert store.search("pelican")[0].message_id == new
        old = store.messages("v1session0")[1]
        # answers saved before usage had cache counts read back as "not reported"
        assert old.usage == Usage() and (old.max_tokens, old.max_tokens_source) == (None, "")
    with Store.open(path) as again:  # reopening does not migrate twice
        assert len(again.search("crossing")) == 3


def _make_v2(path: Path) -> None:
    """A database as the schema before substring search wrote it: words indexed, a title,
    Chinese text and an emoji that the word index cannot find by part."""
    conn = sqlite3.connect(path, isolation_level=None)
    for migration in MIGRATIONS[:2]:
        for statement in migration:
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 2")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(
        "INSERT INTO sessions VALUES ('v2session0', '天气 notes', '', "
        "'2024-01-01T00:00:00.000Z', '2024-01-01T00:00:05.000Z', 2, NULL)"
    )
    for row in (
        (1, None, 0, "user", "今天天气很好吗？ 🎉", "2024-01-01T00:00:00.000Z"),
        (2, 1, 1, "assistant", "是的，今天天气很好。", "2024-01-01T00:00:01.000Z"),
    ):
        conn.execute(
            "INSERT INTO messages (id, parent_id, depth, role, text, created_at, session_id) "
            "VALUES (?, ?, ?, ?, ?, ?, 'v2session0')",
            row,
        )
    conn.close()


def test_a_v2_database_migrates_in_place_and_finds_substrings(tmp_path: Path) -> None:
    path = tmp_path / "sessions.db"
    _make_v2(path)
    assert needs_migration(path)
    with Store.open(path) as store:
        assert store._conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert [h.message_id for h in store.search("天气很好")] == [2, 1]  # newest first
        assert [h.message_id for h in store.search("天气", limit=1)] == [None]  # the title
        assert [h.message_id for h in store.search("🎉")] == [1]
        new = store.add_message("v2session0", "user", "明天天气呢")
        assert store.search("明天")[-1].message_id == new  # the index follows new text
    assert not needs_migration(path)
    assert not needs_migration(tmp_path / "missing.db")  # a new store is made, not migrated


def test_garbage_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "db" / "sessions.db"
    path.parent.mkdir()
    path.write_bytes(b"this is not a database\x00\x01\x02" * 200)
    before = _digest(path)
    with pytest.raises(StoreError) as error:
        Store.open(path)
    message = str(error.value)
    assert str(path) in message and "not a SQLite database" in message and "Fix:" in message
    assert error.value.kind == "not_a_database" and error.value.can_move_aside
    assert _digest(path) == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["sessions.db"]


def test_damaged_sqlite_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "sessions.db"
    with Store.open(path) as store:
        store.create_session("x")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(path.read_bytes())
    data[100:4096] = os.urandom(4096 - 100)  # the schema page, behind a valid header
    path.write_bytes(bytes(data))
    before = _digest(path)
    with pytest.raises(StoreError) as error:
        Store.open(path)
    assert str(path) in str(error.value) and error.value.can_move_aside
    assert _digest(path) == before


def test_newer_schema_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "db" / "sessions.db"
    path.parent.mkdir()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE future (x)")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.commit()
    conn.close()
    before = _digest(path)
    with pytest.raises(StoreError) as error:
        Store.open(path)
    message = str(error.value)
    assert str(path) in message and "newer tikhub-tui" in message and "upgrade" in message
    assert error.value.kind == "newer_schema"
    assert _digest(path) == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["sessions.db"]


def test_move_aside_renames_with_companions_and_a_fresh_store_opens(tmp_path: Path) -> None:
    path = tmp_path / "sessions.db"
    path.write_bytes(b"garbage")
    (tmp_path / "sessions.db-wal").write_bytes(b"old wal")
    when = datetime(2025, 2, 3, 4, 5, 6)
    moved = move_aside(path, when)
    assert moved.name == "sessions.db.broken-20250203-040506"
    assert moved.read_bytes() == b"garbage"
    assert (tmp_path / "sessions.db.broken-20250203-040506-wal").read_bytes() == b"old wal"
    path.write_bytes(b"garbage again")
    assert move_aside(path, when).name == "sessions.db.broken-20250203-040506-1"
    with Store.open(path) as store:
        assert store.list_sessions() == []


def test_data_dir_that_is_a_file_names_cause_and_fix(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the directory should be")
    with pytest.raises(StoreError) as error:
        Store.open(blocker / "sessions.db")
    assert str(blocker) in str(error.value) and "TIKHUB_TUI_DATA_DIR" in str(error.value)
    assert not error.value.can_move_aside


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_directory_names_cause_and_fix(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(StoreError) as error:
            Store.open(folder / "sessions.db")
        assert "writable" in str(error.value) and error.value.kind == "readonly"
    finally:
        folder.chmod(0o700)


def test_full_disk_names_cause_and_fix(tmp_path: Path) -> None:
    with Store.open(tmp_path / "sessions.db") as store:
        sid = store.create_session()
        pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
        store._conn.execute(f"PRAGMA max_page_count = {pages + 2}")
        with pytest.raises(StoreError) as error:
            store.add_message(sid, "user", "x" * 200_000)
        assert "disk is full" in str(error.value) and "free some disk space" in str(error.value)
        assert error.value.kind == "full"
        assert store.messages(sid) == []  # the failed write left nothing half done
        store._conn.execute("PRAGMA max_page_count = 1073741823")
        store.add_message(sid, "user", "fits")
        assert [m.text for m in store.messages(sid)] == ["fits"]


def test_read_only_failures_map_to_a_readonly_store_error(tmp_path: Path) -> None:
    path = tmp_path / "sessions.db"
    Store.open(path).close()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as raised:
        conn.execute("INSERT INTO sessions (id, created_at, updated_at) VALUES ('x', '', '')")
    conn.close()
    error = store_error(path, raised.value)
    assert error.kind == "readonly" and str(path) in str(error)
    assert "read-only" in str(error) and "TIKHUB_TUI_DATA_DIR" in str(error)
