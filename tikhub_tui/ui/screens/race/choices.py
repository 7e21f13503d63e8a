"""The race screen's choices: the models and saved sets, a pane's own settings, a new race,
and the winner the chat goes on with.

Kept apart from the screen's layout and streams (screen.py) so each module stays readable;
`RaceScreen` is the one subclass, and provides the board and the streams this part asks for.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from textual import work
from textual.message import Message
from textual.screen import Screen

from tikhub_tui.core.race.panes import LABELS, PaneSpec
from tikhub_tui.core.race.sets import ModelSets
from tikhub_tui.ui.widgets.prompt import PromptArea

if TYPE_CHECKING:
    from tikhub_tui.core.race.panes import Resolver
    from tikhub_tui.core.race.race import Race
    from tikhub_tui.ui.app import TikhubApp
    from tikhub_tui.ui.screens.judging.race_judging import RaceJudging
    from tikhub_tui.ui.screens.race.picker import Picked


class RaceChoices(Screen[None]):
    """What the user picks on the race screen, and what is saved of it (in thread workers)."""

    @dataclass
    class Continued(Message, namespace="race_screen"):
        """A winner was picked: the chat goes on in `session_id` with its model alone."""

        session_id: str
        provider: str
        model: str

    @dataclass
    class SetsLoaded(Message, namespace="race_screen"):
        """The model sets were read (posted from the worker)."""

        sets: ModelSets
        problems: list[str]

    @dataclass
    class WinnerSaved(Message, namespace="race_screen"):
        """The winner is stored (posted from the worker); `problem` when it could not be."""

        index: int
        session_id: str = ""
        problem: str = ""

    specs: list[PaneSpec]
    sets: ModelSets
    current: int
    judging: RaceJudging
    _sets_ready: bool
    _picking: bool

    @property
    def tikhub(self) -> TikhubApp:
        return cast("TikhubApp", self.app)

    @property
    def streaming(self) -> bool:
        raise NotImplementedError

    @property
    def race(self) -> Race | None:
        raise NotImplementedError

    def resolver(self) -> Resolver:
        raise NotImplementedError

    async def _build_board(self) -> None:
        raise NotImplementedError

    # -- model sets --------------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="race-sets")
    def _load_sets(self) -> None:
        from tikhub_tui.core.race.sets import load_sets

        sets, problems = load_sets(self.resolver())
        self.post_message(self.SetsLoaded(sets, problems))

    def on_race_screen_sets_loaded(self, event: SetsLoaded) -> None:
        self.sets, self._sets_ready = event.sets, True
        for problem in event.problems:
            self.notify(problem, title="Model sets", severity="warning", markup=False)
        if not self.specs:
            self.action_pick_models()

    @work(thread=True, exit_on_error=False, group="race-sets")
    def _save_sets(self, sets: ModelSets) -> None:
        from tikhub_tui.core.race.sets import SetsError, save_sets

        try:
            save_sets(sets)
        except SetsError as error:
            self.app.call_from_thread(
                self.notify, str(error), title="Model sets", severity="error", markup=False
            )

    # -- models, settings, a new race --------------------------------------------------------

    def _busy(self) -> bool:
        if self.streaming:
            self.notify("The models are still answering: Esc stops them first.", timeout=4)
        return self.streaming

    def action_pick_models(self) -> None:
        from tikhub_tui.ui.screens.race.picker import RacePicker

        if self._busy() or self._picking or not self._sets_ready:
            return
        self._picking = True
        chosen = self.specs or list(self.sets.last)
        picker = RacePicker(self.tikhub.models(), chosen, self.sets, self.resolver())
        self.app.push_screen(picker, self._picked)

    async def _picked(self, picked: Picked | None) -> None:
        self._picking = False
        if picked is None:
            if not self.specs:
                self.dismiss()
            return
        self.sets = picked.sets
        if picked.start:
            self.specs = list(picked.panes)
            self.sets.last = list(picked.panes)
            await self._build_board()
        if picked.start or picked.sets_changed:
            self._save_sets(self.sets)
        if not self.specs:
            self.dismiss()
        else:
            self.query_one(PromptArea).focus()

    def action_pane_options(self) -> None:
        from tikhub_tui.ui.screens.race.dialogs import PaneOptionsScreen

        if self._busy() or not self.specs:
            return
        if self.judging.hiding:  # its settings name the model
            self.notify(
                "A blind race keeps each pane's model hidden until your vote (F5): its own "
                "settings open after it, or press F8 before the race for names shown.",
                severity="warning",
                timeout=6,
            )
            return
        index = self.current
        self.app.push_screen(
            PaneOptionsScreen(self.specs[index], LABELS[index]),
            functools.partial(self._options_set, index),
        )

    async def _options_set(self, index: int, spec: PaneSpec | None) -> None:
        if spec is None or spec == self.specs[index]:
            return
        started = self.race is not None and self.race.round > 0
        self.specs[index] = spec
        await self._build_board()
        if started:
            self.notify(
                "New settings make a new race: the last one is saved as a session.", timeout=5
            )

    async def action_new_race(self) -> None:
        if not self._busy():
            await self._build_board()
            self.query_one(PromptArea).focus()

    # -- the winner --------------------------------------------------------------------------

    def action_pick_winner(self) -> None:
        race = self.race
        if self._busy():
            return
        if race is None or race.round == 0:
            self.notify("Send a prompt first: then pick the answer to go on with.", timeout=4)
            return
        lane = race.lanes[self.current]
        if lane.exchange is None or not lane.exchange.text:
            self.notify(f"Pane {lane.label} has no answer to go on from.", severity="warning")
            return
        self._save_winner(race, self.current)

    @work(thread=True, exit_on_error=False, group="race-winner")
    def _save_winner(self, race: Race, index: int) -> None:
        try:
            session_id = race.choose_winner(index)
        except Exception as error:  # StoreError; an answer never saved
            self.post_message(self.WinnerSaved(index, problem=str(error) or type(error).__name__))
            return
        self.post_message(self.WinnerSaved(index, session_id))

    def on_race_screen_winner_saved(self, event: WinnerSaved) -> None:
        if event.problem:
            self.notify(
                f"The winner could not be saved: {event.problem}", severity="error", markup=False
            )
            return
        spec = self.specs[event.index]
        self.app.post_message(self.Continued(event.session_id, spec.provider, spec.model))
