"""`--demo` for the one-shot commands: the embedded gateway for the run, no key needed."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from tikhub_tui.cli.demo import DEMO_KEY, demo_access
from tikhub_tui.core.secrets import ENV_VAR


def test_the_demo_runs_a_loopback_gateway_for_the_command_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    args = argparse.Namespace(demo=True, base_url=None)
    with demo_access(args):
        assert os.environ[ENV_VAR] == DEMO_KEY
        assert urlsplit(args.base_url).hostname == "127.0.0.1"
    assert ENV_VAR not in os.environ  # the environment as it was


def test_a_race_on_the_demo_needs_no_key() -> None:
    environment = {k: v for k, v in os.environ.items() if k != ENV_VAR}
    result = subprocess.run(
        [sys.executable, "-m", "tikhub_tui", "race", "--demo", "--json", "--no-save",
         "-m", "gpt-5", "-m", "claude-sonnet-4-5", "echo: hi"],
        capture_output=True, text=True, env=environment, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert [r["text"] for r in json.loads(result.stdout)["results"]] == ["hi", "hi"]
