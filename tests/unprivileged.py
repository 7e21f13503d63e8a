"""Run a command as an unprivileged user, for what root would not see (permissions).

CI runs as root, which ignores file modes. With `setpriv` (util-linux) or `runuser` the
command runs as `nobody` in a fresh directory it owns; as a non-root user it runs as it is.
Where none of this works the test is skipped, saying why.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

NOBODY = 65534


def _prefix() -> list[str]:
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv"):
        return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    if shutil.which("runuser"):
        return ["runuser", "-u", "nobody", "--"]
    pytest.skip("running as root without setpriv or runuser: permissions cannot be tested")
    return []


@contextmanager
def unprivileged_home() -> Iterator[tuple[Path, dict[str, str]]]:
    """A directory the unprivileged user owns, and an environment whose every tikhub-tui and
    home path points into it."""
    home = Path(tempfile.mkdtemp(prefix="tikhub-tui-nobody-"))
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TIKHUB_", "XDG_"))}
        for name, sub in (
            ("HOME", "home"),
            ("XDG_CONFIG_HOME", "home/.config"),
            ("XDG_DATA_HOME", "home/.local/share"),
            ("TIKHUB_TUI_CONFIG_DIR", "config"),
            ("TIKHUB_TUI_DATA_DIR", "data"),
        ):
            (home / sub).mkdir(parents=True, exist_ok=True)
            env[name] = str(home / sub)
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["PYTHON_KEYRING_BACKEND"] = "tests.memory_keyring.MemoryKeyring"
        if os.geteuid() == 0:
            for path in [home, *home.rglob("*")]:
                os.chown(path, NOBODY, NOBODY)
        home.chmod(0o755)
        yield home, env
    finally:
        shutil.rmtree(home, ignore_errors=True)


def run_unprivileged(
    command: list[str], env: dict[str, str], *, cwd: Path, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*_prefix(), *command], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout
    )


def give_to_nobody(*paths: Path) -> None:
    """Files made by the test (as root) for the unprivileged user."""
    if os.geteuid() == 0:
        for path in paths:
            os.chown(path, NOBODY, NOBODY)
