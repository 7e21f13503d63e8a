"""An assistant answer: collapsed reasoning, the Markdown body in segments, a metrics line.

The body grows by `append_text` (called by the stream controller's drain timer). It is cut
into segments so that only the part near the viewport is real Markdown; the text itself is
kept whole in `text` for copying and saving.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Collapsible, Static

from tikhub_tui.ui.segments import SegmentSplitter
from tikhub_tui.ui.widgets.segment import Segment


class AnswerView(Vertical):
    """One answer of the transcript, streamed or loaded."""

    DEFAULT_CSS = """
    AnswerView { height: auto; margin: 0 0 1 0; padding: 0 1 0 0; }
    AnswerView > #reasoning { display: none; margin: 0 1; }
    AnswerView.-has-reasoning > #reasoning { display: block; }
    AnswerView > #body { height: auto; }
    AnswerView > #meta { color: $text-muted; padding: 0 2; height: auto; }
    AnswerView > #error { display: none; height: auto; margin: 0 2; padding: 0 1;
        border-left: thick $error; color: $text-error; background: $error 10%; }
    AnswerView.-error > #error { display: block; }
    AnswerView.-streaming > #meta { color: $text-accent; }
    AnswerView.-stopped > #meta { color: $text-warning; }
    """

    class Changed(Message):
        """The answer's size changed: the transcript re-checks what is near the viewport."""

    def __init__(
        self,
        model: str,
        provider: str,
        text: str = "",
        *,
        message_id: int | None = None,
        reasoning: str = "",
    ) -> None:
        super().__init__()
        self.model = model
        self.provider = provider
        self.message_id = message_id
        """The answer's id in the session store (None when it is not saved)."""
        self._parts: list[str] = []
        self._reasoning: list[str] = []
        self._splitter = SegmentSplitter()
        self._open = Segment()
        self._initial = text
        self._initial_reasoning = reasoning
        self.stored_meta = ""
        """The metrics line of a saved answer, shown when it is mounted."""
        self.stored_error = ""

    @property
    def text(self) -> str:
        """The whole answer as it arrived."""
        if len(self._parts) > 1:
            self._parts[:] = ["".join(self._parts)]
        return self._parts[0] if self._parts else ""

    @property
    def reasoning(self) -> str:
        return "".join(self._reasoning)

    def compose(self) -> ComposeResult:
        with Collapsible(title="Reasoning", collapsed=True, id="reasoning"):
            yield Static("", id="reasoning-text", markup=False)
        with Vertical(id="body"):
            yield self._open
        yield Static("", id="error", markup=False)
        yield Static("", id="meta", markup=False)

    def on_mount(self) -> None:
        if self._initial_reasoning:
            self.append_reasoning(self._initial_reasoning)
        if self._initial:
            text, self._initial = self._initial, ""
            self.append_text(text)
        if self.stored_meta:
            self.seal()
            self.set_meta(self.stored_meta)
        if self.stored_error:
            self.show_error(self.stored_error, "")

    def append_text(self, text: str) -> None:
        """Add answer text (UI thread; the stream controller calls this ~30 times a second)."""
        self._parts.append(text)
        sealed, added = self._splitter.feed(text)
        if sealed:
            body = self.query_one("#body", Vertical)
            for rest, in_fence in sealed:
                self._open.append(rest)
                self._open.seal(fence_cut_after=in_fence)
                self._open = Segment(fence_cut_before=in_fence)
                body.mount(self._open)
        if added:
            self._open.append(added)
        self.post_message(self.Changed())

    def append_reasoning(self, text: str) -> None:
        self._reasoning.append(text)
        self.add_class("-has-reasoning")
        reasoning = self.reasoning
        self.query_one("#reasoning-text", Static).update(reasoning)
        words = len(reasoning.split())
        self.query_one("#reasoning", Collapsible).title = f"Reasoning ({words} words)"

    def set_meta(self, line: str) -> None:
        self.query_one("#meta", Static).update(line)

    def show_error(self, message: str, hint: str) -> None:
        self.add_class("-error")
        self.query_one("#error", Static).update(f"{message}\n→ {hint}" if hint else message)

    def seal(self) -> None:
        """The stream is over: the last segment gets no more text."""
        self._open.seal()
        self.post_message(self.Changed())

    def segments(self) -> list[Segment]:
        return list(self.query_one("#body", Vertical).query_children(Segment))
