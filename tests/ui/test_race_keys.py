"""The race screen's keys: none that tmux, GNU screen or a terminal takes first, and the
winner's key shown where a user looks (the footer, the help, the rule line), remapped or not."""

from __future__ import annotations

import pytest
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual.widgets._footer import FooterKey

from tests.ui.conftest import wait_until
from tests.ui.test_race_screen import race_app, race_screen, send
from tikhub_tui.core.race.panes import PaneSpec
from tikhub_tui.ui.app import TikhubApp
from tikhub_tui.ui.screens.chat import ChatScreen
from tikhub_tui.ui.screens.help import HelpScreen
from tikhub_tui.ui.screens.race import RaceScreen
from tikhub_tui.ui.screens.race.keys import BINDINGS
from tikhub_tui.ui.widgets.prompt import KEYS as PROMPT_KEYS
from tikhub_tui.ui.widgets.prompt import OWN_BINDINGS as PROMPT_BINDINGS
from tikhub_tui.ui.widgets.prompt import PromptArea

pytestmark = pytest.mark.anyio

TAKEN_FIRST = {"ctrl+b", "ctrl+a", "ctrl+q", "ctrl+z", "ctrl+c", "ctrl+backslash"}
"""tmux's and screen's prefixes, flow control's resume, suspend, interrupt and quit."""
PANES = [PaneSpec("gpt-5", "openai", system="echo: A answers"),
         PaneSpec("claude-x", "anthropic", system="echo: B answers")]  # fmt: skip


def test_no_race_key_is_one_a_multiplexer_or_a_terminal_takes_first() -> None:
    for binding in BINDINGS:
        keys = set(getattr(binding, "key", "").split(","))
        assert not keys & TAKEN_FIRST, binding
    winner = next(b for b in BINDINGS if getattr(b, "id", "") == "race-winner")
    assert getattr(winner, "key", "") == "ctrl+f"  # F4 is files, F5-F8 the judging keys


async def test_the_winner_key_is_in_the_footer_the_help_and_the_rule_line() -> None:
    app = race_app(PANES)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await race_screen(pilot)
        await send(pilot, screen, "which?")
        footer = [(k.key, k.description) for k in screen.query(FooterKey)]
        assert ("ctrl+f", "Winner") in footer
        assert "Ctrl+F: one alone" in str(screen.query_one("#rule", Static).render())
        await pilot.press("ctrl+b")  # tmux's prefix: nothing happens here
        await pilot.pause()
        assert isinstance(app.screen, RaceScreen)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        race = app.screen.query_one("#race", DataTable)
        rows = [race.get_row_at(i) for i in range(race.row_count)]
        assert ["Ctrl+F", "Winner", "race-winner"] in rows
        tables = list(app.screen.query(DataTable))
        assert tables[0] is race  # help opened from the race starts at the race's keys


async def test_a_remapped_winner_key_is_the_one_the_rule_line_names() -> None:
    app = race_app(PANES, keymap={"race-winner": "f12"})
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await race_screen(pilot)
        await send(pilot, screen, "which?")
        assert "F12: one alone" in str(screen.query_one("#rule", Static).render())


def _keys(binding: object) -> set[str]:
    return {key.strip() for key in getattr(binding, "key", "").split(",")}


@pytest.mark.parametrize("screen", [RaceScreen, ChatScreen])
def test_no_screen_key_shadows_one_of_the_prompt_s(screen: type[Screen[object]]) -> None:
    prompt = set().union(*(_keys(b) for b in [*PROMPT_KEYS, *PROMPT_BINDINGS]))
    prompt |= set().union(*(_keys(b) for b in PromptArea.BINDINGS if getattr(b, "id", "")))
    taken = {key: b.action for _, b in screen._merged_bindings or () for key in _keys(b)}
    taken |= {key: getattr(b, "action", "") for b in TikhubApp.BINDINGS for key in _keys(b)}
    # Tab completes an @path in the prompt first in both (it moves on only when none is there)
    shadowed = {key: taken[key] for key in prompt & taken.keys() if key != "tab"}
    assert shadowed == {}
    assert {"alt+a", "alt+x"} <= prompt and not {"f6", "f7", "f8"} & prompt


async def test_the_prompt_s_keys_work_in_the_race_as_in_the_chat() -> None:
    app = race_app(PANES)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await race_screen(pilot)
        prompt = screen.query_one(PromptArea)
        await wait_until(pilot, lambda: prompt.has_focus, "the prompt's focus")
        prompt.load_text("first line\nsecond line")
        await pilot.press("alt+a")
        assert prompt.selected_text == "first line\nsecond line"
        await pilot.press("alt+x")
        assert prompt.text == ""
        await pilot.press("ctrl+z")
        assert prompt.text == "first line\nsecond line"
        await pilot.press("f8")  # the race's: blind on, the prompt untouched
        await pilot.pause()
        assert screen.judging.hiding and prompt.text == "first line\nsecond line"
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        tables = [t.id for t in app.screen.query(DataTable)]
        assert tables.index("prompt") < tables.index("chat")  # the race's prompt keys, shown
        table = app.screen.query_one("#prompt", DataTable)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert ["Alt+A", "Select all the prompt", "prompt-select-all"] in rows


async def test_the_footer_at_80x24_shows_help_files_and_the_judging_keys() -> None:
    app = race_app([PaneSpec(m, p, system="tps: 5 lorem: 200")
                    for m, p in (("gpt-5", "openai"), ("claude-x", "anthropic"))])  # fmt: skip
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await race_screen(pilot)
        await pilot.pause()
        keys = {k.key: k for k in screen.query(FooterKey)}
        palette = next(k for k in screen.query(FooterKey) if k.has_class("-command-palette"))
        whole = {key for key, k in keys.items() if k.region.width and
                 k.region.right <= palette.region.x}  # fmt: skip
        assert {"f1", "f4", "f8", "f5", "f6", "f7", "ctrl+f"} <= whole, sorted(whole)
        await send(pilot, screen, "Go slowly.", wait=False)
        await wait_until(pilot, lambda: screen.streaming, "the stream")
        await pilot.pause()
        keys = {k.key: k for k in screen.query(FooterKey)}
        palette = next(k for k in screen.query(FooterKey) if k.has_class("-command-palette"))
        order = [k.key for k in sorted(keys.values(), key=lambda k: k.region.x) if k is not palette]
        assert order[:3] == ["escape", "ctrl+t", "f1"], order  # what stops it, then help
        await pilot.press("escape")


async def test_help_lists_every_race_key() -> None:
    app = race_app(PANES)
    async with app.run_test(size=(160, 45)) as pilot:
        await race_screen(pilot)
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "help")
        race = app.screen.query_one("#race", DataTable)
        listed = {race.get_row_at(i)[2] for i in range(race.row_count)}
        ids = {b.id for b in RaceScreen.BINDINGS if isinstance(b, Binding) and b.description}
        assert ids and ids <= listed, ids - listed
        assert {"race-attach", "race-blind", "race-diff", "race-vote", "race-judge"} <= listed
