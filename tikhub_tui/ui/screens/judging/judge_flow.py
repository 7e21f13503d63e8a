"""The judge from the race screen: choose it (remembered in the settings), stream its reply in
its own pane, save the judgement with the race, and adopt a score's verdict as the vote.

The answers are sent as they arrived (the judge's brief removes naming lines and shuffles
them, core.judging.run); while the race is blind the legend names panes by label only and the
reply is shown masked too, since a judge may guess who wrote what.
"""

from __future__ import annotations

import dataclasses
import threading
from typing import TYPE_CHECKING

from tikhub_tui.core.judging.judge import verdict_order
from tikhub_tui.core.judging.votes import Vote
from tikhub_tui.ui.screens.judging.judge import JudgeChoice, JudgeDialog, JudgeScreen, mode_of

if TYPE_CHECKING:
    from tikhub_tui.core.judging.run import JudgeRun
    from tikhub_tui.core.race.race import Race
    from tikhub_tui.ui.screens.judging.race_judging import RaceJudging


class JudgeFlow:
    """See the module docstring; one per race screen, beside its `RaceJudging`."""

    def __init__(self, judging: RaceJudging) -> None:
        self.judging = judging
        self.last: JudgeRun | None = None
        """The judgement asked last (tests and the adopt key read it)."""
        self._saving = threading.Lock()

    def action_judge(self) -> None:
        screen = self.judging.screen
        race = screen.race
        if race is None or screen.streaming:
            screen.notify("Ask the judge once the models have answered.", timeout=4)
            return
        answers = {
            lane.index: lane.exchange.text for lane in race.lanes if lane.exchange is not None
        }
        if sum(1 for text in answers.values() if text.strip()) < 2:
            screen.notify("The judge needs two answers or more.", severity="warning")
            return
        settings = screen.tikhub.settings
        choice = JudgeChoice(
            mode_of(settings.judge_mode),
            settings.judge_provider or settings.provider,
            settings.judge_model or settings.model,
        )
        screen.app.push_screen(
            JudgeDialog(screen.tikhub.models(), choice),
            lambda chosen: self._judge(race, answers, chosen),
        )

    def _judge(self, race: Race, answers: dict[int, str], choice: JudgeChoice | None) -> None:
        from tikhub_tui.core.catalogue import for_settings
        from tikhub_tui.core.judging.blind import NameMask
        from tikhub_tui.core.judging.run import JudgeRun

        if choice is None:
            return
        judging = self.judging
        screen, app = judging.screen, judging.screen.tikhub
        self.remember(
            judge_mode=choice.mode, judge_model=choice.model, judge_provider=choice.provider
        )
        settings = app.settings
        names = [*(lane.spec.model for lane in race.lanes), choice.model]
        names += [m for models in app.models().values() for m in models]
        run = JudgeRun(
            race.prompt, answers, choice.mode, choice.model, choice.provider, NameMask(names),
            race_id=race.race_id, round_=race.round,
            info=for_settings(settings).info(choice.model), max_tokens=settings.max_tokens,
        )  # fmt: skip
        hiding = judging.hiding
        labels = {p.index: p.label if hiding else f"{p.label} ({p.model})"
                  for p in screen.streams.panes}  # fmt: skip
        self.last = run
        screen.app.push_screen(
            JudgeScreen(
                run, app.client, run.brief.legend(labels), on_end=self._save, adopt=self._adopt,
                timings=settings.show_timings,
                mask=judging.fold.mask if hiding and judging.fold else None,
            )
        )  # fmt: skip

    def remember(self, **changes: str | bool) -> None:
        """Use these settings now and write them into config.toml in a worker, those fields
        alone (this run's own, a model given on the command line say, stay this run's); a
        failure is said, and they hold for this run."""
        from tikhub_tui.core.settings import load_settings, save_settings

        screen = self.judging.screen
        app = screen.tikhub
        settings = dataclasses.replace(app.settings, **changes)  # type: ignore[arg-type]
        if settings == app.settings:
            return
        app.settings = settings

        def job() -> None:
            with self._saving:
                try:
                    stored, _ = load_settings()
                    wanted = dataclasses.replace(stored, **changes)  # type: ignore[arg-type]
                    if wanted != stored:
                        save_settings(wanted)
                except Exception as error:  # SettingsError
                    app.call_from_thread(
                        app.notify, f"The setting holds for this run only: {error}",
                        severity="warning", markup=False,
                    )  # fmt: skip

        screen.run_worker(job, thread=True, exit_on_error=False, group="judge-settings")

    def _save(self, run: JudgeRun) -> None:
        screen = self.judging.screen
        store, app = screen.tikhub.store, screen.app

        def job() -> None:
            try:
                run.save(store.get())
            except Exception as error:  # StoreError
                app.call_from_thread(
                    app.notify, f"The judgement could not be saved: {error}",
                    severity="error", markup=False,
                )  # fmt: skip

        screen.run_worker(job, thread=True, exit_on_error=False, group="race-judge")

    def _adopt(self, run: JudgeRun) -> None:
        judging = self.judging
        screen = judging.screen
        verdict = run.verdict()
        race = screen.race
        if verdict is None or race is None or run.round != race.round:
            screen.notify("The verdict is of an earlier round: it cannot be adopted.", timeout=4)
            return
        if judging.voted_round == race.round:
            screen.notify("This round has your vote already.", timeout=4)
            return
        vote = Vote.pick(*verdict_order(verdict, len(race.lanes)), blind=judging.hiding)
        store, app = screen.tikhub.store, screen.app

        def job() -> None:
            try:
                if run.judgement_id is None:
                    run.save(store.get())
                if run.judgement_id is not None:
                    store.get().adopt_judgement(run.judgement_id, vote)
            except Exception as error:  # StoreError
                app.call_from_thread(
                    app.notify, f"The vote could not be saved: {error}",
                    severity="error", markup=False,
                )  # fmt: skip

        screen.run_worker(job, thread=True, exit_on_error=False, group="race-judge")
        screen.call_later(judging.vote_over)
