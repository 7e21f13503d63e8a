"""Helpers for the command-line tests: run `tikhub-tui` as a real process."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import FAKE_KEY


def ask(*args: str, stdin: str | None = None, key: str | None = FAKE_KEY,
        env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    environment = dict(os.environ)
    if key is not None:
        environment["TIKHUB_API_KEY"] = key
    environment.update(env or {})
    result = subprocess.run(
        [sys.executable, "-m", "tikhub_tui", "ask", *args],
        input=stdin if stdin is not None else "", capture_output=True, text=True,
        env=environment, timeout=timeout,
    )
    assert FAKE_KEY not in result.stdout and FAKE_KEY not in result.stderr
    assert "Traceback" not in result.stderr
    return result
