"""Opening `sessions.db` safely: file checks, pragmas, schema version and forward migrations.

A file that is not SQLite or comes from a newer version is refused before anything writes to
it, so the user's data is never overwritten; every sqlite failure becomes a `StoreError` that
names the file, the cause and the fix.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from tikhub_tui.core.store.judging_tables import JUDGING_TABLES
from tikhub_tui.core.store.race_tables import RACE_TABLES
from tikhub_tui.core.store.records import StoreError

BUSY_TIMEOUT_MS = 5000

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: sessions and their message tree
    (
        """CREATE TABLE sessions (
            id         TEXT PRIMARY KEY,
            title      TEXT NOT NULL DEFAULT '',
            system     TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            leaf_id    INTEGER,
            deleted_at TEXT
        )""",
        "CREATE INDEX sessions_recent ON sessions(updated_at)",
        """CREATE TABLE messages (
            id               INTEGER PRIMARY KEY,
            session_id       TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            parent_id        INTEGER REFERENCES messages(id) ON DELETE CASCADE,
            depth            INTEGER NOT NULL DEFAULT 0,
            role             TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
            text             TEXT NOT NULL DEFAULT '',
            reasoning        TEXT NOT NULL DEFAULT '',
            model            TEXT NOT NULL DEFAULT '',
            provider         TEXT NOT NULL DEFAULT '',
            input_tokens     INTEGER,
            output_tokens    INTEGER,
            reasoning_tokens INTEGER,
            ttft             REAL,
            duration         REAL,
            finish_reason    TEXT NOT NULL DEFAULT '',
            status           TEXT NOT NULL DEFAULT 'complete'
                             CHECK (status IN ('complete', 'stopped', 'incomplete', 'error')),
            error            TEXT NOT NULL DEFAULT '',
            created_at       TEXT NOT NULL
        )""",
        "CREATE INDEX messages_session ON messages(session_id)",
        "CREATE INDEX messages_parent ON messages(parent_id)",
    ),
    # 2: full-text search over message text, kept in step by triggers
    (
        """CREATE VIRTUAL TABLE messages_fts USING fts5(
            text, content='messages', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2'
        )""",
        """CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
            INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text);
        END""",
        """CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
            INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
        END""",
        """CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
            INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
            INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text);
        END""",
        "INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')",
    ),
    # 3: every usage count the protocols send, and the output limit an answer was asked with
    (
        "ALTER TABLE messages ADD COLUMN cache_read_tokens INTEGER",
        "ALTER TABLE messages ADD COLUMN cache_write_tokens INTEGER",
        "ALTER TABLE messages ADD COLUMN usage_estimated INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE messages ADD COLUMN max_tokens INTEGER",
        "ALTER TABLE messages ADD COLUMN max_tokens_source TEXT NOT NULL DEFAULT ''",
    ),
    # 4: attachments: their bytes are files named by hash (blobs.py); rows say who has which
    (
        """CREATE TABLE attachments (
            sha256     TEXT PRIMARY KEY,
            size       INTEGER NOT NULL,
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE message_attachments (
            message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
            position   INTEGER NOT NULL,
            sha256     TEXT NOT NULL REFERENCES attachments(sha256),
            name       TEXT NOT NULL,
            media_type TEXT NOT NULL,
            kind       TEXT NOT NULL CHECK (kind IN ('text', 'image', 'pdf')),
            size       INTEGER NOT NULL,
            pages      INTEGER,
            width      INTEGER,
            height     INTEGER,
            PRIMARY KEY (message_id, position)
        )""",
        "CREATE INDEX message_attachments_hash ON message_attachments(sha256)",
    ),
    # 5: substring search (Chinese and Japanese have no spaces, emoji are not words) through a
    # trigram index beside the word index, and where an imported session came from
    (
        # detail='none': a fifth of the size of a full trigram index; the search checks the
        # candidates' text itself (phrase queries need the full detail). Each text is indexed
        # with two line breaks after it, so that every character starts a trigram and a one-
        # or two-character search is an index lookup too; so the index keeps no content of
        # its own (content=''), and the triggers give it exactly what they indexed to delete.
        """CREATE VIRTUAL TABLE messages_trigram USING fts5(
            text, content='', tokenize='trigram', detail='none'
        )""",
        "CREATE VIRTUAL TABLE messages_trigram_terms USING fts5vocab(messages_trigram, row)",
        """CREATE TRIGGER messages_trigram_insert AFTER INSERT ON messages BEGIN
            INSERT INTO messages_trigram(rowid, text) VALUES (new.id, new.text || char(10, 10));
        END""",
        """CREATE TRIGGER messages_trigram_delete AFTER DELETE ON messages BEGIN
            INSERT INTO messages_trigram(messages_trigram, rowid, text)
            VALUES ('delete', old.id, old.text || char(10, 10));
        END""",
        """CREATE TRIGGER messages_trigram_update AFTER UPDATE OF text ON messages BEGIN
            INSERT INTO messages_trigram(messages_trigram, rowid, text)
            VALUES ('delete', old.id, old.text || char(10, 10));
            INSERT INTO messages_trigram(rowid, text) VALUES (new.id, new.text || char(10, 10));
        END""",
        "INSERT INTO messages_trigram(rowid, text) SELECT id, text || char(10, 10) FROM messages",
        # the id of the session an import came from (its `origin`, else its `id`, else a digest
        # of its content): importing the same file twice is noticed
        "ALTER TABLE sessions ADD COLUMN origin TEXT",
        "CREATE INDEX sessions_origin ON sessions(origin)",
    ),
    # 6: races (race_tables.py)
    RACE_TABLES,
    # 7: judging races (judging_tables.py)
    JUDGING_TABLES,
    # 8: a pane's answer that replaced another (a retry): its times run from the retry, so it
    # takes no speed badge from the panes that raced from the start (core.race.board.badges)
    ("ALTER TABLE race_rounds ADD COLUMN retried INTEGER NOT NULL DEFAULT 0",),
)
SCHEMA_VERSION = len(MIGRATIONS)

_FIX_ASIDE = (
    "move it aside with `tikhub-tui sessions move-aside` (it is renamed, not deleted) to start "
    "a new one, or point TIKHUB_TUI_DATA_DIR at another directory"
)
_CAUSES: dict[str, tuple[str, str, str, bool]] = {
    # sqlite error name -> (kind, cause, fix, can_move_aside)
    "SQLITE_NOTADB": (
        "not_a_database",
        "it is not a SQLite database",
        _FIX_ASIDE,
        True,
    ),
    "SQLITE_CORRUPT": (
        "corrupt",
        "the database file is damaged",
        _FIX_ASIDE,
        True,
    ),
    "SQLITE_FULL": ("full", "the disk is full", "free some disk space and try again", False),
    "SQLITE_READONLY": (
        "readonly",
        "the file or its directory is read-only",
        "make the directory writable or set TIKHUB_TUI_DATA_DIR to a writable one",
        False,
    ),
    "SQLITE_CANTOPEN": (
        "readonly",
        "the file cannot be opened or created",
        "make the directory writable or set TIKHUB_TUI_DATA_DIR to a writable one",
        False,
    ),
    "SQLITE_IOERR": (
        "io",
        "reading or writing the file failed",
        "check that the disk has space and is still mounted, then try again",
        False,
    ),
    "SQLITE_BUSY": (
        "busy",
        "another tikhub-tui process kept it locked for more than 5 seconds",
        "try again; if it persists, close other tikhub-tui instances",
        False,
    ),
}


def store_error(path: Path, exc: BaseException) -> StoreError:
    """Translate a sqlite3 or OS failure into a StoreError naming file, cause and fix."""
    if isinstance(exc, StoreError):
        return exc
    name = getattr(exc, "sqlite_errorname", "") or ""
    base = name.split("_", 2)
    key = "_".join(base[:2]) if len(base) > 1 else name
    if key in _CAUSES:
        kind, cause, fix, aside = _CAUSES[key]
    elif isinstance(exc, PermissionError):
        kind, cause, fix, aside = _CAUSES["SQLITE_READONLY"]
    else:
        kind, cause, aside = "io", str(exc) or type(exc).__name__, False
        fix = "check the file and its directory, or set TIKHUB_TUI_DATA_DIR to another directory"
    if kind == "readonly" and _unusable(path):
        cause = f"you may not read and write it (mode {stat.filemode(path.stat().st_mode)})"
        fix = (
            f"give it back to yourself (chmod 600 {path}), or set TIKHUB_TUI_DATA_DIR to "
            "another directory"
        )
    detail = f" ({exc})" if str(exc) and str(exc) not in cause and kind != "not_a_database" else ""
    note = "; it was left untouched" if aside else ""
    return StoreError(
        f"session store {path}: {cause}{detail}{note}. Fix: {fix}.",
        path=path,
        kind=kind,
        can_move_aside=aside,
    )


def _unusable(path: Path) -> bool:
    """The file exists but this user may not read and write it."""
    try:
        return path.is_file() and not os.access(path, os.R_OK | os.W_OK)
    except OSError:
        return False


def _create_private(path: Path) -> None:
    """Create the directory (0700) and an empty database file (0600): sessions are private."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except (FileExistsError, NotADirectoryError):
        raise StoreError(
            f"session store {path}: {path.parent} is not a directory. Fix: remove or rename "
            "what is in its place, or set TIKHUB_TUI_DATA_DIR to another directory.",
            path=path,
            kind="io",
        ) from None
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def connect(path: Path, *, check_same_thread: bool = True) -> sqlite3.Connection:
    """Open, check and migrate the database; autocommit mode (writers use BEGIN IMMEDIATE)."""
    conn: sqlite3.Connection | None = None
    try:
        # Never open the file with Python itself: closing any descriptor of it would drop the
        # POSIX locks of this process's other connections. SQLite reads the header instead.
        _create_private(path)
        conn = sqlite3.connect(
            path,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
            check_same_thread=check_same_thread,
        )
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _check_version(conn, path)
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        migrate(conn, path)
        return conn
    except (sqlite3.Error, OSError) as exc:
        if conn is not None:
            conn.close()
        raise store_error(path, exc) from exc
    except StoreError:
        if conn is not None:
            conn.close()
        raise


def _check_version(conn: sqlite3.Connection, path: Path) -> int:
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"session store {path}: it was written by a newer tikhub-tui (schema {version}; "
            f"this version knows up to {SCHEMA_VERSION}); it was left untouched. "
            f"Fix: upgrade tikhub-tui, or {_FIX_ASIDE}.",
            path=path,
            kind="newer_schema",
            can_move_aside=True,
        )
    return version


@contextmanager
def immediate(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction that takes the write lock up front (waiting up to the busy timeout).

    Deferred transactions that read and then write fail at once when another process wrote in
    between; taking the lock first makes concurrent writers queue instead.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def needs_migration(path: Path) -> bool:
    """Would opening `path` migrate it (an existing store of an older schema)? Never writes."""
    if not path.is_file():
        return False
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return False  # opening it reports the problem properly
    return 0 < version < SCHEMA_VERSION


def migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Apply the missing migrations in one write transaction (safe against a racing process)."""
    if _check_version(conn, path) == SCHEMA_VERSION:
        return
    with immediate(conn):
        version = _check_version(conn, path)
        for number in range(version + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS[number - 1]:
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def move_aside(path: Path, now: datetime | None = None) -> Path:
    """Rename a broken database (and its -wal/-shm files) to `NAME.broken-YYYYmmdd-HHMMSS`."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.broken-{stamp}")
    serial = 1
    while target.exists():
        target = path.with_name(f"{path.name}.broken-{stamp}-{serial}")
        serial += 1
    try:
        path.rename(target)
        for suffix in ("-wal", "-shm"):
            companion = path.with_name(path.name + suffix)
            if companion.exists():
                companion.rename(target.with_name(target.name + suffix))
    except OSError as exc:
        raise store_error(path, exc) from exc
    return target
