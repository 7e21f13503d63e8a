"""The judge on screen: choose a model and what it writes, then its reply streams in a pane of
its own, with its figures like any answer's; a score's verdict can be adopted as the vote.

The judge is sent the answers anonymised and shuffled (core.judging.run); the legend says which
pane each "Answer N" was, by label while the race is blind. The reply is saved with the race
by the race screen once it ends.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, OptionList
from textual.widgets.option_list import Option

from tikhub_tui.core.judging.judge import MODES, JudgeMode
from tikhub_tui.core.store.text import display_safe
from tikhub_tui.ui.format import meta_line
from tikhub_tui.ui.screens.judging.blind import BlindSink
from tikhub_tui.ui.streaming import StreamController
from tikhub_tui.ui.widgets.answer import AnswerView
from tikhub_tui.ui.widgets.transcript import Transcript

if TYPE_CHECKING:
    from tikhub_tui.core.client import ChatClient
    from tikhub_tui.core.judging.blind import NameMask
    from tikhub_tui.core.judging.run import JudgeRun

MODE_KEYS: dict[str, JudgeMode] = {"s": "score", "f": "fuse", "d": "differences"}


@dataclass(frozen=True, slots=True)
class JudgeChoice:
    """The judge the user chose: what it writes, and which model."""

    mode: JudgeMode
    provider: str
    model: str


def mode_of(text: str) -> JudgeMode:
    """A remembered mode, or score when it is not one."""
    return next((mode for mode in MODES if mode == text), "score")


class JudgeDialog(ModalScreen[JudgeChoice | None]):
    """Pick the judge's model (Enter) and what it writes (s, f, d); Esc cancels."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="judge-cancel"),
        Binding("s", "mode('score')", "Score", id="judge-score"),
        Binding("f", "mode('fuse')", "Fuse", id="judge-fuse"),
        Binding("d", "mode('differences')", "Differences", id="judge-differences"),
    ]
    DEFAULT_CSS = """
    JudgeDialog { align: center middle; }
    JudgeDialog > Vertical { width: 72; max-width: 100%; height: auto; max-height: 90%;
        background: $panel; border: round $accent; padding: 0 1; }
    JudgeDialog #judge-title { text-style: bold; color: $text-accent; margin: 1 0 0 0; }
    JudgeDialog #judge-mode { margin: 1 0; }
    JudgeDialog OptionList { height: auto; max-height: 16; }
    """

    def __init__(self, models: Mapping[str, list[str]], choice: JudgeChoice) -> None:
        super().__init__()
        self._models = [(p, m) for p, names in models.items() for m in names]
        if (choice.provider, choice.model) not in self._models and choice.model:
            self._models.insert(0, (choice.provider, choice.model))
        self.mode: JudgeMode = choice.mode
        self._start = next(
            (i for i, pm in enumerate(self._models) if pm == (choice.provider, choice.model)), 0
        )

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Judge the answers: which model reads them?", id="judge-title")
            yield Label("", id="judge-mode", markup=False)
            yield OptionList(
                *(Option(f"{display_safe(m)} · {p}", id=str(i))
                  for i, (p, m) in enumerate(self._models))
            )  # fmt: skip
        yield Footer()

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = self._start
        options.focus()
        self._say()

    def _say(self) -> None:
        marks = "  ".join(
            f"[{key}] {'●' if mode == self.mode else '○'} {mode}" for key, mode in MODE_KEYS.items()
        )
        self.query_one("#judge-mode", Label).update(f"{marks}\n{MODES[self.mode]}")

    def action_mode(self, mode: str) -> None:
        self.mode = mode_of(mode)
        self._say()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        provider, model = self._models[int(event.option.id or 0)]
        self.dismiss(JudgeChoice(self.mode, provider, model))

    def action_cancel(self) -> None:
        self.dismiss(None)


class JudgeThread(Transcript, can_focus=False, inherit_bindings=False):
    """The judge's reply: a transcript of one answer (it renders what is in view, follows the
    newest text), its keys left to the judge screen."""


ADOPT = Binding("a,enter", "adopt", "Adopt the verdict", id="judge-adopt", priority=True)
"""Offered (in the footer) only once the reply has a verdict; without one its keys say why."""


class JudgeScreen(ModalScreen[None]):
    """The judge's reply streaming in its own pane; Esc stops it (or closes once it ended),
    a (or Enter) adopts a score's verdict as the vote (`adopt` decides what that means)."""

    BINDINGS = [Binding("escape", "close", "Stop / close", id="judge-close"), ADOPT]
    DEFAULT_CSS = """
    JudgeScreen { align: center middle; }
    JudgeScreen > Vertical { width: 96%; height: 90%; background: $surface;
        border: round $accent; border-title-color: $text; padding: 0 1; }
    JudgeScreen #judge-legend { color: $text-muted; height: auto; }
    JudgeScreen JudgeThread { height: 1fr; }
    JudgeScreen AnswerView > #meta { color: $text-muted; }
    """

    def __init__(
        self,
        run: JudgeRun,
        client: Callable[[], ChatClient],
        legend: str,
        *,
        on_end: Callable[[JudgeRun], object],
        adopt: Callable[[JudgeRun], object] | None = None,
        timings: bool = True,
        mask: NameMask | None = None,
    ) -> None:
        super().__init__()
        self.run = run
        self.legend = legend
        self.controller = StreamController(self, client)
        self._on_end = on_end
        self._adopt = adopt
        self._timings = timings
        self.answer = AnswerView(run.exchange.model, run.exchange.provider)
        self._sink = BlindSink(self.answer, mask) if mask is not None else None
        """While the race is blind, the judge's reply too is shown masked (it may guess)."""
        self.ended = False

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            mode = self.run.mode
            box.border_title = f"Judge · {mode}: {MODES[mode]} · {self.run.exchange.model}"
            yield Label(display_safe(self.legend), id="judge-legend", markup=False)
            yield JudgeThread()
        yield Footer()

    async def on_mount(self) -> None:
        thread = self.query_one(JudgeThread)
        await thread.mount(self.answer)
        thread.follow()
        self.answer.set_state("streaming")
        self.answer.set_meta(f"{self.run.exchange.model} · waiting for the first token…")
        try:
            self.controller.start(self.run.exchange, self._sink or self.answer)
        except Exception as error:  # a request that cannot be made (a bad base URL)
            self.answer.show_error(str(error), "check the base URL in Settings (F2)")
            self.ended = True

    def on_stream_controller_started(self, event: StreamController.Started) -> None:
        self.answer.set_meta(f"{self.run.exchange.model} · streaming…")

    async def on_stream_controller_ended(self, event: StreamController.Ended) -> None:
        await self.controller.finished(event.live)
        if self._sink is not None:
            await self._sink.flush()
        self.ended = True
        tally = self.run.exchange.tally
        self.answer.seal()
        self.answer.set_state("stopped" if tally.status == "stopped" else "complete")
        if tally.error is not None:
            self.answer.show_failure(tally.error)
        self.answer.set_meta(meta_line(self.run.exchange, time.monotonic(), timings=self._timings))
        self._on_end(self.run)
        self.refresh_bindings()
        if self._can_adopt():
            self.notify("a (or Enter) adopts the judge's verdict as your vote.", timeout=6)

    def _can_adopt(self) -> bool:
        return self.ended and self._adopt is not None and self.run.verdict() is not None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "adopt":  # offered only with a verdict; else its keys say why (on_key)
            return self._can_adopt()
        return True

    def on_key(self, event: events.Key) -> None:
        from tikhub_tui.ui.keymap import effective_keys

        if event.key in effective_keys(self.app, ADOPT).split(","):
            event.stop()
            self._no_verdict()

    def _no_verdict(self) -> None:
        if not self.ended:
            why = "The judge is still writing: its verdict can be adopted once it ends."
        elif self._adopt is None or self.run.mode != "score":
            why = "There is no verdict to adopt: only a score (s in the dialog) ends with one."
        else:
            why = "The judge's reply ends without a verdict line: there is nothing to adopt."
        self.notify(why, timeout=4)

    def action_close(self) -> None:
        if not self.ended:
            self.controller.cancel()
            return
        self.dismiss()

    def action_adopt(self) -> None:
        if not self._can_adopt() or self._adopt is None:
            self._no_verdict()
            return
        self._adopt(self.run)
        self.dismiss()

