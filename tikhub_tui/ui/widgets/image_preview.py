"""A small preview of an attached image under its prompt, where the transcript is wide enough.

`textual-image` draws it: with the Kitty graphics protocol or Sixel where the terminal has
them (`ui.graphics` chooses, asking the terminal before the app starts), else in colored half
blocks (every terminal with colors, over SSH and in tmux). The library asks the terminal what
it supports when its renderables are imported, reading the answer from stdin; once Textual
runs, stdin is Textual's and the question would go unanswered (and could eat a key), so the
library is imported (lazily, with the first image) without asking. Sixel cannot be a Rich
renderable inside Textual: a preview leaves marked blank cells that the prompt's widget draws
the image over (`widgets.sixel`). Headless (tests, snapshots) it is always half blocks on
cells of a fixed size, so a preview is the same on every machine.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from tikhub_tui.ui.graphics import SETTING, Protocol, choose_protocol
from tikhub_tui.ui.widgets.sixel import placeholder

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

    from tikhub_tui.core.model import Attachment

__all__ = ["SETTING", "ImagePreview", "Protocol", "choose_protocol", "previews", "wanted"]
MIN_WIDTH = 40
"""Columns the prompt needs for a preview; narrower, the `attached …` line says it all."""
MAX_COLUMNS = 32
MAX_ROWS = 8
_DEFAULT_CELL = (10, 20)
"""A cell's pixels when the terminal does not say (and always headless)."""


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
        self.protocol = protocol
        self._renderer = None if protocol == "sixel" else _renderer(protocol, headless)
        self._cell = _cell_pixels(headless)
        self._sixels: tuple[tuple[int, int, int, int], str] | None = None

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
        if self._renderer is None:
            yield from placeholder(id(self), columns, rows)  # drawn over by `widgets.sixel`
        else:
            yield self._renderer(self._picture, columns, rows)

    def sixels(self, columns: int, rows: int, first: int, stop: int) -> str:
        """The Sixel data of rows `first` to `stop` of the preview drawn in `columns` x `rows`
        cells (the last one made is kept: a redraw of the same rows costs nothing)."""
        wanted = (columns, rows, first, stop)
        if self._sixels is None or self._sixels[0] != wanted:
            from textual_image._sixel import image_to_sixels

            cell_w, cell_h = self._cell
            scaled = self._picture.resize((columns * cell_w, rows * cell_h))
            shown = scaled.crop((0, first * cell_h, columns * cell_w, stop * cell_h))
            self._sixels = (wanted, image_to_sixels(shown))
        return self._sixels[1]


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
