"""The race screen driven as a user would: keys and prompts, against the embedded gateway.

Every pane gets its speed and fault from its own system prompt (the gateway reads directives
there), so one prompt races fast, slow, failing and dropped models at once.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Label, Static

from tests.conftest import FAKE_KEY
from tests.ui.conftest import Notices, chat, quiet, wait_until
from tikhub_tui.core import secrets
from tikhub_tui.core.race.panes import PaneSpec
from tikhub_tui.core.race.sets import sets_file
from tikhub_tui.core.secrets import ResolvedKey
from tikhub_tui.core.settings import Settings
from tikhub_tui.core.store import Store
from tikhub_tui.ui.app import TikhubApp
from tikhub_tui.ui.screens.race import RaceScreen
from tikhub_tui.ui.screens.race.picker import RacePicker
from tikhub_tui.ui.widgets.answer import AnswerView
from tikhub_tui.ui.widgets.prompt import PromptArea
from tikhub_tui.ui.widgets.race_board import Layout, PaneBoard, layout_for
from tikhub_tui.ui.widgets.race_pane import RacePane
from tikhub_tui.ui.widgets.race_tabs import PaneTabs
from tikhub_tui.ui.widgets.transcript import UserMessage

pytestmark = pytest.mark.anyio

PANES = [
    PaneSpec("gpt-5", "openai", system="tps: 0 think: 6"),
    PaneSpec("claude-sonnet-4-5", "anthropic", system="tps: 0"),
    PaneSpec("gemini-2.5-flash", "gemini", system="error: 500"),
]


def race_app(panes: list[PaneSpec] = PANES, **settings: object) -> TikhubApp:
    chosen = {"max_retries": 0, "show_timings": False, **settings}
    return TikhubApp(Settings(cursor_blink=False, **chosen), demo=True, race=panes)  # type: ignore[arg-type]


async def race_screen(pilot: Pilot[None]) -> RaceScreen:
    app = pilot.app
    assert isinstance(app, TikhubApp)
    await app.access_ready.wait()
    await wait_until(pilot, lambda: isinstance(app.screen, RaceScreen), "the race screen")
    screen = app.screen
    assert isinstance(screen, RaceScreen)
    await wait_until(pilot, lambda: len(screen.streams.panes) > 0, "the panes")
    return screen


async def send(pilot: Pilot[None], screen: RaceScreen, text: str, *, wait: bool = True) -> None:
    prompt = screen.query_one(PromptArea)
    prompt.focus()
    prompt.load_text(text)
    await pilot.press("enter")
    await wait_until(pilot, lambda: screen.race is not None and screen.race.exchanges != [],
                     "the round to start")
    if wait:
        await until_over(pilot, screen)


async def until_over(pilot: Pilot[None], screen: RaceScreen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    await pilot.pause(0.05)
    while screen.streaming:
        assert time.monotonic() < deadline, "the race did not end in time"
        await pilot.pause(0.05)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.1)


def figures(pane: RacePane) -> str:
    return str(pane.query_one("#figures", Static).render())


async def test_every_pane_streams_on_its_own_and_ends_with_badges() -> None:
    app = race_app(show_timings=True)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await race_screen(pilot)
        await send(pilot, screen, "lorem: 120")
        a, b, c = screen.streams.panes
        assert a.answer is not None and b.answer is not None and c.answer is not None
        assert a.answer.text.endswith("END 120") and b.answer.text.endswith("END 120")
        assert a.answer.reasoning  # streamed into its collapsed section
        assert figures(a).startswith("✓ done") and "tok/s" in figures(a) and "byte" in figures(a)
        assert figures(c).startswith("✗ error")
        error = str(c.answer.query_one("#error", Static).render())
        assert "HTTP 500" in error and "retry the pane (Ctrl+R)" in error
        badges = [str(p.border_subtitle or "") for p in (a, b, c)]
        assert sum("first token" in s for s in badges) == 1
        assert "fastest" in badges[0] + badges[1] and "first done" in badges[0] + badges[1]
        assert badges[2] == ""  # a failed pane wins nothing but maybe its first token
        assert "Round 1" in str(screen.query_one("#rule", Static).render())
        session_id = screen.race.session_id if screen.race else None
        assert session_id is not None
    store = Store.open()
    [stored] = store.races(session_id)
    assert [p.model for p in stored.panes] == ["gpt-5", "claude-sonnet-4-5", "gemini-2.5-flash"]
    assert {a.times.ending for a in stored.answers} == {"done", "error"}
    store.close()


async def test_stop_one_pane_then_all() -> None:
    slow = [PaneSpec("gpt-5", "openai", system="tps: 20"),
            PaneSpec("claude-x", "anthropic", system="tps: 20"),
            PaneSpec("gemini-2.5-flash", "gemini", system="tps: 20")]
    async with race_app(slow).run_test(size=(160, 45)) as pilot:
        screen = await race_screen(pilot)
        await send(pilot, screen, "lorem: 2000", wait=False)
        await wait_until(pilot, lambda: all(p.answer and p.answer.text for p in
                                            screen.streams.panes), "text in every pane")
        await pilot.press("tab")  # pane B
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: 1 not in screen.streams.live, "B to stop")
        assert set(screen.streams.live) == {0, 2}  # the others go on
        await pilot.press("escape")
        await until_over(pilot, screen)
        race = screen.race
        assert race is not None
        assert [lane.exchange.tally.ending for lane in race.lanes if lane.exchange] == [
            "stopped"] * 3
        assert all(figures(p).startswith("■ stopped") for p in screen.streams.panes)


async def test_retry_one_pane_keeps_the_others() -> None:
    async with race_app().run_test(size=(160, 45)) as pilot:
        screen = await race_screen(pilot)
        await send(pilot, screen, "echo: first try")
        first = [p.answer for p in screen.streams.panes]
        await pilot.press("shift+tab")  # from A back to C, the failed pane
        assert screen.current == 2
        screen.specs[2] = PaneSpec("gemini-2.5-flash", "gemini")
        assert screen.race is not None
        screen.race.lanes[2].spec = screen.specs[2]  # the fault is gone
        await pilot.press("ctrl+r")
        await until_over(pilot, screen)
        c = screen.streams.panes[2]
        assert c.answer is not first[2] and c.answer is not None and c.answer.text == "first try"
        assert figures(c).startswith("✓ done")
        assert [p.answer for p in screen.streams.panes[:2]] == first[:2]  # untouched


async def test_follow_ups_race_again_each_pane_in_its_own_thread() -> None:
    panes = [PaneSpec("gpt-5", "openai", system="echo: from A"),
             PaneSpec("claude-x", "anthropic", system="echo: from B")]
    async with race_app(panes).run_test(size=(160, 45)) as pilot:
        screen = await race_screen(pilot)
        await send(pilot, screen, "first")
        await send(pilot, screen, "second")
        race = screen.race
        assert race is not None and race.round == 2
        a, b = (lane.exchange for lane in race.lanes)
        assert a is not None and b is not None
        assert [m.text for m in a.conversation.messages] == ["first", "from A", "second"]
        assert [m.text for m in b.conversation.messages] == ["first", "from B", "second"]
        thread = screen.streams.panes[0].thread
        assert [w.text for w in thread.query(UserMessage)] == ["first", "second"]
        assert len(thread.query(AnswerView)) == 2
        assert "each model in its own thread" in str(screen.query_one("#rule", Static).render())


async def test_the_winner_goes_on_as_the_chat() -> None:
    panes = [PaneSpec("gpt-5", "openai", system="echo: A answers"),
             PaneSpec("claude-x", "anthropic", system="echo: B answers")]
    notices = Notices()
    app = race_app(panes)
    async with app.run_test(size=(160, 45), message_hook=notices) as pilot:
        screen = await race_screen(pilot)
        await send(pilot, screen, "which?")
        await pilot.press("tab")
        await pilot.press("ctrl+f")
        await wait_until(pilot, lambda: not isinstance(app.screen, RaceScreen), "the chat")
        chat_screen = chat(app)
        await wait_until(pilot, lambda: chat_screen.chat.last_answer() is not None,
                         "the winner's answer in the chat")
        answer = chat_screen.chat.last_answer()
        assert answer is not None and answer.text == "B answers"
        assert (app.provider, app.model) == ("anthropic", "claude-x")
        assert notices.about("stay in the session as branches")
        history = chat_screen.chat.history()
        assert [m.text for m in history] == ["which?", "B answers"]


@pytest.mark.parametrize(
    ("count", "size", "expected"),
    [
        (2, (80, 16), Layout("columns", 2, 1)),
        (3, (80, 16), Layout("single", 1, 1)),  # 26 columns each: tabs
        (3, (120, 32), Layout("columns", 3, 1)),
        (4, (120, 32), Layout("grid", 2, 2)),
        (6, (120, 32), Layout("grid", 3, 2)),
        (6, (200, 42), Layout("grid", 3, 2)),
        (6, (118, 32), Layout("single", 1, 1)),
        (4, (120, 18), Layout("single", 1, 1)),  # two rows of 9 lines: too short
    ],
)
def test_the_layout_stays_readable(count: int, size: tuple[int, int], expected: Layout) -> None:
    assert layout_for(count, *size) == expected
    assert layout_for(count, *size, zoomed=True) == Layout("single", 1, 1)


async def test_a_narrow_terminal_shows_one_pane_and_tabs() -> None:
    async with race_app().run_test(size=(80, 24)) as pilot:
        screen = await race_screen(pilot)
        await send(pilot, screen, "echo: narrow")
        tabs = screen.query_one(PaneTabs)
        assert tabs.display and tabs.has_class("-shown")
        shown = [p.index for p in screen.streams.panes if p.display]
        assert shown == [0]
        texts = [str(tab.render()) for tab in tabs.children]
        assert texts[0].startswith("A ✓") and texts[2].startswith("C ✗")
        await pilot.press("tab")
        assert [p.index for p in screen.streams.panes if p.display] == [1]
        await pilot.resize_terminal(200, 50)
        await wait_until(
            pilot, lambda: all(p.display for p in screen.streams.panes), "every pane shown"
        )
        assert not screen.query_one(PaneTabs).has_class("-shown")


async def test_zoom_shows_the_selected_pane_full_width_and_back() -> None:
    async with race_app().run_test(size=(160, 45)) as pilot:
        screen = await race_screen(pilot)
        await pilot.press("tab", "ctrl+g")
        assert [p.index for p in screen.streams.panes if p.display] == [1]
        assert screen.query_one(PaneBoard).layout_now.mode == "single"
        assert "zoomed" in str(screen.query_one("#rule", Static).render())
        await pilot.press("ctrl+g")
        assert all(p.display for p in screen.streams.panes)


async def test_scrolling_together_goes_by_position_in_the_answer() -> None:
    panes = [PaneSpec("gpt-5", "openai", system="tps: 0 lorem: 300"),
             PaneSpec("claude-x", "anthropic", system="tps: 0 lorem: 900")]
    async with race_app(panes).run_test(size=(120, 40)) as pilot:
        screen = await race_screen(pilot)
        await send(pilot, screen, "go")
        a, b = (p.thread for p in screen.streams.panes)
        await wait_until(pilot, lambda: a.max_scroll_y > 0 and b.max_scroll_y > a.max_scroll_y,
                         "answers taller than their panes")
        await pilot.press("ctrl+s")  # together
        await pilot.press("pageup")  # the selected pane, A, a page up

        def together() -> bool:
            share_a, share_b = a.scroll_y / a.max_scroll_y, b.scroll_y / b.max_scroll_y
            return 0.05 < share_a < 0.95 and abs(share_a - share_b) < 0.05

        await wait_until(pilot, together, "B as far down its longer answer as A")
        assert b.scroll_y > a.scroll_y  # by position in the answer, not by lines
        await pilot.press("ctrl+s")  # apart again
        where = b.scroll_y
        await pilot.press("pageup")
        await wait_until(pilot, lambda: a.scroll_y == 0, "A at its top")
        await pilot.pause(0.2)
        assert b.scroll_y == where


async def test_no_models_opens_the_picker_and_it_races_them(isolated_env: Path) -> None:
    app = TikhubApp(quiet(), demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.access_ready.wait()
        await pilot.press("f3")
        await wait_until(pilot, lambda: isinstance(app.screen, RacePicker), "the picker")
        picker = app.screen
        assert isinstance(picker, RacePicker)
        await pilot.press("enter")  # gpt-5 in
        await pilot.press("plus")  # and once more (other settings)
        await pilot.press("down", "enter")  # gpt-5-mini in
        assert [p.model for p in picker.panes] == ["gpt-5", "gpt-5", "gpt-5-mini"]
        await pilot.press("enter")  # gpt-5-mini out again
        assert [p.model for p in picker.panes] == ["gpt-5", "gpt-5"]
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, RaceScreen), "the race")
        screen = app.screen
        assert isinstance(screen, RaceScreen)
        await wait_until(pilot, lambda: len(screen.streams.panes) == 2, "two panes")
        await app.workers.wait_for_complete()
    assert 'model = "gpt-5"' in sets_file().read_text()  # remembered as the last set


async def test_a_pane_s_own_settings_show_in_its_header() -> None:
    async with race_app([PaneSpec("gpt-5", "openai"), PaneSpec("claude-x", "anthropic")]).run_test(
        size=(160, 45)
    ) as pilot:
        screen = await race_screen(pilot)
        await pilot.press("tab", "ctrl+o")
        await wait_until(pilot, lambda: type(pilot.app.screen).__name__ == "PaneOptionsScreen",
                         "the pane's settings")
        await pilot.press(*"8000")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: pilot.app.screen is screen, "back on the race")
        await pilot.pause(0.1)
        pane = screen.streams.panes[1]
        assert "reasoning 8,000" in str(pane.border_title)
        assert screen.specs[1].reasoning is not None and screen.specs[1].reasoning.budget == 8000


async def test_a_saved_set_is_picked_edited_and_saved_again(isolated_env: Path) -> None:
    from textual.widgets import Select

    from tikhub_tui.core.race.sets import ModelSets, load_sets, save_sets

    fast = [PaneSpec("gpt-5-mini", "openai"), PaneSpec("claude-haiku-4-5", "anthropic")]
    save_sets(ModelSets({"fast": fast}))
    app = TikhubApp(quiet(), demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.access_ready.wait()
        await pilot.press("f3")
        await wait_until(pilot, lambda: isinstance(app.screen, RacePicker), "the picker")
        picker = app.screen
        assert isinstance(picker, RacePicker) and picker.panes == []
        picker.query_one("#sets", Select).value = "fast"  # picked from the list
        await wait_until(pilot, lambda: picker.panes == fast, "the set's models")
        picker.query_one("#catalogue").focus()
        await pilot.press("enter")  # gpt-5 joins them
        assert [p.model for p in picker.panes] == ["gpt-5-mini", "claude-haiku-4-5", "gpt-5"]
        await pilot.click("#save-set")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "SetNameScreen", "a name")
        await pilot.press("enter")  # under its own name again
        await wait_until(pilot, lambda: app.screen is picker, "back in the picker")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, RaceScreen), "the race")
        screen = app.screen
        assert isinstance(screen, RaceScreen)
        await wait_until(pilot, lambda: len(screen.streams.panes) == 3, "three panes")
        await app.workers.wait_for_complete()
    saved, problems = load_sets(lambda model: "openai")
    assert problems == []
    assert [p.model for p in saved.sets["fast"]] == ["gpt-5-mini", "claude-haiku-4-5", "gpt-5"]
    assert [p.model for p in saved.last] == ["gpt-5-mini", "claude-haiku-4-5", "gpt-5"]


async def test_the_status_line_says_the_key_once_it_is_found(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TIKHUB_API_KEY", FAKE_KEY)
    found = secrets.resolve_key

    def slow() -> ResolvedKey | None:  # found after the race screen shows
        time.sleep(1.0)
        return found()

    monkeypatch.setattr(secrets, "resolve_key", slow)
    app = TikhubApp(Settings(cursor_blink=False), race=PANES)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await race_screen(pilot)
        status = screen.query_one("#status", Label)
        await wait_until(pilot, lambda: "key from" in str(status.render()), "the key")
        assert "looking for" not in str(status.render())
