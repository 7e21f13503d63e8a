"""The race screen's judging keys and messages: vote (F5), judge (F6), differences (F7), blind
on or off (F8), and the vote bar's messages, each handed to the screen's `RaceJudging`.

A mixin of the race screen (before its choices), so the race screen itself only calls the
judging at the few points where a board is built, a round starts and a round ends. It imports
nothing of the race's at run time: the race screen imports it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding, BindingType

from tikhub_tui.ui.screens.help import KeyTable
from tikhub_tui.ui.screens.judging.vote import VoteBar
from tikhub_tui.ui.widgets.prompt import PromptArea

if TYPE_CHECKING:
    from tikhub_tui.ui.screens.judging.race_judging import RaceJudging
    from tikhub_tui.ui.screens.race.choices import RaceChoices

    _Race = RaceChoices
else:
    _Race = object

BINDINGS: list[BindingType] = [
    # the prompt leaves the F keys to the screens (ui/widgets/prompt.py: SHADOWED)
    Binding("f5", "vote", "Vote", id="race-vote", priority=True),
    Binding("f6", "judge", "Judge", id="race-judge", priority=True),
    Binding("f7", "diff", "Diff", id="race-diff", priority=True),
    Binding("f8", "toggle_blind", "Blind", id="race-blind", priority=True),
]

VOTE_KEYS: list[BindingType] = [
    Binding("a,b", "", "Two answers: A better / B better"),
    Binding("t,x", "", "A tie / both (all) bad"),
    Binding("a,b,c,d,e,f", "", "More answers: the best, then the next ones in order"),
    Binding("enter", "", "The ranking is done (the names are shown when blind)"),
    Binding("escape", "", "Vote later (F5 opens the vote again)"),
]
"""The vote bar's keys (it reads them itself: any other key goes back to the prompt)."""


def key_tables() -> list[KeyTable]:
    """The judging keys of the race screen, for the help screen."""
    from tikhub_tui.ui.screens.judging.differences import DiffScreen
    from tikhub_tui.ui.screens.judging.judge import JudgeDialog, JudgeScreen
    from tikhub_tui.ui.widgets.diff import DiffView

    return [
        KeyTable("Vote on a race (F5; by itself after a blind round)", "race-vote", VOTE_KEYS),
        KeyTable(
            "Judge a race (F6)", "race-judge", [*JudgeDialog.BINDINGS, *JudgeScreen.BINDINGS]
        ),
        KeyTable("Differences (F7)", "race-diff", [*DiffScreen.BINDINGS, *DiffView.BINDINGS]),
    ]


class JudgedRace(_Race):
    """The race screen's part that judges (`RaceScreen(JudgedRace, RaceChoices)`): see the
    module docstring."""

    judging: RaceJudging

    @property
    def prompt(self) -> PromptArea:
        return self.query_one(PromptArea)

    async def rebuild(self) -> None:
        """A new board for the same models (blind or not, as now chosen)."""
        await self._build_board()

    def rearrange(self) -> None:
        """Lay the board out again and redraw the tabs and the rule (after the reveal)."""
        raise NotImplementedError

    def action_vote(self) -> None:
        self.judging.action_vote()

    def action_judge(self) -> None:
        self.judging.judge.action_judge()

    def action_diff(self) -> None:
        self.judging.action_diff()

    async def action_toggle_blind(self) -> None:
        if not self._busy():
            await self.judging.action_toggle_blind()

    def on_vote_bar_cast(self, event: VoteBar.Cast) -> None:
        self.judging.cast(event)

    def on_vote_bar_left(self, event: VoteBar.Left) -> None:
        self.judging.left(event)

    def action_pick_winner(self) -> None:
        if self.judging.hiding:
            self.notify(self.judging.winner_waits(), timeout=5)
            return
        super().action_pick_winner()
