"""A prompt the user sent, as the transcript shows it: a long one folded to its first lines.

A pasted log of thousands of lines would otherwise fill the transcript and cost a layout of
all of it; folded, it shows its start and how much more there is, and unfolds on Enter (in the
message selection) or a click. Copying and editing always take the whole text. Its images are
decoded (a reopened session's read back from the store) in the prompt's own thread worker and
drawn under its lines where there is room (`image_preview`), never holding up the UI thread.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group
from rich.text import Text
from textual.content import Content
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import Static

from tikhub_tui.core.model import Attachment
from tikhub_tui.core.store.records import StoredAttachment
from tikhub_tui.core.untrusted import for_terminal
from tikhub_tui.ui.widgets.attachments import attached_lines
from tikhub_tui.ui.widgets.image_preview import ImagePreview, previews, wanted
from tikhub_tui.ui.widgets.sixel import with_sixels

FOLD_LINES = 15
"""A prompt of more lines than this is shown folded."""
SHOWN_LINES = 8
"""How many lines a folded prompt shows."""
FOLD_CHARS = 3000
"""A prompt longer than this (in characters, however few its lines) is folded too."""


def folded(text: str) -> tuple[str, str] | None:
    """The start of a long prompt and the line saying what is hidden; None for a short one."""
    lines = text.split("\n")
    if len(lines) <= FOLD_LINES and len(text) <= FOLD_CHARS:
        return None
    head = "\n".join(lines[:SHOWN_LINES])[:FOLD_CHARS // 2]
    shown_lines = head.count("\n") + 1
    hidden = len(lines) - shown_lines
    if hidden > 0:
        more = f"{hidden:,} more line{'' if hidden == 1 else 's'}"
    else:
        more = f"{len(text) - len(head):,} more characters"
    return head, f"… {more} (Enter on it in the message selection, or a click, shows all)"


class UserMessage(Static):
    """A prompt the user sent (folded when long)."""

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
        self.text = text
        self.message_id = message_id
        self.attachments = tuple(attachments)
        """The files sent with the prompt (their bytes are read back when sent again)."""
        self.images = images
        """Draw the images under the lines (where there is room: not in a race's pane)."""
        self._drawn: list[ImagePreview] = []
        self._files = attached_lines(attachments) if attachments else ""
        self._fold = folded(text)
        self.position = (1, 1)
        """Which version of the prompt this is, of how many (an edited prompt's others)."""
        self.is_folded = self._fold is not None
        super().__init__(self._shown(), markup=False)

    @property
    def foldable(self) -> bool:
        return self._fold is not None

    @property
    def caption(self) -> str | Content:
        """The words shown: the prompt (folded or not) and a line per file, images aside."""
        return self._words()

    def _shown(self) -> str | Content | Group:
        if not self._drawn:
            return self._words()
        return Group(self._rich_words(), *self._drawn)

    def _rich_words(self) -> Text:
        """`_words` as Rich text, to stand above Rich renderables (the images)."""
        number, versions = self.position
        out = Text()
        if versions > 1:
            out.append(f"‹ {number}/{versions} › ", "bold")
        if self._fold is None or not self.is_folded:
            out.append(self.text)
        else:
            head, more = self._fold
            out.append(head + "\n")
            out.append(more, "italic dim")
        if self._files:
            out.append(("\n" if self.text else "") + self._files, "dim")
        return out

    def _words(self) -> str | Content:
        number, versions = self.position
        mark = (f"‹ {number}/{versions} › ", "bold $text-accent") if versions > 1 else ""
        files = (("\n" if self.text else "") + self._files, "dim") if self._files else ""
        if self._fold is None or not self.is_folded:
            return Content.assemble(mark, self.text, files) if mark or files else self.text
        head, more = self._fold
        return Content.assemble(mark, head, "\n", (more, "italic $text-muted"), files)

    def show_position(self, number: int, versions: int) -> None:
        """Show `‹ 2/3 ›` when the prompt has other versions (Left/Right flip them)."""
        if (number, versions) != self.position:
            self.position = (number, versions)
            self.update(self._shown())

    def toggle_fold(self, folded_now: bool | None = None) -> None:
        """Fold or unfold a long prompt (the other way from now when `folded_now` is None)."""
        if self._fold is None:
            return
        self.is_folded = not self.is_folded if folded_now is None else folded_now
        self.update(self._shown())

    def on_click(self) -> None:
        self.toggle_fold()

    def on_mount(self) -> None:
        if self.images and wanted(self.attachments, headless=self.app.is_headless):
            self.run_worker(self._draw_images, thread=True, exit_on_error=False, group="images")

    def _draw_images(self) -> None:
        """Decode the images (reading a saved prompt's back from the store) off the UI thread,
        then show them under the words."""
        store = getattr(self.app, "store", None)  # the App's SharedStore
        load = (lambda item: store.get().load_attachment(item)) if store is not None else None
        drawn = previews(self.attachments, headless=self.app.is_headless, load=load)
        if drawn:
            self.app.call_from_thread(self._show_images, drawn)

    def _show_images(self, drawn: list[ImagePreview]) -> None:
        if self.is_attached:
            self._drawn = drawn
            self.update(self._shown())

    def render_lines(self, crop: Region) -> list[Strip]:
        """The lines, with Sixel images written over their places (`widgets.sixel`) while
        this screen is the one shown."""
        lines = super().render_lines(crop)
        sixels = {id(p): p for p in self._drawn if p.protocol == "sixel"}
        if sixels and self.screen.is_active:
            return with_sixels(lines, crop, self.region.offset, sixels)
        return lines
