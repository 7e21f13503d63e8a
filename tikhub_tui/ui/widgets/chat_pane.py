"""The chat screen's main column: the transcript, the prompt under it, and the lines about them.

Between the two: a hint when the transcript no longer follows the newest text, and a line while
an earlier prompt is being edited, and the files attached to the next prompt; under the prompt,
how full the context window is and the status line (model, gateway, whether answers are saved
and something streams, the session's running total). The pane keeps that state; the screen
tells it what happens.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label

from tikhub_tui.ui.widgets.attachments import AttachmentChips
from tikhub_tui.ui.widgets.context_line import ContextLine
from tikhub_tui.ui.widgets.prompt import PromptArea
from tikhub_tui.ui.widgets.transcript import Transcript, UserMessage

EDITING = (
    "Editing an earlier prompt: Enter resends it, Esc cancels (the old answers stay as a branch)"
)


class ChatPane(Vertical):
    """Transcript, follow hint, editing line, prompt and status line."""

    DEFAULT_CSS = """
    ChatPane { height: 1fr; width: 1fr; }
    ChatPane > #follow-hint { display: none; width: 100%; height: 1;
        content-align: center middle; background: $accent 30%; color: $text; }
    ChatPane > #editing { display: none; height: auto; padding: 0 2; color: $text-warning; }
    ChatPane > #status { height: 1; padding: 0 2; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__(id="main")
        self.editing: UserMessage | None = None
        """The earlier prompt being edited in the prompt box, if any."""
        self._following = True
        self._streaming = False

    def compose(self) -> ComposeResult:
        yield Transcript(id="transcript")
        yield Label("↓ new text below — Ctrl+End to follow", id="follow-hint")
        yield Label(EDITING, id="editing", markup=False)
        yield AttachmentChips(id="attachments")
        yield PromptArea(
            id="prompt", placeholder="Ask anything — Enter sends, Ctrl+J new line, Up recalls"
        )
        yield ContextLine(id="context")
        yield Label("", id="status", markup=False)

    def show_status(self, line: str, *, streaming: bool) -> None:
        self.query_one("#status", Label).update(line)
        self._streaming = streaming
        self._show_follow_hint()

    def edit(self, prompt: UserMessage) -> None:
        """Load an earlier prompt into the prompt box to edit and resend."""
        self.editing = prompt
        box = self.query_one(PromptArea)
        box.load_text(prompt.text)
        box.move_cursor(box.document.end)
        box.focus()
        self.query_one("#editing").display = True

    def stop_editing(self) -> None:
        """Leave editing (the prompt box is emptied)."""
        if self.editing is not None:
            self.editing = None
            self.query_one("#editing").display = False
            self.query_one(PromptArea).clear()

    def on_transcript_follow_changed(self, event: Transcript.FollowChanged) -> None:
        self._following = event.following
        self._show_follow_hint()

    def _show_follow_hint(self) -> None:
        hint = self.query_one("#follow-hint", Label)
        # display, not a class on the pane: a class there restyles every widget in it
        hint.display = not self._following
        if self._streaming:
            hint.update("↓ new text below — Ctrl+End to follow")
        else:
            hint.update("↓ more below — Ctrl+End to go to the end")
