"""Files in the race screen: the chat's picker, chips and `@path`, sent to every pane in its
own protocol's shape over loopback, and refused for every pane (the prompt kept, nothing
sent) when one pane's protocol cannot take them."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from textual.widgets import DirectoryTree

from tests.attachment_files import image, png
from tests.ui.conftest import Notices, wait_until
from tests.ui.test_race_screen import race_app, race_screen, send, until_over
from tikhub_tui.core.race.panes import PaneSpec
from tikhub_tui.ui.screens.attach import AttachScreen
from tikhub_tui.ui.widgets.attachments import AttachmentChips
from tikhub_tui.ui.widgets.prompt import PromptArea
from tikhub_tui.ui.widgets.transcript import UserMessage

pytestmark = pytest.mark.anyio

THREE = [PaneSpec("gpt-4o", "openai"), PaneSpec("claude-sonnet-4-5", "anthropic"),
         PaneSpec("gemini-2.5-flash", "gemini")]  # fmt: skip


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "shot.png").write_bytes(png(40, 30, seed=2))
    (tmp_path / "anim.gif").write_bytes(image("GIF", 20, 20))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def files_in(text: str) -> list[list[str]]:
    rows = (line.split(" ") for line in text.splitlines() if line)
    return [row[1:] for row in rows if len(row) == 5 and row[1] != "text"]


async def test_an_at_path_goes_to_every_pane_in_its_protocol(folder: Path) -> None:
    data = (folder / "shot.png").read_bytes()
    async with race_app(THREE).run_test(size=(160, 45)) as pilot:
        screen = await race_screen(pilot)
        await send(pilot, screen, "attachments: @shot.png")
        race = screen.race
        assert race is not None
        for lane in race.lanes:
            assert lane.exchange is not None and lane.exchange.tally.ending == "done"
            assert files_in(lane.exchange.text) == [
                ["image", "image/png", str(len(data)), hashlib.sha256(data).hexdigest()]]
        for pane in screen.streams.panes:  # each pane lists the file under the prompt
            [user] = pane.thread.query(UserMessage)
            assert "attached shot.png (image/png" in str(user.caption)


async def test_a_file_one_pane_refuses_stops_the_round_and_keeps_the_prompt(
    folder: Path,
) -> None:
    notices = Notices()
    async with race_app(THREE).run_test(size=(160, 45), message_hook=notices) as pilot:
        screen = await race_screen(pilot)
        prompt = screen.query_one(PromptArea)
        prompt.load_text("what moves? @anim.gif")
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(notices.about("anim.gif")), "the refusal")
        [said] = notices.about("anim.gif")
        assert "pane C (gemini-2.5-flash, gemini): anim.gif is a GIF image" in said
        assert screen.race is None  # no round started, nothing sent
        assert prompt.text == "what moves? @anim.gif"


async def test_the_picker_adds_a_chip_that_the_round_sends_then_clears(folder: Path) -> None:
    async with race_app(THREE[:2]).run_test(size=(160, 45)) as pilot:
        screen = await race_screen(pilot)
        await pilot.press("f4")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, AttachScreen), "the picker")
        tree = pilot.app.screen.query_one("#files", DirectoryTree)
        await pilot.press(*"shot")

        def labels() -> list[str]:
            return [str(n.label) for n in tree.root.children]

        await wait_until(pilot, lambda: "shot.png" in labels() and "anim.gif" not in labels(),
                         "the filter")  # fmt: skip
        await pilot.press(*".png", "enter")
        chips = screen.query_one(AttachmentChips)
        await wait_until(pilot, lambda: [c.name for c in chips.items] == ["shot.png"], "the chip")
        await send(pilot, screen, "attachments:")
        await until_over(pilot, screen)
        assert chips.items == []
        race = screen.race
        assert race is not None
        assert all(files_in(lane.exchange.text) for lane in race.lanes if lane.exchange)


async def test_tab_completes_an_at_path_and_shift_tab_reaches_the_files(folder: Path) -> None:
    async with race_app(THREE).run_test(size=(160, 45)) as pilot:
        screen = await race_screen(pilot)
        prompt = screen.query_one(PromptArea)
        prompt.focus()
        prompt.load_text("look at @sh")
        prompt.move_cursor(prompt.document.end)
        await pilot.press("tab")  # the path, as in the chat, not the next pane
        await wait_until(pilot, lambda: prompt.text == "look at @shot.png", "the completed path")
        assert screen.current == 0
        await pilot.press("tab")  # nothing left to complete: the next pane
        await wait_until(pilot, lambda: screen.current == 1, "pane B")
        chips = screen.query_one(AttachmentChips)
        assert await screen.files.attach([folder / "shot.png"])
        await pilot.press("shift+tab")  # what the chip's hint says: to the files
        await wait_until(pilot, lambda: chips.has_focus, "the chips")
        assert screen.current == 1
        await pilot.press("escape")
        await wait_until(pilot, lambda: prompt.has_focus, "back in the prompt")
        assert chips.items  # the file is still there
