"""A prompt the user sent, in the transcript: its text, a line per file, and its images.

The images are decoded (a reopened session's read back from the store) in the prompt's own
thread worker, then drawn under the lines where there is room (`image_preview`), so neither a
large picture nor the store ever holds up the UI thread.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group
from rich.text import Text
from textual.widgets import Static

from tikhub_tui.core.model import Attachment
from tikhub_tui.core.store.records import StoredAttachment
from tikhub_tui.core.untrusted import for_terminal
from tikhub_tui.ui.widgets.attachments import attached_lines
from tikhub_tui.ui.widgets.image_preview import ImagePreview, previews, wanted


class UserMessage(Static):
    """A prompt the user sent."""

    DEFAULT_CSS = """
    UserMessage { height: auto; margin: 1 1 1 1; padding: 0 1;
        border-left: thick $accent; background: $accent 8%; color: $text; }
    UserMessage.-selected { background: $accent 30%; }
    """

    def __init__(
        self,
        text: str,
        message_id: int | None = None,
        attachments: Sequence[Attachment | StoredAttachment] = (),
        *,
        images: bool = True,
    ) -> None:
        text = for_terminal(text)  # an imported session's prompt can hold anything
        caption = Text(text)
        if attachments:  # the files under the text, dimmed; the images below, where there is room
            caption.append(("\n" if text else "") + attached_lines(attachments), style="dim")
        super().__init__(caption if attachments else text, markup=False)
        self.caption = caption
        """The words shown: the prompt and a line per file (the previews aside)."""
        self.text = text
        self.message_id = message_id
        self.attachments = tuple(attachments)
        """The files sent with the prompt (their bytes are read back when sent again)."""
        self.images = images
        """Draw the images under the lines (where there is room: not in a race's pane)."""

    def on_mount(self) -> None:
        if self.images and wanted(self.attachments, headless=self.app.is_headless):
            self.run_worker(self._draw_images, thread=True, exit_on_error=False, group="images")

    def _draw_images(self) -> None:
        """Decode the images (reading a saved prompt's back from the store) off the UI thread,
        then show them under the caption."""
        store = getattr(self.app, "store", None)  # the App's SharedStore
        load = (lambda item: store.get().load_attachment(item)) if store is not None else None
        drawn = previews(self.attachments, headless=self.app.is_headless, load=load)
        if drawn:
            self.app.call_from_thread(self._show_images, drawn)

    def _show_images(self, drawn: list[ImagePreview]) -> None:
        if self.is_attached:
            self.update(Group(self.caption, *drawn))
