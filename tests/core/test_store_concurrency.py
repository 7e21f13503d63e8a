"""Two real processes writing the same store at once: both succeed and nothing is corrupted."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from tikhub_tui.core.store import Store

_WRITER = """
import sys, time
from pathlib import Path
from tikhub_tui.core.model import Usage
from tikhub_tui.core.store import Store
path, tag, go, count = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
store = Store.open(path)
print("ready", flush=True)
while not go.exists():
    time.sleep(0.005)
for index in range(count):
    sid = store.create_session()
    store.add_message(sid, "user", f"{tag} question number {index}")
    writer = store.answer_writer(store.begin_answer(sid, "model-" + tag, "openai"), interval=0)
    for part in range(3):
        writer.append(f"{tag}answer part{part} ")
    writer.finish("complete", "stop", Usage(1, 2, None))
    store.list_sessions(limit=20)
    store.search(tag)
print("done", flush=True)
"""


def test_two_processes_write_at_once(tmp_path: Path) -> None:
    path = tmp_path / "shared" / "sessions.db"
    Store.open(path).close()
    go = tmp_path / "go"
    count = 100
    children = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(path), tag, str(go), str(count)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("alpha", "beta")
    ]
    try:
        for child in children:
            assert child.stdout is not None and child.stdout.readline() == "ready\n"
        go.touch()
        results = [child.communicate(timeout=300) for child in children]  # a lock wait that
        # never ended would hang: the limit cuts that, with room for a loaded machine
    finally:
        for child in children:
            child.kill()
            child.wait(10)
    for child, (out, err) in zip(children, results, strict=True):
        assert child.returncode == 0, err
        assert out == "done\n"

    with Store.open(path) as store:
        sessions = store.list_sessions(limit=1000)
        assert len(sessions) == 2 * count
        assert all(s.message_count == 2 for s in sessions)
        assert {s.last_model for s in sessions} == {"model-alpha", "model-beta"}
        for tag in ("alpha", "beta"):
            assert len(store.search(f"{tag}answer", limit=1000)) == count
        answers = [store.messages(s.id)[1] for s in sessions]
        assert all(m.status == "complete" and m.text.count("part") == 3 for m in answers)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.execute("INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')")
    conn.close()
