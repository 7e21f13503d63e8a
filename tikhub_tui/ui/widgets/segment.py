"""One piece of a long answer: real Markdown near the viewport, a blank box elsewhere.

The transcript decides which segments are near the viewport (`render_markdown`) and which can
give their widgets back (`release_markdown`); a released segment keeps its measured height,
so scrolling past it does not jump.
"""

from __future__ import annotations

from textual.message import Message
from textual.widget import Widget
from textual.widgets import Markdown
from textual.widgets._markdown import MarkdownStream


class Segment(Widget):
    """A slice of an answer's Markdown source."""

    DEFAULT_CSS = """
    Segment { height: auto; }
    Segment > Markdown { margin: 0; padding: 0 1 0 1; }
    Segment.-fence-cut-after Markdown MarkdownFence:last-of-type { margin-bottom: 0; }
    Segment.-fence-cut-after Markdown MarkdownFence:last-of-type > Label { padding-bottom: 0; }
    Segment.-fence-cut-before Markdown MarkdownFence:first-of-type { margin-top: 0; }
    Segment.-fence-cut-before Markdown MarkdownFence:first-of-type > Label { padding-top: 0; }
    """

    class Rendered(Message):
        """Real Markdown replaced the blank box: heights changed above or in the viewport."""

    def __init__(self, source: str = "", *, fence_cut_before: bool = False) -> None:
        super().__init__()
        self.source = source
        self.sealed = False
        self._markdown: Markdown | None = None
        self._stream: MarkdownStream | None = None
        self._filled = False
        self._measured: tuple[int, int] | None = None
        self.set_class(fence_cut_before, "-fence-cut-before")

    @property
    def is_rendered(self) -> bool:
        return self._markdown is not None

    def append(self, text: str) -> None:
        """Add text to the open segment (shown at once if rendered)."""
        self.source += text
        self._measured = None
        if self._stream is not None:
            self.call_next(self._stream.write, text)
        elif self._markdown is None:
            self._estimate()

    def seal(self, *, fence_cut_after: bool = False) -> None:
        """No more text will come: stop streaming into the Markdown."""
        self.sealed = True
        self.set_class(fence_cut_after, "-fence-cut-after")
        if self._stream is not None:
            stream, self._stream = self._stream, None
            self.call_next(stream.stop)

    def render_markdown(self) -> None:
        """Mount a real Markdown widget for the source (streaming into it if still open)."""
        if self._markdown is not None:
            return
        self._markdown = Markdown()
        self._filled = False
        self.styles.height = "auto"
        self.mount(self._markdown)
        self.call_next(self._fill, self._markdown)

    async def _fill(self, markdown: Markdown) -> None:
        if markdown is not self._markdown:
            return  # released before it was filled
        await markdown.update(self.source)
        if markdown is not self._markdown:
            return
        missing = self.source[len(markdown.source) :]  # arrived while it was parsing
        if not self.sealed:
            self._stream = Markdown.get_stream(markdown)
            if missing:
                await self._stream.write(missing)
        elif missing:
            await markdown.append(missing)
        self._filled = True
        self.post_message(self.Rendered())

    def release_markdown(self) -> None:
        """Give the Markdown widgets back, keeping the measured height (sealed segments only)."""
        if self._markdown is None or not self.sealed or not self._filled:
            return
        height = self.outer_size.height
        self._measured = (self.size.width, height)
        markdown, self._markdown = self._markdown, None
        markdown.remove()
        self.styles.height = height

    def on_resize(self) -> None:
        if self._markdown is None and (
            self._measured is None or self._measured[0] != self.size.width
        ):
            self._estimate()

    def _estimate(self) -> None:
        """A cheap guess of the rendered height, until the segment is rendered once."""
        width = max(20, (self.size.width or 80) - 2)
        lines = 0
        in_fence = False
        for line in self.source.splitlines():
            stripped = line.strip()
            if stripped.startswith(("```", "~~~")):
                in_fence = not in_fence
                lines += 1
                continue
            lines += 1 if in_fence or not stripped else -(-len(line) // width)
            if not in_fence and stripped.startswith("#"):
                lines += 1
        self.styles.height = max(1, lines)
