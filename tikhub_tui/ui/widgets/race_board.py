"""Where a race's panes go: side by side up to three, a grid of two rows for four to six, or
one at a time with a tab strip when they would be too narrow or short to read (or zoomed).

The choice is a pure function of the pane count and the board's size, so it is tested as a
table; the board only applies it (inline styles and `display`, never a class on the panes).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from textual.containers import Container

from tikhub_tui.ui.widgets.race_pane import RacePane

MIN_WIDTH = 40
"""Columns a pane needs to stay readable (its border included)."""
MIN_HEIGHT = 10
"""Rows a pane needs to stay readable (its border and figures included)."""

Mode = Literal["columns", "grid", "single"]


@dataclass(frozen=True, slots=True)
class Layout:
    """How the panes are placed: `single` shows one pane and the tabs."""

    mode: Mode
    columns: int
    rows: int

    @property
    def tabs(self) -> bool:
        return self.mode == "single"


def layout_for(count: int, width: int, height: int, *, zoomed: bool = False) -> Layout:
    """The layout of `count` panes on a board of `width` x `height` cells."""
    if zoomed or count <= 1:
        return Layout("single", 1, 1)
    columns, rows = (count, 1) if count <= 3 else (math.ceil(count / 2), 2)
    if width < columns * MIN_WIDTH or height < rows * MIN_HEIGHT:
        return Layout("single", 1, 1)
    return Layout("columns" if rows == 1 else "grid", columns, rows)


class PaneBoard(Container):
    """The panes of a race, placed by `arrange`."""

    DEFAULT_CSS = """
    PaneBoard { height: 1fr; width: 1fr; layout: horizontal; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.layout_now = Layout("columns", 1, 1)

    @property
    def panes(self) -> list[RacePane]:
        return [child for child in self.children if isinstance(child, RacePane)]

    def place(self, layout: Layout, current: int) -> None:
        """Place the panes; in single mode only pane `current` shows."""
        self.layout_now = layout
        styles = self.styles
        if layout.mode == "grid":
            styles.layout = "grid"
            styles.grid_size_columns = layout.columns
            styles.grid_size_rows = layout.rows
        else:
            styles.layout = "horizontal"
        for pane in self.panes:
            pane.display = layout.mode != "single" or pane.index == current
