"""An answer segment drawn as one widget: the segment's Markdown rendered by Rich in a Static.

A race streams up to six answers at once. Textual's Markdown makes a widget of every block
(of every table cell and list bullet), and laying out and painting hundreds of them at each
update kept the user's keys waiting. A compact segment is one widget whatever its Markdown,
drawn again whole when its text grows; its answer cuts segments small (`COMPACT_CHARS`), so
that costs little. It keeps the `Segment` contract: rendered near the view, given back far
from it with its measured height kept. Its height is never frozen: one Static is measured once
per width and text, and a frozen height could cut off text laid out after it froze.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Static

from tikhub_tui.ui.widgets.segment import Segment

if TYPE_CHECKING:
    from rich.markdown import Markdown as RichMarkdown

COMPACT_CHARS = 700
"""A compact answer seals a segment at the first safe boundary after this many characters:
the open one is drawn again whole at every update of the stream."""
COMPACT_FENCE_LINES = 30
"""A code fence is cut after this many of its lines in one compact segment."""


class CompactSegment(Segment):
    """A slice of an answer's Markdown source, shown as one Static."""

    DEFAULT_CSS = """
    CompactSegment { height: auto; }
    CompactSegment > Static { padding: 0 1 0 1; }
    """

    CHEAP = True

    def __init__(self, source: str = "", *, fence_cut_before: bool = False) -> None:
        super().__init__(source, fence_cut_before=fence_cut_before)
        self._box: Static | None = None
        """The box (drawn at once: `_filled` from the start; text since, in `_unshown`)."""

    @property
    def is_rendered(self) -> bool:
        return self._box is not None

    @property
    def drawn(self) -> bool:
        """All of the text is shown: drawn, and laid out at the box's height."""
        box = self._box
        return not self.source or (
            box is not None
            and not self._unshown
            and self.size.height > 0
            and box.outer_size.height == self.size.height
        )

    def _visual(self) -> RichMarkdown:
        from rich.markdown import Markdown as RichMarkdown

        dark = self.app.current_theme.dark
        # links as text with their address after it: nothing on screen points elsewhere
        return RichMarkdown(
            self.source, code_theme="monokai" if dark else "default", hyperlinks=False
        )

    async def show(self) -> None:
        """Draw the box again if text arrived (the stream controller awaits this)."""
        if self._box is not None and self._unshown:
            self._unshown.clear()
            self._box.update(self._visual())

    def render_markdown(self) -> None:
        """Mount the box; `Rendered` is posted once it is laid out."""
        if self._box is not None:
            return
        self._box = Static(self._visual())
        self._filled = True
        self._unshown.clear()
        self.styles.height = "auto"
        self.mount(self._box)
        self.call_after_refresh(self.post_message, self.Rendered(self))

    def _take_view(self) -> Static:
        box, self._box = self._box, None
        assert box is not None
        return box
