"""The scrolling conversation: user prompts and answers, following new text at the bottom.

It follows the newest text while the view is at the bottom (Textual's anchor) and stops when
the user scrolls up. It keeps real Markdown only near the viewport (answer segments further
away give their widgets back), and when something above the viewport changes height (a
segment rendered, older messages loaded) it keeps what the user is reading where it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.geometry import Spacing
from textual.message import Message
from textual.widget import Widget
from textual.widgets._markdown import MarkdownBlock

from tikhub_tui.ui.widgets.answer import AnswerView
from tikhub_tui.ui.widgets.message_selection import (
    SELECTION_BINDINGS,
    BranchAsked,
    CopyAsked,
    EditAsked,
    FlipAsked,
    Left,
    MessageSelection,
    SelectTextAsked,
)
from tikhub_tui.ui.widgets.segment import Segment
from tikhub_tui.ui.widgets.user_message import UserMessage

__all__ = ["Transcript", "UserMessage"]


class Transcript(MessageSelection, VerticalScroll, can_focus=True):
    """User messages and AnswerViews, newest at the bottom.

    Focused (Ctrl+Up from the prompt), Up and Down select a message; keys then edit and
    resend a prompt, branch the session from the message, or copy it.
    """

    DEFAULT_CSS = """
    Transcript { height: 1fr; scrollbar-gutter: stable; }
    Transcript AnswerView.-selected { outline-left: thick $accent; }
    Transcript .-found { background: $warning 20%; }
    Transcript Segment.-found, Transcript UserMessage.-found { outline-left: thick $warning; }
    """

    BINDINGS = SELECTION_BINDINGS
    EditAsked: TypeAlias = EditAsked
    SelectTextAsked: TypeAlias = SelectTextAsked
    FlipAsked: TypeAlias = FlipAsked
    BranchAsked: TypeAlias = BranchAsked
    CopyAsked: TypeAlias = CopyAsked
    Left: TypeAlias = Left

    @dataclass
    class FollowChanged(Message):
        """Following the bottom started or stopped (the screen shows or hides its hint)."""

        following: bool

    class NearTop(Message):
        """The view came near the top: time to load older messages, if there are any."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._check_pending = False
        self._following = True
        self._pin: tuple[Widget, int] | None = None
        self._pinned_scroll = 0.0
        self._reading = (0, "center")
        """The reading width in columns (0: none) and where the column sits."""
        self._hold = False
        """Skip starting renders once: a burst of text is still arriving."""
        self._rendering: Segment | None = None
        """The segment whose Markdown is being built: one at a time, so that a fast stream
        never queues renders of text that has long scrolled away."""
        self._found: tuple[Segment, str] | None = None
        """The segment a search hit was found in and what was found (case folded): its block
        is highlighted whenever the segment renders."""
        self._found_shown = False
        """The found block was brought into view once (later renders only highlight it)."""

    def on_mount(self) -> None:
        self.anchor()

    def set_reading_width(self, width: int, align: str = "center") -> None:
        """Keep the text within `width` columns (0: no limit), centred or on the left; the
        scroll bar stays at the terminal's edge."""
        self._reading = (width, align)
        self._fit_reading_width()

    def _fit_reading_width(self) -> None:
        width, align = self._reading
        whole = self.region.width - self.scrollbar_size_vertical  # padding included
        spare = max(0, whole - width) if width else 0
        left = spare // 2 if align == "center" else 0
        if self.styles.padding != Spacing(0, spare - left, 0, left):  # else no new layout
            self.styles.padding = (0, spare - left, 0, left)

    def toggle_reasoning(self, every: bool = False) -> bool:
        """Open or close the last answer's reasoning (`every`: all answers', opened unless all
        are open); False when no answer has any."""
        answers = [a for a in self.query(AnswerView) if a.reasoning]
        if not answers:
            return False
        if not every:
            answers[-1].toggle_reasoning()
            return True
        opened = not all(a.reasoning_open for a in answers)
        for answer in answers:
            answer.toggle_reasoning(opened)
        return True

    def as_text(self, start: Widget | None) -> tuple[list[tuple[str, str]], int | None]:
        """The loaded messages as (who, text), and the index of `start` among them."""
        widgets = self._messages()
        messages = [
            ("You", w.text) if isinstance(w, UserMessage) else (w.model or "answer", w.text)
            for w in widgets
        ]
        return messages, widgets.index(start) if start in widgets else None

    def show_found(self, widget: Widget, needle: str = "") -> None:
        """Highlight what a search hit found and bring it into view: the prompt, or the part
        of the answer holding `needle` (its segment, then the block once it is rendered)."""
        if not widget.is_attached:
            return
        if isinstance(widget, AnswerView) and not widget.loaded:
            self.call_after_refresh(self.show_found, widget, needle)  # its text comes on mount
            return
        for old in self.query(".-found"):
            old.remove_class("-found")
        target = widget
        if isinstance(widget, UserMessage):
            widget.toggle_fold(False)  # the match may be in the folded part
        if isinstance(widget, AnswerView) and needle:
            wanted = needle.casefold()
            segments = widget.segments()
            target = next((s for s in segments if wanted in s.source.casefold()), widget)
        target.add_class("-found")
        self._found = (target, needle.casefold()) if isinstance(target, Segment) else None
        self._found_shown = False
        # read where it is: new text or layouts must not take the view back to the end
        self.anchor(False)
        self._set_following(False)
        if isinstance(target, Segment) and target.is_rendered:
            self._find_block(scroll=True)
        # on screen, the segment is rendered (if it is not yet) and its block looked for then
        self.call_after_refresh(self.scroll_to_center, target, animate=False)

    def _find_block(self, *, scroll: bool) -> None:
        """Highlight the block of the found segment that holds the match (again after the
        segment gave its widgets back and rendered anew)."""
        if self._found is None:
            return
        segment, wanted = self._found
        for block in segment.query(MarkdownBlock):
            text = getattr(block, "code", None) or str(getattr(block, "_content", ""))
            if wanted in text.casefold():
                segment.remove_class("-found")
                block.add_class("-found")
                if scroll:
                    self._found_shown = True
                    self.call_after_refresh(self.scroll_to_center, block, animate=False)
                return

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
        if not self._following and new < self.size.height:
            self.post_message(self.NearTop())

    def on_resize(self) -> None:
        self._fit_reading_width()
        self.request_check()

    def on_answer_view_changed(self, event: AnswerView.Changed) -> None:
        if event.burst:
            self._hold = True
        self.request_check()

    def on_segment_rendered(self, event: Segment.Rendered) -> None:
        if event.segment is self._rendering:
            self._rendering = None
        if self._found is not None and event.segment is self._found[0]:
            self._find_block(scroll=not self._found_shown)
        self.request_check()

    def request_check(self) -> None:
        """Re-check (after the next refresh) which segments need real Markdown."""
        if not self._check_pending:
            self._check_pending = True
            self.call_after_refresh(self._check)

    def _set_following(self, following: bool) -> None:
        if following != self._following:
            self._following = following
            self.post_message(self.FollowChanged(following))

    def _check(self) -> None:
        """Give real Markdown to the segments near the view and take it from far ones."""
        self._check_pending = False
        if not self.size.height:
            return
        if self._rendering is not None and not self._rendering.is_attached:
            self._rendering = None
        wanted = self._check_from_bottom() if self._following else self._check_by_region()
        if self._hold:
            self._hold = False
            self.set_timer(0.1, self.request_check)  # render once the burst has passed
            return
        if wanted and self._rendering is None:
            self._rendering = wanted[0]
            self._rendering.render_markdown()
            for segment in wanted[1:]:  # one widget each: all near the view in one go
                if segment.CHEAP:
                    segment.render_markdown()

    def _check_from_bottom(self) -> list[Segment]:
        """While following, the view is the bottom of the content: measure from there with
        the sizes of the last layout (asking the compositor where each segment is would lay
        out the whole transcript, 30 times a second)."""
        height = self.size.height
        near, far = height, 2 * height
        wanted: list[Segment] = []
        below = 0  # rows between the bottom of the content and the bottom of `child`
        for child in reversed(self.children):
            if not isinstance(child, AnswerView):
                below += child.outer_size.height + 1
                continue
            segments = child.segments()
            below += max(0, child.outer_size.height - sum(s.outer_size.height for s in segments))
            for segment in reversed(segments):
                if below < near:
                    if not segment.is_rendered:
                        wanted.append(segment)  # the newest first
                elif below > far and segment.is_rendered:
                    segment.release_markdown()
                below += segment.outer_size.height
        return wanted

    def _check_by_region(self) -> list[Segment]:
        """When the user has scrolled away: what is on screen first, then what is near."""
        view = self.region
        kept = self._keep_reading_position()
        near_top, near_bottom = view.y - view.height, view.bottom + view.height
        far_top, far_bottom = view.y - 4 * view.height, view.bottom + 4 * view.height
        unplaced = False
        wanted: list[tuple[int, Segment]] = []
        for segment in self.segments():
            region = segment.region
            if not region:
                unplaced = True  # mounted but not laid out yet: look again after a refresh
                continue
            if region.bottom >= near_top and region.y <= near_bottom:
                if not segment.is_rendered:
                    on_screen = region.bottom > view.y and region.y < view.bottom
                    wanted.append(((0 if on_screen else 1) * 10**9 + region.y, segment))
            elif segment.is_rendered and (region.bottom < far_top or region.y > far_bottom):
                segment.release_markdown()
        if not kept:  # after a shift, the screen positions are those before it
            self._pin_top_child(view.y)
        if unplaced:
            self.request_check()
        return [segment for _, segment in sorted(wanted, key=lambda item: item[0])]

    def segments(self) -> list[Segment]:
        """Every answer segment, top to bottom (no DOM query: answers keep their list)."""
        found: list[Segment] = []
        for child in self.children:
            if isinstance(child, AnswerView):
                found.extend(child.segments())
        return found

    def _keep_reading_position(self) -> bool:
        """If content above the view changed height (and the user did not scroll), undo the
        shift so that the message at the top of the view stays put; True when it scrolled.

        Positions are measured in the content (not on screen): right after a scroll the
        screen positions are those of the last layout, and comparing them with the new
        scroll offset would undo the scroll, then redo it, forever.
        """
        if self._following or self._pin is None or self.scroll_y != self._pinned_scroll:
            return False
        widget, pinned_y = self._pin
        if not widget.is_attached:
            return False
        shift = self._content_y(widget) - pinned_y
        if shift:
            self.scroll_to(
                y=self.scroll_y + shift, animate=False, immediate=True, release_anchor=False
            )
            self._pin = (widget, pinned_y + shift)
            self._pinned_scroll = self.scroll_y
        return bool(shift)

    def _content_y(self, widget: Widget) -> int:
        """Where `widget` starts in the transcript's content, wherever the view is."""
        y = 0
        node: DOMNode | None = widget
        while isinstance(node, Widget) and node is not self:
            y += node.virtual_region.y
            node = node.parent
        return y

    def _pin_top_child(self, top: int) -> None:
        """Remember the message (or answer segment) at the top of the view and its offset."""
        for child in self.children:
            region = child.region
            if region and region.bottom > top:
                target: Widget = child
                if isinstance(child, AnswerView):
                    for segment in child.segments():
                        if segment.region and segment.region.bottom > top:
                            target = segment
                            break
                self._pin = (target, self._content_y(target))
                break
        self._pinned_scroll = self.scroll_y
