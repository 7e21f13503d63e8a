"""Snapshots of files in the chat: the chips above the prompt and the file picker, at 80x24
(an SSH window) and 120x40. The SVGs under __snapshots__ are reviewed by eye before commits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.attachment_files import pdf, png
from tests.ui.conftest import focused_prompt, quiet, send, wait_until
from tikhub_tui.ui.app import TikhubApp
from tikhub_tui.ui.screens.attach import AttachScreen
from tikhub_tui.ui.widgets.attachments import AttachmentChips

SIZES = [(80, 24), (120, 40)]


def just_above(screen: Any, chips: AttachmentChips) -> bool:
    """The chips come just before the prompt in the focus chain: they are laid out (the chain
    is in screen order, and a widget shown a moment ago is still at 0,0)."""
    chain = screen.focus_chain
    return chips in chain and chain[chain.index(chips) + 1] is screen.query_one("#prompt")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "project"
    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "report.pdf").write_bytes(pdf(3))
    (folder / "chart.png").write_bytes(png(640, 480))
    (folder / "notes.md").write_text("# Notes\n\nThe plan.\n")
    monkeypatch.chdir(folder)
    return folder


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_chips_above_the_prompt(snap_compare: Any, project: Path, size: tuple[int, int]) -> None:
    app = TikhubApp(quiet(model="claude-sonnet-4-5", provider="anthropic"), demo=True)

    async def run_before(pilot: Any) -> None:
        prompt = await focused_prompt(pilot)
        chips = pilot.app.screen.query_one(AttachmentChips)
        await pilot.app.screen.files.attach([project / "chart.png", project / "docs/report.pdf"])
        await wait_until(pilot, lambda: len(chips.items) == 2, "the chips")
        prompt.load_text("What does the chart add to the report?")
        await wait_until(pilot, lambda: just_above(pilot.app.screen, chips), "the chips laid out")
        await pilot.press("shift+tab")  # the chips focused: the chosen one stands out
        await wait_until(pilot, lambda: chips.has_focus, "the chips focused")
        await pilot.app.workers.wait_for_complete()
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_the_file_picker(snap_compare: Any, project: Path, size: tuple[int, int]) -> None:
    app = TikhubApp(quiet(), demo=True)

    async def run_before(pilot: Any) -> None:
        await focused_prompt(pilot)
        pilot.app.clear_notifications()
        await pilot.press("f4")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, AttachScreen), "the picker")
        tree = pilot.app.screen.query_one("#files")
        await pilot.press("r")  # chart.png and report.pdf hold an r; notes.md does not

        def filtered() -> bool:  # docs/ leads to report.pdf: opened on it
            children = tree.root.children
            if [str(n.label) for n in children] != ["docs", "chart.png"]:
                return False
            return [str(n.label) for n in children[0].children] == ["report.pdf"]

        await wait_until(pilot, filtered, "the filter")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_a_sent_image_is_previewed(snap_compare: Any, project: Path, size: tuple[int, int]) -> None:
    """Half blocks when headless: the same on every machine."""
    (project / "dot.png").write_bytes(png(48, 24, seed=4))
    app = TikhubApp(quiet(model="gpt-4o", provider="openai"), demo=True)

    async def run_before(pilot: Any) -> None:
        await send(pilot, "echo: a dot @dot.png")
        await pilot.app.workers.wait_for_complete()
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)
