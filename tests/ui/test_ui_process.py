"""The real app in a real pseudo-terminal: killed, hung up on or terminated mid-answer, it
keeps what had arrived."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import pytest

from tests.conftest import FAKE_KEY
from tikhub_tui.core.store import Store
from tikhub_tui.gateway import answer_text

PROMPT = "tps: 50 lorem: 2000"


class Terminal:
    """A process on a pty of 120x40 whose screen output we drain (and search)."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.process = subprocess.Popen(
            args, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True,
            start_new_session=True,
        )
        os.close(slave)
        self.output = b""

    def read_until(self, needle: bytes, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.output:
                return True
            self.pump(0.05)
        return needle in self.output

    def pump(self, seconds: float) -> None:
        ready, _, _ = select.select([self.master], [], [], seconds)
        if ready:
            with suppress(OSError):
                self.output += os.read(self.master, 65536)

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())

    def hang_up(self) -> None:
        """The terminal goes away (an SSH connection dropped): its side closes, SIGHUP."""
        os.close(self.master)
        self.master = -1
        time.sleep(1.0)  # the app goes on drawing into the void meanwhile
        self.process.send_signal(signal.SIGHUP)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        if self.master >= 0:
            os.close(self.master)


@contextmanager
def app_in_terminal(gateway_url: str) -> Iterator[Terminal]:
    env = {**os.environ, "TIKHUB_API_KEY": FAKE_KEY, "TERM": "xterm-256color"}
    terminal = Terminal(
        [sys.executable, "-m", "tikhub_tui", "--base-url", gateway_url, "-m", "claude-x"], env
    )
    try:
        assert terminal.read_until(b"Ask anything", 30), "the app did not start"
        terminal.type(PROMPT)
        terminal.pump(0.3)
        terminal.type("\r")
        yield terminal
    finally:
        terminal.close()


def saved_answer() -> tuple[str, str]:
    with Store.open() as store:
        (session,) = store.list_sessions()
        answer = store.messages(session.id)[-1]
        return answer.text, answer.status


# Words some 45 tokens into the answer (they occur there first): once they are on screen, the
# app has received them, and the store writer writes what it received within its half-second
# interval.
ON_SCREEN = "Excepteur culpa"


def wait_for_text(terminal: Terminal, seconds: float) -> None:
    """Wait until the answer has reached `ON_SCREEN`, then `seconds` more."""
    # an app starting and streaming in a pseudo-terminal: slow on a loaded machine
    assert terminal.read_until(ON_SCREEN.encode(), 180), "the answer did not reach the screen"
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        terminal.pump(0.05)


def test_sigkill_mid_answer_keeps_what_had_arrived(gateway_url: str) -> None:
    with app_in_terminal(gateway_url) as terminal:
        # what was on screen a second ago is more than the writer's interval old
        wait_for_text(terminal, 1.0)
        terminal.process.send_signal(signal.SIGKILL)
        terminal.process.wait(timeout=10)
    text, status = saved_answer()
    assert status == "incomplete"
    assert text and answer_text("lorem: 2000").startswith(text)
    assert ON_SCREEN in text


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM])
def test_hangup_or_terminate_saves_and_exits_cleanly(gateway_url: str, signum: int) -> None:
    with app_in_terminal(gateway_url) as terminal:
        wait_for_text(terminal, 0.5)
        terminal.process.send_signal(signum)
        deadline = time.monotonic() + 15
        while terminal.process.poll() is None and time.monotonic() < deadline:
            terminal.pump(0.05)
        assert terminal.process.returncode == 0, terminal.output[-2000:]
        assert b"Traceback" not in terminal.output
    text, status = saved_answer()
    assert status == "stopped"
    assert text and answer_text("lorem: 2000").startswith(text)
    assert ON_SCREEN in text


def test_a_terminal_gone_mid_answer_saves_and_the_process_exits(gateway_url: str) -> None:
    """The screen can no longer be given back; the app must not wait for it (it stayed,
    streaming to nobody, with its writer's queue full)."""
    with app_in_terminal(gateway_url) as terminal:
        wait_for_text(terminal, 0.5)
        terminal.hang_up()
        assert terminal.process.wait(timeout=30) == 0
    text, status = saved_answer()
    assert status == "stopped"
    assert text and answer_text("lorem: 2000").startswith(text)


def test_without_a_terminal_the_app_says_so_instead_of_hanging() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tikhub_tui", "--demo"],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30,
    )
    assert result.returncode == 2 and result.stdout == ""
    assert "needs a terminal" in result.stderr and "tikhub-tui ask" in result.stderr
