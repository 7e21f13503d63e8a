"""Attachment bytes on disk: one file per content hash under `attachments/` beside sessions.db.

Content addressing stores a file attached ten times once, keeps large bytes out of SQLite and
its full-text index, and lets a purge remove exactly the files no message refers to any more.
Files are written whole (temp file, rename) and verified by their hash when read back. Like
sessions.db (WAL, synchronous=NORMAL) they survive a killed process but are not flushed to the
disk one by one: a copy lost to a power cut reads as damaged and is written again when the file
is attached again.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from tikhub_tui.core.model import Attachment
from tikhub_tui.core.store.records import StoreError

DIR_NAME = "attachments"


def blob_path(db_path: Path, sha256: str) -> Path:
    """Where the bytes with this hash live: `attachments/ab/abcdef…` (256 sub-directories)."""
    if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return db_path.parent / DIR_NAME / sha256[:2] / sha256


def write(db_path: Path, attachment: Attachment) -> None:
    """Keep the attachment's bytes (nothing to do when a whole copy is there already)."""
    path = blob_path(db_path, attachment.sha256)
    try:
        if path.is_file() and path.stat().st_size == attachment.size:
            return
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temp = path.with_name(f".{path.name}.{os.getpid()}.partial")
        fd = os.open(temp, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(attachment.data)  # no fsync: as durable as sessions.db (see module)
            os.replace(temp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                temp.unlink()
            raise
    except OSError as error:
        raise _error(path, f"cannot save {attachment.name}: {error.strerror or error}") from None


def read(db_path: Path, sha256: str, name: str) -> bytes:
    """The bytes with this hash; a StoreError naming the file when missing or damaged."""
    path = blob_path(db_path, sha256)
    try:
        data = path.read_bytes()
    except OSError as error:
        reason = error.strerror or error
        raise _error(path, f"the saved copy of {name} cannot be read ({reason})") from None
    if hashlib.sha256(data).hexdigest() != sha256:
        raise _error(path, f"the saved copy of {name} is damaged (its hash does not match)")
    return data


def delete(db_path: Path, hashes: Iterable[str]) -> None:
    """Remove the files of these hashes (already gone is fine)."""
    for sha256 in hashes:
        path = blob_path(db_path, sha256)
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        with contextlib.suppress(OSError):
            path.parent.rmdir()  # only when empty


def _error(path: Path, cause: str) -> StoreError:
    return StoreError(
        f"attachment store {path}: {cause}. Fix: attach the file again; check that the data "
        "directory is writable and the disk has space.",
        path=path,
        kind="io",
    )
