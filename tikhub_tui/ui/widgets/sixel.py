"""Sixel images inside a Textual widget's lines: blank cells marked where an image goes, and
the image written over them as it is drawn.

Textual composes lines of cells; a Sixel image is pixels written at the cursor, which a Rich
renderable cannot place inside Textual (textual-image's Sixel renderable is for plain Rich,
its Sixel widget a widget of its own). So, as that widget does, the lines hold blank cells
marked in their style (`placeholder`), and `with_sixels` gives the last visible line of each
image the image itself as control sequences: the cursor to the image's top left on the
screen, the Sixel data of the rows that are visible, the cursor back where the line goes on.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Protocol

from rich.control import Control
from rich.segment import ControlType, Segment
from rich.style import Style
from textual.geometry import Offset, Region
from textual.strip import Strip

MARK = "tikhub-sixel"
"""The style meta key of a placeholder cell run: (image key, row, columns)."""
_PASS = [(ControlType.CURSOR_FORWARD, 0)]
"""A no-op control code: the segment takes no cells, and Rich leaves its text alone."""


class SixelSource(Protocol):
    """What draws an image: its Sixel data for rows `first` to `stop` (cells) of a
    `columns` x `rows` image."""

    def sixels(self, columns: int, rows: int, first: int, stop: int) -> str: ...


def placeholder(key: int, columns: int, rows: int) -> Iterator[Segment]:
    """Blank rows where the image goes, each marked with its key, row and width."""
    for row in range(rows):
        yield Segment(" " * columns, Style(meta={MARK: (key, row, columns, rows)}))
        yield Segment("\n")


def _control(text: str) -> Segment:
    return Segment(text, None, _PASS)


def with_sixels(
    lines: list[Strip], crop: Region, origin: Offset, sources: Mapping[int, SixelSource]
) -> list[Strip]:
    """`lines` (a widget's, for `crop`; the widget at `origin` on the screen) with each
    visible image of `sources` written over its placeholder."""
    spots: dict[int, list[tuple[int, int, int, int, int]]] = {}
    for index, strip in enumerate(lines):
        x = 0
        for segment in strip:
            meta = segment.style.meta if segment.style is not None else None
            if meta and MARK in meta:
                key, row, columns, rows = meta[MARK]
                spots.setdefault(key, []).append((index, x, row, columns, rows))
                break
            x += segment.cell_length
    out = list(lines)
    for key, found in spots.items():
        source = sources.get(key)
        if source is None:
            continue
        top, x, first, columns, rows = found[0]
        last, _, final, _, _ = found[-1]
        data = source.sixels(columns, rows, first, final + 1)
        left = origin.x + crop.x + x
        strip = out[last]
        drawn = [
            _control(Control.move_to(left, origin.y + crop.y + top).segment.text),
            _control(data),
            _control(Control.move_to(left + columns, origin.y + crop.y + last).segment.text),
        ]
        segments = [*strip.crop(0, x), *drawn, *strip.crop(x + columns)]
        out[last] = Strip(segments, strip.cell_length)
    return out
