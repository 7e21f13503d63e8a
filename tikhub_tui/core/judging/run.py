"""A judgement in flight: the judge's brief, built from a race's answers, streamed like any answer.

The judge is one more model answering one more prompt, so it goes through the core `Exchange`:
its stream, tokens, time to first token and ending are counted by the same tally as a race
pane's. What the race adds is kept here: which pane each "Answer N" was, the mode, and the row
that saves the judgement with the race (never in the race's session, whose branches are the
race's own answers).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from tikhub_tui.core.errors import ApiError
from tikhub_tui.core.exchange import Exchange, Prompt
from tikhub_tui.core.judging.blind import NameMask
from tikhub_tui.core.judging.judge import (
    SYSTEM,
    JudgeBrief,
    JudgeMode,
    Verdict,
    judge_brief,
    read_verdict,
)
from tikhub_tui.core.store.judgements import Judgement

if TYPE_CHECKING:
    from tikhub_tui.core.catalogue import ModelInfo
    from tikhub_tui.core.client import ChatClient
    from tikhub_tui.core.store import Store
    from tikhub_tui.core.tally import Phase


class JudgeRun:
    """One judgement of one race round: build it (any thread), `stream` it (one worker
    thread), then `save` it (a worker thread). Raises ValueError with fewer than two answers."""

    def __init__(
        self,
        prompt: str,
        answers: Mapping[int, str],
        mode: JudgeMode,
        model: str,
        provider: str,
        mask: NameMask,
        *,
        race_id: int | None = None,
        round_: int = 1,
        info: ModelInfo | None = None,
        max_tokens: int | None = None,
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.brief: JudgeBrief = judge_brief(prompt, answers, mode, mask, rng)
        self.race_id = race_id
        self.round = round_
        self.judgement_id: int | None = None
        self._clock = clock
        self._saving = threading.Lock()
        [message] = self.brief.conversation.messages
        self.exchange = Exchange(
            Prompt(message.text),
            [],
            model,
            provider,
            system=SYSTEM,
            store=None,  # saved with the race by `save`, not as a session
            max_tokens=max_tokens,
            info=info,
            clock=clock,
        )

    @property
    def mode(self) -> JudgeMode:
        return self.brief.mode

    @property
    def text(self) -> str:
        return self.exchange.text

    def stream(
        self,
        client: ChatClient,
        deliver: Callable[[str, str], None],
        on_phase: Callable[[Phase], None] | None = None,
    ) -> None:
        """Ask the judge and stream its reply into `deliver(text, reasoning)`, in this
        (worker) thread; ends quietly whatever happens (the tally has the ending)."""
        try:
            self.exchange.open(client)
        except ApiError as error:
            self.exchange.fail(error)
        else:
            self.exchange.run(deliver, on_phase)
        self.exchange.finish()

    def cancel(self) -> None:
        """Stop the judge from any thread."""
        self.exchange.cancel()

    def verdict(self) -> Verdict | None:
        """The panes a score named best and worst (None for other modes, or no verdict)."""
        return read_verdict(self.exchange.text, self.brief)

    def judgement(self) -> Judgement:
        """What is saved: the reply, its figures, and which pane each answer was."""
        exchange, tally = self.exchange, self.exchange.tally
        return Judgement(
            mode=self.brief.mode,
            model=exchange.model,
            provider=exchange.provider,
            order=self.brief.order,
            round=self.round,
            text=exchange.text,
            reasoning=exchange.reasoning,
            status=tally.status,
            finish_reason=tally.finish_reason,
            error=tally.error_message,
            usage=tally.usage,
            ttft=tally.ttft,
            duration=tally.duration(self._clock()),
        )

    def save(self, store: Store) -> int | None:
        """Save the judgement with its race, once (blocking, any thread; a race that was never
        saved keeps nothing); raises StoreError."""
        with self._saving:
            if self.race_id is not None and self.judgement_id is None:
                self.judgement_id = store.save_judgement(self.race_id, self.judgement())
        return self.judgement_id
