"""The prompt: a multi-line TextArea where Enter sends and Ctrl+J inserts a newline.

TextArea inserts a newline for Enter inside its own key handler, so sending is intercepted
here. Ctrl+J works in every terminal; Shift+Enter and Alt+Enter also insert a newline where
the terminal can send them. Up in an empty prompt recalls the previous prompt. Tab after
`@` completes a file's path; a paste of nothing but file paths attaches the files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import TextArea
from textual.widgets.text_area import Edit, EditResult

from tikhub_tui.core.untrusted import for_terminal
from tikhub_tui.ui.attach_paths import complete, pasted_paths

SEND_KEY = "enter"
NEWLINE_KEYS = frozenset({"ctrl+j", "shift+enter", "alt+enter", "ctrl+enter"})
AT_WORD = re.compile(r"(?<!\S)@\S*$")
"""`@` and the start of a path, just before the cursor: Tab completes it."""
RECALL_KEYS = ("up", "down")
KEYS = (
    Binding(SEND_KEY, "send", "Send the prompt"),
    Binding("ctrl+j", "newline", "New line (also Shift+Enter where the terminal sends it)"),
    Binding(",".join(RECALL_KEYS), "recall", "Recall earlier prompts (in an empty prompt)"),
    Binding("tab", "complete", "Complete the path after @ (else: the next widget)"),
)
"""The prompt's own keys, as its key handler reads them: for the help screen and the keymap
check (they are not bindings: TextArea would take Enter first)."""


SHADOWED = frozenset({"f6", "f7"})
"""TextArea's select-line and select-all keys: the race judges with F5-F8, so the prompt leaves
the F keys to the screens (the same prompt keys in the chat and the race, none shadowed)."""
OWN_BINDINGS = [
    Binding("alt+a", "select_all", "Select all the prompt", id="prompt-select-all", show=False),
    Binding(
        "alt+x", "clear_prompt", "Clear the prompt (Ctrl+Z undoes)", id="prompt-clear", show=False
    ),
]
"""The prompt's keys beyond TextArea's editing keys (help lists them under Prompt)."""


class PromptArea(TextArea, inherit_bindings=False):
    """Where the user writes; posts `Submitted` on Enter."""

    BINDINGS = [
        *(b for b in TextArea.BINDINGS if not (isinstance(b, Binding) and b.key in SHADOWED)),
        *OWN_BINDINGS,
    ]

    DEFAULT_CSS = """
    PromptArea { height: auto; min-height: 3; max-height: 12; margin: 0 1;
        border: tall $border-blurred; }
    PromptArea:focus { border: tall $border; }
    """

    @dataclass
    class Submitted(Message):
        """The user pressed Enter on a non-empty prompt."""

        prompt: PromptArea
        text: str

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

    class PathsPasted(Message):
        """A paste that was nothing but paths of files (a file dropped on the terminal)."""

        def __init__(self, prompt: PromptArea, paths: list[Path]) -> None:
            super().__init__()
            self.prompt = prompt
            self.paths = paths

    async def _on_paste(self, event: events.Paste) -> None:
        """Paths of files pasted (or dropped) are attached, not typed; other text is typed
        (by TextArea's own handler, next)."""
        paths = pasted_paths(event.text, Path.cwd())
        if paths:
            event.stop()
            event.prevent_default()
            self.post_message(self.PathsPasted(self, paths))

    def complete_path(self) -> bool:
        """Tab after `@` and the start of a path: the path completed as far as it goes."""
        row, column = self.cursor_location
        before = self.document.get_line(row)[:column]
        word = AT_WORD.search(before)
        if word is None:
            return False
        done = complete(word.group(0), Path.cwd())
        if done is None or done == word.group(0):
            return False
        self.replace(done, (row, word.start()), (row, column))
        return True

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "tab" and self.complete_path():
            event.stop()
            event.prevent_default()
            return
        if event.key == SEND_KEY:
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
        if event.key == RECALL_KEYS[0] and self._can_recall(-1):
            event.stop()
            event.prevent_default()
            self._recall_step(-1)
            return
        if event.key == RECALL_KEYS[1] and self._recall < len(self.sent) and self._recalled():
            event.stop()
            event.prevent_default()
            self._recall_step(1)
            return
        if event.key.startswith("alt+"):
            # a terminal sends Alt+X as ESC then x, which arrives as alt+x carrying "x": a key
            # for the bindings (select all, clear...), never text to insert
            event.prevent_default()
            return
        await super()._on_key(event)

    def edit(self, edit: Edit) -> EditResult:
        """Every change of the text (typing, deleting, pasting) is drawn at once; a paste's
        control characters are shown, not obeyed (the clipboard can hold escapes)."""
        edit.text = for_terminal(edit.text)
        result = super().edit(edit)
        self._echo()
        return result

    def _echo(self) -> None:
        """Draw the prompt now, without waiting for the screen's next update.

        While an answer streams, the screen's next update usually lays out the transcript
        first (20-50 ms at 2,000 tokens/s), and the key would wait for it. Unless the change
        made the prompt taller, its place on screen is what it was, so its lines are drawn at
        once with the layout the screen has; the regular update follows as always.
        """
        app = self.app
        if not self.is_attached or app.is_inline or self._layout_required:
            return
        if not self._repaint_regions:
            return
        screen = self.screen
        if screen is not app.screen:
            return
        compositor = screen._compositor
        if self not in compositor.visible_widgets or compositor._dirty_regions:
            return
        compositor.update_widgets({self})
        update = compositor.render_update(screen_stack=app._background_screens)
        # a batch (the Markdown mounting blocks) holds back the screen's own updates; the
        # prompt's lines are whole in themselves and can go out now
        batch, app._batch_count = app._batch_count, 0
        try:
            app._display(screen, update)
        finally:
            app._batch_count = batch

    def action_clear_prompt(self) -> None:
        """Empty the prompt as one edit, so Ctrl+Z brings the text back."""
        if not self.text:
            self.notify("The prompt is empty already.", severity="warning")
            return
        self.select_all()
        self.delete(*self.selection, maintain_selection_offset=False)

    def load_text(self, text: str) -> None:
        """Text from the store (an earlier prompt, the draft) shown, never obeyed."""
        super().load_text(for_terminal(text))

    def remember(self, prompts: list[str]) -> None:
        """Earlier prompts (oldest first) that Up recalls before this run's own."""
        self.sent[:0] = [for_terminal(prompt) for prompt in prompts]
        self._recall = len(self.sent)

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
