"""The foundation of `Store`: the connection, its lock, write transactions and the insert.

Kept apart from the public operations in `database.py` so that each file stays readable;
nothing outside the store modules should need to import it.
"""

from __future__ import annotations

import functools
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from enum import Enum
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, Self, TypeVar

from tikhub_tui.core.model import Usage
from tikhub_tui.core.paths import data_dir
from tikhub_tui.core.store import attached
from tikhub_tui.core.store.records import (
    Clock,
    NoSuchMessage,
    NoSuchSession,
    Session,
    StoredMessage,
    StoreError,
    from_iso,
    to_iso,
    utc_now,
)
from tikhub_tui.core.store.schema import connect, immediate, store_error
from tikhub_tui.core.store.text import new_session_id, title_from_prompt, writable
from tikhub_tui.core.store.transfer import ImportedSession
from tikhub_tui.core.untrusted import valid_utf8

DB_NAME = "sessions.db"


class Leaf(Enum):
    LEAF = "leaf"


LEAF = Leaf.LEAF
"""Default `parent_id`: attach to the session's current leaf (None means a new root)."""

_P = ParamSpec("_P")
_R = TypeVar("_R")
_S = TypeVar("_S", bound="StoreBase")

COLUMNS = (
    "m.id, m.session_id, m.parent_id, m.depth, m.role, m.text, m.reasoning, m.model, "
    "m.provider, m.input_tokens, m.output_tokens, m.reasoning_tokens, m.ttft, m.duration, "
    "m.finish_reason, m.status, m.error, m.created_at, m.cache_read_tokens, "
    "m.cache_write_tokens, m.usage_estimated, m.max_tokens, m.max_tokens_source"
)
PATH_UP = f"""
    WITH RECURSIVE path(id, n) AS (
        SELECT ?, 1
        UNION ALL
        SELECT m.parent_id, path.n + 1 FROM messages m JOIN path ON m.id = path.id
        WHERE m.parent_id IS NOT NULL AND path.n < ?
    )
    SELECT {COLUMNS} FROM path JOIN messages m ON m.id = path.id ORDER BY path.n DESC
"""
ALL = 1 << 62


def default_path() -> Path:
    """`sessions.db` in the data dir (TIKHUB_TUI_DATA_DIR overrides)."""
    return data_dir() / DB_NAME


def guarded(method: Callable[Concatenate[_S, _P], _R]) -> Callable[Concatenate[_S, _P], _R]:
    """Run a store method under the store's lock (one thread at a time on its connection),
    and turn any sqlite3 failure in it into a StoreError naming cause and fix."""

    @functools.wraps(method)
    def wrapper(self: _S, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            with self._lock:
                return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise store_error(self.path, exc) from exc

    return wrapper


def message_from_row(row: tuple[Any, ...]) -> StoredMessage:
    """Build a StoredMessage from a row selected with the store's message columns."""
    return StoredMessage(
        id=row[0],
        session_id=row[1],
        parent_id=row[2],
        depth=row[3],
        role=row[4],
        text=row[5],
        reasoning=row[6],
        model=row[7],
        provider=row[8],
        usage=Usage(row[9], row[10], row[11], row[18], row[19], bool(row[20])),
        ttft=row[12],
        duration=row[13],
        finish_reason=row[14],
        status=row[15],
        error=row[16],
        created_at=from_iso(row[17]),
        max_tokens=row[21],
        max_tokens_source=row[22],
    )


class StoreBase:
    """Connection, clock and id source of a store; usable from any thread, one call at a time.

    A process keeps one store open and shares it (the app's screens and every answer in
    flight, `ask` and its writer): one connection, so writers never wait on each other's
    locks inside the process, and SQLite's own locking is left to other processes.
    """

    def __init__(
        self, conn: sqlite3.Connection, path: Path, clock: Clock, new_id: Callable[[], str]
    ) -> None:
        self._conn = conn
        self._lock = threading.RLock()
        self.path = path
        self.clock = clock
        self._new_id = new_id

    @classmethod
    def open(
        cls,
        path: Path | None = None,
        *,
        clock: Clock | None = None,
        new_id: Callable[[], str] | None = None,
    ) -> Self:
        """Open (creating, checking and migrating) the store; raises StoreError."""
        path = Path(path) if path is not None else default_path()
        conn = connect(path, check_same_thread=False)
        return cls(conn, path, clock or utc_now, new_id or new_session_id)

    def close(self) -> None:
        """Close the connection (idempotent); later calls raise StoreError."""
        with self._lock:
            self._conn.close()

    @contextmanager
    def locked_write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction under the store's lock, for the store's own writers (the
        AnswerWriter); sqlite3 failures become StoreError."""
        with self._lock:
            try:
                with immediate(self._conn) as conn:
                    yield conn
            except sqlite3.Error as exc:
                raise store_error(self.path, exc) from exc

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        """One short write transaction (BEGIN IMMEDIATE, so concurrent writers queue)."""
        return immediate(self._conn)

    def _now(self) -> str:
        return to_iso(self.clock())

    @guarded
    def get_session(self, session_id: str) -> Session:
        """A session's fields (also while soft-deleted); raises NoSuchSession."""
        row = self._conn.execute(
            "SELECT id, title, system, created_at, updated_at, leaf_id, deleted_at, origin "
            "FROM sessions WHERE id = ?",
            (session_id,),
        ).fetchone()
        if row is None:
            raise NoSuchSession(f"no session {session_id!r}")
        deleted = from_iso(row[6]) if row[6] else None
        return Session(
            row[0], row[1], row[2], from_iso(row[3]), from_iso(row[4]), row[5], deleted, row[7]
        )

    def _update_session(self, session_id: str, sql: str, params: tuple[Any, ...]) -> None:
        params = tuple(valid_utf8(p) if isinstance(p, str) else p for p in params)
        with self._write() as conn:
            if conn.execute(sql, (*params, session_id)).rowcount == 0:
                raise NoSuchSession(f"no session {session_id!r}")

    def _insert(
        self,
        conn: sqlite3.Connection,
        session_id: str,
        parent_id: int | Leaf | None,
        values: dict[str, Any],
        *,
        auto_title: bool = True,
    ) -> int:
        """Insert one message under `parent_id` and make it the session's leaf."""
        row = conn.execute(
            "SELECT leaf_id, title FROM sessions WHERE id = ?", (session_id,)
        ).fetchone()
        if row is None:
            raise NoSuchSession(f"no session {session_id!r}")
        parent = row[0] if parent_id is LEAF else parent_id
        values = writable(values)
        depth = 0
        if parent is not None:
            found = conn.execute(
                "SELECT depth FROM messages WHERE id = ? AND session_id = ?", (parent, session_id)
            ).fetchone()
            if found is None:
                raise NoSuchMessage(f"message {parent} is not in session {session_id!r}")
            depth = found[0] + 1
        values.setdefault("created_at", self._now())
        columns = ["session_id", "parent_id", "depth", *values]
        cursor = conn.execute(
            f"INSERT INTO messages ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            (session_id, parent, depth, *values.values()),
        )
        message_id = int(cursor.lastrowid or 0)
        title = row[1]
        if auto_title and not title and values.get("role") == "user":
            title = title_from_prompt(str(values.get("text", "")))
        conn.execute(
            "UPDATE sessions SET leaf_id = ?, updated_at = ?, title = ? WHERE id = ?",
            (message_id, self._now(), title, session_id),
        )
        return message_id

    @guarded
    def get_message(self, message_id: int) -> StoredMessage:
        """One message by id; raises NoSuchMessage."""
        row = self._conn.execute(
            f"SELECT {COLUMNS} FROM messages m WHERE m.id = ?", (message_id,)
        ).fetchone()
        if row is None:
            raise NoSuchMessage(f"no message {message_id}")
        return attached.with_attachments(self._conn, [message_from_row(row)])[0]

    def _path_to(self, session_id: str, message_id: int) -> list[StoredMessage]:
        message = self.get_message(message_id)
        if message.session_id != session_id:
            raise NoSuchMessage(f"message {message_id} is not in session {session_id!r}")
        rows = self._conn.execute(PATH_UP, (message_id, ALL))
        return attached.with_attachments(self._conn, [message_from_row(row) for row in rows])

    def _copy_in(self, title: str, system: str, created_at: str, rows: list[dict[str, Any]]) -> str:
        """Create a session from a linear list of message column values, in one transaction."""
        title, system = valid_utf8(title), valid_utf8(system)

        def fill(conn: sqlite3.Connection, session_id: str) -> None:
            conn.execute(
                "INSERT INTO sessions (id, title, system, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (session_id, title, system, created_at, self._now()),
            )
            for values in rows:
                values = dict(values)
                items = values.pop("attachments", ())
                message_id = self._insert(conn, session_id, LEAF, values, auto_title=False)
                attached.insert(conn, self.path, message_id, items, self._now())

        return self._new_session(fill)

    def _import_tree(self, data: ImportedSession) -> str:
        """Create a session from validated import data, tree and times as they are, in one
        transaction."""

        def fill(conn: sqlite3.Connection, session_id: str) -> None:
            conn.execute(
                "INSERT INTO sessions (id, title, system, created_at, updated_at, origin) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (session_id, valid_utf8(data.title), valid_utf8(data.system), data.created_at,
                 data.updated_at, valid_utf8(data.origin)),
            )
            ids: list[int] = []
            depths: list[int] = []
            for row, parent in zip(data.rows, data.parents, strict=True):
                values = writable(row)
                items = values.pop("attachments", ())
                depth = 0 if parent is None else depths[parent] + 1
                columns = ["session_id", "parent_id", "depth", *values]
                cursor = conn.execute(
                    f"INSERT INTO messages ({', '.join(columns)}) "
                    f"VALUES ({', '.join('?' * len(columns))})",
                    (session_id, None if parent is None else ids[parent], depth,
                     *values.values()),
                )
                ids.append(int(cursor.lastrowid or 0))
                depths.append(depth)
                attached.insert(conn, self.path, ids[-1], items, self._now())
            leaf = None if data.leaf is None else ids[data.leaf]
            conn.execute("UPDATE sessions SET leaf_id = ? WHERE id = ?", (leaf, session_id))

        return self._new_session(fill)

    def _new_session(self, fill: Callable[[sqlite3.Connection, str], None]) -> str:
        """Run `fill(conn, new_id)` in one write transaction, with a fresh id (tried again in
        the unlikely case that the random id is taken)."""
        for _ in range(8):
            session_id = self._new_id()
            try:
                with self._write() as conn:
                    fill(conn, session_id)
                return session_id
            except sqlite3.IntegrityError as exc:
                if "sessions.id" not in str(exc):
                    raise
        raise StoreError(
            f"session store {self.path}: could not find a free session id",
            path=self.path,
            kind="io",
        )
