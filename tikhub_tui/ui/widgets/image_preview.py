"""A small preview of an attached image under its prompt, where the transcript is wide enough.

`textual-image` draws it: with the Kitty graphics protocol where the terminal has it, else in
colored half blocks (every terminal with colors, over SSH and in tmux). The library asks the
terminal what it supports when it is imported, reading the answer from stdin; once Textual
runs, stdin is Textual's and the question would go unanswered (and could eat a key), so the
protocol is chosen here from the environment, and the library is imported (lazily, with the
first image) without asking. Headless (tests, snapshots) it is always half blocks on cells of
a fixed size, so a preview is the same on every machine.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

    from tikhub_tui.core.model import Attachment

Protocol = Literal["kitty", "halfblock", "off"]
MIN_WIDTH = 40
"""Columns the prompt needs for a preview; narrower, the `attached …` line says it all."""
MAX_COLUMNS = 32
MAX_ROWS = 8
SETTING = "TIKHUB_TUI_IMAGES"
"""Environment variable that overrides the choice: kitty, halfblock or off."""
_DEFAULT_CELL = (10, 20)
"""A cell's pixels when the terminal does not say (and always headless)."""


def choose_protocol(environ: Mapping[str, str], *, headless: bool) -> Protocol:
    """How previews are drawn: the setting, else Kitty's protocol in kitty outside a
    multiplexer (tmux and screen do not pass it through), else half blocks."""
    asked = environ.get(SETTING, "").strip().lower()
    if asked in ("off", "none", "0"):
        return "off"
    if headless:
        return "halfblock"
    if asked in ("kitty", "halfblock"):
        return asked  # type: ignore[return-value]
    multiplexed = bool(environ.get("TMUX") or environ.get("STY"))
    kitty = environ.get("TERM") == "xterm-kitty" or bool(environ.get("KITTY_WINDOW_ID"))
    return "kitty" if kitty and not multiplexed else "halfblock"


class _NoTerminal(io.StringIO):
    def isatty(self) -> bool:
        return False


@contextmanager
def _unasked() -> Iterator[None]:
    """The library's import-time terminal queries see no terminal (see the module)."""
    real = sys.__stdout__
    sys.__stdout__ = _NoTerminal()  # type: ignore[misc,assignment]
    try:
        yield
    finally:
        sys.__stdout__ = real  # type: ignore[misc]


def _cell_pixels(headless: bool) -> tuple[int, int]:
    """A cell's size in pixels from the terminal's window size (no query), else the default."""
    if headless or sys.__stdout__ is None:
        return _DEFAULT_CELL
    try:
        import fcntl
        import struct
        import termios

        packed = fcntl.ioctl(sys.__stdout__.fileno(), termios.TIOCGWINSZ, b"\0" * 8)
        rows, columns, width, height = struct.unpack("HHHH", packed)
        if rows and columns and width and height:
            return width // columns, height // rows
    except (OSError, ValueError, ImportError):
        pass
    return _DEFAULT_CELL


_loaded: dict[str, Any] = {}


def _renderer(protocol: Protocol, headless: bool) -> Any:
    """The library's renderable class for the protocol, imported on first use."""
    if protocol not in _loaded:
        with _unasked():
            from textual_image import _terminal
            from textual_image.renderable.halfcell import Image as Halfcell
            from textual_image.renderable.tgp import Image as Kitty
        if not hasattr(_terminal.get_cell_size, "_result"):
            _terminal.get_cell_size._result = _terminal.CellSize(*_cell_pixels(headless))  # type: ignore[attr-defined]
        _loaded["kitty"], _loaded["halfblock"] = Kitty, Halfcell
    return _loaded[protocol]


class ImagePreview:
    """A Rich renderable: the image, at most MAX_COLUMNS x MAX_ROWS cells, its aspect kept;
    nothing where the space is narrower than MIN_WIDTH."""

    def __init__(self, attachment: Attachment, protocol: Protocol, *, headless: bool) -> None:
        from PIL import Image

        picture = Image.open(io.BytesIO(attachment.data))
        picture.thumbnail((MAX_COLUMNS * 20, MAX_ROWS * 40))  # decoded once, small
        self._picture = picture.convert("RGB")
        self._renderer = _renderer(protocol, headless)
        self._cell = _cell_pixels(headless)

    def size(self, width: int) -> tuple[int, int]:
        """Columns and rows of the preview within `width` columns."""
        pixels_w, pixels_h = self._picture.size
        cell_w, cell_h = self._cell
        columns = max(1, min(MAX_COLUMNS, width))
        rows = columns * cell_w * pixels_h / (pixels_w * cell_h)
        if rows > MAX_ROWS:
            columns = max(1, round(columns * MAX_ROWS / rows))
            rows = MAX_ROWS
        return columns, max(1, round(rows))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if options.max_width < MIN_WIDTH:
            return
        columns, rows = self.size(options.max_width - 2)
        yield self._renderer(self._picture, columns, rows)


def wanted(attachments: Sequence[object], *, headless: bool) -> bool:
    """Whether a prompt with these files gets previews (it has an image; they are not off)."""
    has_image = any(getattr(item, "kind", "") == "image" for item in attachments)
    return has_image and choose_protocol(os.environ, headless=headless) != "off"


def previews(
    attachments: Sequence[object],
    *,
    headless: bool,
    load: Callable[[Any], Attachment] | None = None,
) -> list[ImagePreview]:
    """Previews of the images among a prompt's files: blocking (decoding, and `load` reading a
    saved file's bytes back), so call it off the UI thread; a file that cannot be read or
    drawn is left to its line."""
    protocol = choose_protocol(os.environ, headless=headless)
    if protocol == "off":
        return []
    shown = []
    for item in attachments:
        if getattr(item, "kind", "") != "image":
            continue
        try:
            image: Any = item if hasattr(item, "data") or load is None else load(item)
            if hasattr(image, "data"):
                shown.append(ImagePreview(image, protocol, headless=headless))
        except Exception:  # a damaged or missing copy, a file Pillow cannot draw
            continue
    return shown
