"""One piece of a long answer: real Markdown near the viewport, a blank box elsewhere.

The transcript decides which segments are near the viewport (`render_markdown`) and which can
give their widgets back (`release_markdown`); a released segment keeps its measured height,
so scrolling past it does not jump.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.app import RenderResult
from textual.message import Message
from textual.widget import MountError, Widget

if TYPE_CHECKING:  # Markdown (markdown-it, pygments) loads with the first answer, not at start
    from tikhub_tui.ui.widgets.markdown import AnswerMarkdown


class Segment(Widget):
    """A slice of an answer's Markdown source."""

    DEFAULT_CSS = """
    Segment { height: auto; }
    Segment > Markdown { margin: 0; padding: 0 1 0 1; }
    Segment MarkdownFence.-cut-after { margin-bottom: 0; }
    Segment MarkdownFence.-cut-after > Label { padding-bottom: 0; }
    Segment MarkdownFence.-cut-before { margin-top: 0; }
    Segment MarkdownFence.-cut-before > Label { padding-top: 0; }
    Segment MarkdownParagraph.-cut-after { margin-bottom: 0; }
    """
    # The cut blocks are marked by `_mark_cuts` rather than found by `:first-of-type` and
    # `:last-of-type`: a rule with an order pseudo-class makes Textual restyle every such
    # block of a Markdown (and all inside it) each time a block is mounted into it.

    CHEAP = False
    """Rendering costs little (one widget): the transcript renders all those near the view
    at once, not one a frame as it does real Markdown."""

    @dataclass
    class Rendered(Message):
        """Real Markdown replaced the blank box: heights changed above or in the viewport."""

        segment: Segment

    def __init__(self, source: str = "", *, fence_cut_before: bool = False) -> None:
        """`fence_cut_before`: the segment goes on with a code fence the one before cut."""
        super().__init__()
        self.source = source
        self.sealed = False
        self._markdown: AnswerMarkdown | None = None
        self._filled = False
        self._unshown: list[str] = []
        """Text added since the Markdown was last brought up to date (see `show`)."""
        self._measured: tuple[int, int] | None = None
        self._fixed_width = 0
        self._fence_cut_before = fence_cut_before
        self._fence_cut_after = False
        self._line_cut_after = False

    @property
    def is_rendered(self) -> bool:
        return self._markdown is not None

    @property
    def drawn(self) -> bool:
        """All of the text is shown (as Markdown): nothing is still parsing or waiting."""
        markdown = self._markdown
        return not self.source or (
            markdown is not None
            and self._filled
            and not self._unshown
            and not markdown.lock.is_locked
        )

    def render(self) -> RenderResult:
        """Nothing of its own: a widget without children would show its name."""
        return ""

    def append(self, text: str) -> None:
        """Add text; a rendered segment shows it on the next `show()`."""
        self.source += text
        self._measured = None
        if not self.is_rendered:
            self._estimate()
        elif self._filled:
            self._unshown.append(text)

    async def show(self) -> None:
        """Append the text added since the last call to the Markdown (incrementally: only the
        last block is parsed again). The stream controller awaits this, so it never asks for
        more updates than the screen can draw."""
        if self._markdown is not None and self._filled and self._unshown:
            text = "".join(self._unshown)
            self._unshown.clear()
            await self._markdown.append(text)
        self._mark_cuts()
        if self.sealed:
            self.call_after_refresh(self._fix_height)

    def seal(self, *, fence_cut_after: bool = False, line_cut_after: bool = False) -> None:
        """No more text will come (`fence_cut_after`: a code fence goes on in the next segment;
        `line_cut_after`: a paragraph does)."""
        self.sealed = True
        self._fence_cut_after = fence_cut_after
        self._line_cut_after = line_cut_after

    def _mark_cuts(self) -> None:
        """Take the space away where a code fence or a paragraph goes on in the next segment
        (or came from the one before): the first fence, the last fence, the last paragraph."""
        from textual.widgets._markdown import MarkdownFence, MarkdownParagraph

        markdown = self._markdown
        if markdown is None or not self._filled:
            return
        blocks = markdown.children
        if self._fence_cut_before:
            first = next((b for b in blocks if isinstance(b, MarkdownFence)), None)
            if first is not None and not first.has_class("-cut-before"):
                first.add_class("-cut-before")
        if self.sealed:
            wanted = [
                (self._fence_cut_after, MarkdownFence),
                (self._line_cut_after, MarkdownParagraph),
            ]
            for cut, kind in wanted:
                last = next((b for b in reversed(blocks) if isinstance(b, kind)), None)
                if cut and last is not None and not last.has_class("-cut-after"):
                    last.add_class("-cut-after")

    def _fix_height(self) -> None:
        """Freeze a finished segment's height: layout then never measures its Markdown again
        (with every block auto-sized, each update of the stream would re-measure them all)."""
        if (
            self.sealed
            and self._filled
            and not self._unshown
            and self._markdown is not None
            and self.size.height
        ):
            self._fixed_width = self.size.width
            self.styles.height = self.outer_size.height

    def refit(self, markdown: AnswerMarkdown) -> None:
        """The Markdown's height changed after this segment froze its own (its last blocks
        laid out late, on a loaded machine): freeze it again at the new height, so that the
        end of the text is never cut off."""
        height = markdown.outer_size.height
        if markdown is self._markdown and self._fixed_width and height != self.size.height:
            self.styles.height = height

    def render_markdown(self) -> None:
        """Mount a real Markdown widget for the source; `Rendered` is posted when it is done
        (parsing and mounting take a while)."""
        if self._markdown is not None:
            return
        from tikhub_tui.ui.widgets.markdown import AnswerMarkdown

        self._markdown = AnswerMarkdown()
        self._filled = False
        self.styles.height = "auto"
        self.mount(self._markdown)
        self.call_next(self._fill, self._markdown)

    async def _fill(self, markdown: AnswerMarkdown) -> None:
        try:
            if markdown is not self._markdown or not markdown.is_attached:
                return  # released (or the whole answer removed) before it was filled
            try:
                await markdown.update(self.source)
            except MountError:  # removed while it was parsing (a new session, say)
                return
            if markdown is not self._markdown:
                return
            missing = self.source[len(markdown.source) :]  # arrived while it was parsing
            if missing:
                await markdown.append(missing)
            self._filled = True
            self._mark_cuts()
            if self.sealed:
                self.call_after_refresh(self._fix_height)
        finally:
            self.post_message(self.Rendered(self))

    def release_markdown(self) -> None:
        """Give the Markdown widgets back, keeping the measured height (sealed segments only)."""
        if not self.is_rendered or not self.sealed or not self._filled or self._unshown:
            return
        height = self.outer_size.height
        self._measured = (self.size.width, height)
        self._take_view().remove()
        self.styles.height = height

    def _take_view(self) -> Widget:
        """The widget that shows the text, no longer this segment's (a subclass shows it in
        another)."""
        markdown, self._markdown = self._markdown, None
        assert markdown is not None
        return markdown

    def on_resize(self) -> None:
        self._resized()

    def _resized(self) -> None:
        """The width changed (or the first layout came): measure or estimate the height again
        (Textual calls every class's `on_resize`: a subclass overrides this instead)."""
        if not self.is_rendered:
            if self._measured is None or self._measured[0] != self.size.width:
                self._estimate()
        elif self._fixed_width and self._fixed_width != self.size.width:
            # a new width wraps the text anew: measure again, then freeze again
            self._fixed_width = 0
            self.styles.height = "auto"
            self.call_after_refresh(self._fix_height)

    def _estimate(self) -> None:
        """A cheap guess of the rendered height, until the segment is rendered once: lines
        wrapped at the width (word wrap leaves about a tenth of each line empty), a blank line
        between blocks, table rows with their rules, headings with their space."""
        width = max(20, int(((self.size.width or 80) - 2) * 0.9))
        lines = 0
        in_fence = False
        for line in self.source.splitlines():
            stripped = line.strip()
            if stripped.startswith(("```", "~~~")):
                in_fence = not in_fence
                lines += 1
            elif in_fence or not stripped:
                lines += 1
            elif stripped.startswith("|"):
                lines += 2  # each row and the rule under it
            else:
                lines += -(-len(line) // width) + (1 if stripped.startswith("#") else 0)
        self.styles.height = max(1, lines)
