"""The key code against a real Secret Service: gnome-keyring-daemon on a private D-Bus.

Run through `scripts/with-secret-service.sh`, which starts that daemon with its keyrings in a
temporary directory and sets TIKHUB_TUI_SECRET_SERVICE=1. Skipped otherwise, but failed when CI
is set, so that CI can never skip it silently. Every test first checks that the Secret Service
on the bus is the daemon the script started, so the user's own keyring is never touched.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from tests.conftest import FAKE_KEY
from tikhub_tui.core import secrets
from tikhub_tui.core.secrets import KeyStoreError
from tikhub_tui.core.secrets import backend as keyring_access

SECRET_SERVICE = "keyring.backends.SecretService.Keyring"
NAME = "SecretService Keyring"
MASTER_PASSWORD = b"\n"
"""What scripts/with-secret-service.sh pipes into `gnome-keyring-daemon --unlock`."""
OURS = {"service": "tikhub-tui"}
BOUND = 1.0
SLACK = 1.5


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(autouse=True)
def secret_service(isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Use the script's Secret Service; afterwards unlock it and check nothing was left."""
    if os.environ.get("TIKHUB_TUI_SECRET_SERVICE") != "1":
        reason = "needs the private Secret Service of scripts/with-secret-service.sh"
        if in_ci():
            pytest.fail(f"CI is set, so this must not skip: {reason}")
        pytest.skip(reason)
    assert_daemon_is_the_scripts()
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", SECRET_SERVICE)
    assert stored_items() == 0, "a key was in the Secret Service before the test"
    yield
    assert keyring_access.settle(10.0), "a keyring call was still running"
    unlock()
    left = stored_items(delete=True)
    assert left == 0, "the test left its key in the Secret Service"


def assert_daemon_is_the_scripts() -> None:
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection

    with open_dbus_connection(bus="SESSION") as bus:
        reply = bus.send_and_get_reply(
            message_bus.GetConnectionUnixProcessID("org.freedesktop.secrets")
        )
    expected = os.environ.get("TIKHUB_TUI_SECRET_SERVICE_PID", "")
    assert str(reply.body[0]) == expected, (
        f"the Secret Service on this bus is pid {reply.body[0]}, not the script's {expected!r}: "
        "refusing to touch it"
    )


def stored_items(delete: bool = False) -> int:
    """How many items of ours the default collection holds (deleting them if asked)."""
    import secretstorage

    with closing(secretstorage.dbus_init()) as bus:
        items = list(secretstorage.get_default_collection(bus).search_items(OURS))
        for item in items if delete else []:
            item.delete()
        return len(items)


def lock() -> None:
    import secretstorage

    with closing(secretstorage.dbus_init()) as bus:
        collection = secretstorage.get_default_collection(bus)
        collection.lock()
        assert collection.is_locked()


def unlock() -> None:
    """Unlock the default collection with its password, the way the login screen would."""
    import secretstorage
    from jeepney import DBusAddress, new_method_call
    from jeepney.io.blocking import open_dbus_connection

    with closing(secretstorage.dbus_init()) as bus:
        collection = secretstorage.get_default_collection(bus)
        if not collection.is_locked():
            return
        path = collection.collection_path
    root = "/org/freedesktop/secrets"
    service = DBusAddress(root, "org.freedesktop.secrets", "org.freedesktop.Secret.Service")
    internal = DBusAddress(
        root,
        "org.freedesktop.secrets",
        "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface",
    )
    with open_dbus_connection(bus="SESSION") as connection:
        opened = new_method_call(service, "OpenSession", "sv", ("plain", ("s", "")))
        _, session = connection.send_and_get_reply(opened).body
        secret = (session, b"", MASTER_PASSWORD, "text/plain")
        call = new_method_call(internal, "UnlockWithMasterPassword", "o(oayays)", (path, secret))
        reply = connection.send_and_get_reply(call)
    assert reply.body == (), f"could not unlock the test collection: {reply.body}"


@contextmanager
def silent_prompter() -> Iterator[None]:
    """Own the unlock prompter's bus name and never answer: an unlock prompt nobody sees."""
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection

    connection = open_dbus_connection(bus="SESSION")
    reply = connection.send_and_get_reply(
        message_bus.RequestName("org.gnome.keyring.SystemPrompter", 4)  # do not queue
    )
    assert reply.body == (1,), "another prompter owns the name"
    try:
        yield
    finally:
        connection.close()  # the daemon then cancels the prompt and the stuck call returns


def keys(*args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    """Run `tikhub-tui keys ARGS` against the Secret Service; the key must never show."""
    run = subprocess.run(
        [sys.executable, "-m", "tikhub_tui", "keys", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
    )
    assert FAKE_KEY not in run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    return run


def test_round_trip_through_the_daemon() -> None:
    assert secrets.backend_status() == secrets.BackendStatus(True, NAME)
    assert secrets.save_key(FAKE_KEY) == f"the keyring ({NAME})"
    assert secrets.save_key(FAKE_KEY) == f"the keyring ({NAME})"
    assert stored_items() == 1  # saved in the daemon (not in memory), and replaced, not added
    resolved = secrets.resolve_key()
    assert resolved is not None
    assert (resolved.value, resolved.source, resolved.detail) == (FAKE_KEY, "keyring", NAME)
    assert secrets.delete_key() == [f"the keyring ({NAME})"]
    assert stored_items() == 0
    assert secrets.resolve_key() is None
    assert secrets.delete_key() == []


def test_the_keys_command_through_the_daemon() -> None:
    run = keys("set", stdin=FAKE_KEY + "\n")
    assert run.returncode == 0, run.stderr
    assert run.stdout == f"saved the API key (…1234) to the keyring ({NAME})\n"
    run = keys("status")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[:2] == [
        f"API key:  …1234 from the keyring ({NAME})",
        f"keyring:  {NAME}",
    ]
    run = keys("delete")
    assert (run.returncode, run.stdout) == (0, f"deleted the API key from the keyring ({NAME})\n")
    assert keys("status").returncode == 3


def test_a_locked_collection_is_reported_not_waited_on() -> None:
    """Locked, with no display for the unlock prompt: the daemon gives up, and so do we."""
    secrets.save_key(FAKE_KEY)
    lock()
    started = time.monotonic()
    with pytest.raises(KeyStoreError) as caught:
        secrets.resolve_key(timeout=BOUND)
    assert time.monotonic() - started < BOUND + SLACK
    assert caught.value.kind in ("locked", "timeout")
    assert "locked" in str(caught.value) and "TIKHUB_API_KEY" in str(caught.value)
    assert not secrets.backend_status(timeout=BOUND).usable
    run = keys("status", TIKHUB_TUI_KEYRING_TIMEOUT=str(BOUND))
    assert run.returncode == 3 and "locked" in run.stderr
    unlock()
    assert secrets.delete_key() == [f"the keyring ({NAME})"]


def test_a_locked_collection_whose_prompt_never_answers_is_given_up_on() -> None:
    """The SSH case: the unlock prompt goes to a screen nobody sees, and nothing answers."""
    secrets.save_key(FAKE_KEY)
    lock()
    with silent_prompter():
        started = time.monotonic()
        with pytest.raises(KeyStoreError) as caught:
            secrets.resolve_key(timeout=BOUND)
        assert BOUND <= time.monotonic() - started < BOUND + SLACK
        assert caught.value.kind == "timeout"
        assert str(caught.value).startswith(
            f"the keyring did not answer within {BOUND:g} s: it may be locked"
        )
        started = time.monotonic()
        run = keys("status", TIKHUB_TUI_KEYRING_TIMEOUT=str(BOUND))
        assert time.monotonic() - started < BOUND + SLACK + 2  # plus the process's start-up
        assert run.returncode == 3
        assert f"the keyring did not answer within {BOUND:g} s: it may be locked" in run.stderr
        assert run.stdout.splitlines()[0] == "API key:  none"
    assert keyring_access.settle(10.0)  # the prompt was cancelled: the stuck call returned
    unlock()
    assert secrets.delete_key() == [f"the keyring ({NAME})"]
