"""The prompt: a multi-line TextArea where Enter sends and Ctrl+J inserts a newline.

TextArea inserts a newline for Enter inside its own key handler, so sending is intercepted
here. Ctrl+J works in every terminal; Shift+Enter and Alt+Enter also insert a newline where
the terminal can send them. Up in an empty prompt recalls the previous prompt.
"""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.widgets import TextArea

NEWLINE_KEYS = frozenset({"ctrl+j", "shift+enter", "alt+enter", "ctrl+enter"})


class PromptArea(TextArea):
    """Where the user writes; posts `Submitted` on Enter."""

    DEFAULT_CSS = """
    PromptArea { height: auto; min-height: 3; max-height: 12; margin: 0 1;
        border: tall $border-blurred; }
    PromptArea:focus { border: tall $border; }
    """

    class Submitted(Message):
        """The user pressed Enter on a non-empty prompt."""

        def __init__(self, prompt: PromptArea, text: str) -> None:
            super().__init__()
            self.prompt = prompt
            self.text = text

    def __init__(self, **kwargs: object) -> None:
        super().__init__(
            soft_wrap=True,
            show_line_numbers=False,
            tab_behavior="focus",
            compact=False,
            highlight_cursor_line=False,
            **kwargs,  # type: ignore[arg-type]
        )
        self.sent: list[str] = []
        self._recall = 0

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            text = self.text
            if text.strip():
                self.sent.append(text)
                self._recall = len(self.sent)
                self.post_message(self.Submitted(self, text))
            return
        if event.key in NEWLINE_KEYS:
            event.stop()
            event.prevent_default()
            self.insert("\n")
            return
        if event.key == "up" and self._can_recall(-1):
            event.stop()
            event.prevent_default()
            self._recall_step(-1)
            return
        if event.key == "down" and self._recall < len(self.sent) and self._recalled():
            event.stop()
            event.prevent_default()
            self._recall_step(1)
            return
        await super()._on_key(event)

    def _recalled(self) -> bool:
        return (
            bool(self.sent)
            and self._recall < len(self.sent)
            and (self.text == self.sent[self._recall])
        )

    def _can_recall(self, step: int) -> bool:
        if not self.sent:
            return False
        return (not self.text or self._recalled()) and self._recall + step >= 0

    def _recall_step(self, step: int) -> None:
        self._recall = max(0, min(len(self.sent), self._recall + step))
        text = self.sent[self._recall] if self._recall < len(self.sent) else ""
        self.load_text(text)
        self.move_cursor(self.document.end)
