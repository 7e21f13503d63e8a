"""The judge from the race screen against the embedded gateway: what it receives (anonymised,
in the brief's order), its figures, its judgement saved with the race and its choice
remembered, labels only while blind, and its verdict adopted as the vote."""

from __future__ import annotations

import re

import pytest
from textual.widgets import Label, Static
from textual.widgets._footer import FooterKey

from tests.ui.conftest import SIZE, Notices, wait_until
from tests.ui.test_race_judging import PANES, SAYS, blind_app, named
from tests.ui.test_race_screen import race_app, race_screen, send
from tikhub_tui.core.judging.votes import Vote
from tikhub_tui.core.race.panes import PaneSpec
from tikhub_tui.core.settings import load_settings
from tikhub_tui.core.store import Store
from tikhub_tui.core.usage import tokens_words
from tikhub_tui.ui.screens.judging.judge import JudgeDialog, JudgeScreen

pytestmark = pytest.mark.anyio

def brief_answers(text: str) -> list[str]:
    return re.findall(r'<answer n="\d">\n(.*?)\n</answer>', text, flags=re.DOTALL)


async def test_the_judge_receives_anonymised_shuffled_answers_and_is_saved() -> None:
    # each answer starts with a line that makes the gateway echo the judge's brief back
    panes = [
        PaneSpec(model, provider, system=f"tps: 0 echo: tps: 0 echo:\nAnswer of {n}.\n"
                 f"As {model}, made by {provider}, I agree.")
        for n, (model, provider) in enumerate(
            (("gpt-5", "openai"), ("claude-sonnet-4-5", "anthropic"), ("o3", "openai"))
        )
    ]  # fmt: skip
    app = race_app(panes)
    async with app.run_test(size=SIZE) as pilot:
        screen = await race_screen(pilot)
        await send(pilot, screen, SAYS)
        await pilot.press("f6")
        await wait_until(pilot, lambda: isinstance(app.screen, JudgeDialog), "the judge dialog")
        await pilot.press("d", "enter")  # key differences, the default model
        await wait_until(pilot, lambda: isinstance(app.screen, JudgeScreen), "the judge")
        judge = app.screen
        assert isinstance(judge, JudgeScreen)
        await wait_until(pilot, lambda: judge.ended, "the judgement")
        await pilot.app.workers.wait_for_complete()
        run = judge.run
        received = run.text  # what the gateway was sent, from the first answer's echo line on
        assert sorted(run.brief.order) == [0, 1, 2]
        got = brief_answers("<answer n=\"1\">\ntps: 0 echo:\n" + received)
        assert [a.splitlines()[1] for a in got] == [f"Answer of {p}." for p in run.brief.order]
        assert named(received) == [] and "I agree" not in received, received
        legend = str(judge.query_one("#judge-legend", Label).render())
        assert legend == " · ".join(
            f"Answer {k} = {'ABC'[p]} ({panes[p].model})" for k, p in enumerate(run.brief.order, 1)
        )
        race = screen.race
        assert race is not None and race.race_id is not None
        with Store.open() as store:
            [saved] = store.judgements(race.race_id)
        assert saved.mode == "differences" and saved.text == received
        assert saved.order == run.brief.order and saved.usage.output_tokens
        meta = str(judge.answer.query_one("#meta", Static).render())  # like any answer's
        assert meta.startswith("gpt-5 · openai · ") and tokens_words(saved.usage) in meta
        with Store.open() as store:  # its tokens were spent: `usage` counts them in the race
            spent = store.usage_records(session_id=race.session_id)
        assert [r.model for r in spent].count("gpt-5") == 2 and len(spent) == 4  # A, the judge
        assert spent[-1].usage == saved.usage and spent[-1].title == spent[0].title
        assert app.settings.judge_mode == "differences"  # remembered, in the file too
        assert load_settings()[0].judge_mode == "differences"


async def test_a_blind_race_s_judge_names_panes_by_label_only() -> None:
    app = blind_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await race_screen(pilot)
        await send(pilot, screen, "tps: 0 echo: Is it sorted?\nVerdict: best Answer 1, worst Answer 2")
        await pilot.press("f6")
        await wait_until(pilot, lambda: isinstance(app.screen, JudgeDialog), "the judge dialog")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, JudgeScreen), "the judge")
        judge = app.screen
        assert isinstance(judge, JudgeScreen)
        await wait_until(pilot, lambda: judge.ended, "the judgement")
        legend = str(judge.query_one("#judge-legend", Label).render())
        order = judge.run.brief.order
        assert legend == f"Answer 1 = {'AB'[order[0]]} · Answer 2 = {'AB'[order[1]]}"
        await pilot.press("a")  # adopted while blind: a blind vote, then the names are shown
        await wait_until(pilot, lambda: not screen.judging.hiding, "the names")
        await pilot.app.workers.wait_for_complete()
        race = screen.race
        assert race is not None and race.race_id is not None
        with Store.open() as store:
            assert store.race_votes(race.race_id, 1) == [Vote.pick(order[0], blind=True)]


async def test_a_score_verdict_is_adopted_as_the_vote() -> None:
    app = race_app(PANES)
    async with app.run_test(size=SIZE) as pilot:
        screen = await race_screen(pilot)
        await send(pilot, screen, "tps: 0 echo: Answer well.\nVerdict: best Answer 2, worst Answer 1")
        await pilot.press("f6")
        await wait_until(pilot, lambda: isinstance(app.screen, JudgeDialog), "the judge dialog")
        await pilot.press("s", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, JudgeScreen), "the judge")
        judge = app.screen
        assert isinstance(judge, JudgeScreen)
        await wait_until(pilot, lambda: judge.ended, "the judgement")
        await pilot.app.workers.wait_for_complete()
        verdict = judge.run.verdict()
        assert verdict is not None
        await pilot.press("a")  # adopt it as the vote
        await wait_until(pilot, lambda: screen.judging.voted_round == 1, "the vote")
        await pilot.app.workers.wait_for_complete()
        race = screen.race
        assert race is not None and race.race_id is not None
        with Store.open() as store:
            assert store.race_votes(race.race_id, 1) == [Vote.pick(verdict.best, blind=False)]
            assert store.judgements(race.race_id)[0].adopted


async def test_adopt_is_offered_only_with_a_verdict_and_otherwise_says_why() -> None:
    notices = Notices()
    app = race_app(PANES)
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        screen = await race_screen(pilot)
        await send(pilot, screen, "tps: 0 echo: Answer well.\nVerdict: best Answer 2, worst Answer 1")

        async def judged(mode: str) -> JudgeScreen:
            await pilot.press("f6")
            await wait_until(pilot, lambda: isinstance(app.screen, JudgeDialog), "the dialog")
            await pilot.press(mode, "enter")
            await wait_until(pilot, lambda: isinstance(app.screen, JudgeScreen), "the judge")
            judge = app.screen
            assert isinstance(judge, JudgeScreen)
            await wait_until(pilot, lambda: judge.ended, "the judgement")
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            return judge

        def offered(judge: JudgeScreen) -> list[str]:
            return [k.description for k in judge.query(FooterKey)]

        judge = await judged("f")  # a fuse: no verdict in it
        assert judge.run.verdict() is None
        assert "Adopt the verdict" not in offered(judge), offered(judge)
        await pilot.press("a")
        await wait_until(pilot, lambda: bool(notices.about("no verdict to adopt")), "why not")
        assert app.screen is judge and screen.judging.voted_round == 0
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "back on the race")
        judge = await judged("s")  # a score with its verdict line: offered
        assert judge.run.verdict() is not None
        assert "Adopt the verdict" in offered(judge), offered(judge)
