"""The transcript's message selection: Up and Down select a message, keys act on it.

Kept apart from the transcript's scrolling and rendering (transcript.py). The messages it
posts are in the transcript's namespace (`on_transcript_edit_asked`...), and the transcript
names them as its own (`Transcript.EditAsked`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget

from tikhub_tui.ui.widgets.answer import AnswerView
from tikhub_tui.ui.widgets.user_message import UserMessage

SELECTION_BINDINGS: list[BindingType] = [
    Binding("up", "select(-1)", "Previous", show=False),
    Binding("down", "select(1)", "Next", show=False),
    Binding("e", "edit_selected", "Edit & resend", id="message-edit"),
    Binding("b", "branch_selected", "Branch from here", id="message-branch"),
    Binding("c", "copy_selected", "Copy", id="message-copy"),
    Binding("v", "select_text", "Select text", id="message-select-text"),
    Binding("left", "flip_selected(-1)", "Older version", id="message-older", show=False),
    Binding("right", "flip_selected(1)", "Newer version", id="message-newer", show=False),
    Binding(
        "enter",
        "open_selected",
        "Unfold a long prompt / open reasoning",
        id="message-open",
        show=False,
    ),
    Binding("escape", "leave", "Back to prompt", id="message-leave", show=False),
]


@dataclass
class EditAsked(Message, namespace="transcript"):
    """Edit the selected prompt and resend it."""

    prompt: UserMessage


@dataclass
class SelectTextAsked(Message, namespace="transcript"):
    """Select and copy text of the conversation, starting at the selected message."""

    message: UserMessage | AnswerView


@dataclass
class FlipAsked(Message, namespace="transcript"):
    """Show the older (`step` -1) or newer (1) version of the selected message."""

    message: UserMessage | AnswerView
    step: int


@dataclass
class BranchAsked(Message, namespace="transcript"):
    """Branch the session from the selected message."""

    message: UserMessage | AnswerView


@dataclass
class CopyAsked(Message, namespace="transcript"):
    """Copy the selected message."""

    message: UserMessage | AnswerView


class Left(Message, namespace="transcript"):
    """Esc while selecting messages: back to the prompt (or stop what streams)."""


if TYPE_CHECKING:  # a mixin of the transcript: a widget's methods, no widget of its own
    _Base = Widget
else:
    _Base = object


class MessageSelection(_Base):
    """Selecting a message of the conversation and asking for something to be done with it
    (a mixin: a Widget base here would put the base widget's own rendering in the MRO)."""

    selected: UserMessage | AnswerView | None = None
    """The selected message (None when the transcript has no focus)."""


    def on_focus(self) -> None:
        if self.selected is None or not self.selected.is_attached:
            items = self._messages()
            if items:
                self._select(items[-1])

    def on_blur(self) -> None:
        if self.selected is not None:
            self.selected.remove_class("-selected")
            self.selected = None

    def _messages(self) -> list[UserMessage | AnswerView]:
        return [c for c in self.children if isinstance(c, UserMessage | AnswerView)]

    def select(self, widget: Widget) -> None:
        """Select a message (it is brought into view)."""
        if isinstance(widget, UserMessage | AnswerView) and widget.parent is self:
            self._select(widget)

    def _select(self, widget: UserMessage | AnswerView) -> None:
        if self.selected is not None:
            self.selected.remove_class("-selected")
        self.selected = widget
        widget.add_class("-selected")
        self.scroll_to_widget(
            widget, animate=False, top=widget.outer_size.height > self.size.height
        )

    def action_select(self, step: int) -> None:
        items = self._messages()
        if not items:
            self.notify("There are no messages yet: send a prompt first.", severity="warning")
            return
        index = items.index(self.selected) if self.selected in items else len(items)
        self._select(items[max(0, min(len(items) - 1, index + step))])

    def action_edit_selected(self) -> None:
        if isinstance(self.selected, UserMessage):
            self.post_message(EditAsked(self.selected))
        elif self.selected is not None:
            self.notify(
                "Only your prompts can be edited: select one with Up. On an answer, b branches "
                "from it, c copies it, Ctrl+R regenerates the last one.",
                severity="warning",
            )
        else:
            self._nothing_selected()

    def action_branch_selected(self) -> None:
        if self.selected is not None:
            self.post_message(BranchAsked(self.selected))
        else:
            self._nothing_selected()

    def action_copy_selected(self) -> None:
        if self.selected is not None:
            self.post_message(CopyAsked(self.selected))
        else:
            self._nothing_selected()

    def action_select_text(self) -> None:
        if self.selected is None:
            self._nothing_selected()
        else:
            self.post_message(SelectTextAsked(self.selected))

    def action_flip_selected(self, step: int) -> None:
        """Show the older or newer version of the selected message (the screen checks
        there is one)."""
        if self.selected is None:
            self._nothing_selected()
        else:
            self.post_message(FlipAsked(self.selected, -1 if step < 0 else 1))

    def action_open_selected(self) -> None:
        """Unfold (or fold) a long prompt; open (or close) an answer's reasoning."""
        selected = self.selected
        if isinstance(selected, UserMessage) and selected.foldable:
            selected.toggle_fold()
        elif isinstance(selected, AnswerView) and selected.reasoning:
            selected.toggle_reasoning()
        elif selected is None:
            self._nothing_selected()
        else:
            what = "prompt is shown whole" if isinstance(selected, UserMessage) else "answer"
            more = "" if isinstance(selected, UserMessage) else " has no reasoning"
            self.notify(f"Nothing to open: this {what}{more}.", severity="warning")

    def _nothing_selected(self) -> None:
        self.notify("No message is selected: send a prompt first.", severity="warning")

    def action_leave(self) -> None:
        self.post_message(Left())
