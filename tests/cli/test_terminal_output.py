"""Server text never drives the terminal through the command line.

`ask` runs in this process with its stdout on a real pseudo-terminal (so it sees a terminal, as
a user's shell would give it): whatever control and escape sequences a server puts into the
answer, the reasoning, an error body, an error event or a header, the bytes that reach the
terminal hold no ESC and no C1 control (`ask` itself writes none); stderr never does either.
To a pipe the answer passes unchanged unless --sanitize; on a terminal --raw passes it.
"""

from __future__ import annotations

import io
import json
import os
import pty
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.canary import STOP, sse, text_delta, thinking
from tests.conftest import FAKE_KEY
from tests.raw_server import RawServer, http_response
from tikhub_tui.cli import main
from tikhub_tui.core.store import Store

escape = st.builds(
    lambda intro, body, end: intro + body + end,
    st.sampled_from(["\x1b[", "\x1b]", "\x1bP", "\x9b", "\x9d", "\x1b", "\x90", "\x07"]),
    st.sampled_from(["2J", "0;pwned", "52;c;cHduZWQ=", "8;;http://x", "?1049h", "31m", "", "H"]),
    st.sampled_from(["", "\x07", "\x1b\\", "\x9c", "m"]),
)
hostile = st.lists(
    st.one_of(escape, st.text(max_size=8), st.sampled_from(["\r", "\x08", "\u202e", "\x00"])),
    min_size=1,
    max_size=8,
).map("".join)


def terminal_bytes(raw: bytes) -> list[str]:
    """The control bytes in what a terminal received (ESC, and C1 controls in UTF-8)."""
    text = raw.decode("utf-8", "replace")
    return [c for c in text if c == "\x1b" or "\x80" <= c <= "\x9f"]


@contextmanager
def on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[bytearray, io.StringIO]]:
    """sys.stdout on a pseudo-terminal (what reaches it is collected), sys.stderr a pipe-like
    buffer."""
    master, slave = pty.openpty()
    received = bytearray()

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if not data:
                return
            received.extend(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    stdout = io.TextIOWrapper(os.fdopen(slave, "wb", buffering=0), encoding="utf-8", write_through=True)
    stderr = io.StringIO()
    try:
        with monkeypatch.context() as patch:  # the real streams are back after the block
            patch.setattr(sys, "stdout", stdout)
            patch.setattr(sys, "stderr", stderr)
            yield received, stderr
    finally:
        stdout.close()
        reader.join(timeout=5)
        os.close(master)


def ask_against(server_url: str, *extra: str) -> int:
    return main(["ask", "--provider", "anthropic", "-m", "claude-x", "--base-url", server_url, *extra, "hi"])


@settings(max_examples=25)
@given(answer=hostile, reasoning=hostile, error=hostile, kind=st.sampled_from(["event", "body", "type"]))
def test_no_server_text_drives_the_terminal(
    monkeypatch: pytest.MonkeyPatch, answer: str, reasoning: str, error: str, kind: str
) -> None:
    monkeypatch.setenv("TIKHUB_API_KEY", FAKE_KEY)
    if kind == "event":  # text, reasoning, then an error event
        failure = sse("error", {"type": "error", "error": {"message": error}})
        reply = http_response(200, [thinking(reasoning or "r"), text_delta(answer), failure])
    elif kind == "body":  # an error status with a JSON body
        body = json.dumps({"error": {"message": error}}).encode()
        reply = http_response(500, body, content_type="application/json")
    else:  # a content type that is no event stream, and a body
        reply = http_response(200, error.encode(), content_type=f"text/{error}".replace("\n", " "))
    with RawServer(lambda _: reply) as server, on_a_terminal(monkeypatch) as (received, stderr):
        code = ask_against(server.base_url, "--show-reasoning")
    assert code in (0, 5, 6)
    assert terminal_bytes(bytes(received)) == []
    assert terminal_bytes(stderr.getvalue().encode()) == []


def test_the_answer_is_shown_not_obeyed_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIKHUB_API_KEY", FAKE_KEY)
    reply = http_response(200, [text_delta("A\x1b]52;c;cHduZWQ=\x07B\x1b[2J"), STOP])
    with RawServer(lambda _: reply) as server, on_a_terminal(monkeypatch) as (received, _):
        assert ask_against(server.base_url) == 0
    assert "A␛]52;c;cHduZWQ=␇B␛[2J" in received.decode()
    with Store.open() as store:  # the store keeps what the server sent
        (session,) = store.list_sessions()
        assert store.messages(session.id)[-1].text == "A\x1b]52;c;cHduZWQ=\x07B\x1b[2J"


def test_raw_passes_the_bytes_to_a_terminal_and_sanitize_cleans_a_pipe(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TIKHUB_API_KEY", FAKE_KEY)
    reply = http_response(200, [text_delta("x\x1b[31my"), STOP])
    with RawServer(lambda _: reply) as server:
        with on_a_terminal(monkeypatch) as (received, _):
            assert ask_against(server.base_url, "--raw") == 0
        assert "x\x1b[31my" in received.decode()
    with RawServer(lambda _: reply) as server:
        assert ask_against(server.base_url) == 0  # to a pipe (pytest's capture)
        assert capsys.readouterr().out == "x\x1b[31my\n"
        assert ask_against(server.base_url, "--sanitize") == 0
        assert capsys.readouterr().out == "x␛[31my\n"


def test_a_markdown_export_to_a_terminal_is_sanitised_and_to_a_file_kept(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    with Store.open() as store:
        session = store.create_session(title="Evil \x1b]0;title\x07")
        store.add_message(session, "user", "hi")
        store.add_message(session, "assistant", "wipe \x1b[2J\x1b[3J and \x9b2J", reasoning="\x1b]52;c;eA==\x07")
    with on_a_terminal(monkeypatch) as (received, stderr):
        assert main(["sessions", "export", session, "--format", "md"]) == 0
        assert main(["sessions", "show", session, "--reasoning"]) == 0
    assert terminal_bytes(stderr.getvalue().encode()) == []
    assert terminal_bytes(bytes(received)) == [] and "wipe ␛[2J␛[3J and ␛[2J" in received.decode()
    target = f"{tmp_path}/out.md"
    assert main(["sessions", "export", session, "--format", "md", "-o", target]) == 0
    with open(target, encoding="utf-8") as file:
        assert "wipe \x1b[2J\x1b[3J" in file.read()  # a file gets the text as it is
