"""A race in flight: its panes' threads, each round's exchanges, and the session it is saved in.

Every pane's answer is one core `Exchange`, exactly as a chat answer is, so the stream, the
metrics and the saved row are computed in one place. The race adds the shape of the session:
the first prompt is stored once and every pane answers it (siblings in the message tree);
each follow-up is stored once per pane, under that pane's own last answer, so each model is
sent only its own thread. Store work is blocking: `record`, `save_times` and `choose_winner`
run on a worker thread, one at a time per race.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tikhub_tui.core.exchange import Exchange, Prompt
from tikhub_tui.core.model import Attachment, Conversation, Message
from tikhub_tui.core.race.board import numbers
from tikhub_tui.core.race.panes import LABELS, PaneSpec, check_count
from tikhub_tui.core.store.races import RacePaneRecord, RaceTimes, Rule

if TYPE_CHECKING:
    from tikhub_tui.core.catalogue import Catalogue
    from tikhub_tui.core.store import Store
    from tikhub_tui.core.store.shared import SharedStore

RACE_TITLE = "Race: "
"""What a race session's title starts with (then its first prompt)."""


@dataclass(eq=False)
class Lane:
    """One pane's thread through the race."""

    index: int
    label: str
    spec: PaneSpec
    turns: list[Message] = field(default_factory=list)
    """What this pane's model was told and answered in the rounds before this one."""
    exchange: Exchange | None = None
    """This round's answer (the latest try, after a retry)."""
    retried: bool = False
    """This round's answer is a retry: its figures run from the retry, on a warm connection,
    so it takes no badge for speed (core.race.board.badges)."""
    prompt_id: int | None = None
    """This round's prompt as stored (the same row for every lane in the first round)."""
    answer_id: int | None = None
    parent_id: int | None = None
    """Where this lane's next prompt is stored: under its last answer."""


class Race:
    """The panes of a race and their rounds; see the module docstring."""

    def __init__(
        self,
        panes: Sequence[PaneSpec],
        *,
        store: SharedStore | None,
        system: str = "",
        max_tokens: int | None = None,
        catalogue: Catalogue | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        check_count(panes)
        self.lanes = [Lane(i, LABELS[i], spec) for i, spec in enumerate(panes)]
        self.system = system
        """The system prompt of panes without their own (the session's)."""
        self.max_tokens = max_tokens
        self.catalogue = catalogue
        self.session_id: str | None = None
        self.race_id: int | None = None
        self.round = 0
        self.prompt = ""
        """This round's prompt."""
        self.attachments: tuple[Attachment, ...] = ()
        """This round's files, sent to every pane in its own protocol's shape."""
        self.rule: Rule = "threads"
        self.winner: int | None = None
        self.problem = ""
        """Why the race is not (all) saved, in words; "" while all is well."""
        self.first_prompt = ""
        """The first round's prompt (the session's title comes from it)."""
        self.masked_title: str | None = None
        """What a blind race's session is titled from until the vote (its prompt with naming
        lines hidden); None: the first prompt."""
        self._store = store
        self._clock = clock
        self._lock = threading.Lock()

    @property
    def exchanges(self) -> list[Exchange]:
        return [lane.exchange for lane in self.lanes if lane.exchange is not None]

    def system_of(self, lane: Lane) -> str:
        return self.system if lane.spec.system is None else lane.spec.system

    def _exchange(self, lane: Lane, prompt: Prompt) -> Exchange:
        spec = self.lanes[lane.index].spec
        return Exchange(
            prompt,
            lane.turns,
            spec.model,
            spec.provider,
            system=self.system_of(lane),
            session_id=self.session_id,
            store=self._store,
            max_tokens=self.max_tokens,
            info=self.catalogue.info(spec.model) if self.catalogue else None,
            reasoning=spec.reasoning,
            placed=True,
            clock=self._clock,
        )

    def _thread(self, lane: Lane) -> list[Message]:
        """What the pane's model is sent before the next prompt: its turns and this round's."""
        if lane.exchange is None:
            return lane.turns
        asked = Message("user", self.prompt, self.attachments)
        return [*lane.turns, asked, Message("assistant", lane.exchange.text)]

    def next_conversations(
        self, text: str, attachments: tuple[Attachment, ...] = ()
    ) -> list[Conversation]:
        """What each pane would be sent for the next round (to check it before it starts)."""
        return [
            Conversation.from_history(
                [*self._thread(lane), Message("user", text, attachments)],
                self.system_of(lane) or None,
            )
            for lane in self.lanes
        ]

    def start_round(self, text: str, attachments: tuple[Attachment, ...] = ()) -> list[Exchange]:
        """The exchanges of the next round, one per pane: the prompt (and its files) after the
        pane's own thread (its earlier prompts and its own answers, never another pane's).
        Check the files first (`core.race.attach.fit_round`); call `record` with the
        exchanges (on a worker thread) while they stream."""
        for lane in self.lanes:
            lane.turns = self._thread(lane)
        self.round += 1
        self.prompt, self.attachments = text, attachments
        self.first_prompt = self.first_prompt or text
        for lane in self.lanes:
            lane.exchange = self._exchange(lane, Prompt(text, attachments=attachments))
            lane.retried = False
        return self.exchanges

    def retry(self, index: int) -> Exchange:
        """A new answer of one pane to this round's prompt, with the same history; the old
        answer stays in the session as a branch. Call `record_retry` with it."""
        lane = self.lanes[index]
        prompt = Prompt(self.prompt, saved_id=lane.prompt_id, attachments=self.attachments)
        lane.exchange = self._exchange(lane, prompt)
        lane.retried = True
        return lane.exchange

    # -- the store (blocking: call from a worker thread) -------------------------------------

    def record(self, exchanges: Sequence[Exchange]) -> None:
        """Store this round: the session and race at the first round, the prompt (once in the
        first round, once per pane after), and each answer's row, filled as it streams. A
        store failure leaves the answers unsaved (`problem` says why), never raises."""
        lanes = [lane for lane in self.lanes if lane.exchange in exchanges]
        with self._lock:
            if self._store is None:
                return
            try:
                store = self._store.get()
                self._begin(store)
                self._store_prompts(store, lanes)
            except Exception as error:  # StoreError; a session deleted meanwhile
                self._give_up(lanes, str(error) or type(error).__name__)
                return
            for lane in lanes:
                self._record_answer(store, lane)

    def record_retry(self, exchange: Exchange) -> None:
        """Store a retried pane's new answer under the round's prompt."""
        lane = next(lane for lane in self.lanes if lane.exchange is exchange)
        with self._lock:
            if self._store is None:
                return
            if self.session_id is None or lane.prompt_id is None:
                self._give_up([lane], self.problem or "the race's prompt is not saved")
                return
            try:
                store = self._store.get()
            except Exception as error:
                self._give_up([lane], str(error) or type(error).__name__)
                return
            self._record_answer(store, lane)

    def title(self, *, masked: bool = False) -> str:
        """The session's title: from the first prompt, or (`masked`, a blind race before its
        vote) from that prompt with its naming lines hidden."""
        from tikhub_tui.core.store.text import title_from_prompt

        prompt = self.first_prompt or self.prompt
        if masked and self.masked_title is not None:
            prompt = self.masked_title
        return RACE_TITLE + title_from_prompt(prompt, 54)

    def _begin(self, store: Store) -> None:
        if self.session_id is None:
            title = self.title(masked=True)
            self.session_id = store.create_session(title=title, system=self.system)
        if self.race_id is None:
            records = [
                RacePaneRecord(
                    lane.index,
                    lane.label,
                    lane.spec.model,
                    lane.spec.provider,
                    lane.spec.system,
                    str(lane.spec.reasoning or ""),
                )
                for lane in self.lanes
            ]
            self.race_id = store.create_race(self.session_id, records)

    def _store_prompts(self, store: Store, lanes: list[Lane]) -> None:
        assert self.session_id is not None
        files = self.attachments  # stored once each, however many prompts name them
        if self.round == 1:
            prompt_id = store.add_message(self.session_id, "user", self.prompt, attachments=files)
            for lane in lanes:
                lane.prompt_id = prompt_id
            return
        for lane in lanes:
            parent = lane.parent_id if lane.parent_id is not None else lane.prompt_id
            lane.prompt_id = store.add_message(
                self.session_id, "user", self.prompt, parent_id=parent, attachments=files
            )

    def _record_answer(self, store: Store, lane: Lane) -> None:
        exchange = lane.exchange
        assert exchange is not None and self.session_id is not None
        exchange.place(self.session_id, lane.prompt_id)
        exchange.record()
        lane.answer_id = exchange.answer_id
        lane.parent_id = exchange.answer_id if exchange.answer_id is not None else lane.prompt_id
        if exchange.answer_id is None or self.race_id is None:
            return
        try:
            store.set_race_answer(
                self.race_id, lane.index, self.round, lane.prompt_id, exchange.answer_id
            )
        except Exception as error:
            self.problem = self.problem or str(error) or type(error).__name__

    def _give_up(self, lanes: list[Lane], why: str) -> None:
        self.problem = self.problem or why
        for lane in lanes:
            if lane.exchange is not None:
                lane.exchange.unsaved(why)

    def save_times(self, exchange: Exchange) -> None:
        """Store the timings of a pane's answer that ended (its row has the rest)."""
        lane = next((lane for lane in self.lanes if lane.exchange is exchange), None)
        if lane is None or self._store is None or self.race_id is None:
            return
        figures = numbers(lane.label, exchange, self._clock())
        times = RaceTimes(
            figures.first_byte,
            figures.to_reasoning,
            figures.to_answer,
            figures.answer_rate,
            figures.reasoning_rate,
            figures.elapsed,
            figures.ending or "",
        )
        with self._lock:
            try:
                self._store.get().save_race_times(self.race_id, lane.index, self.round, times)
            except Exception as error:
                self.problem = self.problem or str(error) or type(error).__name__

    def choose_winner(self, index: int) -> str:
        """Make pane `index` the winner: its thread becomes the session's active path (the
        chat goes on from it), the other answers stay as branches. Returns the session id;
        raises StoreError (or NoSuchMessage when the answer was never saved)."""
        from tikhub_tui.core.store.records import NoSuchMessage

        lane = self.lanes[index]
        with self._lock:
            if self._store is None or self.race_id is None or lane.answer_id is None:
                raise NoSuchMessage(f"pane {lane.label}'s answer is not saved")
            self._store.get().choose_race_winner(self.race_id, index, lane.answer_id)
            self.rule, self.winner = "winner", index
            assert self.session_id is not None
            return self.session_id
