"""One pane of a race: its model and settings in the border, live figures, its own thread.

The thread is a transcript of its own (each round's prompt and this model's answer), so each
pane follows its newest text, renders only what is near its view and scrolls on its own. The
figures are redrawn by the race screen a few times a second from the pane's exchange. State
shows on the pane's border (an inline style) and small children, never as a CSS class on the
pane: a class there would restyle every Markdown block of its answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.events import Click
from textual.message import Message
from textual.widgets import Static

from tikhub_tui.core.model import Attachment
from tikhub_tui.core.race.board import PaneNumbers, Status, cost_text, rate
from tikhub_tui.core.race.safe import shown
from tikhub_tui.ui.widgets.answer import AnswerView
from tikhub_tui.ui.widgets.transcript import Transcript, UserMessage

GLYPHS: dict[Status, str] = {
    "queued": "◌",
    "waiting": "…",
    "thinking": "◐",
    "streaming": "●",
    "done": "✓",
    "stopped": "■",
    "cut": "✂",
    "error": "✗",
}
"""One character per status, for the tabs and the figures."""
RETRYING = "↻"
"""A pane waiting to try again (the server asked it to wait)."""


def _s(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}s"


def figure_chips(figures: PaneNumbers, *, timings: bool = True, notice: str = "") -> list[str]:
    """A pane's figures as short chips, in reading order: status, elapsed, cost; a retry
    notice; the seconds to the first byte, thinking and answer token; tokens per second of the
    answer and of the thinking; tokens out (`~` estimates) and thinking tokens. `timings=False`
    leaves out what the clock decides (for snapshots)."""
    words = figures.ending_words if figures.ending not in (None, "done") else figures.status
    retrying = bool(notice) and figures.status in ("queued", "waiting")
    chips = [f"{RETRYING} retrying" if retrying else f"{GLYPHS[figures.status]} {words}"]
    if figures.retried:  # its times run from the retry: it takes no speed badge
        chips.append("retried")
    if timings and figures.status != "queued":
        chips.append(f"{figures.elapsed:.1f} s")
    if figures.cost is not None:
        chips.append(cost_text(figures))
    if retrying:
        chips.append(shown(notice, lines=False))
    if timings:
        chips.append(f"byte {_s(figures.first_byte)}")
        if figures.to_reasoning is not None or figures.ending is None:  # none came: no chip
            chips.append(f"think {_s(figures.to_reasoning)}")
        chips.append(f"text {_s(figures.to_answer)}")
        chips.append(f"{rate(figures.answer_rate, figures.answer_rate_estimated)} tok/s")
        if figures.reasoning_rate is not None:
            thinking = rate(figures.reasoning_rate, figures.reasoning_rate_estimated)
            chips.append(f"thinking {thinking} tok/s")
    if figures.output.value or figures.ending is None:
        chips.append(f"{figures.output} out")
    if figures.reasoning.value:
        chips.append(f"{figures.reasoning} thinking")
    return chips


def pack(chips: list[str], width: int) -> str:
    """Chips joined by ` · ` into lines of at most `width` cells, never splitting a chip (a
    chip wider than a line gets a line of its own and wraps there)."""
    lines: list[str] = []
    for chip in chips:
        if lines and len(lines[-1]) + 3 + len(chip) <= width:
            lines[-1] += " · " + chip
        else:
            lines.append(chip)
    return "\n".join(lines)


class PaneTranscript(Transcript, can_focus=False, inherit_bindings=False):
    """A pane's thread: scrolled by the race screen's keys (the prompt keeps the focus) or the
    mouse. It says when the user scrolled it (never when it moved by itself: following new
    text, keeping the reading position), so the others can follow in scroll-together mode."""

    @dataclass
    class Scrolled(Message):
        """The user scrolled the thread to `share` of the way down (0 top, 1 bottom)."""

        transcript: PaneTranscript
        share: float

    def _report(self) -> None:
        if self.max_scroll_y:
            self.post_message(self.Scrolled(self, self.scroll_y / self.max_scroll_y))

    def on_mouse_scroll_down(self) -> None:
        self.call_after_refresh(self._report)

    def on_mouse_scroll_up(self) -> None:
        self.call_after_refresh(self._report)

    def page(self, down: bool) -> None:
        """A page up or down, as the user asked."""
        if down:
            self.scroll_page_down(animate=False, on_complete=self._report)
        else:
            self.scroll_page_up(animate=False, on_complete=self._report)

    def scroll_to_share(self, share: float) -> None:
        """Follow another thread: the same share of the way down (by position in the answer,
        whatever its length)."""
        target = round(share * self.max_scroll_y)
        if target != round(self.scroll_y):
            self.scroll_to(y=target, animate=False, immediate=True)


class RacePane(Vertical):
    """One model of a race; see the module docstring."""

    DEFAULT_CSS = """
    RacePane { height: 1fr; width: 1fr; border: round $border-blurred; padding: 0;
        border-title-color: $text; border-subtitle-color: $text-success; }
    RacePane > #figures { height: auto; padding: 0 1; color: $text-muted; }
    RacePane > PaneTranscript { height: 1fr; scrollbar-size-vertical: 1; }
    RacePane UserMessage { max-height: 4; margin: 1 1 1 0; }
    RacePane AnswerView > #meta { display: none; }
    """

    @dataclass
    class Chosen(Message):
        """The pane was clicked: it becomes the one the keys act on."""

        pane: RacePane

    def __init__(self, index: int, label: str, model: str, provider: str, settings: str) -> None:
        super().__init__()
        self.index = index
        self.label = label
        self.model = model
        self.provider = provider
        self.settings = settings
        self.answer: AnswerView | None = None
        """The answer of this round (the latest try)."""
        self.status: Status = "queued"
        self._current = False
        self.hidden = False
        """A blind race before the vote: the model, provider, figures and badges not shown."""
        self._chips: list[str] = []
        """The figures last shown, packed again when the width changes."""
        self._packed = "ready"
        self._badges = ""

    def compose(self) -> ComposeResult:
        yield Static("", id="figures", markup=False)
        yield PaneTranscript(id="thread")

    def on_mount(self) -> None:
        self._title()
        self.query_one("#figures", Static).update("ready")
        self._paint()

    def _title(self) -> None:
        title = f"{self.label} · {shown(self.model, lines=False)} · {self.provider}"
        if self.settings:
            title += f" · {self.settings}"
        self.border_title = Content(f"{self.label} · ▒▒▒▒▒ · blind" if self.hidden else title)

    def name_shown(self) -> None:
        """The vote is in: the model, its settings and figures are shown from now on."""
        self.hidden = False
        self._title()

    @property
    def thread(self) -> PaneTranscript:
        return self.query_one(PaneTranscript)

    async def new_answer(
        self, prompt: str | None, files: Sequence[Attachment] = ()
    ) -> AnswerView:
        """Mount the round's prompt (when given, with its files) and an empty answer."""
        thread = self.thread
        if prompt is not None:
            await thread.mount(UserMessage(shown(prompt), attachments=files, images=False))
        self.answer = AnswerView(self.model, self.provider, compact=True)
        await thread.mount(self.answer)
        thread.follow()
        self.answer.set_state("streaming")
        return self.answer

    async def replace_answer(self) -> AnswerView:
        """A retry: the old answer leaves the pane (it stays in the session as a branch)."""
        if self.answer is not None:
            await self.answer.remove()
        return await self.new_answer(None)

    def show_figures(
        self, figures: PaneNumbers, *, timings: bool, notice: str = "", badges: str = ""
    ) -> None:
        self._chips = figure_chips(figures, timings=timings, notice=notice)
        if self.hidden:  # times, tokens and cost would tell the models apart
            self._chips, badges = self._chips[:1], ""
        self._pack()
        if badges != self._badges:  # setting a border title repaints the whole pane, text too
            self._badges = badges
            self.border_subtitle = Content(badges) if badges else None
        if figures.status != self.status:
            self.status = figures.status
            self._paint()

    def _pack(self) -> None:
        if not self._chips or not self.is_attached:  # (a board rebuilt: this pane is gone)
            return
        box = self.query_one("#figures", Static)
        text = pack(self._chips, max(20, box.content_size.width or self.size.width - 4))
        if text != self._packed:  # as many lines as before: no layout (4 times a second x 6)
            lines_changed = text.count("\n") != self._packed.count("\n")
            self._packed = text
            box.update(text, layout=lines_changed)

    def on_resize(self) -> None:
        """Pack the figures again for the new width (a tab's pane gets its width when shown)."""
        self.call_after_refresh(self._pack)

    def show_failure(self, message: str, hint: str) -> None:
        if self.answer is not None:
            self.answer.show_error(shown(message), shown(hint))

    def set_current(self, current: bool) -> None:
        """Mark the pane the keys act on."""
        if current != self._current:
            self._current = current
            self._paint()

    def _paint(self) -> None:
        variables = self.app.theme_variables
        name = "border-blurred"
        if self.status == "error":
            name = "error"
        if self._current:
            name = "accent"
        color = variables.get(name) or variables.get("primary") or "ansi_blue"
        self.styles.border = ("round", color)
        self.styles.border_title_style = "bold" if self._current else "none"

    def on_click(self, event: Click) -> None:
        self.post_message(self.Chosen(self))
