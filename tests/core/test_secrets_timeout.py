"""A keyring that never answers must not hang anything: every call gives up within its bound."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
from keyring.backend import KeyringBackend

from tests.conftest import FAKE_KEY
from tikhub_tui.core import secrets
from tikhub_tui.core.secrets import KeyStoreError
from tikhub_tui.core.secrets import backend as keyring_access
from tikhub_tui.core.secrets.keyfile import key_file_path

BOUND = 0.3
SLACK = 1.0
"""Extra time allowed on a loaded machine; a hang would take forever, not a second."""


class SleepyKeyring(KeyringBackend):
    """A backend whose every call blocks until the test releases it (a locked, silent store)."""

    priority = -2  # never chosen by keyring itself
    release = threading.Event()
    calls = 0

    def _block(self) -> None:
        type(self).calls += 1
        self.release.wait()

    def get_password(self, service: str, username: str) -> str | None:
        self._block()
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        self._block()

    def delete_password(self, service: str, username: str) -> None:
        self._block()


@pytest.fixture(autouse=True)
def sleepy(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[SleepyKeyring]]:
    """Select the sleepy backend; afterwards release it and wait for its threads to end."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", f"{__name__}.SleepyKeyring")
    SleepyKeyring.release.clear()
    SleepyKeyring.calls = 0
    yield SleepyKeyring
    SleepyKeyring.release.set()
    assert keyring_access.settle(5.0), "a keyring thread was still running after release"


def timed(action: Callable[[], object]) -> tuple[KeyStoreError, float]:
    started = time.monotonic()
    with pytest.raises(KeyStoreError) as caught:
        action()
    return caught.value, time.monotonic() - started


@pytest.mark.parametrize(
    "action",
    [
        lambda: secrets.resolve_key(timeout=BOUND),
        lambda: secrets.save_key(FAKE_KEY, timeout=BOUND),
        lambda: secrets.delete_key(timeout=BOUND),
    ],
    ids=["resolve", "save", "delete"],
)
def test_a_silent_keyring_gives_up_within_the_bound(action: Callable[[], object]) -> None:
    error, elapsed = timed(action)
    assert BOUND <= elapsed < BOUND + SLACK
    assert error.kind == "timeout"
    message = str(error)
    assert message.startswith(f"the keyring did not answer within {BOUND:g} s: it may be locked")
    assert "TIKHUB_API_KEY" in message and "`tikhub-tui keys set --file`" in message
    assert FAKE_KEY not in message


def test_default_bound_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIKHUB_TUI_KEYRING_TIMEOUT", "0.2")
    error, elapsed = timed(secrets.resolve_key)
    assert elapsed < 0.2 + SLACK
    assert "did not answer within 0.2 s" in str(error)


def test_later_calls_fail_at_once_while_one_is_stuck() -> None:
    timed(lambda: secrets.resolve_key(timeout=BOUND))
    error, elapsed = timed(lambda: secrets.resolve_key(timeout=5.0))
    assert elapsed < 2.0  # not the 5 s the call would have waited
    assert "has not answered a request made" in str(error) and "may be locked" in str(error)
    assert SleepyKeyring.calls == 1  # the second call never reached the backend
    status = secrets.backend_status(timeout=5.0)
    assert not status.usable and "may be locked" in status.reason


def test_the_keyring_is_used_again_once_the_stuck_call_ends() -> None:
    timed(lambda: secrets.resolve_key(timeout=BOUND))
    SleepyKeyring.release.set()
    assert keyring_access.settle(5.0)
    assert secrets.resolve_key(timeout=BOUND) is None


def test_backend_status_never_raises_and_says_why() -> None:
    started = time.monotonic()
    status = secrets.backend_status(timeout=BOUND)
    assert time.monotonic() - started < BOUND + SLACK
    assert not status.usable
    assert status.reason.startswith(f"the keyring did not answer within {BOUND:g} s")


def test_a_key_file_spares_the_wait() -> None:
    """With the opt-in key file in place the keyring is never asked."""
    path = key_file_path()
    path.write_text(FAKE_KEY)
    path.chmod(0o600)
    resolved = secrets.resolve_key(timeout=BOUND)
    assert resolved is not None and resolved.source == "file"
    assert SleepyKeyring.calls == 0


def test_delete_reports_what_went_before_the_keyring_gave_up() -> None:
    path = key_file_path()
    path.write_text(FAKE_KEY)
    path.chmod(0o600)
    error, _ = timed(lambda: secrets.delete_key(timeout=BOUND))
    assert error.removed == [f"the key file {path}"]
    assert not path.exists()
