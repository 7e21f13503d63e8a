"""An assistant answer: collapsed reasoning, the Markdown body in segments, a metrics line.

The body grows by `append_text` (called by the stream controller's drain timer). It is cut
into segments so that only the part near the viewport is real Markdown; the text itself is
kept whole in `text` for copying and saving. State shows on the small children (the metrics
line, the error box), never as a class on the answer itself: a class change there would
restyle every Markdown block inside it. Everything shown passes the terminal sanitiser on the
way in (Textual would pass an escape sequence in widget text to the terminal); the store keeps
what the server sent.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Collapsible, Static

from tikhub_tui.core.errors import ApiError
from tikhub_tui.core.model import Usage
from tikhub_tui.core.untrusted import for_terminal
from tikhub_tui.ui.format import error_hint, meta_line, retry_words
from tikhub_tui.ui.splitter import SegmentSplitter
from tikhub_tui.ui.widgets.compact_segment import (
    COMPACT_CHARS,
    COMPACT_FENCE_LINES,
    CompactSegment,
)
from tikhub_tui.ui.widgets.segment import Segment

if TYPE_CHECKING:
    from tikhub_tui.core.client import RetryNotice
    from tikhub_tui.core.exchange import Exchange

State = Literal["streaming", "complete", "stopped", "error"]

BURST_CHARS = 16_000
"""Text arriving this fast (in one drain of the stream) is not worth rendering on the way:
it would scroll away before it was drawn; the answer renders when the burst is over."""


class AnswerView(Vertical):
    """One answer of the transcript, streamed or loaded."""

    DEFAULT_CSS = """
    AnswerView { height: auto; margin: 0 0 1 0; padding: 0 1 0 0; }
    AnswerView > #reasoning { display: none; margin: 0 1 1 1; }
    AnswerView > #body { height: auto; }
    AnswerView > #meta { color: $text-muted; padding: 0 2; height: auto; }
    AnswerView > #position { display: none; color: $text-accent; text-style: bold;
        padding: 0 2; height: 1; }
    AnswerView > #meta.-streaming { color: $text-accent; }
    AnswerView > #meta.-stopped { color: $text-warning; }
    AnswerView > #error { display: none; height: auto; margin: 0 2; padding: 0 1;
        border-left: thick $error; color: $text-error; background: $error 10%; }
    """

    @dataclass
    class Changed(Message):
        """The answer's size changed: the transcript re-checks what is near the viewport."""

        burst: bool = False
        """A big burst of text arrived at once: more is probably on its way."""

    def __init__(
        self,
        model: str,
        provider: str,
        text: str = "",
        *,
        message_id: int | None = None,
        reasoning: str = "",
        compact: bool = False,
    ) -> None:
        """`compact`: each segment is one widget (a race pane's answer; see compact_segment)."""
        super().__init__()
        self.model = model
        self.provider = provider
        self.message_id = message_id
        """The answer's id in the session store (None when it is not saved)."""
        self.state: State = "complete"
        self._parts: list[str] = []
        self._reasoning: list[str] = []
        self.compact = compact
        self._segment_type: type[Segment] = CompactSegment if compact else Segment
        self._splitter = (
            SegmentSplitter(COMPACT_CHARS, COMPACT_FENCE_LINES, 2 * COMPACT_CHARS)
            if compact
            else SegmentSplitter()
        )
        self._segments = [self._segment_type()]
        self._initial = text
        self._initial_reasoning = reasoning
        self.stored_meta = ""
        """The metrics line of a saved answer, shown when it is mounted."""
        self.stored_state: State = "complete"
        self.stored_failure: ApiError | None = None
        """Why a saved answer failed or was cut, shown as a live one shows it."""
        self.usage: Usage | None = None
        """The provider's counts once the answer is over (the context line starts from them)."""

    @property
    def text(self) -> str:
        """The whole answer as it arrived."""
        if len(self._parts) > 1:
            self._parts[:] = ["".join(self._parts)]
        return self._parts[0] if self._parts else self._initial

    @property
    def loaded(self) -> bool:
        """The text given at creation is in the segments (that happens on mount)."""
        return not self._initial

    @property
    def reasoning(self) -> str:
        return "".join(self._reasoning) or self._initial_reasoning

    def compose(self) -> ComposeResult:
        with Collapsible(title="Reasoning", collapsed=True, id="reasoning"):
            yield Static("", id="reasoning-text", markup=False)
        with Vertical(id="body"):
            yield self._segments[0]
        yield Static("", id="error", markup=False)
        yield Static("", id="position", markup=False)
        yield Static("", id="meta", markup=False)

    def on_mount(self) -> None:
        if self._initial_reasoning:
            self.append_reasoning(self._initial_reasoning)
        if self._initial:
            text, self._initial = self._initial, ""
            self.add_text(text)
        if self.stored_meta:
            self.seal()
            self.set_state(self.stored_state)
            self.set_meta(self.stored_meta)
        if self.stored_failure is not None:
            self.show_failure(self.stored_failure)
            self.set_state(self.stored_state)

    def segments(self) -> list[Segment]:
        """The body's segments, in order (the last one is open while streaming)."""
        return self._segments

    async def append_text(self, text: str) -> None:
        """Add answer text and show it (the stream controller awaits this at most ~30 times a
        second; the Markdown of rendered segments is appended to, never re-rendered)."""
        touched = self.add_text(text)
        for segment in touched:
            await segment.show()

    def add_text(self, text: str) -> list[Segment]:
        """Split new text into the segments; returns the segments that got some of it."""
        text = for_terminal(text)
        self._parts.append(text)
        touched: list[Segment] = []
        sealed, added = self._splitter.feed(text)
        if sealed:
            fresh: list[Segment] = []
            for rest, cut in sealed:
                self._segments[-1].append(rest)
                self._segments[-1].seal(
                    fence_cut_after=cut == "fence", line_cut_after=cut == "line"
                )
                touched.append(self._segments[-1])
                segment = self._segment_type(fence_cut_before=cut == "fence")
                self._segments.append(segment)
                fresh.append(segment)
            self.query_one("#body", Vertical).mount_all(fresh)
        if added:
            self._segments[-1].append(added)
            touched.append(self._segments[-1])
        self.post_message(self.Changed(burst=len(text) >= BURST_CHARS))
        return touched

    def append_reasoning(self, text: str) -> None:
        self._reasoning.append(for_terminal(text))
        reasoning = self.reasoning
        section = self.query_one("#reasoning", Collapsible)
        section.display = True
        self.query_one("#reasoning-text", Static).update(reasoning)
        section.title = f"Reasoning ({len(reasoning.split())} words)"

    def set_state(self, state: State) -> None:
        """Show how the answer stands (streaming, finished, stopped short, failed)."""
        self.state = state
        meta = self.query_one("#meta", Static)
        meta.set_class(state == "streaming", "-streaming")
        meta.set_class(state == "stopped", "-stopped")

    def set_meta(self, line: str) -> None:
        self.query_one("#meta", Static).update(for_terminal(line))

    def show_error(self, message: str, hint: str) -> None:
        self.state = "error"
        box = self.query_one("#error", Static)
        box.update(for_terminal(f"{message}\n→ {hint}" if hint else message))
        box.display = True

    def show_outcome(self, exchange: Exchange, *, timings: bool = True) -> None:
        """The stream is over: how it ended, its failure if any, and its metrics line."""
        self.seal()
        tally = exchange.tally
        self.set_state("stopped" if tally.status == "stopped" else "complete")
        if tally.error is not None:
            self.show_failure(tally.error)
        self.set_meta(meta_line(exchange, time.monotonic(), timings=timings))
        self.usage = tally.usage

    def show_retry(self, notice: RetryNotice) -> None:
        """The server asked to wait: say for how long, and which attempt comes next."""
        self.set_meta(retry_words(notice))

    def show_failure(self, error: ApiError) -> None:
        """Show why the answer failed and what to do (a cut stream keeps what arrived)."""
        self.show_error(error.message, error_hint(error))
        self.set_state("stopped" if error.kind == "ended_early" else "error")

    def show_position(self, number: int, versions: int) -> None:
        """Show `‹ 2/3 ›` when the answer has other versions (regenerated)."""
        box = self.query_one("#position", Static)
        box.display = versions > 1
        if versions > 1:
            box.update(f"‹ {number}/{versions} ›  (Ctrl+Up, then Left/Right: other versions)")

    @property
    def reasoning_open(self) -> bool:
        return not self.query_one("#reasoning", Collapsible).collapsed

    def toggle_reasoning(self, opened: bool | None = None) -> None:
        """Open or close the reasoning (the other way from now when `opened` is None)."""
        section = self.query_one("#reasoning", Collapsible)
        section.collapsed = not opened if opened is not None else not section.collapsed

    @property
    def has_reasoning(self) -> bool:
        return bool(self._reasoning)

    def seal(self) -> None:
        """The stream is over: the last segment gets no more text."""
        rest = self._splitter.finish()
        if rest:
            self._segments[-1].append(rest)
        self._segments[-1].seal()
        self.call_next(self._segments[-1].show)
        self.post_message(self.Changed())
