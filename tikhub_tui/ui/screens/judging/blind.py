"""A blind race on screen: answers shown a whole line at a time with naming lines hidden, and
the names revealed in place after the vote.

The race's panes are seated in a random order before it starts, so a pane's label says
nothing about its model. Each answer streams through a `BlindSink`, which lets only whole,
masked lines reach the answer view; the original text stays in the exchange, and `reveal`
swaps every masked answer for the original where it stands.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from textual.widget import Widget

from tikhub_tui.core.judging.blind import HIDDEN, BlindStream, NameMask
from tikhub_tui.ui.widgets.answer import AnswerView

if TYPE_CHECKING:
    from tikhub_tui.core.exchange import Exchange

T = TypeVar("T")
HIDDEN_NAME = "▒▒▒▒▒"
"""Where a model's name would be while the race is blind."""


def seat(items: Sequence[T], rng: random.Random | None = None) -> list[T]:
    """The items in a random order: a blind race's panes, whatever order they were picked in."""
    seated = list(items)
    (rng or random.SystemRandom()).shuffle(seated)
    return seated


class BlindSink:
    """An answer view that is shown only whole lines, each masked if it names a model."""

    def __init__(self, answer: AnswerView, mask: NameMask) -> None:
        self.answer = answer
        self._text = BlindStream(mask)
        self._reasoning = BlindStream(mask)

    async def append_text(self, text: str) -> None:
        shown = self._text.feed(text)
        if shown:
            await self.answer.append_text(shown)

    def append_reasoning(self, text: str) -> None:
        shown = self._reasoning.feed(text)
        if shown:
            self.answer.append_reasoning(shown)

    async def flush(self) -> None:
        """The stream ended: its last, unfinished line too (masked)."""
        reasoning, text = self._reasoning.end(), self._text.end()
        if reasoning:
            self.answer.append_reasoning(reasoning)
        if text:
            await self.answer.append_text(text)


@dataclass(eq=False)
class _Shown:
    sink: BlindSink
    exchange: Exchange
    error: tuple[str, str] | None = None


@dataclass(eq=False)
class Blindfold:
    """One blind race: its answers as shown, and whether the names are out yet."""

    mask: NameMask
    revealed: bool = False
    _shown: list[_Shown] = field(default_factory=list)

    def sink(self, answer: AnswerView, exchange: Exchange) -> BlindSink:
        """The sink a pane's answer streams into while blind."""
        sink = BlindSink(answer, self.mask)
        self._shown.append(_Shown(sink, exchange))
        return sink

    def sink_of(self, answer: AnswerView | None) -> BlindSink | None:
        return next((s.sink for s in self._shown if s.sink.answer is answer), None)

    def hide(self, text: str) -> str:
        """Any text about a pane (an error, a notice) as it may be shown while blind."""
        return text if self.revealed else self.mask.mask(text, HIDDEN).text

    def failed(self, answer: AnswerView | None, message: str, hint: str) -> tuple[str, str]:
        """A pane's error as shown while blind; the original is shown after the reveal."""
        for shown in self._shown:
            if shown.sink.answer is answer:
                shown.error = (message, hint)
        return self.hide(message), self.hide(hint)

    async def reveal(self) -> list[tuple[AnswerView, AnswerView]]:
        """Show the names: every masked answer is replaced, where it stands, by the answer
        as it arrived. Returns (old, new) for the caller's own references."""
        self.revealed = True
        swapped: list[tuple[AnswerView, AnswerView]] = []
        for shown in self._shown:
            old = shown.sink.answer
            if not old.is_attached:
                continue
            exchange = shown.exchange
            new = AnswerView(
                exchange.model,
                exchange.provider,
                exchange.text,
                reasoning=exchange.reasoning,
                compact=old.compact,
            )
            parent = old.parent
            if not isinstance(parent, Widget):
                continue
            await parent.mount(new, after=old)
            new.seal()
            new.set_state(old.state)
            if shown.error is not None:
                new.show_error(*shown.error)
            await old.remove()
            swapped.append((old, new))
        self._shown.clear()
        return swapped


def blind_mask(models: Iterable[str]) -> NameMask:
    """The mask of a blind race: every model the catalogue and the user's lists know."""
    return NameMask(models)
