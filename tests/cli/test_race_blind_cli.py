"""`tikhub-tui race --blind`: the race screen opens blind; with a prompt (a script's race) it is
refused, saying where blind races are run."""

from __future__ import annotations

import io
import sys
from typing import Any

import pytest

from tests.cli.test_race_cli import race
from tikhub_tui.cli import main
from tikhub_tui.core.race.panes import PaneSpec


def test_a_blind_race_opens_the_race_screen_blind(monkeypatch: pytest.MonkeyPatch) -> None:
    import tikhub_tui.cli.tui as tui

    opened: list[dict[str, Any]] = []

    def open_app(settings: object, **kw: Any) -> int:  # the app itself needs a terminal
        opened.append(kw)
        return 0

    monkeypatch.setattr(tui, "open_app", open_app)
    monkeypatch.setattr(sys, "stdin", type("Tty", (io.StringIO,), {"isatty": lambda s: True})())
    assert main(["race", "--blind", "-m", "gpt-5", "-m", "claude-sonnet-4-5"]) == 0
    assert opened[-1]["blind"] is True
    assert opened[-1]["race"] == [PaneSpec("gpt-5", "openai"),
                                  PaneSpec("claude-sonnet-4-5", "anthropic")]  # fmt: skip
    assert main(["race", "--blind"]) == 0  # no models yet: the screen opens on its picker
    assert opened[-1]["race"] == [] and opened[-1]["blind"] is True
    assert main(["race", "-m", "gpt-5", "-m", "o3"]) == 0
    assert opened[-1]["blind"] is False


def test_a_blind_race_with_a_prompt_is_refused_with_the_fix() -> None:
    result = race("--blind", "-m", "gpt-5", "-m", "o3", "hi")
    assert result.returncode == 2 and result.stdout == ""
    assert "--blind races on the race screen" in result.stderr
    assert "tikhub-tui race --blind -m A -m B" in result.stderr
