"""Calls into the OS keyring, each in a daemon thread that is given up after a few seconds.

A locked collection, or a D-Bus Secret Service waiting for an unlock prompt that never
appears over SSH, must not hang the app: every call (backend detection included) runs in a
daemon thread joined with a timeout. `keyring` is imported only here, and only when called.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from tikhub_tui.core.secrets.redact import redact
from tikhub_tui.core.secrets.text import KeyStoreError, alternatives

SERVICE = "tikhub-tui"
USERNAME = "api-key"
TIMEOUT_ENV = "TIKHUB_TUI_KEYRING_TIMEOUT"
"""Seconds to wait for the keyring when the caller gives no timeout (tests shorten it)."""
DEFAULT_TIMEOUT = 3.0

T = TypeVar("T")
_stuck: list[tuple[threading.Thread, float]] = []
_stuck_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Backend:
    """The keyring backend in use: its display name, and why it cannot be used if it cannot."""

    name: str
    usable: bool
    reason: str = ""
    persistent: bool = True
    keyring: Any = None


def keyring_timeout(timeout: float | None) -> float:
    """The caller's timeout, else TIKHUB_TUI_KEYRING_TIMEOUT, else 3 seconds."""
    if timeout is not None and timeout > 0:
        return timeout
    try:
        value = float(os.environ.get(TIMEOUT_ENV, ""))
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if value > 0 else DEFAULT_TIMEOUT


def bounded(call: Callable[[], T], timeout: float) -> T:
    """Run `call` in a daemon thread; raise KeyStoreError("timeout") if it has not returned in time.

    While an earlier call is still stuck, later ones fail at once: a locked keyring costs the
    app one wait, not one per call. A stuck call that finally returns frees the keyring again.
    """
    with _stuck_lock:
        _stuck[:] = [(thread, started) for thread, started in _stuck if thread.is_alive()]
        if _stuck:
            waited = time.monotonic() - _stuck[0][1]
            raise KeyStoreError(
                "timeout",
                f"the keyring has not answered a request made {waited:.0f} s ago: it may be "
                f"locked and waiting for an unlock prompt; unlock it, or {alternatives()}",
            )
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = call()
        except BaseException as error:  # handed to the caller's thread
            box["error"] = error

    thread = threading.Thread(target=target, name="tikhub-tui-keyring", daemon=True)
    started = time.monotonic()
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        with _stuck_lock:
            _stuck.append((thread, started))
        raise KeyStoreError(
            "timeout",
            f"the keyring did not answer within {timeout:g} s: it may be locked and waiting "
            "for an unlock prompt that cannot appear here (over SSH or without a desktop); "
            f"unlock it from your desktop session, or {alternatives()}",
        )
    if "error" in box:
        raise box["error"]
    value: T = box["value"]
    return value


def settle(timeout: float) -> bool:
    """Wait up to `timeout` for calls given up on earlier to end; True when none is left.

    For tests, and for an app that wants its last keyring write finished before it exits.
    """
    deadline = time.monotonic() + timeout
    with _stuck_lock:
        threads = [thread for thread, _ in _stuck]
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    with _stuck_lock:
        _stuck[:] = [(thread, started) for thread, started in _stuck if thread.is_alive()]
        return not _stuck


def detect() -> Backend:
    """The backend keyring would use: PYTHON_KEYRING_BACKEND, its config file, or the best."""
    import keyring
    import keyring.core
    from keyring.backends import chainer, fail, null

    wanted = os.environ.get("PYTHON_KEYRING_BACKEND", "").strip()
    try:
        # a named backend is loaded afresh each time: cheap, and it follows the environment
        found = keyring.core.load_keyring(wanted) if wanted else keyring.get_keyring()
    except Exception as error:
        if "PYTHON_KEYRING_BACKEND" in os.environ and not wanted:
            why = "PYTHON_KEYRING_BACKEND is set but empty: unset it"
        else:
            why = f"{wanted or 'the configured keyring backend'} cannot be used here: {error}"
        return Backend(wanted or "keyring", False, _no_backend(why))
    name = str(type(found).name)
    if isinstance(found, fail.Keyring):
        return Backend(name, False, _no_backend(_why_no_secret_service()))
    if isinstance(found, null.Keyring):
        return Backend(name, False, _no_backend("keyring is switched off (null backend)"))
    if isinstance(found, chainer.ChainerBackend):
        chained = [str(type(each).name) for each in found.backends]
        if not chained:
            return Backend(name, False, _no_backend("the chainer backend has nothing to chain"))
        name = f"chainer ({', '.join(chained)})"
    return Backend(name, True, persistent=bool(getattr(found, "persistent", True)), keyring=found)


def _why_no_secret_service() -> str:
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return "none was found"
    try:
        from keyring.backends import SecretService

        SecretService.Keyring.priority  # noqa: B018  (raises the reason it is not viable)
    except Exception as error:
        return f"Secret Service: {error}"
    return "none was found"


def _no_backend(why: str) -> str:
    return (
        f"no usable keyring backend ({why}); this is usual on a headless server or over SSH: "
        f"{alternatives()}"
    )


def _usable() -> Backend:
    backend = detect()
    if not backend.usable:
        raise KeyStoreError("no-backend", backend.reason)
    return backend


def _translate(backend: Backend, error: Exception, *secrets: str) -> KeyStoreError:
    """A keyring library error as a KeyStoreError whose message names the cause and the fix."""
    from keyring.errors import KeyringLocked, NoKeyringError

    if isinstance(error, KeyStoreError):
        return error
    if isinstance(error, NoKeyringError):
        return KeyStoreError("no-backend", _no_backend(backend.name))
    if isinstance(error, KeyringLocked):
        return KeyStoreError(
            "locked",
            f"the keyring ({backend.name}) is locked and could not be unlocked here (no unlock "
            f"prompt can appear over SSH or without a desktop): unlock it from your desktop "
            f"session, or {alternatives()}",
        )
    cause = redact(f"{type(error).__name__}: {error}", *secrets)
    return KeyStoreError(
        "failed", f"the keyring ({backend.name}) failed ({cause}); try again, or {alternatives()}"
    )


def get_key(timeout: float | None = None) -> tuple[str | None, Backend]:
    """The stored key (or None) and the backend it came from."""

    def call() -> tuple[str | None, Backend]:
        backend = _usable()
        try:
            value = backend.keyring.get_password(SERVICE, USERNAME)
        except Exception as error:
            raise _translate(backend, error) from None
        return (value.strip() or None) if isinstance(value, str) else None, backend

    return bounded(call, keyring_timeout(timeout))


def set_key(key: str, timeout: float | None = None) -> Backend:
    """Store the key and read it back (a backend that drops it silently is an error)."""

    def call() -> Backend:
        backend = _usable()
        try:
            backend.keyring.set_password(SERVICE, USERNAME, key)
            back = backend.keyring.get_password(SERVICE, USERNAME)
        except Exception as error:
            raise _translate(backend, error, key) from None
        if back != key:
            raise KeyStoreError(
                "failed",
                f"the keyring ({backend.name}) accepted the key but did not give it back; "
                f"{alternatives()}",
            )
        return backend

    return bounded(call, keyring_timeout(timeout))


def delete_key(timeout: float | None = None) -> tuple[bool, Backend]:
    """Delete the stored key; True when there was one."""

    def call() -> tuple[bool, Backend]:
        from keyring.errors import PasswordDeleteError

        backend = _usable()
        try:
            if backend.keyring.get_password(SERVICE, USERNAME) is None:
                return False, backend
            backend.keyring.delete_password(SERVICE, USERNAME)
        except PasswordDeleteError:
            return False, backend
        except Exception as error:
            raise _translate(backend, error) from None
        return True, backend

    return bounded(call, keyring_timeout(timeout))


def probe(timeout: float | None = None) -> Backend:
    """The backend, after one real read through it (a locked store shows up here)."""

    def call() -> Backend:
        backend = detect()
        if backend.usable:
            try:
                backend.keyring.get_password(SERVICE, USERNAME)
            except Exception as error:
                reason = _translate(backend, error).message
                return Backend(backend.name, False, reason, backend.persistent)
        return backend

    return bounded(call, keyring_timeout(timeout))
