"""The opt-in key file (config dir / "api-key"): written mode 0600, refused when looser.

For machines with no keyring (a headless server over SSH): creating the file is the opt-in,
and like ssh's private keys it is only used while nobody else can read it.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from tikhub_tui.core.paths import config_dir
from tikhub_tui.core.secrets.text import KEY_FILE_NAME, MAX_KEY_LENGTH, KeyStoreError, clean_key

POSIX = os.name == "posix"


def key_file_path() -> Path:
    """Where the opt-in key file lives."""
    return config_dir() / KEY_FILE_NAME


def read_key_file() -> str | None:
    """The key in the key file, or None when there is no file.

    Raises KeyStoreError("file") when the file is readable by others, not a regular file,
    someone else's, unreadable or holds no valid key: the message gives the fix.
    """
    path = key_file_path()
    try:
        # non-blocking, so that a FIFO put in its place cannot hang the app
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        return None
    except OSError as error:
        raise _error(path, f"cannot be read ({error.strerror})", "fix its permissions") from None
    try:
        _check(path, os.fstat(fd))
        data = os.read(fd, MAX_KEY_LENGTH + 64)
    finally:
        os.close(fd)
    try:
        return clean_key(data.decode("ascii"))
    except (UnicodeDecodeError, KeyStoreError):
        raise _error(
            path, "does not hold one API key on one line", "run `tikhub-tui keys set --file`"
        ) from None


def _check(path: Path, info: os.stat_result) -> None:
    """Refuse what ssh would refuse for a private key: other file kinds, owners, loose modes."""
    if not stat.S_ISREG(info.st_mode):
        raise _error(path, "is not a regular file", "replace it with `tikhub-tui keys set --file`")
    if not POSIX:
        return
    if info.st_uid != os.getuid():
        raise _error(path, f"belongs to another user (uid {info.st_uid})", "remove it")
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o077:
        raise _error(
            path,
            f"can be read or changed by others (mode {mode:04o}), so it is not used",
            f"run `chmod 600 {path}`",
        )


def _error(path: Path, problem: str, fix: str) -> KeyStoreError:
    return KeyStoreError("file", f"the key file {path} {problem}; {fix}")


def key_file_problem() -> str | None:
    """Why the existing key file would be refused, or None (absent or fine); for `keys status`."""
    try:
        read_key_file()
    except KeyStoreError as error:
        return error.message
    return None


def write_key_file(key: str) -> Path:
    """Write the key atomically into a new mode-0600 file (the directory made 0700 if new)."""
    key = clean_key(key)
    path = key_file_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temp = path.with_name(f".{KEY_FILE_NAME}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        temp.unlink()
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(key + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    return path


def delete_key_file() -> bool:
    """Remove the key file; True when there was one."""
    try:
        key_file_path().unlink()
    except FileNotFoundError:
        return False
    return True
