"""`tikhub-tui gateway` as a real process: URL on the first line, clean exit on SIGINT and SIGTERM.

Scripts and benchmarks start the gateway with `--port 0` and read its URL from stdout, so that line
must come first and flushed, and stopping it must never print a traceback.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import FAKE_KEY


@pytest.fixture
def gateway_process() -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tikhub_tui", "gateway", "--port", "0", "--tps", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "0"},
    )
    yield process
    if process.poll() is None:
        process.kill()
        process.wait(5)


def _url(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    assert line.startswith("http://127.0.0.1:"), line
    return line


@pytest.mark.parametrize(("signum", "codes"), [(signal.SIGINT, {0, 130}), (signal.SIGTERM, {0})])
def test_prints_url_first_serves_and_stops_cleanly(
    gateway_process: subprocess.Popen[str], signum: int, codes: set[int]
) -> None:
    url = _url(gateway_process)
    response = httpx.post(
        url + "/v1/messages",
        headers={"x-api-key": FAKE_KEY, "anthropic-version": "2023-06-01"},
        json={
            "model": "claude-x",
            "max_tokens": 50,
            "stream": True,
            "messages": [{"role": "user", "content": "echo: up"}],
        },
    )
    assert response.status_code == 200
    assert '"text":"up"' in response.text
    gateway_process.send_signal(signum)
    _, stderr = gateway_process.communicate(timeout=10)
    assert gateway_process.returncode in codes
    assert "Traceback" not in stderr
    assert "127.0.0.1" in stderr.splitlines()[0]
    assert FAKE_KEY not in stderr


def test_refuses_a_non_loopback_host_and_says_why() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tikhub_tui", "gateway", "--host", "0.0.0.0", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert "no authentication" in result.stderr
    assert "--allow-remote" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_port_in_use_is_reported_plainly(gateway_process: subprocess.Popen[str]) -> None:
    port = _url(gateway_process).rsplit(":", 1)[1]
    result = subprocess.run(
        [sys.executable, "-m", "tikhub_tui", "gateway", "--port", port],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "--port 0" in result.stderr
    assert "Traceback" not in result.stderr
