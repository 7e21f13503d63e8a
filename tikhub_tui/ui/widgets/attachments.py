"""Attachments on screen: the chips above the prompt (the files the next prompt sends) and the
line under a sent prompt naming its files.

The chips take the focus like any widget (Shift+Tab from the prompt): Left and Right choose a
chip, Delete or Backspace removes it, Esc or Enter goes back to the prompt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static

from tikhub_tui.core.attachments.text import Described, describe, human_size
from tikhub_tui.core.model import Attachment
from tikhub_tui.core.tokens import estimate_attachment
from tikhub_tui.core.untrusted import for_terminal

KINDS = {"text": "text", "image": "image", "pdf": "PDF"}


def chip_words(item: Attachment) -> str:
    """`shot.png · image · 48.2 KB · ~1,600 tokens`: what a chip says of a file."""
    kind = KINDS.get(item.kind, item.kind)
    if item.kind == "image" and "/" in item.media_type:
        kind = item.media_type.split("/", 1)[1].upper()
    pages = f" · {item.pages} p." if item.pages else ""
    count = estimate_attachment(item)
    tokens = f"~{count:,} token{'' if count == 1 else 's'}"
    return f"{for_terminal(item.name)} · {kind}{pages} · {human_size(item.size)} · {tokens}"


def attached_lines(items: Sequence[Described]) -> str:
    """The files of a sent prompt, one line each: `attached shot.png (image/png, 48.2 KB, 640x480
    px)`."""
    return "\n".join(f"attached {for_terminal(describe(item))}" for item in items)


class AttachmentChips(Static, can_focus=True):
    """The files attached to the prompt being written; hidden while there are none."""

    DEFAULT_CSS = """
    AttachmentChips { display: none; width: 1fr; height: auto; margin: 0 1; padding: 0 1; }
    AttachmentChips.-some { display: block; }
    AttachmentChips:focus { background: $boost; }
    """

    BINDINGS = [
        Binding("left", "choose(-1)", "Previous file", show=False),
        Binding("right", "choose(1)", "Next file", show=False),
        Binding("delete,backspace", "remove", "Remove file", id="attachment-remove"),
        Binding("escape,enter", "leave", "Back to prompt", id="attachment-leave"),
    ]

    @dataclass
    class Changed(Message):
        """The files changed (added or removed)."""

        chips: AttachmentChips

    class Left(Message):
        """Back to the prompt."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__("", markup=False, **kwargs)  # type: ignore[arg-type]
        self.items: list[Attachment] = []
        self.chosen = 0

    @property
    def tokens(self) -> int:
        """About how many prompt tokens the files take."""
        return sum(estimate_attachment(item) for item in self.items)

    def add(self, item: Attachment) -> bool:
        """Attach a file (once: the same bytes twice are one file); False when it was there."""
        if any(a.sha256 == item.sha256 and a.name == item.name for a in self.items):
            return False
        self.items.append(item)
        self.chosen = len(self.items) - 1
        self._show()
        return True

    def clear(self) -> None:
        self.items.clear()
        self.chosen = 0
        self._show()

    def action_choose(self, step: int) -> None:
        if self.items:
            self.chosen = (self.chosen + step) % len(self.items)
            self._show()

    def action_remove(self) -> None:
        if not self.items:
            return
        del self.items[self.chosen]
        self.chosen = max(0, min(self.chosen, len(self.items) - 1))
        self._show()
        if not self.items:
            self.post_message(self.Left())

    def action_leave(self) -> None:
        self.post_message(self.Left())

    def on_focus(self) -> None:
        self.call_later(self._draw)  # `has_focus` is set once the focus event is through

    def on_blur(self) -> None:
        self.call_later(self._draw)

    def on_resize(self) -> None:
        self._draw()

    def _show(self) -> None:
        self._draw()
        self.post_message(self.Changed(self))

    def _draw(self) -> None:
        """The chips, each whole on a line (a long one cut short), then the keys."""
        self.set_class(bool(self.items), "-some")
        # not laid out yet (just shown): drawn whole, and again at its width once it has one
        width = max(self.content_size.width, 20) if self.content_size.width else 1_000
        focused = self.has_focus
        pieces = [f" {chip_words(item)} " for item in self.items]
        hint = "Del removes · ←→ choose · Esc back" if focused else "Shift+Tab: remove files"
        text, used = Text(), 0
        for index, piece in enumerate([*pieces, hint]):
            if len(piece) > width:
                piece = piece[: width - 2] + "… "
            gap = 2 if used else 0
            if used and used + gap + len(piece) > width:
                text.append("\n")
                used, gap = 0, 0
            text.append(" " * gap)
            if index == len(pieces):
                style = "dim italic"
            else:
                style = "bold reverse" if focused and index == self.chosen else "reverse dim"
            text.append(piece, style=style)
            used += gap + len(piece)
        self.update(text)
