"""The judging modules stay headless: importing them loads neither Textual nor Rich."""

from __future__ import annotations

import subprocess
import sys

MODULES = [
    "tikhub_tui.core.judging.votes",
    "tikhub_tui.core.judging.rating",
    "tikhub_tui.core.judging.board",
    "tikhub_tui.core.judging.leaderboard",
    "tikhub_tui.core.judging.stats_words",
    "tikhub_tui.core.judging.blind",
    "tikhub_tui.core.judging.judge",
    "tikhub_tui.core.judging.diff",
    "tikhub_tui.core.judging.run",
    "tikhub_tui.core.store.judgements",
    "tikhub_tui.core.store.race_stats",
]


def test_no_textual_or_rich() -> None:
    code = "import sys\n" + "".join(f"import {m}\n" for m in MODULES) + (
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
