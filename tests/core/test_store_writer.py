"""The AnswerWriter: batched writes while an answer streams, and what survives a SIGKILL."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tikhub_tui.core.model import Usage
from tikhub_tui.core.store import Store
from tikhub_tui.core.store.writer import AnswerWriter

LATER = datetime(2030, 1, 1, tzinfo=UTC)


class Ticker:
    """A monotonic clock moved by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _saved(path: Path, message_id: int) -> tuple[str, str, str]:
    """What another connection sees right now: text, reasoning, status."""
    conn = sqlite3.connect(path)
    try:
        row = conn.execute(
            "SELECT text, reasoning, status FROM messages WHERE id = ?", (message_id,)
        ).fetchone()
    finally:
        conn.close()
    return row[0], row[1], row[2]


@pytest.fixture
def answer() -> Iterator[tuple[Store, str, int]]:
    store = Store.open()
    sid = store.create_session()
    store.add_message(sid, "user", "tell me a story")
    yield store, sid, store.begin_answer(sid, "gpt-test", "openai")
    store.close()


def test_appends_are_written_in_batches_by_time(answer: tuple[Store, str, int]) -> None:
    store, _, mid = answer
    ticker = Ticker()
    writer = AnswerWriter(store, mid, interval=0.5, monotonic=ticker, background=False)
    assert _saved(store.path, mid) == ("", "", "incomplete")
    for step in range(3):
        ticker.now += 0.125
        writer.append(f"t{step} ")
    assert _saved(store.path, mid)[0] == "" and writer.flushes == 0
    ticker.now += 0.125  # 0.5 s since the writer started
    writer.append("t3 ", reasoning="hmm")
    assert _saved(store.path, mid) == ("t0 t1 t2 t3 ", "hmm", "incomplete")
    ticker.now += 0.25
    writer.append("t4")
    assert _saved(store.path, mid)[0] == "t0 t1 t2 t3 " and writer.flushes == 1
    writer.flush()
    assert _saved(store.path, mid)[0] == "t0 t1 t2 t3 t4" and writer.flushes == 2
    writer.flush()  # nothing new: no write
    assert writer.flushes == 2
    writer.close()


def test_finish_writes_the_outcome_and_touches_the_session(
    answer: tuple[Store, str, int],
) -> None:
    store, sid, mid = answer
    writer = AnswerWriter(store, mid, clock=lambda: LATER, background=False)
    writer.append("Once upon a time.", reasoning="plan the story")
    usage = Usage(11, 7, 3, cache_read_tokens=5, cache_write_tokens=2, estimated=True)
    writer.finish("stopped", "other", usage, ttft=0.42, duration=1.5)
    message = store.get_message(mid)
    assert (message.text, message.reasoning, message.status) == (
        "Once upon a time.",
        "plan the story",
        "stopped",
    )
    assert message.usage == usage and (message.ttft, message.duration) == (0.42, 1.5)
    assert message.finish_reason == "other" and message.error == ""
    assert store.get_session(sid).updated_at == LATER
    with pytest.raises(RuntimeError):
        writer.append("more")
    writer.close()  # harmless after finish


def test_error_outcome_and_bad_status(answer: tuple[Store, str, int]) -> None:
    store, _, mid = answer
    with store.answer_writer(mid) as writer:
        writer.append("partial")
        with pytest.raises(ValueError):
            writer.finish("done")
        writer.finish("error", error="upstream closed the stream")
    message = store.get_message(mid)
    assert (message.text, message.status, message.error) == (
        "partial",
        "error",
        "upstream closed the stream",
    )


def test_close_without_finish_keeps_the_text_marked_incomplete(
    answer: tuple[Store, str, int],
) -> None:
    store, _, mid = answer
    with AnswerWriter(store, mid, background=False) as writer:
        writer.append("half an ans")
    assert _saved(store.path, mid) == ("half an ans", "", "incomplete")


def test_a_stalled_stream_is_flushed_by_the_timer(answer: tuple[Store, str, int]) -> None:
    store, _, mid = answer
    writer = AnswerWriter(store, mid, interval=0.05)
    writer.append("first words")  # then nothing arrives for a while
    deadline = time.monotonic() + 5
    while _saved(store.path, mid)[0] != "first words" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert _saved(store.path, mid)[0] == "first words"
    writer.finish("complete", "stop")


def test_created_on_one_thread_used_on_another(answer: tuple[Store, str, int]) -> None:
    store, _, mid = answer
    writer = store.answer_writer(mid, interval=0.01)
    errors: list[BaseException] = []

    def stream() -> None:
        try:
            for index in range(50):
                writer.append(f"{index} ")
                time.sleep(0.001)
            writer.finish("complete", "stop")
        except BaseException as exc:  # reported below
            errors.append(exc)

    worker = threading.Thread(target=stream)
    worker.start()
    worker.join(10)
    assert errors == []
    assert store.get_message(mid).text == "".join(f"{i} " for i in range(50))
    assert writer.flushes >= 2


_CHILD = """
import sys, time
from pathlib import Path
from tikhub_tui.core.store import Store
store = Store.open(Path(sys.argv[1]))
sid = store.create_session()
store.add_message(sid, "user", "stream please")
mid = store.begin_answer(sid, "gpt-test", "openai")
writer = store.answer_writer(mid)
print(mid, flush=True)
index = 0
while True:
    writer.append(f"c{index} ")
    print(index, flush=True)
    index += 1
    time.sleep(0.02)
"""


def test_sigkill_mid_answer_loses_at_most_the_last_half_second(tmp_path: Path) -> None:
    path = tmp_path / "kill" / "sessions.db"
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        mid = int(child.stdout.readline())
        seen = 0
        while seen < 87:  # about 1.75 s of streaming
            line = child.stdout.readline()
            assert line, "the streaming child ended early"
            seen = int(line)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait(10)
    with Store.open(path) as store:
        message = store.get_message(mid)
    assert message.status == "incomplete"
    chunks = message.text.split()
    assert chunks == [f"c{i}" for i in range(len(chunks))]  # a clean prefix
    # 0.5 s is 25 chunks at 20 ms each; allow as much again for a slow machine
    assert len(chunks) >= seen - 50, (len(chunks), seen)
