"""The judging pieces of the race screen on their own: a blind answer streamed in pieces and
revealed in place, the one-key vote bar, the judge's pane at the embedded gateway, the diff."""

from __future__ import annotations

import random

import pytest
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Label

from tests.ui.conftest import SIZE, demo_app, ready, wait_until
from tikhub_tui.core.catalogue import built_in
from tikhub_tui.core.exchange import Exchange, Prompt
from tikhub_tui.core.judging.blind import HIDDEN, NameMask
from tikhub_tui.core.judging.judge import REMOVED
from tikhub_tui.core.judging.run import JudgeRun
from tikhub_tui.core.judging.votes import Vote
from tikhub_tui.ui.screens.judging.blind import Blindfold
from tikhub_tui.ui.screens.judging.differences import DiffScreen
from tikhub_tui.ui.screens.judging.judge import JudgeChoice, JudgeDialog, JudgeScreen
from tikhub_tui.ui.screens.judging.vote import VoteBar
from tikhub_tui.ui.widgets.answer import AnswerView
from tikhub_tui.ui.widgets.diff import DiffView

pytestmark = pytest.mark.anyio
MASK = NameMask([*built_in().models, *built_in().aliases])
ANSWER = "Sorting, briefly.\nAs Claude, I'd use sorted().\n- it returns a new list\n- **Cl**aude out"


class Host(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.cast: list[VoteBar.Cast] = []
        self.left: list[VoteBar.Left] = []

    def compose(self) -> ComposeResult:
        yield VerticalScroll(id="thread")
        yield VoteBar(id="vote")

    def on_vote_bar_cast(self, event: VoteBar.Cast) -> None:
        self.cast.append(event)

    def on_vote_bar_left(self, event: VoteBar.Left) -> None:
        self.left.append(event)



async def test_a_blind_answer_shows_whole_masked_lines_then_is_revealed_in_place() -> None:
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        answer = AnswerView("claude-opus-4-6", "anthropic")
        await app.query_one("#thread").mount(answer)
        exchange = Exchange(Prompt("?"), [], "claude-opus-4-6", "anthropic")
        exchange._text.append(ANSWER)
        fold = Blindfold(MASK)
        sink = fold.sink(answer, exchange)
        rng = random.Random(5)
        rest = ANSWER
        while rest:  # in pieces that split the names
            cut = rng.randint(1, 7)
            await sink.append_text(rest[:cut])
            rest = rest[cut:]
            assert "Claude" not in answer.text and "Cl**" not in answer.text
        await sink.flush()
        assert answer.text == MASK.mask(ANSWER, HIDDEN).text and answer.text.count(HIDDEN) == 2
        assert fold.hide("Anthropic API error: overloaded") == HIDDEN
        [(old, new)] = await fold.reveal()
        await pilot.pause()
        assert old is answer and not old.is_attached and new.text == ANSWER
        assert list(app.query_one("#thread").children) == [new] and fold.revealed
        assert fold.hide("Anthropic API error") == "Anthropic API error"


async def test_the_vote_is_one_key_for_two_panes() -> None:
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        bar = app.query_one(VoteBar)
        bar.open(2, blind=True)
        assert "F5: vote on these answers (blind, one key)" in str(bar.render())
        bar.take()
        assert "a: A better · b: B better · t: tie · x: both bad" in str(bar.render())
        await pilot.press("b")
        await pilot.pause()
        assert [(c.vote, c.amend, c.over) for c in app.cast] == [(Vote.pick(1), False, True)]
        bar.open(2, blind=False)
        await pilot.press("x")
        await pilot.pause()
        assert app.cast[-1].vote == Vote.bad(blind=False)
        bar.open(2, blind=True)
        await pilot.press("q")  # not a vote: typed into the prompt instead
        await pilot.pause()
        assert app.left[-1].key is not None and app.left[-1].key.character == "q"
        assert not app.left[-1].cast


async def test_more_panes_pick_the_best_then_rank_on() -> None:
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        bar = app.query_one(VoteBar)
        bar.open(4, blind=True)
        bar.focus()
        await pilot.press("c")
        await pilot.pause()
        assert (app.cast[-1].vote, app.cast[-1].over) == (Vote.pick(2), False)  # cast at once
        await pilot.press("c", "a")  # a pane ranked twice is ignored
        await pilot.pause()
        assert [c.vote for c in app.cast] == [Vote.pick(2), Vote.pick(2, 0)]
        assert app.cast[-1].amend and "Voted C > A" in str(bar.render())
        await pilot.press("enter")
        await pilot.pause()
        assert app.left[-1].cast and app.left[-1].key is None


async def test_the_judge_pane_streams_the_anonymised_brief_and_its_figures() -> None:
    app = demo_app()
    ended: list[JudgeRun] = []
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        answers = {0: "As GPT-5: use sorted().", 1: "Use list.sort().\nIt sorts in place."}
        run = JudgeRun("tps: 0 echo:", answers, "score", "gpt-5", "openai", MASK, rng=random.Random(2))
        screen = JudgeScreen(run, app.client, run.brief.legend({0: "A", 1: "B"}), on_end=ended.append, timings=False)
        await app.push_screen(screen)
        await wait_until(pilot, lambda: screen.ended, "the judge")
        await pilot.pause()
        assert ended == [run] and REMOVED in screen.answer.text and "GPT" not in screen.answer.text
        assert "It sorts in place." in screen.answer.text
        assert run.exchange.tally.usage.output_tokens
        legend = str(screen.query_one("#judge-legend", Label).render())
        assert legend in ("Answer 1 = A · Answer 2 = B", "Answer 1 = B · Answer 2 = A")
        await pilot.press("escape")
        assert app.screen is not screen


async def test_the_judge_dialog_remembers_and_switches_mode() -> None:
    app = demo_app()
    chosen: list[JudgeChoice | None] = []
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        dialog = JudgeDialog({"openai": ["gpt-5", "o3"], "anthropic": ["claude-opus-4-6"]},
                             JudgeChoice("fuse", "anthropic", "claude-opus-4-6"))
        app.push_screen(dialog, chosen.append)
        await pilot.pause()
        await pilot.press("d", "enter")
        await pilot.pause()
        assert chosen == [JudgeChoice("differences", "anthropic", "claude-opus-4-6")]


async def test_the_diff_screen_compares_the_pane_with_the_next_and_tab_changes_it() -> None:
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        answers = [("A", "one\ntwo\n"), ("B", "one\n2\n"), ("C", "one\ntwo\nthree\n")]
        screen = DiffScreen(answers, 2)
        await app.push_screen(screen)
        view = screen.query_one(DiffView)
        assert view.titles == ("C", "A")
        await pilot.press("tab")
        assert view.titles == ("C", "B")
        await pilot.press("tab")
        assert view.titles == ("C", "A")
        await pilot.press("escape")
        assert app.screen is not screen
