"""Shared fixtures: every test runs with its own config and data dirs, no real key, no real keyring."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.memory_keyring import MemoryKeyring
from tikhub_tui.core.secrets import use_session_key

FAKE_KEY = "sk-test-FAKE-0000-not-a-real-key-1234"
"""A key that is obviously fake; tests check that it never leaks into output."""


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point every path at a temp dir and clear variables that would change behaviour."""
    config = tmp_path / "config"
    data = tmp_path / "data"
    config.mkdir()
    data.mkdir()
    monkeypatch.setenv("TIKHUB_TUI_CONFIG_DIR", str(config))
    monkeypatch.setenv("TIKHUB_TUI_DATA_DIR", str(data))
    for name in ("TIKHUB_API_KEY", "TIKHUB_BASE_URL", "NO_COLOR", "HTTP_PROXY", "HTTPS_PROXY",
                 "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    for name in list(os.environ):
        # TEXTUAL_SNAPSHOT_TEMPDIR is how pytest-textual-snapshot's workers find their files
        if name.startswith("TEXTUAL_") and name != "TEXTUAL_SNAPSHOT_TEMPDIR":
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    # the terminal the suite runs in must not change what copying does
    for name in ("TMUX", "TMUX_PANE", "STY", "TERM_PROGRAM", "VTE_VERSION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    # keyring: an in-memory backend unless a test asks for the real Secret Service
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.memory_keyring.MemoryKeyring")
    # both are process-wide: a test that saves a key must not hand it to the next test
    MemoryKeyring.clear()
    use_session_key(None)
    yield tmp_path
    MemoryKeyring.clear()
    use_session_key(None)


@pytest.fixture(scope="session")
def gateway_url() -> Iterator[str]:
    """A real embedded gateway on 127.0.0.1 (a free port), shared by the whole session."""
    from tikhub_tui.gateway import Gateway

    gateway = Gateway(host="127.0.0.1", port=0, tps=0)
    gateway.start()
    try:
        yield gateway.base_url
    finally:
        gateway.stop()


@pytest.fixture
def anyio_backend() -> str:
    """Async tests (Textual's Pilot) run on asyncio, Textual's loop."""
    return "asyncio"

