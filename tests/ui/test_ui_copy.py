"""Copying in the chat app: the last answer, a chosen code block, and saving a block to a file."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Label, OptionList

from tests.ui.conftest import SIZE, answered, last_answer
from tests.ui.test_clipboard import payloads, tmux_server  # noqa: F401 (a fixture)
from tests.ui.test_ui_copy_blocks import unwritable_dir  # noqa: F401 (a fixture)
from tikhub_tui.core.settings import Settings
from tikhub_tui.ui.app import TikhubApp
from tikhub_tui.ui.clipboard import OSC52_LIMIT
from tikhub_tui.ui.screens.chat import ChatScreen
from tikhub_tui.ui.screens.code_blocks import CodeBlocksScreen
from tikhub_tui.ui.screens.save_text import SaveTextScreen
from tikhub_tui.ui.widgets.prompt import PromptArea

pytestmark = pytest.mark.anyio

FIRST = 'print("[bold]hello[/bold]")\nfor i in range(3):\n    print(i)'
SECOND = "set -eu\necho 'grüß 表' | tr a-z A-Z\n\nexit 0"
ANSWER = (
    f"Two blocks:\n\n```python\n{FIRST}\n```\n\n1. Then in a shell:\n\n"
    + "".join(f"   {line}\n" if line else "\n" for line in ["```bash", *SECOND.split("\n"), "```"])
    + "\nDone."
)


@pytest.fixture(autouse=True)
def osc52_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """A terminal that takes OSC 52, outside any multiplexer."""
    monkeypatch.setenv("TERM", "xterm-256color")
    for name in ("TMUX", "TMUX_PANE", "STY", "TERM_PROGRAM", "VTE_VERSION"):
        monkeypatch.delenv(name, raising=False)


async def ask(pilot: Pilot[None], text: str) -> ChatScreen:
    """Send `text` to the demo gateway and wait until its answer has streamed to the end."""
    screen = pilot.app.screen
    assert isinstance(screen, ChatScreen)
    screen.query_one(PromptArea).load_text(f"tps: 0 echo: {text}")
    await pilot.press("enter")
    for _ in range(500):
        await pilot.pause(0.01)
        if answered(screen):
            break
    assert not screen.streaming
    # the prompt's TextArea keeps ctrl+k (delete to end of line) and ctrl+y (redo) for itself
    screen.transcript.focus()
    await pilot.pause()
    return screen


def messages(app: TikhubApp) -> list[str]:
    return [notification.message for notification in app._notifications]


async def open_picker(pilot: Pilot[None]) -> CodeBlocksScreen:
    await pilot.press("ctrl+k")
    await pilot.pause()
    picker = pilot.app.screen
    assert isinstance(picker, CodeBlocksScreen)
    return picker


async def test_pick_the_second_block_and_copy_it_exactly() -> None:
    app = TikhubApp(Settings(), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ask(pilot, ANSWER)
        assert last_answer(screen.app).text == ANSWER
        picker = await open_picker(pilot)
        options = picker.query_one(OptionList)
        assert options.option_count == 2
        first = str(options.get_option_at_index(0).prompt)
        second = str(options.get_option_at_index(1).prompt)
        assert "python · 3 lines" in first and 'print("[bold]hello[/bold]")' in first
        assert "bash · 4 lines" in second and "set -eu" in second
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app._clipboard == SECOND
        assert app.screen is screen
        assert any(
            "code block 2 (bash)" in m and "4 lines, 42 characters" in m for m in messages(app)
        )


async def test_ctrl_y_copies_the_whole_answer() -> None:
    app = TikhubApp(Settings(), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, ANSWER)
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert app._clipboard == ANSWER
        assert any("the last answer" in m for m in messages(app))


async def test_one_block_still_opens_the_picker_and_esc_closes_it() -> None:
    app = TikhubApp(Settings(), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ask(pilot, "Only:\n\n~~~\n[red]x[/red]\n~~~\n")
        picker = await open_picker(pilot)
        assert picker.query_one(OptionList).option_count == 1
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and app._clipboard == ""


async def test_save_the_chosen_block_then_refuse_to_replace_without_a_second_enter(
    tmp_path: Path,
) -> None:
    app = TikhubApp(Settings(), demo=True)
    target = tmp_path / "out" / "nested" / "run.sh"
    async with app.run_test(size=SIZE) as pilot:
        screen = await ask(pilot, ANSWER)
        await open_picker(pilot)
        await pilot.press("down", "s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SaveTextScreen)
        path_input = dialog.query_one("#path", Input)
        assert path_input.value == "answer-block-2.sh"
        path_input.value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert target.read_text(encoding="utf-8") == SECOND + "\n"
        assert app.screen is screen
        assert any(f"Saved code block 2 (bash) to {target}" in m for m in messages(app))

        # the same path again: the first Enter warns, the second replaces
        target.write_text("keep me\n")
        await open_picker(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        again = app.screen
        assert isinstance(again, SaveTextScreen)
        again.query_one("#path", Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        problem = str(again.query_one("#problem", Label).render())
        assert f"{target} exists: Enter again replaces it." in problem
        assert target.read_text() == "keep me\n"
        await pilot.press("enter")
        await pilot.pause()
        assert target.read_text() == FIRST + "\n"


async def test_a_save_that_fails_says_why_and_stays_open(unwritable_dir: Path) -> None:  # noqa: F811
    app = TikhubApp(Settings(), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, ANSWER)
        await open_picker(pilot)
        await pilot.press("s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SaveTextScreen)
        dialog.query_one("#path", Input).value = str(unwritable_dir / "a" / "b.py")
        await pilot.press("enter")
        await pilot.pause()
        problem = str(dialog.query_one("#problem", Label).render())
        assert problem.startswith("Permission denied: you cannot write")
        assert app.screen is dialog
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CodeBlocksScreen)


async def test_terminal_without_osc52_gets_the_save_offer(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TERM_PROGRAM", "Apple_Terminal")
    monkeypatch.chdir(tmp_path)
    app = TikhubApp(Settings(), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ask(pilot, ANSWER)
        await open_picker(pilot)
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SaveTextScreen)
        notice = str(dialog.query_one("#notice", Label).render())
        assert "Apple's Terminal ignores OSC 52" in notice
        assert app._clipboard == ""
        await pilot.press("enter")  # the default name, in the current directory
        await pilot.pause()
        assert (tmp_path / "answer-block-1.py").read_text() == FIRST + "\n"
        assert app.screen is screen


async def test_copy_keys_work_while_the_prompt_has_focus() -> None:
    app = TikhubApp(Settings(), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ask(pilot, ANSWER)
        screen.query_one(PromptArea).focus()
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert app._clipboard == ANSWER
        await open_picker(pilot)


async def test_copy_text_writes_the_sequence_and_says_what_was_copied() -> None:
    app = TikhubApp(Settings(), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        written: list[str] = []
        assert app._driver is not None
        app._driver.write = written.append  # type: ignore[method-assign,assignment]
        assert app.copy_text(SECOND, "code block 2 (bash)")
        await pilot.pause()
        assert app._clipboard == SECOND
        assert payloads("".join(written)) == [SECOND]
        assert "Copied code block 2 (bash) (4 lines, 42 characters)." in messages(app)


async def test_copy_text_offers_a_file_where_osc52_cannot_work(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    app = TikhubApp(Settings(), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        big = "x" * (OSC52_LIMIT + 1)
        assert not app.copy_text(big, "the last answer")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SaveTextScreen) and app._clipboard == ""
        assert "The last answer is 750 KB" in str(dialog.query_one("#notice", Label).render())
        assert dialog.query_one("#path", Input).value == "answer.md"
        await pilot.press("enter")
        await pilot.pause()
        assert (tmp_path / "answer.md").read_text() == big
        monkeypatch.setenv("TERM", "linux")
        assert not app.copy_text("short", "the last answer")
        await pilot.pause()
        assert isinstance(app.screen, SaveTextScreen)
        assert "Linux console" in str(app.screen.query_one("#notice", Label).render())


async def test_inside_tmux_that_drops_requests_the_copy_says_how_to_fix_it(
    tmux_server: dict[str, str],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("TMUX", "TMUX_PANE", "TERM"):
        monkeypatch.setenv(name, tmux_server[name])
    app = TikhubApp(Settings(), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        app.copy_text("x = 1", "code block 1 (python)")
        await pilot.pause()
        assert any(
            m.startswith("Not copied: tmux drops") and "set -g set-clipboard on" in m
            for m in messages(app)
        )
        socket = tmux_server["TMUX"].split(",")[0]
        subprocess.run(["tmux", "-S", socket, "set", "-s", "set-clipboard", "on"], check=True)
        app.copy_text("x = 2", "code block 1 (python)")
        await pilot.pause()
        assert messages(app)[-1] == (
            "Copied code block 1 (python) (1 line, 5 characters) through tmux "
            "(also in its paste buffer)."
        )
