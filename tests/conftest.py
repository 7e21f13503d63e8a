"""Shared fixtures: every test runs with its own config and data dirs, no real key, no real keyring.

Isolation has two layers, so that no test can undo it by accident (`monkeypatch.undo()` undoes
the autouse fixture's patches too): the whole session first points every home directory at a
session temp dir (set in `os.environ`, outside any monkeypatch), and each test then gets dirs
of its own. A guard snapshots the user's real tikhub-tui config and data dirs before the
first test and fails the test after which they changed.
"""

from __future__ import annotations

import logging
import os
import tempfile
import traceback
from collections.abc import Iterator
from pathlib import Path

import platformdirs
import pytest
from hypothesis import HealthCheck, settings

from tests.memory_keyring import MemoryKeyring
from tikhub_tui.core.secrets import use_session_key
from tikhub_tui.core.secrets.redact import forget_all

FAKE_KEY = "sk-test-FAKE-0000-not-a-real-key-1234"
"""A key that is obviously fake; tests check that it never leaks into output."""
OTHER_KEY = "sk-test-FAKE-9999-another-fake-key-5678"
"""A second fake key, for tests that replace one key with another."""
MODELS = {"openai": "gpt-4o", "anthropic": "claude-sonnet-4-5-20250929", "gemini": "gemini-2.5-flash"}
"""A model of each protocol (the embedded gateway answers any name)."""

REPO = Path(__file__).resolve().parents[1]

# Property tests: a fixed budget and no randomness between runs (each test's examples derive
# from its name), no example database in the work tree, no clock limit on slow machines.
settings.register_profile(
    "tikhub",
    derandomize=True,
    max_examples=100,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile("tikhub")

# -- the session layer: taken before any test runs, never monkeypatched -------------------------

_REAL_DIRS: tuple[Path, ...] = (
    Path(platformdirs.user_config_dir("tikhub-tui")),
    Path(platformdirs.user_data_dir("tikhub-tui")),
)
"""Where the user's own config and sessions live (read before the session layer moves HOME)."""
for _name in ("TIKHUB_TUI_CONFIG_DIR", "TIKHUB_TUI_DATA_DIR"):
    if os.environ.get(_name):
        _REAL_DIRS += (Path(os.environ[_name]),)

_SESSION_HOME = Path(tempfile.mkdtemp(prefix="tikhub-tui-tests-"))
for _name, _sub in (
    ("XDG_CONFIG_HOME", "config-home"),
    ("XDG_DATA_HOME", "data-home"),
    ("XDG_CACHE_HOME", "cache-home"),
    ("XDG_STATE_HOME", "state-home"),
    ("TIKHUB_TUI_CONFIG_DIR", "config"),
    ("TIKHUB_TUI_DATA_DIR", "data"),
):
    (_SESSION_HOME / _sub).mkdir()
    os.environ[_name] = str(_SESSION_HOME / _sub)
# child processes find the test helpers (the in-memory keyring backend lives in tests/)
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p
)


def _snapshot(roots: tuple[Path, ...]) -> dict[str, tuple[int, int]]:
    """Every file and directory under `roots`: its size and modification time."""
    seen: dict[str, tuple[int, int]] = {}
    for root in roots:
        if not root.exists():
            seen[str(root)] = (-1, -1)
            continue
        for path in [root, *root.rglob("*")]:
            try:
                info = path.lstat()
            except OSError:
                continue
            seen[str(path)] = (info.st_size, info.st_mtime_ns)
    return seen


_BEFORE = _snapshot(_REAL_DIRS)


@pytest.fixture(autouse=True)
def real_dirs_untouched(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail the test after which the user's real config or data dir changed."""
    yield
    now = _snapshot(_REAL_DIRS)
    if now != _BEFORE:
        changed = sorted(k for k in now.keys() | _BEFORE.keys() if now.get(k) != _BEFORE.get(k))
        _BEFORE.clear()
        _BEFORE.update(now)  # one failure per write, not every test after it
        pytest.fail(
            f"{request.node.nodeid} wrote outside its temp dirs: {', '.join(changed[:5])}",
            pytrace=False,
        )


class ServerProblems(logging.Handler):
    """Collects what the gateway logs at WARNING or above: an exception escaped a request.

    A client closing early is logged at INFO and is not a problem; anything else a test set
    off in the gateway fails that test instead of printing among the dots.
    """

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.found: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        detail = "".join(traceback.format_exception(*record.exc_info)) if record.exc_info else ""
        self.found.append(f"{record.getMessage()}\n{detail}".rstrip())

    def take(self) -> list[str]:
        found, self.found = self.found, []
        return found


GATEWAY_PROBLEMS = ServerProblems()
logging.getLogger("tikhub_tui.gateway").addHandler(GATEWAY_PROBLEMS)


@pytest.fixture(autouse=True)
def gateway_served_without_errors(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail the test during which an exception escaped a request to any embedded gateway."""
    earlier = GATEWAY_PROBLEMS.take()  # a late thread of the test before: reported here too
    yield
    problems = earlier + GATEWAY_PROBLEMS.take()
    if problems:
        pytest.fail(
            f"{request.node.nodeid}: the gateway failed while serving it:\n" + "\n".join(problems),
            pytrace=False,
        )


# -- the test layer -----------------------------------------------------------------------------


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
    forget_all()  # the keys an earlier test's client remembered for redaction
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
