"""Judging on the race screen against the embedded gateway: a blind race never shows a model
name before the vote (every screen scanned, and the saved title and list), the one-key vote
stored with the race and the names revealed in place, blind on and off, the differences of two
panes, the keys in help; snapshots at 120x40 (the judge: test_race_judge.py)."""

from __future__ import annotations

import functools
import sqlite3
import subprocess
import sys
from typing import Any

import pytest
from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable

from tests.ui.conftest import SIZE, Notices, wait_until
from tests.ui.test_race_screen import race_app, race_screen, send
from tikhub_tui.core.judging.votes import Vote
from tikhub_tui.core.race.panes import PaneSpec
from tikhub_tui.core.settings import Settings, load_settings
from tikhub_tui.core.store import Store
from tikhub_tui.ui.app import TikhubApp
from tikhub_tui.ui.screens.judging import race_judging
from tikhub_tui.ui.screens.judging.differences import DiffScreen
from tikhub_tui.ui.screens.judging.judge import JudgeDialog
from tikhub_tui.ui.screens.judging.vote import VoteBar
from tikhub_tui.ui.screens.race import RaceScreen
from tikhub_tui.ui.widgets.diff import DiffView
from tikhub_tui.ui.widgets.prompt import PromptArea
from tikhub_tui.ui.widgets.sessions import SessionList

pytestmark = pytest.mark.anyio

ECHO = "tps: 0 echo: Sorting a list.\nAs Claude, I'd use sorted().\nOpenAI's GPT-5 agrees.\nThe end."
PANES = [  # each model names itself and its maker (the gateway reads the system prompt)
    PaneSpec("gpt-5", "openai", system=ECHO),
    PaneSpec("claude-sonnet-4-5", "anthropic", system=ECHO),
]
NAMES = ("gpt", "claude", "openai", "anthropic", "sonnet", "gemini", "google")
SAYS = "How do I sort a list?"


def screen_text(app: App[Any]) -> str:
    """Everything on the screen now, as the terminal shows it (every layer)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def named(text: str) -> list[str]:
    lowered = text.lower()
    return [name for name in NAMES if name in lowered]


def blind_app(panes: list[PaneSpec] = PANES) -> Any:
    return race_app(panes, race_blind=True)


async def voting(pilot: Pilot[None], screen: RaceScreen) -> None:
    await wait_until(pilot, lambda: screen.query_one(VoteBar).asking, "the vote")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_a_blind_panes_own_settings_wait_for_the_vote() -> None:
    notices = Notices()
    app = blind_app()
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        screen = await race_screen(pilot)
        await pilot.press("ctrl+o")  # the dialog would name the model
        await wait_until(pilot, lambda: bool(notices.about("until your vote")), "the refusal")
        assert app.screen is screen
        assert named(screen_text(app)) == [], screen_text(app)


async def test_blind_race_shows_no_model_name_anywhere_before_the_vote() -> None:
    app = blind_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await race_screen(pilot)
        assert named(screen_text(app)) == [], screen_text(app)
        await send(pilot, screen, SAYS, wait=False)
        while screen.streaming:  # while the answers stream, too
            assert named(screen_text(app)) == [], screen_text(app)
            await pilot.pause()
        await voting(pilot, screen)
        assert named(screen_text(app)) == [], screen_text(app)
        for pane in screen.streams.panes:  # what the panes were given to show
            assert pane.answer is not None and named(pane.answer.text) == []
            assert pane.answer.text.endswith("hidden until you vote\nThe end.")
        kinds: list[tuple[str, type[object]]] = [("f7", DiffScreen), ("f6", JudgeDialog)]
        for key, kind in kinds:
            await pilot.press(key)
            await wait_until(pilot, functools.partial(lambda k: isinstance(app.screen, k), kind), key)
            await pilot.pause()
            if kind is DiffScreen:  # (the judge's dialog lists every model to choose from)
                assert named(screen_text(app)) == [], screen_text(app)
            await pilot.press("escape")
            await wait_until(pilot, lambda: app.screen is screen, "back on the race")
        await pilot.press("ctrl+f")  # the winner waits for the vote
        await pilot.pause()
        assert app.screen is screen and named(screen_text(app)) == []
        race = screen.race
        assert race is not None and race.session_id is not None
        with Store.open() as store:
            title = store.get_session(race.session_id).title
            listed = [s.title for s in store.list_sessions()]
        assert named(title) == [] and all(named(t) == [] for t in listed), title
        assert any(t.startswith("Race: How do I sort a list?") for t in listed), listed
    again = TikhubApp(Settings(cursor_blink=False), demo=True)  # the chat's list of sessions
    async with again.run_test(size=SIZE) as pilot:
        sessions = again.screen.query_one(SessionList)

        def rows() -> list[str]:
            return [str(sessions.get_option_at_index(i).prompt)
                    for i in range(sessions.option_count)]  # fmt: skip

        await wait_until(pilot, lambda: any("How do I sort" in row for row in rows()), "listed")
        assert all(named(row) == [] for row in rows()), rows()


async def test_a_prompt_naming_a_model_is_hidden_in_the_title_until_the_vote() -> None:
    app = blind_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await race_screen(pilot)
        await send(pilot, screen, "Is Claude better than GPT-5 at this?")
        await voting(pilot, screen)
        assert named(str(screen.title)) == []  # (each pane shows the prompt as it was typed)
        race = screen.race
        assert race is not None and race.session_id is not None
        with Store.open() as store:
            assert named(store.get_session(race.session_id).title) == []
        await pilot.press("t")  # a tie
        await wait_until(pilot, lambda: not screen.judging.hiding, "the names")
        await pilot.app.workers.wait_for_complete()
        with Store.open() as store:
            title = store.get_session(race.session_id).title
            assert title == "Race: Is Claude better than GPT-5 at this?"
            assert store.race_votes(race.race_id or 0, 1) == [Vote.tie(blind=True)]


async def test_one_key_votes_stores_it_and_reveals_the_names_in_place() -> None:
    app = blind_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await race_screen(pilot)
        await send(pilot, screen, SAYS)
        await voting(pilot, screen)
        first = screen.streams.panes[0]
        assert screen.query_one(VoteBar).has_focus  # blind: the vote takes the keys
        await pilot.press("a")
        await wait_until(pilot, lambda: not screen.judging.hiding, "the names")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(app)
        assert f"A · {first.model} · {first.provider}" in text
        assert "As Claude, I'd use sorted()." in text and "hidden until you vote" not in text
        assert "Vote saved. A = " in str(screen.query_one(VoteBar).render())
        assert screen.query_one(PromptArea).has_focus
        race = screen.race
        assert race is not None and race.race_id is not None
        with Store.open() as store:
            assert store.race_votes(race.race_id, 1) == [Vote.pick(0, blind=True)]
            path = store.path
        with sqlite3.connect(path) as conn:
            assert conn.execute("SELECT race_id, blind, vote FROM race_votes").fetchall() == [
                (f"{race.race_id}.1", 1, "pick:0")
            ]
        await pilot.press("f5")  # one vote per round
        await pilot.pause()
        assert not screen.query_one(VoteBar).asking


async def test_more_panes_pick_the_best_then_rank_and_sighted_votes_say_so() -> None:
    panes = [*PANES, PaneSpec("gemini-2.5-flash", "gemini", system=ECHO)]
    app = race_app(panes)
    async with app.run_test(size=SIZE) as pilot:
        screen = await race_screen(pilot)
        await send(pilot, screen, SAYS)
        await voting(pilot, screen)
        bar = screen.query_one(VoteBar)
        assert not bar.has_focus and "names shown" in str(bar.render())  # not blind: F5 first
        await pilot.press("f5")
        assert bar.has_focus
        await pilot.press("c")  # C best: cast at once, a letter more would rank the next
        await pilot.pause()
        assert screen.judging.voted_round == 0 and "Voted C" in str(bar.render())
        bar.post_message(events.Key("enter", "\r"))  # as a terminal sends Enter: it is over
        await wait_until(pilot, lambda: screen.judging.voted_round == 1, "the vote")
        await pilot.app.workers.wait_for_complete()
        race = screen.race
        assert race is not None and race.race_id is not None
        with Store.open() as store:
            assert store.race_votes(race.race_id, 1) == [Vote.pick(2, blind=False)]
        assert screen.query_one(PromptArea).has_focus and "Vote saved." in str(bar.render())


async def test_a_ranking_amends_the_vote_of_its_round_only() -> None:
    panes = [*PANES, PaneSpec("gemini-2.5-flash", "gemini", system=ECHO)]
    app = race_app(panes)
    async with app.run_test(size=SIZE) as pilot:
        screen = await race_screen(pilot)
        for round_, keys, vote in ((1, "ca", (2, 0)), (2, "b", (1,))):
            await send(pilot, screen, SAYS)
            await voting(pilot, screen)
            await pilot.press("f5", *keys)
            if len(keys) == 1:
                await pilot.press("enter")
            voted = functools.partial(lambda r: screen.judging.voted_round == r, round_)
            await wait_until(pilot, voted, "the vote")
            await pilot.app.workers.wait_for_complete()
            race = screen.race
            assert race is not None and race.race_id is not None
            with Store.open() as store:
                assert store.race_votes(race.race_id, round_) == [Vote.pick(*vote, blind=False)]
        assert race is not None and race.race_id is not None
        with Store.open() as store:
            assert store.race_votes(race.race_id, 1) == [Vote.pick(2, 0, blind=False)]


async def test_the_diff_key_compares_two_panes() -> None:
    app = race_app(PANES)
    async with app.run_test(size=SIZE) as pilot:
        screen = await race_screen(pilot)
        await send(pilot, screen, "tps: 0 echo: one\ntwo\nthree")
        await pilot.press("f7")
        await wait_until(pilot, lambda: isinstance(app.screen, DiffScreen), "the diff")
        view = app.screen.query_one(DiffView)
        assert view.diff.identical and view.titles[0].startswith("A · gpt-5")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "back on the race")


async def test_f8_before_the_race_seats_it_blind_and_race_blind_opens_blind() -> None:
    app = race_app(PANES)
    async with app.run_test(size=SIZE) as pilot:
        screen = await race_screen(pilot)
        assert not screen.judging.hiding and "gpt-5" in screen_text(app)
        assert "settings · F8: blind" in screen_text(app)  # the rule says how
        await pilot.press("f8")
        await wait_until(pilot, lambda: screen.judging.hiding, "blind")
        await pilot.pause()
        assert named(screen_text(app)) == [] and "blind: names after your vote" in screen_text(app)
        await pilot.app.workers.wait_for_complete()
        stored = load_settings()[0]
        assert app.settings.race_blind and stored.race_blind
        assert not app.settings.show_timings and stored.show_timings  # that field alone saved
    opened = TikhubApp(Settings(cursor_blink=False), demo=True, race=PANES, blind=True)
    async with opened.run_test(size=SIZE) as pilot:  # `tikhub-tui race --blind`
        screen = await race_screen(pilot)
        assert screen.judging.hiding and named(screen_text(opened)) == []


async def _blind_round(pilot: Pilot[None]) -> RaceScreen:
    screen = await race_screen(pilot)
    await send(pilot, screen, SAYS)
    await voting(pilot, screen)
    pilot.app.clear_notifications()
    await pilot.pause()
    return screen


@pytest.fixture
def seated(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blind races seat their panes in reverse order (not at random), so pictures repeat."""
    monkeypatch.setattr(race_judging, "seat", lambda specs: list(reversed(specs)))


@pytest.mark.usefixtures("seated")
def test_snapshot_of_a_blind_race(snap_compare: Any) -> None:
    assert snap_compare(blind_app(), terminal_size=SIZE, run_before=_blind_round)


@pytest.mark.usefixtures("seated")
def test_snapshot_after_the_vote(snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        screen = await _blind_round(pilot)
        assert [p.model for p in screen.streams.panes] == ["claude-sonnet-4-5", "gpt-5"]
        await pilot.press("b")
        await wait_until(pilot, lambda: not screen.judging.hiding, "the names")
        await pilot.app.workers.wait_for_complete()
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(blind_app(), terminal_size=SIZE, run_before=run_before)


def test_snapshot_of_the_diff(snap_compare: Any) -> None:
    panes = [
        PaneSpec("gpt-5", "openai", system="tps: 0 echo: Use sorted():\n\n    new = sorted(items)"
                 "\n\nIt returns a new list.\nThe original stays as it was."),
        PaneSpec("o3", "openai", system="tps: 0 echo: Use list.sort():\n\n    items.sort()"
                 "\n\nIt sorts in place.\nThe original stays as it was."),
    ]  # fmt: skip

    async def run_before(pilot: Pilot[None]) -> None:
        screen = await race_screen(pilot)
        await send(pilot, screen, "How do I sort a list?")
        await pilot.press("f7")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, DiffScreen), "the diff")
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(race_app(panes), terminal_size=SIZE, run_before=run_before)


async def test_help_lists_the_judging_keys() -> None:
    app = race_app(PANES)
    async with app.run_test(size=SIZE) as pilot:
        await race_screen(pilot)
        await pilot.press("f1")
        await wait_until(pilot, lambda: len(app.screen.query(DataTable)) > 3, "the help")
        tables = {str(t.id): t for t in app.screen.query(DataTable)}
        ids = {str(t.get_row_at(i)[-1]) for t in tables.values() for i in range(t.row_count)}
        assert {"race-vote", "race-judge", "race-diff", "race-blind"} <= ids
        assert {"judge-score", "judge-adopt", "diff-next-change", "diff-other-pane"} <= ids
        votes = tables["race-vote"]
        keys = [str(votes.get_row_at(i)[0]) for i in range(votes.row_count)]
        assert keys[:2] == ["A / B", "T / X"]


@pytest.mark.parametrize(
    "module",
    [
        "tikhub_tui.ui.screens.judging.keys",
        "tikhub_tui.ui.screens.judging.race_judging",
        "tikhub_tui.ui.screens.judging.judge_flow",
        "tikhub_tui.ui.screens.race.screen",
    ],
)
def test_each_judging_module_imports_first_in_a_fresh_process(module: str) -> None:
    # the help screen imports the judging keys before the race screen: no import cycle
    done = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr


async def test_the_winner_key_says_what_a_blind_race_waits_for_at_every_step() -> None:
    slow = [PaneSpec(m, p, system="tps: 40 lorem: 2000")
            for m, p in (("gpt-5", "openai"), ("claude-sonnet-4-5", "anthropic"),
                         ("gemini-2.5-flash", "gemini"))]  # fmt: skip
    notices = Notices()
    app = blind_app(slow)
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        screen = await race_screen(pilot)

        async def winner(says: str) -> None:  # the real key, wherever the focus is
            before = len(notices.messages)
            await pilot.press("ctrl+f")
            await wait_until(pilot, lambda: len(notices.messages) > before, "a notice")
            assert says in notices.messages[-1], notices.messages[before:]
            assert app.screen is screen and screen.judging.hiding

        await winner("send a prompt")
        await send(pilot, screen, SAYS, wait=False)
        await wait_until(pilot, lambda: all(p.answer and p.answer.text
                                            for p in screen.streams.panes), "text")  # fmt: skip
        await winner("still answering")
        await pilot.press("escape")  # stop all: what arrived is the answer
        await voting(pilot, screen)
        assert screen.query_one(VoteBar).has_focus
        await winner("Vote first (F5)")
        await pilot.press("b")  # B is the best; the ranking stays open
        await wait_until(pilot, lambda: 1 in screen.judging._latest, "the pick")
        assert screen.query_one(VoteBar).has_focus
        await winner("Enter ends the ranking")
        await pilot.press("enter")
        await wait_until(pilot, lambda: not screen.judging.hiding, "the names")
        await pilot.press("ctrl+f")  # now it picks the winner
        await wait_until(pilot, lambda: app.screen is not screen, "the chat with the winner")
