"""Where the key comes from and where it goes: environment, memory, key file, keyring.

Runs against the in-memory keyring backend (set by conftest) and keyring's own "fail" backend,
never against a real keyring.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend

from tests.conftest import FAKE_KEY, OTHER_KEY
from tests.memory_keyring import MemoryKeyring
from tikhub_tui.core import secrets
from tikhub_tui.core.secrets import KeyStoreError
from tikhub_tui.core.secrets import backend as keyring_access
from tikhub_tui.core.secrets.keyfile import key_file_path

FAIL = "keyring.backends.fail.Keyring"


@pytest.fixture(autouse=True)
def clean_state() -> Iterator[None]:
    """No key in this process's memory before or after a test."""
    MemoryKeyring.clear()
    secrets.use_session_key(None)
    yield
    MemoryKeyring.clear()
    secrets.use_session_key(None)


def write_file(key: str, mode: int) -> Path:
    path = key_file_path()
    path.write_text(key + "\n")
    path.chmod(mode)
    return path


def test_nothing_stored_resolves_to_none() -> None:
    assert secrets.resolve_key() is None


def test_keyring_round_trip_through_the_memory_backend() -> None:
    where = secrets.save_key(f"  {FAKE_KEY}\n")
    assert where == "the keyring (MemoryKeyring, this process only)"
    resolved = secrets.resolve_key()
    assert resolved is not None
    assert (resolved.value, resolved.source) == (FAKE_KEY, "keyring")
    assert resolved.where() == "the keyring (MemoryKeyring, this process only)"
    assert secrets.delete_key() == ["the keyring (MemoryKeyring, this process only)"]
    assert secrets.resolve_key() is None
    assert secrets.delete_key() == []


def test_environment_wins_over_every_store(monkeypatch: pytest.MonkeyPatch) -> None:
    secrets.save_key(FAKE_KEY)
    write_file(FAKE_KEY, 0o600)
    secrets.use_session_key(FAKE_KEY)
    monkeypatch.setenv("TIKHUB_API_KEY", f" {OTHER_KEY}\n")
    resolved = secrets.resolve_key()
    assert resolved is not None
    assert (resolved.value, resolved.source, resolved.detail) == (
        OTHER_KEY,
        "environment",
        "TIKHUB_API_KEY",
    )


def test_environment_wins_even_over_a_broken_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", FAIL)
    write_file(FAKE_KEY, 0o644)
    monkeypatch.setenv("TIKHUB_API_KEY", OTHER_KEY)
    resolved = secrets.resolve_key()
    assert resolved is not None and resolved.source == "environment"


def test_a_malformed_environment_key_is_refused_without_showing_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TIKHUB_API_KEY", f"{FAKE_KEY} {OTHER_KEY}")
    with pytest.raises(KeyStoreError) as caught:
        secrets.resolve_key()
    assert caught.value.kind == "invalid"
    assert "TIKHUB_API_KEY is set but" in str(caught.value)
    assert FAKE_KEY not in str(caught.value) and OTHER_KEY not in str(caught.value)


def test_session_key_comes_after_the_environment_and_before_the_stores() -> None:
    secrets.save_key(OTHER_KEY)
    secrets.use_session_key(FAKE_KEY)
    resolved = secrets.resolve_key()
    assert resolved is not None
    assert (resolved.value, resolved.source) == (FAKE_KEY, "session")
    assert resolved.where() == "this run's memory (not saved)"
    secrets.use_session_key(None)
    resolved = secrets.resolve_key()
    assert resolved is not None and resolved.value == OTHER_KEY


def test_saving_forgets_the_session_key() -> None:
    secrets.use_session_key(OTHER_KEY)
    secrets.save_key(FAKE_KEY)
    resolved = secrets.resolve_key()
    assert resolved is not None and resolved.source == "keyring"


def test_resolved_key_repr_never_shows_the_value() -> None:
    resolved = secrets.ResolvedKey(FAKE_KEY, "keyring", "MemoryKeyring")
    assert FAKE_KEY not in repr(resolved) and FAKE_KEY not in str(resolved)
    assert resolved.masked == "…1234"


def test_key_file_is_written_0600_and_read_back() -> None:
    where = secrets.save_key(FAKE_KEY, to_file=True)
    path = key_file_path()
    assert where == f"the key file {path}"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text() == FAKE_KEY + "\n"
    assert [p.name for p in path.parent.iterdir()] == ["api-key"]  # no temp file left
    resolved = secrets.resolve_key()
    assert resolved is not None
    assert (resolved.value, resolved.source, resolved.detail) == (FAKE_KEY, "file", str(path))


def test_key_file_dir_is_created_private(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TIKHUB_TUI_CONFIG_DIR", str(tmp_path / "new" / "config"))
    secrets.save_key(FAKE_KEY, to_file=True)
    assert stat.S_IMODE((tmp_path / "new" / "config").stat().st_mode) == 0o700


def test_key_file_overwrite_tightens_a_loose_mode() -> None:
    write_file(OTHER_KEY, 0o644)
    secrets.save_key(FAKE_KEY, to_file=True)
    assert stat.S_IMODE(key_file_path().stat().st_mode) == 0o600


def test_key_file_comes_before_the_keyring() -> None:
    secrets.save_key(OTHER_KEY)
    write_file(FAKE_KEY, 0o600)
    resolved = secrets.resolve_key()
    assert resolved is not None and (resolved.value, resolved.source) == (FAKE_KEY, "file")


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660, 0o606])
def test_loose_key_file_is_refused_with_the_chmod_fix(mode: int) -> None:
    path = write_file(FAKE_KEY, mode)
    with pytest.raises(KeyStoreError) as caught:
        secrets.resolve_key()
    message = str(caught.value)
    assert caught.value.kind == "file"
    assert f"mode {mode:04o}" in message
    assert f"`chmod 600 {path}`" in message
    assert FAKE_KEY not in message


@pytest.mark.parametrize("mode", [0o600, 0o400])
def test_private_key_file_is_accepted(mode: int) -> None:
    write_file(FAKE_KEY, mode)
    resolved = secrets.resolve_key()
    assert resolved is not None and resolved.value == FAKE_KEY


@pytest.mark.parametrize("content", ["", "\n", f"{FAKE_KEY}\n{OTHER_KEY}\n"])
def test_key_file_without_one_key_is_refused(content: str) -> None:
    path = key_file_path()
    path.write_text(content)
    path.chmod(0o600)
    with pytest.raises(KeyStoreError, match="does not hold one API key") as caught:
        secrets.resolve_key()
    assert FAKE_KEY not in str(caught.value)


def test_key_file_that_is_a_directory_is_refused() -> None:
    key_file_path().mkdir()
    with pytest.raises(KeyStoreError, match="not a regular file"):
        secrets.resolve_key()


def test_no_backend_names_both_alternatives(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", FAIL)
    for action in (secrets.resolve_key, lambda: secrets.save_key(FAKE_KEY), secrets.delete_key):
        with pytest.raises(KeyStoreError) as caught:
            action()
        message = str(caught.value)
        assert caught.value.kind == "no-backend"
        assert message.startswith("no usable keyring backend")
        assert "TIKHUB_API_KEY" in message
        assert "`tikhub-tui keys set --file`" in message
        assert str(key_file_path()) in message
        assert FAKE_KEY not in message
    status = secrets.backend_status()
    assert not status.usable and status.reason.startswith("no usable keyring backend")


def test_no_backend_but_a_key_file_resolves_from_the_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", FAIL)
    write_file(FAKE_KEY, 0o600)
    resolved = secrets.resolve_key()
    assert resolved is not None and resolved.source == "file"
    assert secrets.delete_key() == [f"the key file {key_file_path()}"]
    assert not key_file_path().exists()


def test_secret_service_without_a_session_bus_is_no_backend(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.SecretService.Keyring")
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    with pytest.raises(KeyStoreError) as caught:
        secrets.resolve_key()
    assert caught.value.kind == "no-backend"
    assert "DBUS_SESSION_BUS_ADDRESS" in str(caught.value)
    assert "TIKHUB_API_KEY" in str(caught.value)


def test_chainer_with_nothing_to_chain_is_no_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    from keyring.backends import chainer

    monkeypatch.setattr(chainer.ChainerBackend, "backends", [])
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.chainer.ChainerBackend")
    status = secrets.backend_status()
    assert not status.usable
    assert "nothing to chain" in status.reason and "TIKHUB_API_KEY" in status.reason


def test_an_empty_backend_variable_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "")
    status = secrets.backend_status()
    assert not status.usable and "PYTHON_KEYRING_BACKEND is set but empty" in status.reason


def test_memory_backend_status_says_it_forgets() -> None:
    status = secrets.backend_status()
    assert status.usable and not status.persistent
    assert status.name == "MemoryKeyring, this process only"


def test_memory_backend_is_never_picked_by_keyring_itself() -> None:
    from keyring.backends import fail

    assert MemoryKeyring.priority < fail.Keyring.priority
    assert MemoryKeyring.priority <= 0  # the chainer only chains priorities above 0


def test_delete_removes_memory_file_and_keyring() -> None:
    secrets.save_key(FAKE_KEY)
    write_file(FAKE_KEY, 0o600)
    secrets.use_session_key(FAKE_KEY)
    assert secrets.delete_key() == [
        "this run's memory",
        f"the key file {key_file_path()}",
        "the keyring (MemoryKeyring, this process only)",
    ]
    assert secrets.resolve_key() is None


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("", "empty"),
        (" \n\t", "empty"),
        (f"{FAKE_KEY}\n{OTHER_KEY}", "line breaks"),
        (f"{FAKE_KEY} x", "spaces"),
        ("sk-\u00e9t\u00e9-000000000", "non-ASCII"),
        ("k" * 5000, "longer than 4096"),
    ],
)
def test_clean_key_refuses_what_is_not_a_key(raw: str, problem: str) -> None:
    with pytest.raises(KeyStoreError, match=problem) as caught:
        secrets.clean_key(raw)
    assert caught.value.kind == "invalid"
    assert FAKE_KEY not in str(caught.value)


def test_mask_shows_at_most_the_last_four() -> None:
    assert secrets.mask(FAKE_KEY) == "…1234"
    assert secrets.mask("short-key") == "…"
    assert secrets.mask("") == "…"


def test_redact_replaces_every_occurrence() -> None:
    body = f'{{"error": "invalid key {FAKE_KEY}", "echo": "Bearer {FAKE_KEY}"}}'
    assert secrets.redact(body, FAKE_KEY, "", "short") == (
        '{"error": "invalid key [redacted]", "echo": "Bearer [redacted]"}'
    )


def test_redact_leaves_short_strings_and_other_text_alone() -> None:
    assert secrets.redact("a key of abc, abc again", "abc") == "a key of abc, abc again"
    assert secrets.redact("nothing here", FAKE_KEY) == "nothing here"
    assert secrets.redact("12345678 and 1234567", "12345678", "1234567") == (
        "[redacted] and 1234567"
    )


def test_redact_catches_the_key_in_capitals_and_cut_short() -> None:
    body = f"key {FAKE_KEY.upper()} / {FAKE_KEY[:14]}… / {FAKE_KEY[-13:]} / {FAKE_KEY[:11]}"
    assert secrets.redact(body, FAKE_KEY) == f"key [redacted] / [redacted]… / [redacted] / {FAKE_KEY[:11]}"


def test_redact_prefers_the_longer_of_overlapping_secrets() -> None:
    inner = FAKE_KEY[:20]
    text = f"x{FAKE_KEY}y {inner}"
    assert secrets.redact(text, inner, FAKE_KEY) == "x[redacted]y [redacted]"


def test_a_failing_backend_error_is_redacted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", f"{__name__}.EchoingKeyring")
    with pytest.raises(KeyStoreError) as caught:
        secrets.save_key(FAKE_KEY)
    assert caught.value.kind == "failed"
    assert "EchoingKeyring" in str(caught.value) and "[redacted]" in str(caught.value)
    assert FAKE_KEY not in str(caught.value)


def test_a_backend_that_drops_the_key_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", f"{__name__}.DroppingKeyring")
    with pytest.raises(KeyStoreError, match="accepted the key but did not give it back"):
        secrets.save_key(FAKE_KEY)


def test_resolving_from_environment_or_file_never_imports_keyring(tmp_path: Path) -> None:
    """`ask` with TIKHUB_API_KEY set must start fast: no keyring import at all."""
    code = (
        "import sys\n"
        "from tikhub_tui.core.secrets import resolve_key\n"
        "resolved = resolve_key()\n"
        "print(resolved.source, 'keyring' in sys.modules)\n"
    )
    env = dict(os.environ)
    env["TIKHUB_API_KEY"] = FAKE_KEY
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert run.stdout.split() == ["environment", "False"], run.stderr
    del env["TIKHUB_API_KEY"]
    write_file(FAKE_KEY, 0o600)
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert run.stdout.split() == ["file", "False"], run.stderr


def test_client_side_imports_stay_light() -> None:
    """Importing the secrets API (for `redact`) loads neither keyring nor its backends."""
    code = (
        "import sys, tikhub_tui.core.secrets as s; print([m for m in sys.modules if 'keyr' in m])"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.stdout.strip() == "[]", run.stderr


def test_timeout_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIKHUB_TUI_KEYRING_TIMEOUT", "0.25")
    assert keyring_access.keyring_timeout(None) == 0.25
    assert keyring_access.keyring_timeout(2.0) == 2.0
    monkeypatch.setenv("TIKHUB_TUI_KEYRING_TIMEOUT", "soon")
    assert keyring_access.keyring_timeout(None) == 3.0


class EchoingKeyring(KeyringBackend):
    """A broken backend whose error message repeats the password it was given."""

    priority = -2  # never chosen by keyring itself

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError(f"cannot store {password!r}")


class DroppingKeyring(KeyringBackend):
    """A backend that accepts every password and keeps none."""

    priority = -2

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        return None
