"""The tab strip of a race shown one pane at a time (a narrow terminal, or a zoomed pane).

Each tab says a pane's label, status and a figure (elapsed while it streams, tokens per second
when done), so the panes out of sight are still followed; clicking a tab shows that pane.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.events import Click
from textual.message import Message
from textual.widgets import Static

from tikhub_tui.core.race.board import PaneNumbers, rate
from tikhub_tui.core.race.safe import shown
from tikhub_tui.ui.widgets.race_pane import GLYPHS, RETRYING


def tab_text(
    figures: PaneNumbers | None,
    label: str,
    model: str,
    *,
    timings: bool,
    retry_left: float | None = None,
) -> str:
    """`A ● gpt-5 4.2s`, `B ✓ claude 85 t/s`, `C ↻ gemini retry in 7s` (`retry_left`: the
    seconds until a pane the server asked to wait tries again)."""
    if figures is None:
        return f"{label} {shown(model, lines=False)}"
    if retry_left is not None and figures.status in ("queued", "waiting"):
        seconds = math.ceil(max(0.0, retry_left))
        when = f"in {seconds}s" if seconds else "now"
        return f"{label} {RETRYING} {shown(model, lines=False)} retry {when}"
    text = f"{label} {GLYPHS[figures.status]} {shown(model, lines=False)}"
    if timings and figures.live:
        text += f" {figures.elapsed:.0f}s"
    elif timings and figures.answer_rate is not None:
        text += f" {rate(figures.answer_rate, figures.answer_rate_estimated)}t/s"
    return text


class PaneTab(Static):
    """One tab."""

    DEFAULT_CSS = """
    PaneTab { width: 1fr; height: 1; padding: 0 1; background: $panel; color: $text-muted;
        text-wrap: nowrap; text-overflow: ellipsis; }
    PaneTab.-current { background: $accent; color: $text; text-style: bold; }
    """

    def __init__(self, index: int, text: str) -> None:
        super().__init__(text, markup=False)
        self.index = index
        self.text = text


class PaneTabs(Horizontal):
    """A tab per pane; the current one highlighted."""

    DEFAULT_CSS = """
    PaneTabs { height: 1; display: none; }
    PaneTabs.-shown { display: block; }
    """

    @dataclass
    class Chosen(Message):
        """A tab was clicked."""

        index: int

    def __init__(self, texts: list[str], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._texts = texts

    def compose(self) -> ComposeResult:
        for index, text in enumerate(self._texts):
            yield PaneTab(index, text)

    def show(self, index: int, text: str, *, current: bool) -> None:
        tabs = list(self.query(PaneTab))
        if index < len(tabs):
            tab = tabs[index]
            if text != tab.text:
                tab.text = text
                tab.update(text, layout=False)  # a tab's size is fixed: no layout
            tab.set_class(current, "-current")

    def on_click(self, event: Click) -> None:
        widget = event.widget
        if isinstance(widget, PaneTab):
            self.post_message(self.Chosen(widget.index))
