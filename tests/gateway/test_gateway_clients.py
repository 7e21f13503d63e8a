"""A client that goes away early is normal: the gateway logs one line, never a traceback."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import pytest

from tests.conftest import FAKE_KEY
from tikhub_tui.gateway import Gateway

BODY = json.dumps(
    {
        "model": "claude-x",
        "max_tokens": 50,
        "stream": True,
        "messages": [{"role": "user", "content": "echo: hello"}],
    }
).encode()


def request(body: bytes = BODY, length: int | None = None) -> bytes:
    head = (
        "POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"x-api-key: {FAKE_KEY}\r\nanthropic-version: 2023-06-01\r\n"
        f"Content-Length: {len(body) if length is None else length}\r\n\r\n"
    )
    return head.encode() + body


def reset(sock: socket.socket) -> None:
    """Close with a TCP reset, as a killed client or a dropped network does."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def after_a_whole_answer(port: int) -> None:
    """A keep-alive connection reset while the gateway waits for the next request."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(request())
    data = b""
    while not data.endswith(b"0\r\n\r\n"):
        data += sock.recv(65536)
    assert b"message_stop" in data
    reset(sock)


def in_the_middle_of_the_body(port: int) -> None:
    """A connection reset while the gateway reads the request body."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(request(BODY[:10], length=len(BODY)))
    reset(sock)


def wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, "nothing was logged in time"
        time.sleep(0.01)


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    with Gateway(tps=0) as running:
        yield running


@pytest.mark.parametrize("client", [after_a_whole_answer, in_the_middle_of_the_body])
def test_a_reset_connection_is_one_log_line(
    gateway: Gateway,
    client: Callable[[int], None],
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.INFO, logger="tikhub_tui.gateway")
    client(gateway.port)
    wait_for(lambda: bool(caplog.records))
    (record,) = caplog.records
    assert record.levelno == logging.INFO and record.exc_info is None
    assert "closed the connection early (connection reset by peer)" in record.getMessage()
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err and "Exception occurred" not in out + err


def test_the_gateway_command_prints_one_line_for_it() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "tikhub_tui", "gateway", "--port", "0", "--tps", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        port = int(process.stdout.readline().strip().rsplit(":", 1)[1])
        process.stderr.readline()  # the banner
        after_a_whole_answer(port)
        line = process.stderr.readline()
        assert line.startswith("tikhub-tui gateway: client 127.0.0.1:")
        assert line.rstrip().endswith("closed the connection early (connection reset by peer)")
        process.send_signal(signal.SIGTERM)
        _, rest = process.communicate(timeout=10)
        assert "Traceback" not in rest and rest.splitlines() == ["tikhub-tui gateway: stopped"]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(5)


def test_an_exception_in_a_request_is_reported_to_the_test(
    gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import GATEWAY_PROBLEMS
    from tikhub_tui.gateway import server

    def broken(*args: object) -> None:
        raise RuntimeError("a bug in the gateway")

    monkeypatch.setattr(server, "route", broken)
    sock = socket.create_connection(("127.0.0.1", gateway.port), timeout=10)
    sock.sendall(request())
    assert sock.recv(1024) == b""  # the gateway closed the connection without an answer
    sock.close()
    wait_for(lambda: bool(GATEWAY_PROBLEMS.found))
    (problem,) = GATEWAY_PROBLEMS.take()  # taken: this test expects it; others would fail
    assert "failed: RuntimeError: a bug in the gateway" in problem
    assert 'raise RuntimeError("a bug in the gateway")' in problem  # with its traceback
