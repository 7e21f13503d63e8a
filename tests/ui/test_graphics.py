"""Which protocol draws images, from the environment and the terminal's answer to its device
attributes question (asked over a real pseudo-terminal here), and Sixel images written over
their place in a prompt's lines (only the visible rows, at the right screen cells)."""

from __future__ import annotations

import os
import re
import termios
import threading
from pathlib import Path

import pytest
from textual.geometry import Region

from tests.attachment_files import png
from tests.ui.conftest import chat, demo_app, send, wait_until
from tikhub_tui.core.attachments.sniff import from_bytes
from tikhub_tui.ui import graphics
from tikhub_tui.ui.graphics import choose_protocol, has_sixel, query
from tikhub_tui.ui.widgets.image_preview import ImagePreview
from tikhub_tui.ui.widgets.transcript import UserMessage

XTERM_SIXEL = "\x1b[?63;1;2;4;6;9;15;16;22;28c"  # xterm -ti vt340
FOOT = "\x1b[?62;4;22c"
GNOME = "\x1b[?65;1;9c"  # VTE: no Sixel
TMUX_PLAIN = "\x1b[?1;2c"


@pytest.mark.parametrize(
    ("environ", "answer", "chosen"),
    [
        ({"TERM": "xterm-256color"}, XTERM_SIXEL, "sixel"),
        ({"TERM": "foot"}, FOOT, "sixel"),
        ({"TERM": "xterm-256color"}, GNOME, "halfblock"),
        ({"TERM": "xterm-256color"}, "", "halfblock"),  # no answer in time
        ({"TERM": "xterm-256color"}, "\x1b[?62;14;22c", "halfblock"),  # 14 is not 4
        ({"TERM": "tmux-256color", "TMUX": "/tmp/t,1,0"}, "\x1b[?1;2;4c", "sixel"),  # tmux draws
        ({"TERM": "tmux-256color", "TMUX": "/tmp/t,1,0"}, TMUX_PLAIN, "halfblock"),
        ({"TERM": "xterm-kitty"}, GNOME, "kitty"),  # kitty is not asked
        ({"TERM": "xterm-kitty", "TMUX": "/tmp/t,1,0"}, TMUX_PLAIN, "halfblock"),
        ({"TIKHUB_TUI_IMAGES": "halfblock"}, FOOT, "halfblock"),
        ({"TIKHUB_TUI_IMAGES": "sixel", "TERM": "xterm-kitty"}, None, "sixel"),
    ],
)
def test_the_protocol_follows_the_terminals_answer(
    environ: dict[str, str], answer: str | None, chosen: str
) -> None:
    assert choose_protocol(environ, headless=False, answer=answer) == chosen
    assert choose_protocol(environ, headless=True, answer=answer) == "halfblock"


def test_a_reply_is_read_among_other_bytes() -> None:
    assert has_sixel("x\x1b[?62;4c") and not has_sixel("\x1b[62;4c") and not has_sixel("4")


class Terminal:
    """A pseudo-terminal whose far side reads the question and answers `reply` (None:
    stays silent), in a thread of its own; `asked()` is what it read, once it has."""

    def __init__(self, reply: bytes | None) -> None:
        self.far, self.near = os.openpty()
        self._asked: list[bytes] = []
        self._reply = reply
        self._thread = threading.Thread(target=self._answer, daemon=True)
        self._thread.start()

    def _answer(self) -> None:
        self._asked.append(os.read(self.far, 64))
        if self._reply is not None:
            os.write(self.far, self._reply)

    def asked(self) -> list[bytes]:
        self._thread.join(10)
        return self._asked

    def close(self) -> None:
        os.close(self.near)
        os.close(self.far)


@pytest.mark.parametrize(("reply", "sixel"), [(FOOT.encode(), True), (GNOME.encode(), False)])
def test_the_terminal_is_asked_once_without_echo_and_left_as_it_was(
    reply: bytes, sixel: bool
) -> None:
    terminal = Terminal(reply)
    try:
        before = termios.tcgetattr(terminal.near)
        answer = query(terminal.near, terminal.near)
        assert termios.tcgetattr(terminal.near) == before
        assert terminal.asked() == [b"\x1b[c"] and has_sixel(answer) is sixel
    finally:
        terminal.close()


def test_a_terminal_that_never_answers_gets_half_blocks() -> None:
    terminal = Terminal(None)
    try:
        assert query(terminal.near, terminal.near, timeout=0.05) == ""
        assert terminal.asked() == [b"\x1b[c"]
    finally:
        terminal.close()


def test_the_answer_asked_before_the_app_starts_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(graphics, "_answer", None)
    monkeypatch.setattr(graphics, "_pending", None)
    environ = {"TERM": "xterm-256color"}
    assert choose_protocol(environ, headless=False) == "halfblock"  # not asked yet
    terminal = Terminal(FOOT.encode())
    try:
        before = termios.tcgetattr(terminal.near)
        graphics.ask_terminal(environ, terminal.near, terminal.near)
        graphics.ask_terminal(environ, terminal.near, terminal.near)  # once is enough
        assert terminal.asked() == [b"\x1b[c"]
        assert choose_protocol(environ, headless=False) == "halfblock"  # asked, not heard yet
        graphics.hear_terminal()
        assert termios.tcgetattr(terminal.near) == before  # the terminal as it was
        os.set_blocking(terminal.far, False)
        with pytest.raises(BlockingIOError):
            os.read(terminal.far, 64)  # the second call wrote nothing
    finally:
        terminal.close()
    assert choose_protocol(environ, headless=False) == "sixel"


def test_kitty_and_a_setting_are_never_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(graphics, "_answer", None)
    monkeypatch.setattr(graphics, "_pending", None)
    far, near = os.openpty()
    try:
        for environ in ({"TERM": "xterm-kitty"}, {"TIKHUB_TUI_IMAGES": "off"}, {"TERM": "dumb"}):
            graphics.ask_terminal(environ, near, near)
            graphics.hear_terminal()
        os.set_blocking(far, False)
        with pytest.raises(BlockingIOError):
            os.read(far, 64)  # nothing was written to the terminal
    finally:
        os.close(near)
        os.close(far)
    assert graphics._answer is None


SIXEL_IMAGE = re.compile(r'\x1bP[0-9;]*q"1;1;(\d+);(\d+)')
MOVE = re.compile(r"\x1b\[(\d+);(\d+)H")


def sixel_lines(user: UserMessage, crop: Region) -> list[tuple[int, list[str]]]:
    """The lines of `crop` that carry Sixel data, with the control texts they carry."""
    found = []
    for index, strip in enumerate(user.render_lines(crop)):
        controls = [segment.text for segment in strip if segment.control]
        if any(text.startswith("\x1bP") for text in controls):
            found.append((index, controls))
    return found


@pytest.mark.anyio
async def test_a_sixel_preview_is_written_over_its_place_visible_rows_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "shot.png").write_bytes(png(64, 32))
    monkeypatch.chdir(tmp_path)
    app = demo_app(model="gpt-4o")
    async with app.run_test(size=(120, 40)) as pilot:
        await send(pilot, "echo: seen @shot.png")
        user = chat(app).query(UserMessage).last()
        await wait_until(pilot, lambda: bool(user._drawn), "the preview")
        sixel = ImagePreview(from_bytes(png(64, 32), "shot.png"), "sixel", headless=True)
        user._show_images([sixel])
        await wait_until(pilot, lambda: bool(sixel_lines(user, user.size.region)), "the image")
        whole = user.size.region
        blank = [line.text for line in user.render_lines(whole)]
        assert not any("▀" in line for line in blank)  # its place is blank cells
        [(last, controls)] = sixel_lines(user, whole)
        top = last - 7  # 32 columns of a 2:1 image: 8 rows of 10x20 pixel cells
        assert blank[top][1:].strip() == "" and "attached shot.png" in blank[top - 1]
        start, data, back = controls
        assert SIXEL_IMAGE.match(data).groups() == ("320", "160")  # type: ignore[union-attr]
        x = user.region.x + 2  # after the border and the padding
        assert MOVE.fullmatch(start).groups() == (str(user.region.y + top + 1), str(x + 1))  # type: ignore[union-attr]
        assert MOVE.fullmatch(back).groups() == (str(user.region.y + last + 1), str(x + 33))  # type: ignore[union-attr]
        lower = Region(0, top + 5, whole.width, whole.height - top - 5)  # 3 rows shown
        [(_, (start, data, _))] = sixel_lines(user, lower)
        assert SIXEL_IMAGE.match(data).groups() == ("320", "60")  # type: ignore[union-attr]
        assert MOVE.fullmatch(start).groups()[0] == str(user.region.y + top + 5 + 1)  # type: ignore[union-attr]


def test_an_answer_that_came_while_the_app_loaded_is_read_even_after_the_wait() -> None:
    """The question goes out before the app's modules load; if loading outlasted the wait,
    the answer already there is still read (left unread, it would reach the app as keys)."""
    terminal = Terminal(FOOT.encode())
    try:
        sent = graphics._send(terminal.near, terminal.near, timeout=0.0)
        assert sent is not None and terminal.asked() == [b"\x1b[c"]  # answered by now
        assert has_sixel(graphics._read(*sent))
    finally:
        terminal.close()
