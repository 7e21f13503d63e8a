"""Drive the app (headless, demo gateway) while its data dir turns read-only or its disk fills.

Run as a program by tests/ui/test_disk.py, as an unprivileged user (root ignores permissions):
`python -m tests.ui.disk_probe readonly|full`. It answers one prompt (saved), breaks the disk,
answers another, and prints what a user would have seen, as JSON: the notices, the status
line, the answers on screen, and what the store holds once the disk is fine again.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import signal
import sys
from typing import Any

from tests.ui.conftest import SIZE, Notices, chat, demo_app, send
from tikhub_tui.core.paths import data_dir
from tikhub_tui.core.store import Store
from tikhub_tui.ui.widgets.answer import AnswerView


def _break(mode: str) -> None:
    folder = data_dir()
    if mode == "readonly":
        for path in folder.iterdir():
            path.chmod(0o400)
        folder.chmod(0o500)
    else:  # a full disk: no file of this process may grow past its size now
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        biggest = max(p.stat().st_size for p in folder.iterdir())
        resource.setrlimit(resource.RLIMIT_FSIZE, (biggest, resource.RLIM_INFINITY))


def _repair(mode: str) -> None:
    if mode == "readonly":
        folder = data_dir()
        folder.chmod(0o700)
        for path in folder.iterdir():
            path.chmod(0o600)
    else:
        resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))


async def probe(mode: str) -> dict[str, Any]:
    app = demo_app()
    notices = Notices()
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        await send(pilot, "echo: the first answer, saved")
        _break(mode)
        await send(pilot, "lorem: 300")
        await pilot.pause(0.3)
        screen = chat(app)
        answers = [view.text for view in screen.query(AnswerView)]
        status = str(screen.query_one("#status").render())
    restart = await _restart() if mode == "readonly" else {}
    _repair(mode)
    with Store.open() as store:
        saved = [m.text for s in store.list_sessions() for m in store.messages(s.id)]
    return {
        "notices": notices.messages,
        "status": status,
        "answers": answers,
        "saved": saved,
        "restart": restart,
    }


async def _restart() -> dict[str, Any]:
    """The app started again while the data dir is still read-only."""
    app = demo_app()
    notices = Notices()
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        await send(pilot, "echo: after the restart")
        screen = chat(app)
        return {
            "notices": notices.messages,
            "status": str(screen.query_one("#status").render()),
            "answers": [view.text for view in screen.query(AnswerView)],
        }


if __name__ == "__main__":
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "tests.memory_keyring.MemoryKeyring")
    print(json.dumps(asyncio.run(probe(sys.argv[1]))))
