"""The scrolling conversation: user prompts and answers, following new text at the bottom.

It follows the newest text while the view is at the bottom (Textual's anchor) and stops when
the user scrolls up, showing a hint. It also keeps real Markdown only near the viewport: answer
segments further away give their widgets back, so long answers stay cheap to lay out.
"""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from tikhub_tui.ui.widgets.answer import AnswerView
from tikhub_tui.ui.widgets.segment import Segment


class UserMessage(Static):
    """A prompt the user sent."""

    DEFAULT_CSS = """
    UserMessage { height: auto; margin: 1 1 1 1; padding: 0 1;
        border-left: thick $accent; background: $accent 8%; color: $text; }
    """

    def __init__(self, text: str) -> None:
        super().__init__(text, markup=False)
        self.text = text


class Transcript(VerticalScroll, can_focus=True):
    """User messages and AnswerViews, newest at the bottom."""

    DEFAULT_CSS = """
    Transcript { height: 1fr; scrollbar-gutter: stable; }
    """

    class FollowChanged(Message):
        """Following the bottom started or stopped (the screen shows or hides its hint)."""

        def __init__(self, following: bool) -> None:
            super().__init__()
            self.following = following

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._check_pending = False
        self._following = True

    def on_mount(self) -> None:
        self.anchor()

    @property
    def following(self) -> bool:
        return self._following

    def follow(self) -> None:
        """Jump to the bottom and follow new text again."""
        self.anchor()
        self.scroll_end(animate=False, immediate=True)
        self._set_following(True)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        # Textual re-anchors when the user scrolls back to the bottom (pinned version)
        self._set_following(self.is_anchored and not self._anchor_released)
        self.request_check()

    def on_resize(self) -> None:
        self.request_check()

    def on_answer_view_changed(self, _: AnswerView.Changed) -> None:
        self.request_check()

    def request_check(self) -> None:
        """Re-check (after the next refresh) which segments need real Markdown."""
        if not self._check_pending:
            self._check_pending = True
            self.call_after_refresh(self._check_segments)

    def _set_following(self, following: bool) -> None:
        if following != self._following:
            self._following = following
            self.post_message(self.FollowChanged(following))

    def _check_segments(self) -> None:
        self._check_pending = False
        view = self.region
        if not view.height:
            return
        near_top, near_bottom = view.y - view.height, view.bottom + view.height
        far_top, far_bottom = view.y - 4 * view.height, view.bottom + 4 * view.height
        unplaced = False
        for segment in self.query(Segment):
            region = segment.region
            if not region:
                unplaced = True  # mounted but not laid out yet: look again after a refresh
                continue
            if region.bottom >= near_top and region.y <= near_bottom:
                segment.render_markdown()
            elif segment.is_rendered and (region.bottom < far_top or region.y > far_bottom):
                segment.release_markdown()
        if unplaced:
            self.request_check()
