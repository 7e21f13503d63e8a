"""Disk and permissions: the data dir turning read-only or full mid-session, unreadable files.

Root ignores file modes, so these run the app (or the command line) as an unprivileged user
(tests/unprivileged.py); a full disk is a file-size limit on the process (RLIMIT_FSIZE), which
binds root too. The app says so, keeps the text on screen, and loses nothing already saved;
an unreadable config or database gives the message and the fix.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.unprivileged import give_to_nobody, run_unprivileged, unprivileged_home
from tikhub_tui.core.store import Store


@pytest.mark.parametrize("mode", ["readonly", "full"])
def test_the_disk_failing_mid_session_keeps_the_text_and_says_so(mode: str) -> None:
    with unprivileged_home() as (_home, env):
        result = run_unprivileged([sys.executable, "-m", "tests.ui.disk_probe", mode], env, cwd=REPO)
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    first, second = seen["answers"]
    assert first == "the first answer, saved" and second.rstrip().endswith("END 300")
    # nothing saved before the disk failed is lost
    assert seen["saved"][:2] == ["echo: the first answer, saved", "the first answer, saved"]
    if len(seen["saved"]) == 4 and seen["saved"][3] == second:
        # the store's connection was open before the change (modes are checked when a file
        # is opened): the answer was saved anyway, and nothing had to be said
        assert mode == "readonly" and "NOT SAVING" not in seen["status"]
        # started again while the directory is read-only, the app says so and still answers
        restart = seen["restart"]
        assert restart["answers"][-1] == "after the restart"
        assert restart["answers"][0] == "the first answer, saved"  # reopened, nothing lost
        assert any(str(Path("data") / "sessions.db") in n for n in restart["notices"]), restart
        assert "NOT SAVING" in restart["status"], restart
        return
    problems = [n for n in seen["notices"] if "could not be saved" in n or "session store" in n]
    assert problems and all(".db" in n for n in problems), seen["notices"]
    assert "NOT SAVING" in seen["status"]


def test_unreadable_config_and_database_give_the_message_and_the_fix() -> None:
    with unprivileged_home() as (home, env):
        config = home / "config" / "config.toml"
        config.write_text('model = "gpt-4o"\n')
        config.chmod(0)
        give_to_nobody(config)
        asked = run_unprivileged([sys.executable, "-m", "tikhub_tui", "ask", "hi"], env, cwd=REPO)
        assert asked.returncode == 2
        assert f"cannot read {config}: permission denied" in asked.stderr
        assert f"chmod 600 {config}" in asked.stderr
        config.unlink()

        database = home / "data" / "sessions.db"
        Store.open(database).close()
        for path in database.parent.iterdir():
            give_to_nobody(path)
        database.chmod(0)
        listed = run_unprivileged([sys.executable, "-m", "tikhub_tui", "sessions", "list"], env, cwd=REPO)
        assert listed.returncode == 1 and "Traceback" not in listed.stderr
        assert str(database) in listed.stderr and "you may not read and write it" in listed.stderr
        assert f"chmod 600 {database}" in listed.stderr
