"""Files in the chat app: attached from the prompt (`@path`, Tab completing it, a pasted path,
the picker), shown as chips and in the transcript, checked against the protocol's limits
before anything is sent, and sent again with later prompts, in any protocol, also after the
session is reopened."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.widgets import Label

from tests.attachment_files import image, pdf, png
from tests.ui.conftest import (
    SIZE,
    Notices,
    chat,
    demo_app,
    focused_prompt,
    last_answer,
    ready,
    send,
    wait_until,
)
from tests.ui.test_snapshots_attach import just_above
from tikhub_tui.core.attachments.sniff import from_bytes
from tikhub_tui.ui.screens.attach import AttachScreen
from tikhub_tui.ui.screens.dialogs import ConfirmScreen
from tikhub_tui.ui.widgets.attachments import AttachmentChips
from tikhub_tui.ui.widgets.context_line import ContextLine
from tikhub_tui.ui.widgets.transcript import UserMessage

pytestmark = pytest.mark.anyio


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with a PNG, a PDF, an animated GIF and a note; the app runs in it."""
    folder = tmp_path / "work"
    (folder / "docs").mkdir(parents=True)
    (folder / "shot.png").write_bytes(png(40, 30))
    (folder / "docs" / "report.pdf").write_bytes(pdf(2))
    (folder / "moving.gif").write_bytes(image("GIF", 20, 20, frames=2))
    (folder / "notes.txt").write_text("the secret word is zanzibar\n")
    monkeypatch.chdir(folder)
    return folder


def received(app: object) -> list[list[str]]:
    """The gateway's `attachments:` report of the last answer: kind, media type, size, hash."""
    rows = [line.split() for line in last_answer(app).text.splitlines()]
    return [row[1:] for row in rows if len(row) == 5 and row[1] != "text"]


def chips(app: object) -> AttachmentChips:
    return chat(app).query_one(AttachmentChips)  # type: ignore[arg-type]


PNG = from_bytes(png(40, 30), "shot.png")
PDF = from_bytes(pdf(2), "report.pdf")


async def test_at_paths_are_sent_in_the_protocols_shape_and_shown(files: Path) -> None:
    app = demo_app(model="gpt-4o")
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "attachments: @shot.png and @docs/report.pdf, and @nobody")
        assert received(app) == [
            ["image", "image/png", str(PNG.size), PNG.sha256],
            ["file", "application/pdf", str(PDF.size), PDF.sha256],
        ]
        shown = str(chat(app).query(UserMessage).last().caption)
        assert shown.splitlines()[1:] == [
            "attached shot.png (image/png, 3.7 KB, 40x30 px)",
            f"attached report.pdf (application/pdf, {PDF.size} bytes, 2 pages)",
        ]
        assert chips(app).items == []  # sent: the next prompt starts without files


async def test_a_follow_up_sends_the_files_again_in_another_protocol_also_reopened(
    files: Path,
) -> None:
    app = demo_app(model="gpt-4o")
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "attachments: @shot.png")
        app.choose_model("gemini", "gemini-2.5-flash")
        await send(pilot, "attachments:")
        assert received(app)[:1] == [["image", "image/png", str(PNG.size), PNG.sha256]]
    again = demo_app(model="claude-sonnet-4-5")  # the files come back from the store
    async with again.run_test(size=SIZE) as pilot:
        await ready(pilot)
        again.choose_model("anthropic", "claude-sonnet-4-5")
        await send(pilot, "attachments:")
        assert received(again)[:1] == [["image", "image/png", str(PNG.size), PNG.sha256]]
        await pilot.press("ctrl+r")  # regenerated: the files go again too
        await wait_until(pilot, lambda: not chat(again).streaming, "the new answer")
        await wait_until(pilot, lambda: "image/png" in last_answer(again).text, "the report")
        assert received(again)[:1] == [["image", "image/png", str(PNG.size), PNG.sha256]]


async def test_a_file_over_a_limit_is_refused_before_anything_is_sent(files: Path) -> None:
    notices = Notices()
    app = demo_app(model="gpt-4o")  # OpenAI takes still GIFs only
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        prompt = await focused_prompt(pilot)
        prompt.load_text("what moves? @moving.gif")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the offer")
        assert "a still PNG of its first frame" in str(app.screen.query_one(Label).render())
        await pilot.press("n")  # no: nothing attached, nothing sent
        await wait_until(pilot, lambda: bool(notices.about("moving.gif")), "the refusal")
        assert "GIF" in notices.about("moving.gif")[0]
        assert chips(app).items == [] and prompt.text == "what moves? @moving.gif"
        # sent where it is allowed; the history sent where it is not: refused at sending
        app.choose_model("anthropic", "claude-sonnet-4-5")
        await pilot.press("enter")
        await wait_until(pilot, lambda: chat(app).chat.last_answer() is not None, "the answer")
        await wait_until(pilot, lambda: not chat(app).streaming, "the answer's end")
        app.choose_model("openai", "gpt-4o")
        prompt.load_text("and now?")
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(notices.about("Not sent")), "the refusal")
        assert "GIF" in notices.about("Not sent")[0]
        assert prompt.text == "and now?"
        assert app._gateway is not None and len(app._gateway.bench.records()) == 1


async def test_chips_show_each_file_count_toward_the_context_and_go_by_keyboard(
    files: Path,
) -> None:
    app = demo_app(model="gpt-4o")
    async with app.run_test(size=SIZE) as pilot:
        prompt = await focused_prompt(pilot)
        # as the terminal delivers it: to the app, which hands it to the focused widget
        app.post_message(events.Paste(f"'{files / 'docs' / 'report.pdf'}' shot.png"))
        await wait_until(pilot, lambda: len(chips(app).items) == 2, "the pasted files")
        assert prompt.text == ""  # attached, not typed
        pdf_chip = "report.pdf · PDF · 2 p. · 432 bytes · ~3,000 tokens"
        await wait_until(pilot, lambda: pdf_chip in str(chips(app).render()), "the chips drawn")
        assert "shot.png · PNG · 3.7 KB · ~2 tokens" in str(chips(app).render())
        context = chat(app).query_one(ContextLine)
        words = "context 2% (~3,006 of 128,000 tokens)"  # 2 pages, 1,200 pixels, the turn
        await wait_until(pilot, lambda: str(context.render()) == words, "the files counted")
        app.post_message(events.Paste("just some words"))  # text is typed
        await wait_until(pilot, lambda: prompt.text == "just some words", "the text")
        await wait_until(pilot, lambda: just_above(app.screen, chips(app)), "the chips laid out")
        await pilot.press("shift+tab")
        await wait_until(pilot, lambda: chips(app).has_focus, "the chips focused")
        await pilot.press("left", "delete")  # the first file goes
        assert [item.name for item in chips(app).items] == ["shot.png"]
        await pilot.press("backspace")
        assert chips(app).items == [] and prompt.has_focus  # none left: back to the prompt
        assert not chips(app).display


async def test_tab_completes_an_at_path(files: Path) -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        prompt = await focused_prompt(pilot)
        await pilot.press(*"see @do")
        await pilot.press("tab")
        assert prompt.text == "see @docs/"
        await pilot.press("r", "tab")
        assert prompt.text == "see @docs/report.pdf" and prompt.has_focus
        await pilot.press("space", "tab")  # nothing to complete: Tab moves the focus on
        assert not prompt.has_focus


async def test_the_picker_filters_as_you_type_and_attaches_the_chosen_file(
    files: Path,
) -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await focused_prompt(pilot)
        await pilot.press("f4")
        await wait_until(pilot, lambda: isinstance(app.screen, AttachScreen), "the picker")
        picker = app.screen
        tree = picker.query_one("#files")
        await pilot.press(*"shot")  # docs/ holds no "shot": it is not listed
        await wait_until(
            pilot,
            lambda: [str(n.label) for n in tree.root.children] == ["shot.png"],  # type: ignore[attr-defined]
            "the filtered files",
        )
        await pilot.press("escape")
        assert chips(app).items == []
        await pilot.press("f4")
        await wait_until(pilot, lambda: isinstance(app.screen, AttachScreen), "the picker")
        tree = app.screen.query_one("#files")
        await pilot.press(*"docs/re")  # the docs folder, its names holding "re"
        await wait_until(
            pilot,
            lambda: [str(n.label) for n in tree.root.children] == ["report.pdf"],  # type: ignore[attr-defined]
            "the folder's files",
        )
        await pilot.press(*"port.pdf", "enter")
        await wait_until(pilot, lambda: len(chips(app).items) == 1, "the chip")
        assert chips(app).items[0].sha256 == PDF.sha256


async def test_the_filter_shows_matching_files_and_the_folders_leading_to_them(
    files: Path,
) -> None:
    (files / "docs" / "old" / "deep").mkdir(parents=True)
    (files / "docs" / "old" / "deep" / "report-2019.txt").write_text("old\n")
    (files / "reports").mkdir()  # a folder named like the filter, with no file that is
    (files / "reports" / "notes.md").write_text("n\n")
    (files / "empty").mkdir()
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await focused_prompt(pilot)
        await pilot.press("f4")
        await wait_until(pilot, lambda: isinstance(app.screen, AttachScreen), "the picker")
        tree = app.screen.query_one("#files")

        def shown() -> list[str]:  # every line of the tree, indented by depth
            lines, nodes = [], [(n, 0) for n in reversed(tree.root.children)]  # type: ignore[attr-defined]
            while nodes:
                node, depth = nodes.pop()
                lines.append("  " * depth + str(node.label))
                if node.is_expanded:
                    nodes += [(c, depth + 1) for c in reversed(node.children)]
            return lines

        await pilot.press(*"report")
        want = ["docs", "  old", "    deep", "      report-2019.txt", "  report.pdf"]
        await wait_until(pilot, lambda: shown() == want, f"the matches and their folders: {want}")
        await pilot.press(*"-2019")  # a needle only the deep file holds
        want = ["docs", "  old", "    deep", "      report-2019.txt"]
        await wait_until(pilot, lambda: shown() == want, "the one deep match")
        await pilot.press("down", "down", "down", "down", "enter")
        await wait_until(pilot, lambda: len(chips(app).items) == 1, "the chip")
        assert chips(app).items[0].name == "report-2019.txt"


async def test_an_image_over_a_limit_is_downscaled_only_when_the_user_agrees(
    files: Path,
) -> None:
    (files / "wide.png").write_bytes(png(8200, 20))  # Anthropic: 8,000 px a side at most
    notices = Notices()
    app = demo_app(model="claude-sonnet-4-5", provider="anthropic")
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        await focused_prompt(pilot)
        app.post_message(events.Paste("wide.png"))
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("n")
        await wait_until(pilot, lambda: bool(notices.about("wide.png: Not sent")), "the refusal")
        assert chips(app).items == []
        app.post_message(events.Paste("wide.png"))
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("y")
        await wait_until(pilot, lambda: len(chips(app).items) == 1, "the smaller copy")
        smaller = chips(app).items[0]
        assert smaller.width is not None and smaller.width <= 8000
        assert (files / "wide.png").read_bytes() == png(8200, 20)  # the file is unchanged
        await wait_until(
            pilot, lambda: bool(notices.about("downscaled from 8200x20")), "the notice"
        )
        commands = app.get_system_commands(app.screen)  # the palette offers it too
        assert any(c.title == "Attach" for c in commands)


async def test_a_file_name_with_escapes_never_reaches_the_terminal(files: Path) -> None:
    import shlex

    name = "evil\x1b]52;c;aGk=\x07\x1b[2J.txt"
    (files / name).write_text("hello\n")
    app = demo_app(model="gpt-4o")
    async with app.run_test(size=SIZE) as pilot:
        await focused_prompt(pilot)
        app.post_message(events.Paste(shlex.quote(str(files / name))))
        await wait_until(pilot, lambda: len(chips(app).items) == 1, "the chip")
        shown = str(chips(app).render())  # the name's controls are dropped when attached
        assert "\x1b" not in shown and "\x07" not in shown and "evil]52;c;aGk=" in shown
        await send(pilot, "echo: ok")
        listed = str(chat(app).query(UserMessage).last().render())
        assert "\x1b" not in listed and "attached evil]52;c;aGk=[2J.txt" in listed
