"""Judging on the race screen: blind mode, the vote and the differences, in one object the
race screen holds and calls at a few points (building the board, starting and ending a
stream, a round over), so the race's own code stays about the race.

Blind: the panes are seated in a random order when the board is built, each pane hides its
model, provider and figures, answers stream masked (a whole line at a time), and the session
is titled with the prompt masked. The vote (one key, in the vote bar that opens when a round
is over) is stored with the race, then the names are revealed in place. The judge is
`JudgeFlow`'s (judge_flow.py).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tikhub_tui.core.judging.votes import Vote
from tikhub_tui.core.race.safe import shown
from tikhub_tui.ui.screens.judging.blind import (
    HIDDEN_NAME,
    Blindfold,
    BlindSink,
    blind_mask,
    seat,
)
from tikhub_tui.ui.screens.judging.judge_flow import JudgeFlow
from tikhub_tui.ui.screens.judging.vote import VoteBar

if TYPE_CHECKING:
    from tikhub_tui.core.exchange import Exchange
    from tikhub_tui.core.race.panes import PaneSpec
    from tikhub_tui.core.race.race import Race
    from tikhub_tui.ui.screens.race.screen import RaceScreen
    from tikhub_tui.ui.streaming import AnswerSink, LiveStream
    from tikhub_tui.ui.widgets.answer import AnswerView
    from tikhub_tui.ui.widgets.race_pane import RacePane


class RaceJudging:
    """See the module docstring; one per race screen."""

    def __init__(self, screen: RaceScreen, *, blind: bool = False) -> None:
        self.screen = screen
        self.blind = blind
        """The next race (the board built next) runs blind (the setting, `race --blind`, F8)."""
        self.fold: Blindfold | None = None
        """The current board's blindness (None: names shown from the start)."""
        self.voted_round = 0
        self.asked_round = 0
        self.judge = JudgeFlow(self)
        self._latest: dict[int, Vote] = {}
        """The vote of each round as last cast (a pick ranked further replaces it)."""
        self._rows: dict[int, int] = {}
        """Each round's vote row in the store, once written."""
        self._writing = threading.Lock()

    # -- the board ---------------------------------------------------------------------------

    @property
    def hiding(self) -> bool:
        """Names are hidden on the board now."""
        return self.fold is not None and not self.fold.revealed

    def seat(self, specs: Sequence[PaneSpec]) -> list[PaneSpec]:
        """The specs of a new board: in a random order when the race runs blind."""
        self.fold = None
        self.voted_round, self.asked_round = 0, 0
        self._latest, self._rows = {}, {}
        if not self.blind or len(specs) < 2:
            return list(specs)
        known = (m for models in self.screen.tikhub.models().values() for m in models)
        self.fold = Blindfold(blind_mask([*(s.model for s in specs), *known]))
        return seat(specs)

    def words(self) -> str:
        """What the race screen's rule says of judging: blind until the vote, or (a race not
        started yet) the key that makes it blind."""
        if self.hiding:
            return "blind: names after your vote (F5)"
        race, specs = self.screen.race, self.screen.specs
        if len(specs) > 1 and not self.blind and (race is None or race.round == 0):
            return "F8: blind"
        return ""

    def name(self, pane: RacePane) -> str:
        """The model as the board may show it."""
        return HIDDEN_NAME if self.hiding else pane.model

    def sink(self, answer: AnswerView, exchange: Exchange) -> AnswerSink:
        """Where a pane's answer streams: masked while blind."""
        return self.fold.sink(answer, exchange) if self.hiding and self.fold else answer

    async def ended(self, live: LiveStream) -> None:
        """A pane's stream is over: its last masked line shows (and a pane that follows its
        newest text shows that line too: it came after the stream's last update)."""
        sink = live.sink
        if not isinstance(sink, BlindSink):
            return
        await sink.flush()
        for pane in self.screen.streams.panes:
            thread = pane.thread
            if pane.answer is sink.answer and thread.following:
                thread.call_after_refresh(thread.follow)

    def failure(self, message: str, hint: str, answer: AnswerView | None) -> tuple[str, str]:
        """A pane's error as the board may show it."""
        if self.hiding and self.fold is not None:
            return self.fold.failed(answer, message, hint)
        return message, hint

    def title(self, prompt: str) -> str:
        """The race's title (header and session) from its prompt, masked while blind."""
        return self.fold.hide(prompt) if self.hiding and self.fold else prompt

    # -- the vote ----------------------------------------------------------------------------

    @property
    def bar(self) -> VoteBar:
        return self.screen.query_one(VoteBar)

    def round_over(self) -> None:
        """Every pane of the round ended: ask for the vote, once (focused when blind)."""
        race, screen = self.screen.race, self.screen
        if race is None or screen.streaming or race.round in (self.voted_round, self.asked_round):
            return
        answered = [lane for lane in race.lanes if lane.exchange and lane.exchange.text]
        if len(answered) < 2:
            return
        self.asked_round = race.round
        self.bar.open(len(race.lanes), blind=self.hiding)
        if self.hiding:
            self.bar.take()

    def winner_waits(self) -> str:
        """Why the winner cannot be picked yet in a blind race: the step the user is at."""
        race, screen = self.screen.race, self.screen
        if race is None or race.round == 0:
            return "A blind race: send a prompt, vote (F5), then pick the answer to go on with."
        if screen.streaming:
            return "The models are still answering: vote once they have (F5), then pick one."
        if race.round in self._latest:  # a pick cast, its ranking still open
            return "Your vote is saved: Enter ends the ranking and names the models; then pick."
        return "Vote first (F5): the models are named after your vote, then you pick one."

    def action_vote(self) -> None:
        race = self.screen.race
        if race is None or race.round == 0 or self.screen.streaming:
            self.screen.notify("Vote once the models have answered.", timeout=4)
            return
        if self.voted_round == race.round:
            self.screen.notify("This round has your vote; a new prompt starts another.", timeout=4)
            return
        if not self.bar.asking:
            self.bar.open(len(race.lanes), blind=self.hiding)
        self.bar.take()

    def cast(self, event: VoteBar.Cast) -> None:
        race = self.screen.race
        if race is None:
            return
        self._latest[race.round] = event.vote
        self._store_vote(race, race.round)
        if event.over:
            self.screen.call_later(self.vote_over)

    def left(self, event: VoteBar.Left) -> None:
        prompt = self.screen.prompt
        prompt.focus()
        if event.cast:
            self.screen.call_later(self.vote_over)
        elif event.key is not None and event.key.character:
            prompt.insert(event.key.character)

    async def vote_over(self) -> None:
        """The round's vote is cast: say so and, when blind, show the names."""
        race = self.screen.race
        if race is None or self.voted_round == race.round:
            return
        self.voted_round = race.round
        revealed = self.hiding
        if revealed:
            await self.reveal()
        names = ", ".join(f"{p.label} = {p.model}" for p in self.screen.streams.panes)
        self.bar.finish(f"Vote saved. {shown(names, lines=False)}" if revealed else "Vote saved.")
        self.screen.prompt.focus()

    def _store_vote(self, race: Race, round_: int) -> None:
        """Write the round's latest vote (a new row, or its row amended) in a worker."""
        store, app = self.screen.tikhub.store, self.screen.app
        latest, rows = self._latest, self._rows  # this board's (a new one starts afresh)

        def job() -> None:
            with self._writing:  # the jobs of one round may run in any order: the last wins
                vote = latest[round_]
                if race.race_id is None:
                    app.call_from_thread(
                        app.notify, "The race is not saved: the vote cannot be kept.",
                        severity="warning",
                    )  # fmt: skip
                    return
                try:
                    row = rows.get(round_)
                    if row is None:
                        rows[round_] = store.get().add_vote(race.race_id, round_, vote)
                    else:
                        store.get().amend_vote(row, vote)
                except Exception as error:  # StoreError
                    app.call_from_thread(
                        app.notify, f"The vote could not be saved: {error}", severity="error",
                        markup=False,
                    )  # fmt: skip

        self.screen.run_worker(job, thread=True, exit_on_error=False, group="race-vote")

    async def reveal(self) -> None:
        """Show the names in place: answers, pane titles, figures, tabs and the title."""
        fold = self.fold
        if fold is None or fold.revealed:
            return
        swapped = dict(await fold.reveal())
        screen = self.screen
        for pane in screen.streams.panes:
            if pane.answer in swapped:
                pane.answer = swapped[pane.answer]
            pane.name_shown()
        race = screen.race
        if race is not None:
            screen.title = shown(race.title(), lines=False)[:66]
            self._retitle(race)
        screen.streams.refresh()
        screen.rearrange()

    def _retitle(self, race: Race) -> None:
        store, title = self.screen.tikhub.store, race.title()

        def job() -> None:
            if race.session_id is not None:
                try:
                    store.get().rename_session(race.session_id, title)
                except Exception:  # the title is a courtesy; the vote is what matters
                    return

        self.screen.run_worker(job, thread=True, exit_on_error=False, group="race-vote")

    # -- the differences ---------------------------------------------------------------------

    def action_diff(self) -> None:
        from tikhub_tui.ui.screens.judging.differences import DiffScreen

        screen = self.screen
        panes = [p for p in screen.streams.panes if p.answer is not None]
        if len(panes) < 2:
            screen.notify("The differences need two answers: send a prompt first.", timeout=4)
            return
        answers = [(f"{p.label} · {self.name(p)}", p.answer.text if p.answer else "")
                   for p in panes]  # fmt: skip
        current = next((i for i, p in enumerate(panes) if p.index == screen.current), 0)
        screen.app.push_screen(DiffScreen(answers, current))

    # -- blind on or off ---------------------------------------------------------------------

    async def action_toggle_blind(self) -> None:
        """Blind on or off for the next race (this one, when it has not started), kept in the
        settings."""
        screen = self.screen
        self.blind = not self.blind
        self.judge.remember(race_blind=self.blind)
        words = "blind (the models are named after your vote)" if self.blind else "names shown"
        race = screen.race
        if race is None or race.round == 0:
            await screen.rebuild()
            screen.notify(f"This race: {words}.", timeout=3)
        else:
            screen.notify(f"The next race (Ctrl+N): {words}.", timeout=4)
