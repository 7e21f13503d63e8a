"""Images under a sent prompt: drawn with textual-image where there is room (half blocks,
deterministic, when headless; Kitty's protocol in kitty outside a multiplexer), named by their
line otherwise, never loaded before the first image, and never asking the terminal."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.attachment_files import png
from tests.ui.conftest import chat, demo_app, send, wait_until
from tikhub_tui.ui.widgets.image_preview import (
    MAX_COLUMNS,
    MAX_ROWS,
    ImagePreview,
    choose_protocol,
)
from tikhub_tui.ui.widgets.transcript import UserMessage


@pytest.mark.parametrize(
    ("environ", "headless", "chosen"),
    [
        ({"TERM": "xterm-kitty"}, False, "kitty"),
        ({"KITTY_WINDOW_ID": "1", "TERM": "xterm-256color"}, False, "kitty"),
        ({"TERM": "xterm-kitty", "TMUX": "/tmp/tmux-0/default,1,0"}, False, "halfblock"),
        ({"TERM": "xterm-kitty", "STY": "1.pts-0"}, False, "halfblock"),
        ({"TERM": "xterm-256color"}, False, "halfblock"),
        ({"TERM": "xterm-kitty"}, True, "halfblock"),  # tests and snapshots
        ({"TIKHUB_TUI_IMAGES": "kitty", "TMUX": "x"}, False, "kitty"),
        ({"TIKHUB_TUI_IMAGES": "off", "TERM": "xterm-kitty"}, False, "off"),
        ({"TIKHUB_TUI_IMAGES": "off"}, True, "off"),
    ],
)
def test_the_protocol_comes_from_the_environment(
    environ: dict[str, str], headless: bool, chosen: str
) -> None:
    assert choose_protocol(environ, headless=headless) == chosen


def test_a_preview_keeps_the_aspect_within_its_bounds() -> None:
    from tikhub_tui.core.attachments.sniff import from_bytes

    wide = ImagePreview(from_bytes(png(400, 100), "w.png"), "halfblock", headless=True)
    tall = ImagePreview(from_bytes(png(100, 400), "t.png"), "halfblock", headless=True)
    assert wide.size(100) == (MAX_COLUMNS, 4)  # 32 columns of 10x20 px cells: 4 rows
    columns, rows = tall.size(100)
    assert rows == MAX_ROWS and columns == 4
    assert wide.size(10) == (10, 1)


def lines_of(user: UserMessage) -> list[str]:
    return [line.text for line in user.render_lines(user.size.region)]


def drawn(user: UserMessage) -> list[str]:
    return [line for line in lines_of(user) if "▀" in line]


@pytest.mark.anyio
async def test_a_sent_image_is_drawn_under_its_line_also_reopened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "shot.png").write_bytes(png(64, 32))
    monkeypatch.chdir(tmp_path)
    app = demo_app(model="gpt-4o")
    async with app.run_test(size=(120, 40)) as pilot:
        await send(pilot, "echo: seen @shot.png")
        user = chat(app).query(UserMessage).last()
        await wait_until(pilot, lambda: bool(drawn(user)), "the preview")
        assert any("attached shot.png (image/png" in line for line in lines_of(user))
        assert len(drawn(user)) == 8  # 32 columns of a 2:1 image, two pixels a cell
        assert all(line.count("▀") == MAX_COLUMNS for line in drawn(user))
        first = drawn(user)
    again = demo_app(model="gpt-4o")  # the session reopens: the file is read back
    async with again.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: bool(chat(again).query(UserMessage)), "the session")
        user = chat(again).query(UserMessage).last()
        await wait_until(pilot, lambda: bool(drawn(user)), "the preview read back")
        assert drawn(user) == first


@pytest.mark.anyio
async def test_a_narrow_prompt_keeps_the_line_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "shot.png").write_bytes(png(64, 32))
    monkeypatch.chdir(tmp_path)
    app = demo_app(model="gpt-4o")
    async with app.run_test(size=(44, 30)) as pilot:  # the prompt is under 40 columns wide
        await send(pilot, "echo: seen @shot.png")
        user = chat(app).query(UserMessage).last()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert not drawn(user)
        assert any("attached" in line for line in lines_of(user))


@pytest.mark.anyio
async def test_previews_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "shot.png").write_bytes(png(64, 32))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TIKHUB_TUI_IMAGES", "off")
    app = demo_app(model="gpt-4o")
    async with app.run_test(size=(120, 40)) as pilot:
        await send(pilot, "echo: seen @shot.png")
        user = chat(app).query(UserMessage).last()
        await pilot.app.workers.wait_for_complete()
        assert not drawn(user)
        assert any("attached shot.png" in line for line in lines_of(user))


def test_the_app_starts_without_loading_textual_image() -> None:
    code = "import sys, tikhub_tui.ui.app; print('textual_image' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, check=True)  # fmt: skip
    assert result.stdout.strip() == "False"
