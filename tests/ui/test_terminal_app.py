"""The real app on a real pseudo-terminal: what Textual's driver writes, byte for byte.

A saved session full of escape sequences (reopened at start, as on every start) and a server
that answers with more: the bytes the app writes may hold Textual's own escapes (colours,
cursor moves), never one that came from that text. Each hostile sequence carries a marker
word; the marker may appear only after a visible "␛", never after a real ESC, and no C1
control appears at all.
"""

from __future__ import annotations

import fcntl
import os
import re
import struct
import subprocess
import sys
import termios
import threading
import time

from tests.canary import STOP, text_delta, thinking
from tests.conftest import FAKE_KEY
from tests.raw_server import RawServer, http_response
from tikhub_tui.core.store import Store

PAYLOADS = [
    "\x1b]0;PWNTITLE\x07",  # set the window title
    "\x1b]52;c;UFdOQ0xJUA==\x07",  # write the clipboard ("PWNCLIP")
    "\x1b[2JPWNWIPE",  # wipe the screen
    "\x9b2JPWNCSI",  # the same with a C1 CSI
    "\x1b]8;;http://PWNLINK\x1b\\link\x1b]8;;\x1b\\",  # a hyperlink
]
MARKERS = ["PWNTITLE", "UFdOQ0xJUA", "PWNWIPE", "PWNCSI", "PWNLINK"]
HOSTILE = "needle " + " ".join(PAYLOADS)


def _read_all(fd: int, into: bytearray, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            data = os.read(fd, 65536)
        except OSError:
            return
        if not data:
            return
        into.extend(data)


def wait_for(received: bytearray, text: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while text.encode() not in received:
        assert time.monotonic() < deadline, f"{text!r} never appeared on the terminal"
        time.sleep(0.05)


def test_no_hostile_escape_reaches_the_terminal_from_the_store_or_the_server() -> None:
    with Store.open() as store:
        session = store.create_session(title=f"title {HOSTILE}")
        store.add_message(session, "user", f"prompt {HOSTILE}")
        store.add_message(
            session, "assistant", f"SAVEDANSWER {HOSTILE}", reasoning=HOSTILE,
            model="claude-x", provider="anthropic", status="error", error=f"error {HOSTILE}",
        )
    reply = http_response(200, [thinking(HOSTILE), text_delta(f"LIVEANSWER {HOSTILE}"), STOP])
    with RawServer(lambda _: reply) as server:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "TIKHUB_API_KEY": FAKE_KEY, "COLORTERM": "truecolor"}
        command = [
            sys.executable, "-m", "tikhub_tui", "--base-url", server.base_url,
            "--provider", "anthropic", "-m", "claude-x",
        ]
        process = subprocess.Popen(
            command, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        )
        os.close(slave)
        received = bytearray()
        stop = threading.Event()
        reader = threading.Thread(target=_read_all, args=(master, received, stop), daemon=True)
        reader.start()
        try:
            wait_for(received, "SAVEDANSWER")  # the last session reopened
            os.write(master, b"hello")
            time.sleep(0.3)
            os.write(master, b"\r")
            wait_for(received, "LIVEANSWER")
            time.sleep(0.5)
            os.write(master, b"\x11")  # Ctrl+Q
            process.wait(timeout=20)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
            stop.set()
            reader.join(timeout=5)
            os.close(master)
    output = bytes(received).decode("utf-8", "replace")
    assert not re.search("[\x80-\x9f]", output), "a C1 control reached the terminal"
    for marker in MARKERS:
        # the marker shows as text (after a visible ␛ sequence) at least once...
        assert marker in output, marker
        # ...and never right after a real escape or OSC introducer
        assert not re.search(r"\x1b[\[\]][^\x1b]{0,20}" + marker, output), marker
    assert "\x1b]52;c;UFdO" not in output and "\x1b]0;PWN" not in output
